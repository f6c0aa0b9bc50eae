"""Fixtures for trust tests: a world on disk and a real node process serving it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.trust.world import NODE_ID, World

REPO_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody is listening on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_node(
    world: World, database_url: str, extra_args: tuple[str, ...] = (), scheme: str = "http"
) -> Iterator[str]:
    """Start the test node as a real uvicorn process on loopback; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "SVTEST_DATABASE_URL": database_url,
        "SVTEST_ANCHOR": str(world.anchor_path),
        "SVTEST_REGISTER": str(world.register_path),
        "SVTEST_NODE_ID": NODE_ID,
        "SVTEST_NODE_KEY": str(world.key_path(NODE_ID)),
        "SVTEST_REFRESH_SECONDS": "0.5",
    }
    log = (world.root / f"node-{port}.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "tests.trust.node_app:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", *extra_args,
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"{scheme}://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"node exited with {process.returncode}: {Path(log.name).read_text()}"
                )
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("node did not start listening within 30 s") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def outcome_code(response: httpx.Response) -> str:
    """The coded reason of a refusal's OperationOutcome."""
    body = response.json()
    assert body["resourceType"] == "OperationOutcome", body
    return str(body["issue"][0]["details"]["coding"][0]["code"])
