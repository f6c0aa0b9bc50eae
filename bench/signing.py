"""Benchmark: signature verifications per second, and the latency signing adds to a request.

    uv run python bench/signing.py [--verifications 3000] [--requests 300] [--database-url URL]

Part 1 times, in this process, raw Ed25519 verification (cryptography, the floor), the full
request check (``verify_request``: parse, register lookup, signature, claims) and signing.
Part 2 starts a real node (uvicorn, one worker, loopback) serving the same tiny route twice:
``/unsigned/...`` with no trust layer, ``/signed/...`` behind the real verifier (replay row in
the database, signed answer), called by the real client auth (signs, verifies the answer).
Requests alternate between the two so both see the same machine load. Prints markdown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response

from singleview.db import create_engine, migrate
from singleview.standards.organisation import Organisation
from singleview.trust.cache import RegisterCache
from singleview.trust.client import SignedExchangeAuth, verified_answer
from singleview.trust.keys import create_keyring, load_signing_key, read_keyring
from singleview.trust.register import (
    RegisterDraft,
    issue,
    read_anchor,
    sign_register,
    with_organisation,
    write_json,
)
from singleview.trust.signing import VerifiedRequest, sign_request, verify_request
from singleview.trust.verification import RequestVerifier

NODE, REQUESTER = "bench-node", "bench-requester"
PATH = "/fhir/Patient/$person-info-query"
BODY = (
    b'{"resourceType":"Parameters","parameter":[{"name":"request","part":[{"name":"requester",'
    b'"valueIdentifier":{"value":"bench-requester"}}]}]}'
)


def build(directory: Path) -> None:
    """Authority, two organisations, a signed register: the same files a deployment has."""
    now = dt.datetime.now(dt.UTC)
    create_keyring(directory / "authority", "authority", now=now)
    authority = read_keyring(directory / "authority")
    write_json(directory / "anchor.jwks.json", authority.jwks)
    draft = RegisterDraft(authority="authority")
    for organisation in (NODE, REQUESTER):
        create_keyring(directory / organisation, organisation, now=now)
        entry = Organisation.model_validate(
            {
                "id": organisation,
                "name": organisation,
                "type": "local-authority-childrens-social-care",
                "endpoint": f"https://{organisation}.example/api",
                "jwks": read_keyring(directory / organisation).jwks,
            }
        )
        draft = with_organisation(draft, entry)
    register, _ = issue(draft, now, dt.timedelta(hours=2))
    key = load_signing_key(authority.current_key_path(directory / "authority"))
    (directory / "register.jws").write_text(sign_register(register, key))


def current_key(directory: Path, owner: str) -> Any:
    """The owner's current signing key."""
    return load_signing_key(read_keyring(directory / owner).current_key_path(directory / owner))


def create_app(directory: Path, database_url: str) -> Any:
    """The benchmark node: one handler, mounted unsigned and behind the verifier."""
    engine = create_engine(database_url)
    cache = RegisterCache(read_anchor(directory / "anchor.jwks.json"), directory / "register.jws")
    cache.refresh()
    verifier = RequestVerifier(
        node_id=NODE, register=cache, engine=engine, node_key=current_key(directory, NODE)
    )
    app = FastAPI()
    verifier.install(app)
    answer = {"resourceType": "Parameters", "parameter": [{"name": "match", "valueBoolean": False}]}

    async def unsigned(request: Request) -> Response:
        await request.body()
        return Response(
            b'{"resourceType":"Parameters","parameter":[{"name":"match","valueBoolean":false}]}',
            media_type="application/fhir+json",
        )

    async def signed(request: Request, signer: VerifiedRequest = Depends(verifier)) -> Response:  # noqa: B008
        return verifier.answer(signer, answer)

    app.add_api_route(f"/unsigned{PATH}", unsigned, methods=["POST"])
    app.add_api_route(f"/signed{PATH}", signed, methods=["POST"])
    return app


def timed(function: Any, repeats: int) -> float:
    """Operations per second of ``function`` over ``repeats`` calls."""
    start = time.perf_counter()
    for _ in range(repeats):
        function()
    return repeats / (time.perf_counter() - start)


def part_one(directory: Path, repeats: int) -> list[tuple[str, float]]:
    """Verifications and signatures per second, in process."""
    key = current_key(directory, REQUESTER)
    cache = RegisterCache(read_anchor(directory / "anchor.jwks.json"), directory / "register.jws")
    cache.refresh()
    register = cache.current()
    uri = f"http://127.0.0.1:1{PATH}"
    token = sign_request(
        key, issuer=REQUESTER, audience=NODE, method="POST", uri=uri, body=BODY
    ).token
    public = key.private_key.public_key()
    raw_signature = key.private_key.sign(BODY)
    now = dt.datetime.now(dt.UTC)

    def check() -> None:
        verify_request(
            token, method="POST", uri=uri, body=BODY, register=register, node_id=NODE, now=now
        )

    return [
        (
            "raw Ed25519 verify (cryptography)",
            timed(lambda: public.verify(raw_signature, BODY), repeats),
        ),
        ("verify_request (JWS + register + claims)", timed(check, repeats)),
        (
            "sign_request",
            timed(
                lambda: sign_request(
                    key, issuer=REQUESTER, audience=NODE, method="POST", uri=uri, body=BODY
                ),
                repeats,
            ),
        ),
    ]


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def part_two(directory: Path, database_url: str, requests: int) -> dict[str, list[float]]:
    """Round-trip latencies (ms) for the unsigned and signed routes, interleaved."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--dir", str(directory),
         "--database-url", database_url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("benchmark node did not start") from None
                time.sleep(0.1)
        cache = RegisterCache(
            read_anchor(directory / "anchor.jwks.json"), directory / "register.jws"
        )
        cache.refresh()
        auth = SignedExchangeAuth(
            current_key(directory, REQUESTER), issuer=REQUESTER, responder=NODE, register=cache
        )
        times: dict[str, list[float]] = {"unsigned": [], "signed": []}
        with httpx.Client(timeout=10) as client:
            for index in range(requests + 20):
                for kind in ("unsigned", "signed"):
                    start = time.perf_counter()
                    if kind == "signed":
                        response = client.post(f"{base}/signed{PATH}", content=BODY, auth=auth)
                        verified_answer(response)
                    else:
                        response = client.post(f"{base}/unsigned{PATH}", content=BODY)
                    elapsed = (time.perf_counter() - start) * 1000
                    if response.status_code != 200:
                        raise RuntimeError(f"{kind}: {response.status_code} {response.text}")
                    if index >= 20:  # the first 20 rounds warm up connections and caches
                        times[kind].append(elapsed)
        return times
    finally:
        server.terminate()
        server.wait(timeout=10)


def percentile(values: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``values`` fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    """Run both parts and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verifications", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve is not None:
        import uvicorn

        app = create_app(args.dir, args.database_url)
        uvicorn.run(app, host="127.0.0.1", port=args.serve, log_level="warning", access_log=False)
        return

    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        build(directory)
        database_url = args.database_url or f"sqlite:///{directory / 'node.db'}"
        migrate(database_url)
        rates = part_one(directory, args.verifications)
        times = part_two(directory, database_url, args.requests)

    backend = database_url.split(":", 1)[0].split("+", 1)[0]
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, replay cache on {backend}\n")
    print("| operation (in process) | per second |")
    print("|---|---:|")
    for name, rate in rates:
        print(f"| {name} | {rate:,.0f} |")
    print(f"\n| route ({args.requests} sequential POSTs each, loopback) | median ms | p95 ms |")
    print("|---|---:|---:|")
    for kind in ("unsigned", "signed"):
        print(
            f"| {kind} | {statistics.median(times[kind]):.2f} "
            f"| {percentile(times[kind], 0.95):.2f} |"
        )
    added = statistics.median(times["signed"]) - statistics.median(times["unsigned"])
    added_p95 = percentile(times["signed"], 0.95) - percentile(times["unsigned"], 0.95)
    print(f"| **added by signing** | **{added:.2f}** | **{added_p95:.2f}** |")


if __name__ == "__main__":
    main()
