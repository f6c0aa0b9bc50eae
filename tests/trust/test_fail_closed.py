"""A real node whose register copy has expired refuses all exchange until a good copy arrives."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import httpx
import pytest

from singleview.db import create_engine, migrate
from singleview.trust.signing import SIGNATURE_HEADER, sign_request
from singleview.trust.storage import list_refusals
from tests.trust.conftest import outcome_code, running_node
from tests.trust.world import NODE_ID, REQUESTER_ID, build_world

PATH = "/fhir/Patient/$person-info-query"
pytestmark = pytest.mark.slow  # starts a real node process


def test_an_expired_register_closes_the_door_and_a_fresh_one_reopens_it(tmp_path: Path) -> None:
    # The only register on offer expired an hour ago.
    world = build_world(tmp_path, now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    database_url = f"sqlite:///{tmp_path / 'node.db'}"
    migrate(database_url)
    body = json.dumps(
        {
            "resourceType": "Parameters",
            "parameter": [
                {
                    "name": "request",
                    "part": [{"name": "requester", "valueIdentifier": {"value": REQUESTER_ID}}],
                }
            ],
        }
    ).encode()

    def send(base: str) -> httpx.Response:
        token = sign_request(
            world.keys[REQUESTER_ID],
            issuer=REQUESTER_ID,
            audience=NODE_ID,
            method="POST",
            uri=f"{base}{PATH}",
            body=body,
        ).token
        return httpx.post(
            f"{base}{PATH}", content=body, headers={SIGNATURE_HEADER: token}, timeout=10
        )

    with running_node(world, database_url) as base:
        refused = send(base)
        assert refused.status_code == 503
        assert outcome_code(refused) == "register-unavailable"
        assert list_refusals(create_engine(database_url), limit=1)[0].reason == (
            "register-unavailable"
        )
        now = dt.datetime.now(dt.UTC)
        world.publish(world.draft, now, dt.timedelta(hours=1))
        deadline = time.monotonic() + 20
        while (response := send(base)).status_code == 503 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert response.status_code == 200, response.text
