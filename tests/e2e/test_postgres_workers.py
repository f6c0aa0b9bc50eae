"""A node on PostgreSQL with several uvicorn workers: nothing shared lives in a process."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from singleview.audit import AuditLog
from singleview.db import create_engine
from singleview.standards.fhir import enquiry_to_json, enquiry_to_parameters, to_json
from singleview.trust.signing import SIGNATURE_HEADER, sign_request
from tests.e2e.postgres_node import police_on_postgres
from tests.exchange import world
from tests.exchange.conftest import s47_enquiry

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_two_workers_share_replay_cache_and_audit_log(tmp_path: Path, postgres_url: str) -> None:
    with police_on_postgres(tmp_path, postgres_url, workers=2) as police:
        url, key = police.operation_url, police.council_key
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
        health = police.network.endpoints["police"] + "/health"
        assert len({httpx.get(health, timeout=60).json()["worker"] for _ in range(24)}) == 2
        engine = create_engine(postgres_url)
        assert AuditLog(engine, "police").size() == 12
        engine.dispose()


def test_an_overlong_request_id_is_a_400_naming_it_not_a_500(
    tmp_path: Path, postgres_url: str
) -> None:
    # The audit log keeps request ids in 200 characters; PostgreSQL refused a longer one after
    # the decision, and the responder answered 500 with nothing logged.
    with police_on_postgres(tmp_path, postgres_url, workers=1) as police:
        url, key = police.operation_url, police.council_key
        enquiry = s47_enquiry(world.JANE)
        body = json.dumps(enquiry_to_json(enquiry)).replace(enquiry.request_id or "", "r" * 201)
        token = sign_request(
            key, issuer="council-csc", audience="police", method="POST", uri=url,
            body=body.encode(),
        ).token  # fmt: skip
        headers = {SIGNATURE_HEADER: token, "Content-Type": "application/fhir+json"}
        answer = httpx.post(url, content=body, headers=headers, timeout=60)
        assert answer.status_code == 400
        (issue,) = answer.json()["issue"]
        assert issue["expression"] == ["Parameters.parameter[request].part[identifier]"]
        assert "at most 200 characters" in issue["details"]["text"]
