"""The police's node on PostgreSQL, served by ``singleview node serve --workers N``."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from singleview.exchange.network import (
    Network,
    build_network,
    serve_command,
    wait_until_up,
)
from singleview.trust.keys import SigningKey, load_signing_key
from tests.e2e.conftest import _free_port
from tests.exchange import world
from tests.postgres_nodes import move_to_postgres


@dataclass(frozen=True)
class ServedNode:
    """The running police node, and the council's key to sign requests to it with."""

    network: Network
    operation_url: str
    council_key: SigningKey


@contextmanager
def police_on_postgres(tmp_path: Path, postgres_url: str, workers: int) -> Iterator[ServedNode]:
    """Build the council and the police, put the police on ``postgres_url``, and serve it."""
    ports = {org: _free_port() for org in world.records()}
    specs = [s for s in world.specs(ports) if s.organisation_id in ("council-csc", "police")]
    network = build_network(tmp_path, specs, {"police": world.records()["police"]})
    move_to_postgres(
        network,
        "police",
        postgres_url,
        world.records()["police"],
        world.contact("Northmoor Police"),
    )
    config = network.configs["police"]
    process = subprocess.Popen(serve_command(config, workers=workers))
    try:
        police_only = Network(
            tmp_path, {"police": config}, {"police": network.endpoints["police"]}, ""
        )
        wait_until_up(police_only, timeout=240)
        yield ServedNode(
            network,
            network.endpoints["police"] + "/fhir/Patient/$person-info-query",
            load_signing_key(network.key_files["council-csc"]),
        )
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
