"""A node on PostgreSQL with two uvicorn workers picks up a new policy version without a restart.

The new version is recorded straight into the node's database through the governance service,
as another worker or the IG page would record it: neither worker is told, so each must find it
on its own (within about a second) for every answer to name the new version.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import httpx
import pytest

from singleview.db import create_engine, session_factory
from singleview.governance.documents import policy_version, starter_policies
from singleview.governance.policies import record_policies
from singleview.standards.fhir import enquiry_to_parameters, parse_answer, to_json
from singleview.trust.signing import SIGNATURE_HEADER, sign_request
from tests.e2e.postgres_node import police_on_postgres
from tests.exchange import world
from tests.exchange.conftest import s47_enquiry

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

S47 = "sv-statutory-s47"
#: Answers in a row that must all name the new version (spread over both workers).
IN_A_ROW = 12


def test_both_workers_decide_with_a_version_recorded_behind_their_backs(
    tmp_path: Path, postgres_url: str
) -> None:
    engine = create_engine(postgres_url)
    with police_on_postgres(tmp_path, postgres_url, workers=2) as police:
        url, key = police.operation_url, police.council_key
        body = json.dumps(to_json(enquiry_to_parameters(s47_enquiry(world.JANE)))).encode()

        def version_applied() -> int | None:
            token = sign_request(
                key, issuer="council-csc", audience="police", method="POST", uri=url, body=body
            ).token
            headers = {SIGNATURE_HEADER: token, "Content-Type": "application/fhir+json"}
            response = httpx.post(url, content=body, headers=headers, timeout=60)
            assert response.status_code == 200, response.text
            decision = parse_answer(response.content).decision
            assert decision is not None
            assert decision.policy_id == S47
            return decision.policy_version

        assert {version_applied() for _ in range(IN_A_ROW)} == {1}
        current = next(v for v in starter_policies() if v.policy_id == S47)
        newer = policy_version(current.policy.model_copy(update={"version": 2}))
        record_policies(
            session_factory(engine), [(newer, "web:ig-1")], recorded_at=dt.datetime.now(dt.UTC)
        )
        give_up = time.monotonic() + 60
        in_a_row = 0
        while in_a_row < IN_A_ROW:
            in_a_row = in_a_row + 1 if version_applied() == 2 else 0
            assert time.monotonic() < give_up, "the workers never decided with version 2"
    engine.dispose()
