"""A partner holding our enquiry for review stops answering our polls: real node processes.

Two nodes, as ``singleview node serve`` starts them: the youth justice service asks, the police
hold the enquiry for their IG officer. The police's held enquiry is then hidden (their node
answers our polls 404), brought back (202 again: the failure streak ends, and a review that
answers 202 for longer than the give-up time is still waited for), and hidden for good: after
the requester's give-up time the police become "did not answer", naming the 404.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import text

import singleview.exchange.storage as storage
from singleview.audit import AuditLog
from singleview.db import as_utc, create_engine, session_factory
from singleview.exchange.network import (
    Network,
    build_network,
    serve_command,
    stop_nodes,
    wait_until_up,
)
from tests.e2e.conftest import _free_port
from tests.exchange import world

pytestmark = pytest.mark.slow

ASKER = "youth-justice"
HOLDER = "police"
#: The asker's give-up time: far longer than hiding and restoring a row takes.
GIVE_UP_SECONDS = 6.0
OFFICER = {"identifier": "yj-7", "name": "Yan Officer", "role": "youth-justice-officer"}


@dataclass
class TwoNodes:
    network: Network

    def database(self, organisation_id: str) -> str:
        return f"sqlite:///{self.network.folder / organisation_id / 'node.db'}"

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.network.endpoints[ASKER],
            headers={"Authorization": f"Bearer {self.network.api_token}"},
            timeout=30.0,
        )


@pytest.fixture(scope="module")
def two_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoNodes]:
    folder = tmp_path_factory.mktemp("give-up")
    ports = {org: _free_port() for org in world.records()}
    specs = [s for s in world.specs(ports) if s.organisation_id in (ASKER, HOLDER)]
    records = {org: world.records().get(org, []) for org in (ASKER, HOLDER)}
    network = build_network(folder, specs, records, deadline=8.0, review_poll_seconds=0.3)
    config = network.configs[ASKER]
    data = yaml.safe_load(config.read_text())
    data["review_poll_give_up_seconds"] = GIVE_UP_SECONDS
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for organisation_id in network.configs:
            node_config = network.configs[organisation_id]
            log = (node_config.parent / "node.log").open("wb")
            command = serve_command(node_config)
            processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
        wait_until_up(network, timeout=280, processes=processes)
        yield TwoNodes(network)
    finally:
        stop_nodes(processes)


def _until(check: Callable[[], Any], what: str, timeout: float = 120.0) -> Any:
    give_up = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > give_up:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _set_held_id(nodes: TwoNodes, enquiry_id: str, new_id: str) -> None:
    """Rename the held enquiry at the police: polls of its old address then answer 404."""
    engine = create_engine(nodes.database(HOLDER))
    with engine.begin() as conn:
        changed = conn.execute(
            text("UPDATE exchange_held_enquiry SET id = :new WHERE request_id = :request"),
            {"new": new_id, "request": enquiry_id},
        ).rowcount
    engine.dispose()
    assert changed == 1


def _holder_row(nodes: TwoNodes, enquiry_id: str) -> storage.PartnerAnswerRow:
    engine = create_engine(nodes.database(ASKER))
    with session_factory(engine)() as session:
        row = session.get(storage.PartnerAnswerRow, (enquiry_id, HOLDER))
        assert row is not None
        session.expunge(row)
    engine.dispose()
    return row


def _failing_since(nodes: TwoNodes, enquiry_id: str) -> dt.datetime | None:
    since = _holder_row(nodes, enquiry_id).poll_failing_since
    return None if since is None else as_utc(since)


def test_polls_that_keep_failing_end_in_did_not_answer(two_nodes: TwoNodes) -> None:
    body = {
        "practitioner": OFFICER,
        "person": world.JANE,
        "purpose": "early-help",
    }
    with two_nodes.api() as client:
        response = client.post("/api/enquiries", json=body)
        assert response.status_code == 202, response.text
        enquiry_id = str(response.json()["id"])
    held = _until(
        lambda: _holder_row(two_nodes, enquiry_id).state == "waiting-for-review",
        "the police to hold the enquiry",
    )
    assert held
    engine = create_engine(two_nodes.database(HOLDER))
    with engine.connect() as conn:
        held_id = conn.execute(
            text("SELECT id FROM exchange_held_enquiry WHERE request_id = :r"), {"r": enquiry_id}
        ).scalar_one()
    engine.dispose()

    # The held enquiry vanishes: the next poll fails, the streak starts, the partner still waits.
    _set_held_id(two_nodes, enquiry_id, held_id + "-hidden")
    first = _until(lambda: _failing_since(two_nodes, enquiry_id), "a failed poll to be noted")
    _set_held_id(two_nodes, enquiry_id, held_id)
    restored_at = dt.datetime.now(dt.UTC)
    row = _holder_row(two_nodes, enquiry_id)
    assert row.state == "waiting-for-review", row.problem
    # A poll answered 202 again: the streak is over.
    _until(lambda: _failing_since(two_nodes, enquiry_id) is None, "the streak to be cleared")

    # A review answering 202 for longer than the give-up time is still waited for.
    time.sleep(GIVE_UP_SECONDS + 1.0)
    row = _holder_row(two_nodes, enquiry_id)
    assert row.state == "waiting-for-review"
    assert row.poll_failing_since is None

    # Hidden for good: a new streak (not the old one), then "did not answer" naming the 404.
    audit = AuditLog(create_engine(two_nodes.database(ASKER)), ASKER)
    logged_before = len(audit.entries_where(request_id=enquiry_id))
    _set_held_id(two_nodes, enquiry_id, held_id + "-gone")
    second = _until(lambda: _failing_since(two_nodes, enquiry_id), "a new failed poll")
    assert second > first
    assert second >= restored_at
    _until(lambda: _holder_row(two_nodes, enquiry_id).state == "no-answer", "the asker to give up")
    with two_nodes.api() as client:
        view = client.get(f"/api/enquiries/{enquiry_id}").json()
    police = next(p for p in view["partners"] if p["organisationId"] == HOLDER)
    assert police["state"] == "no-answer"
    assert police["problem"].startswith(
        "their node stopped answering our checks on the held enquiry: it answered HTTP 404"
    ), police["problem"]
    assert police["summary"].startswith("Did not answer (their node stopped answering")
    assert view["complete"]
    # The requester's log records the no-answer as it records any other.
    entries = audit.entries_where(request_id=enquiry_id)[logged_before:]
    assert [(e.entry.kind, e.entry.responder_org_id) for e in entries] == [
        ("answer-received", HOLDER)
    ]
    assert entries[0].entry.decision is None
    assert entries[0].entry.release is not None
    assert entries[0].entry.release.http_status == 404
    audit.engine.dispose()
