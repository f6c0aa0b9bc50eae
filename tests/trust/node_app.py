"""A minimal real node for the acceptance tests: the real verifier in front of one exchange route.

Started by the tests as ``uvicorn tests.trust.node_app:create_app --factory`` with its
configuration in ``SVTEST_*`` environment variables (the real exchange endpoint comes later).
"""

# No "from __future__ import annotations": FastAPI must see the Depends() on a local verifier.

import asyncio
import datetime as dt
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from singleview.db import create_engine
from singleview.trust.cache import RegisterCache
from singleview.trust.keys import load_signing_key
from singleview.trust.register import read_anchor
from singleview.trust.signing import VerifiedRequest, ensure_requester_matches
from singleview.trust.verification import RequestVerifier


def _claimed_requester(parameters: dict[str, Any]) -> str | None:
    """The ``request.requester`` identifier value of a FHIR Parameters body, if present."""
    for parameter in parameters.get("parameter", []):
        if parameter.get("name") == "request":
            for part in parameter.get("part", []):
                if part.get("name") == "requester":
                    value = part.get("valueIdentifier", {}).get("value")
                    return value if isinstance(value, str) else None
    return None


def create_app() -> FastAPI:
    """The node, configured from the environment the test process set."""
    env = os.environ
    engine = create_engine(env["SVTEST_DATABASE_URL"])
    cache = RegisterCache(
        read_anchor(Path(env["SVTEST_ANCHOR"])), env["SVTEST_REGISTER"], engine=engine
    )
    verifier = RequestVerifier(
        node_id=env["SVTEST_NODE_ID"],
        register=cache,
        engine=engine,
        node_key=load_signing_key(env["SVTEST_NODE_KEY"]),
    )
    refresh = dt.timedelta(seconds=float(env.get("SVTEST_REFRESH_SECONDS", "0.5")))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        cache.refresh()
        task = asyncio.create_task(cache.keep_fresh(refresh))
        yield
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task

    app = FastAPI(lifespan=lifespan)
    verifier.install(app)

    @app.get("/health")
    def health() -> JSONResponse:
        status = cache.status()
        return JSONResponse({"usable": status.usable, "serial": status.serial})

    @app.post("/fhir/Patient/$person-info-query")
    async def person_info_query(
        request: Request, signer: Annotated[VerifiedRequest, Depends(verifier)]
    ) -> Any:
        parameters = await request.json()
        ensure_requester_matches(signer, _claimed_requester(parameters))
        answer = {
            "resourceType": "Parameters",
            "parameter": [{"name": "match", "valueBoolean": False}],
        }
        return verifier.answer(signer, answer)

    return app
