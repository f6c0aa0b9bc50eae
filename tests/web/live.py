"""A live network for the browser tests: five real node processes with the pages mounted.

Built from the exchange tests' small hand-made area (``tests.exchange.world``), each node with
one account per role, every node started with ``singleview node serve`` on loopback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

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
from tests.postgres_nodes import move_to_postgres
from tests.web.conftest import page_text, sign_in

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


def build(folder: Path, on_postgres: Mapping[str, str] | None = None) -> Network:
    """The network on disk, with the demo accounts on every node. A node named in
    ``on_postgres`` keeps its records, accounts and logs in that PostgreSQL database instead
    of its SQLite file."""
    ports = dict(zip(ORGANISATIONS, free_ports(len(ORGANISATIONS)), strict=True))
    specs = world.specs(ports)
    network = build_network(folder, specs, world.records(), deadline=3.0, review_poll_seconds=0.5)
    for spec in specs:
        organisation_id = spec.organisation_id
        database_url = f"sqlite:///{folder / organisation_id / 'node.db'}"
        if organisation_id in (on_postgres or {}):
            database_url = (on_postgres or {})[organisation_id]
            move_to_postgres(
                network, organisation_id, database_url, world.records()[organisation_id],
                spec.contact,
            )  # fmt: skip
        engine = create_engine(database_url)
        demo_accounts(session_factory(engine), dt.datetime.now(dt.UTC), password=PASSWORD)
        engine.dispose()
    return network


@contextlib.contextmanager
def running(
    network: Network,
    timeout: float = 120.0,
    env: dict[str, str] | None = None,
    workers: Mapping[str, int] | None = None,
) -> Iterator[LiveNetwork]:
    """Start every node as its own process (with ``env`` added to this one's environment, and
    the uvicorn ``workers`` asked for, one by default); stop them (and only them) afterwards."""
    processes: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    try:
        for organisation_id, config in network.configs.items():
            log = (config.parent / "node.log").open("wb")
            processes.append(
                subprocess.Popen(
                    serve_command(config, workers=(workers or {}).get(organisation_id, 1)),
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


def signed_in(base: str, username: str) -> tuple[httpx.Client, str]:
    """An HTTP client signed in to the node at ``base``, and its CSRF token."""
    client = httpx.Client(base_url=base, timeout=30.0)
    return client, sign_in(client, username, PASSWORD)


def ask(client: httpx.Client, token: str) -> str:
    """A practitioner sends one early-help enquiry from the form; returns its id."""
    response = client.post(
        "/enquiries/new",
        data={
            "csrf_token": token,
            "given_names": "Jane",
            "family_name": "Smith",
            "dob-day": "1",
            "dob-month": "5",
            "dob-year": "2015",
            "purpose": "early-help",
            "consent": "given",
            "case_reference": "EH-2026-7",
        },
    )
    assert response.status_code == 303, page_text(response.text)
    found = re.fullmatch(r"/enquiries/([^/]+)", response.headers["location"])
    assert found, response.headers["location"]
    return found.group(1)


def partner_states(client: httpx.Client, enquiry_id: str) -> dict[str, str]:
    """Each partner's state in the practitioner's single view, as its page polls it."""
    partners = client.get(f"/enquiries/{enquiry_id}/partners.json").json()["partners"]
    return {p["organisation"]: p["state"] for p in partners}


def wait_for(
    client: httpx.Client, enquiry_id: str, organisation: str, state: str, seconds: float = 60.0
) -> None:
    """Poll the single view until ``organisation`` is in ``state``; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    seen = partner_states(client, enquiry_id)
    while seen[organisation] != state and time.monotonic() < deadline:
        time.sleep(0.2)
        seen = partner_states(client, enquiry_id)
    assert seen[organisation] == state, f"after {seconds} s: {seen}"
