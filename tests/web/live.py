"""A live network for the browser tests: five real node processes with the pages mounted.

Built from the exchange tests' small hand-made area (``tests.exchange.world``), each node with
one account per role, every node started with ``singleview node serve`` on loopback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from singleview.db import create_engine, session_factory
from singleview.exchange.network import (
    Network,
    build_network,
    serve_command,
    stop_nodes,
    wait_until_up,
)
from singleview.web import demo_accounts
from tests.exchange import world

PASSWORD = "demo password for tests"
ORGANISATIONS = ("council-csc", "police", "nhs-trust", "academy-trust", "youth-justice")


def free_ports(count: int) -> list[int]:
    """Loopback ports free right now."""
    sockets = []
    try:
        for _ in range(count):
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            sockets.append(probe)
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


@dataclass
class LiveNetwork:
    """The running network: each node's base URL, and its process (to stop one on purpose)."""

    network: Network
    endpoints: dict[str, str]
    processes: dict[str, subprocess.Popen[bytes]]

    def stop(self, organisation_id: str) -> None:
        """Stop one node, so it cannot answer."""
        process = self.processes[organisation_id]
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)


def build(folder: Path) -> Network:
    """The network on disk, with the demo accounts on every node."""
    ports = dict(zip(ORGANISATIONS, free_ports(len(ORGANISATIONS)), strict=True))
    network = build_network(
        folder, world.specs(ports), world.records(), deadline=3.0, review_poll_seconds=0.5
    )
    for organisation_id in network.configs:
        engine = create_engine(f"sqlite:///{folder / organisation_id / 'node.db'}")
        demo_accounts(session_factory(engine), dt.datetime.now(dt.UTC), password=PASSWORD)
        engine.dispose()
    return network


@contextlib.contextmanager
def running(
    network: Network, timeout: float = 120.0, env: dict[str, str] | None = None
) -> Iterator[LiveNetwork]:
    """Start every node as its own process (with ``env`` added to this one's environment);
    stop them (and only them) afterwards."""
    processes: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    try:
        for config in network.configs.values():
            log = (config.parent / "node.log").open("wb")
            processes.append(
                subprocess.Popen(
                    serve_command(config),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                )
            )
        wait_until_up(network, timeout, processes=processes)
        yield LiveNetwork(
            network, dict(network.endpoints), dict(zip(network.configs, processes, strict=True))
        )
    finally:
        stop_nodes(processes)
