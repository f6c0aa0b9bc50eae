"""A real network on loopback: five node processes and three misbehaving partners.

The nodes are started exactly as ``singleview node serve`` starts them, one process each; the
misbehaving partners share one small process (``misbehaving.py``). A fifth partner, ``down``,
is in the register but nothing listens on its port.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from singleview.exchange.network import (
    Network,
    NodeSpec,
    build_network,
    serve_command,
    stop_nodes,
    wait_until_up,
)
from tests.exchange import world

MISBEHAVING = {"slow": "slow-partner", "garbage": "garbage-partner", "badsig": "badsig-partner"}
DOWN = "down-partner"
#: Long enough for a busy shared machine, far shorter than the slow partner's minute.
DEADLINE = 8.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveNetwork:
    """The running network and a JSON API client for each node."""

    network: Network
    processes: list[subprocess.Popen[bytes]]

    def api(self, organisation_id: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.network.endpoints[organisation_id],
            headers={"Authorization": f"Bearer {self.network.api_token}"},
            timeout=30.0,
        )

    def enquire(self, organisation_id: str, body: dict[str, Any]) -> str:
        with self.api(organisation_id) as client:
            response = client.post("/api/enquiries", json=body)
            assert response.status_code == 202, response.text
            return str(response.json()["id"])

    def view(
        self, organisation_id: str, enquiry_id: str, until: Any = None, timeout: float = 120.0
    ) -> dict[str, Any]:
        """Poll the single view until ``until(view)`` holds (default: no partner is asking)."""
        done = until or (lambda v: all(p["state"] != "asking" for p in v["partners"]))
        give_up = time.monotonic() + timeout
        with self.api(organisation_id) as client:
            while True:
                view: dict[str, Any] = client.get(f"/api/enquiries/{enquiry_id}").json()
                if done(view) or time.monotonic() > give_up:
                    return view
                time.sleep(0.3)


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveNetwork]:
    """Build the network, start every process, wait until all answer; stop them afterwards."""
    folder = tmp_path_factory.mktemp("live")
    ports = {org: _free_port() for org in world.records()}
    specs = world.specs(ports)
    odd_ports = {org: _free_port() for org in [*MISBEHAVING.values(), DOWN]}
    for organisation_id, port in odd_ports.items():
        specs.append(
            NodeSpec(
                organisation_id=organisation_id,
                name=f"Partner that is {organisation_id.removesuffix('-partner')}",
                organisation_type="school",
                services=("education",),
                port=port,
            )
        )
    network = build_network(
        folder, specs, world.records(), deadline=DEADLINE, review_poll_seconds=0.3
    )
    processes: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    try:
        for organisation_id in world.records():
            config = network.configs[organisation_id]
            log = (config.parent / "node.log").open("wb")
            processes.append(
                subprocess.Popen(serve_command(config), stdout=log, stderr=subprocess.STDOUT)
            )
        misbehaving = [
            f"{kind}:{org}:{odd_ports[org]}:{network.key_files[org]}"
            for kind, org in MISBEHAVING.items()
        ]
        processes.append(
            subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("misbehaving.py")), *misbehaving],
                env=env,
            )
        )
        real = Network(
            network.folder,
            {k: v for k, v in network.configs.items() if k in ports},
            {k: v for k, v in network.endpoints.items() if k in ports},
            network.api_token,
            network.key_files,
        )
        wait_until_up(real, timeout=280)
        yield LiveNetwork(network, processes)
    finally:
        stop_nodes(processes)
