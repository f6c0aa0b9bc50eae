"""Partners that misbehave, as one small real process serving several loopback ports.

``python tests/e2e/misbehaving.py KIND:ID:PORT:KEYFILE ...`` where KIND is

- ``slow``: accepts the request and answers only after a minute (longer than any deadline);
- ``garbage``: answers at once, correctly signed, with a body that is not a valid answer;
- ``badsig``: answers a well-formed "not known" whose signature was made with the wrong key.

Each kind is exactly what the single view must never report as "not known".
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn

from singleview.trust.jose import peek
from singleview.trust.keys import SigningKey, generate_signing_key, load_signing_key
from singleview.trust.signing import REQUEST_TYP, SIGNATURE_HEADER, sign_answer

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

NOT_KNOWN = {
    "resourceType": "Parameters",
    "parameter": [{"name": "match", "valueBoolean": False}],
}
GARBAGE = {
    "resourceType": "Parameters",
    "parameter": [{"name": "match", "valueString": "who can say?"}],
}


def partner(kind: str, organisation_id: str, key: SigningKey) -> Any:
    """An ASGI app that misbehaves in the way ``kind`` names."""
    wrong_key = SigningKey(key.kid, generate_signing_key(organisation_id).private_key)

    async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        headers = dict(scope["headers"])
        token = headers.get(SIGNATURE_HEADER.lower().encode(), b"").decode()
        _, claims = peek(token, REQUEST_TYP)
        if kind == "slow":
            await asyncio.sleep(60)
        body = json.dumps(GARBAGE if kind == "garbage" else NOT_KNOWN).encode()
        signature = sign_answer(
            wrong_key if kind == "badsig" else key,
            responder=organisation_id,
            requester=claims["iss"],
            request_jti=claims["jti"],
            status=200,
            body=body,
            now=dt.datetime.now(dt.UTC),
        )
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/fhir+json"),
                    (SIGNATURE_HEADER.encode(), signature.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


async def main(specs: list[str]) -> None:
    """Serve every partner given on its own port, in this one process."""
    servers = []
    for spec in specs:
        kind, organisation_id, port, key_file = spec.split(":", 3)
        app = partner(kind, organisation_id, load_signing_key(key_file))
        # A stop must not wait for the slow partner's 60 s sleep to finish.
        config = uvicorn.Config(
            app, host="127.0.0.1", port=int(port), log_level="warning", timeout_graceful_shutdown=1
        )
        servers.append(uvicorn.Server(config))
    await asyncio.gather(*(server.serve() for server in servers))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
