"""A node on PostgreSQL with several uvicorn workers: nothing shared lives in a process."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml

from singleview.audit import AuditLog
from singleview.db import create_engine
from singleview.exchange.network import Network, build_network, load_records, wait_until_up
from singleview.standards.fhir import enquiry_to_parameters, to_json
from singleview.trust.keys import load_signing_key
from singleview.trust.signing import SIGNATURE_HEADER, sign_request
from tests.exchange import world
from tests.exchange.conftest import s47_enquiry

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_two_workers_share_replay_cache_and_audit_log(tmp_path: Path, postgres_url: str) -> None:
    ports = {org: _port() for org in world.records()}
    specs = [s for s in world.specs(ports) if s.organisation_id in ("council-csc", "police")]
    network = build_network(tmp_path, specs, {"police": world.records()["police"]})
    config = network.configs["police"]
    data = yaml.safe_load(config.read_text())
    data["database_url"] = postgres_url
    config.write_text(yaml.safe_dump(data))
    load_records(postgres_url, world.records()["police"], world.contact("Northmoor Police"))
    command = [sys.executable, "-c", "from singleview.cli import app; app()", "node", "serve",
               "--config", str(config), "--workers", "2"]  # fmt: skip
    process = subprocess.Popen(command)
    try:
        police_only = Network(
            tmp_path, {"police": config}, {"police": network.endpoints["police"]}, ""
        )
        wait_until_up(police_only, timeout=240)
        url = network.endpoints["police"] + "/fhir/Patient/$person-info-query"
        key = load_signing_key(network.key_files["council-csc"])
        body = json.dumps(to_json(enquiry_to_parameters(s47_enquiry(world.JANE)))).encode()
        tokens = [
            sign_request(key, issuer="council-csc", audience="police", method="POST",
                         uri=url, body=body).token
            for _ in range(12)
        ]  # fmt: skip

        def send(token: str) -> int:
            headers = {SIGNATURE_HEADER: token, "Content-Type": "application/fhir+json"}
            return httpx.post(url, content=body, headers=headers, timeout=60).status_code

        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(send, tokens))
            # Every token again, concurrently: whichever worker gets it, it is a replay.
            replays = list(pool.map(send, tokens))
        assert statuses == [200] * 12
        assert replays == [401] * 12
        # Each worker listens on its own socket, so fresh connections reach both of them.
        health = network.endpoints["police"] + "/health"
        assert len({httpx.get(health, timeout=60).json()["worker"] for _ in range(24)}) == 2
        engine = create_engine(postgres_url)
        assert AuditLog(engine, "police").size() == 12
        engine.dispose()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
