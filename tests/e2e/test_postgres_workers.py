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
from singleview.trust.storage import list_refusals
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


def test_what_postgresql_cannot_keep_is_refused_never_a_500(
    tmp_path: Path, postgres_url: str
) -> None:
    # PostgreSQL refuses text longer than its column, and any NUL at all (SQLite keeps both):
    # these reached the audit log's and the refusal log's columns, and the node answered 500.
    with police_on_postgres(tmp_path, postgres_url, workers=1) as police:
        url, key = police.operation_url, police.council_key

        def enquire(old: str, new: str) -> httpx.Response:
            body = json.dumps(enquiry_to_json(s47_enquiry(world.JANE))).replace(old, new, 1)
            token = sign_request(
                key, issuer="council-csc", audience="police", method="POST", uri=url,
                body=body.encode(),
            ).token  # fmt: skip
            headers = {SIGNATURE_HEADER: token, "Content-Type": "application/fhir+json"}
            return httpx.post(url, content=body, headers=headers, timeout=60)

        request_part = "Parameters.parameter[request].part"
        for old, new, element, reason in (
            ('"req-', '"' + "r" * 190 + "req-", "identifier", "at most 200 characters"),
            ('"req-', '"r\\u0000req-', "identifier", "control characters"),
            ('"S47-2026-0042"', '"S47\\u00002026"', "caseReference", "control characters"),
        ):
            answer = enquire(old, new)
            assert answer.status_code == 400, answer.text
            (issue,) = answer.json()["issue"]
            assert issue["expression"] == [f"{request_part}[{element}]"]
            assert reason in issue["details"]["text"]
        # Unsigned, at an address with a NUL in it: refused, and the refusal is logged.
        base = police.network.endpoints["police"]
        assert httpx.get(f"{base}/fhir/enquiry/held%00", timeout=60).status_code == 401
        engine = create_engine(postgres_url)
        assert list_refusals(engine, limit=1)[0].path == "/fhir/enquiry/held\ufffd"
        engine.dispose()
        # The JSON API, from a case-management system.
        practitioner = {"identifier": "sw-1", "name": "Alex\u0000Social", "role": "social-worker"}
        started = httpx.post(
            f"{base}/api/enquiries",
            json={
                "practitioner": practitioner,
                "person": world.person(world.JANE).model_dump(mode="json", by_alias=True),
                "purpose": "s47-enquiry",
                "caseReference": "S47-2026-0042",
            },
            headers={"Authorization": f"Bearer {police.network.api_token}"},
            timeout=60,
        )
        assert started.status_code == 422, started.text
