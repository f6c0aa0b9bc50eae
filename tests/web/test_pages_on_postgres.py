"""Every role's pages on PostgreSQL, over real HTTP, with two workers a node.

The browser tests run the five-node network on SQLite. Here the council (which asks) and the
police (which answers and reviews) keep their records, accounts, sessions, reviews and logs
in PostgreSQL, each served by two uvicorn workers, so a page may be drawn by a worker that did
not handle the form before it. The other three partners stay on SQLite.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import httpx
import pytest

from singleview.audit import AuditLog
from singleview.db import create_engine
from tests.conftest import postgres_database
from tests.web.conftest import hidden, page_text
from tests.web.live import LiveNetwork, ask, build, running, signed_in, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture(scope="module")
def databases() -> Iterator[dict[str, str]]:
    """A PostgreSQL database each for the council and the police."""
    with postgres_database() as council, postgres_database() as police:
        yield {"council-csc": council, "police": police}


@pytest.fixture(scope="module")
def live(
    tmp_path_factory: pytest.TempPathFactory, databases: dict[str, str]
) -> Iterator[LiveNetwork]:
    network = build(tmp_path_factory.mktemp("postgres-network"), on_postgres=databases)
    with running(network, workers=dict.fromkeys(databases, 2)) as started:
        yield started


def read(client: httpx.Client, path: str, *expected: str) -> str:
    """GET a page: 200, and each of ``expected`` in what the reader sees."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, page_text(response.text))
    text = page_text(response.text)
    for words in expected:
        assert words in text, (path, words)
    return response.text


def test_each_role_on_postgresql(live: LiveNetwork, databases: dict[str, str]) -> None:
    social_worker, sw_token = signed_in(live.endpoints["council-csc"], "practitioner")
    enquiry_id = ask(social_worker, sw_token)
    # Early help is outside the agreement: the police hold it for their IG officer.
    wait_for(social_worker, enquiry_id, "police", "waiting-for-review")
    read(social_worker, f"/enquiries/{enquiry_id}", "What partners know", "Still waiting")

    officer, officer_token = signed_in(live.endpoints["police"], "ig-officer")
    queue = read(officer, "/ig/review", "Review queue")
    item = re.search(r'href="(/ig/review/[^"?]+)"', queue)
    assert item, page_text(queue)
    read(officer, item.group(1), "Why it needs a decision", "Jane Smith", "2015-05-01")
    decided = officer.post(
        item.group(1),
        data={"csrf_token": officer_token, "decision": "approve", "reason": "Consent: share"},
    )
    assert decided.status_code == 303, page_text(decided.text)
    wait_for(social_worker, enquiry_id, "police", "known")
    read(social_worker, f"/enquiries/{enquiry_id}", "Who to call first", "Northmoor Police")
    read(social_worker, "/enquiries", "Jane Smith")

    # An unsigned request is refused, logged in PostgreSQL, and shown among the alerts.
    refused = httpx.post(
        live.endpoints["police"] + "/fhir/Patient/$person-info-query", content=b"{}"
    )
    assert refused.status_code in (400, 401)
    read(officer, "/ig/alerts", "Nobody: no signature")
    # The police answered twice: held for review, then the approved answer.
    audit = read(officer, "/ig/audit?kind=answer-sent", "2 entries", "REVIEW", "PERMIT")
    read(officer, "/ig/audit?kind=review-decided", "No entries match.")
    read(officer, "/ig/audit?q=EH-2026-7", "Answer sent")
    entry = re.search(r'href="(/ig/audit/[0-9]+)"', audit)
    assert entry, page_text(audit)
    read(officer, entry.group(1), "Proof checked")
    read(officer, "/ig/audit/verify", "The log is as it was written")
    read(
        officer,
        "/ig/insights",
        "Enquiries each day by purpose",
        "Early help",
        "Northmoor Council Children's Services",
        "Permitted (PERMIT)",
    )

    agreements = read(officer, "/ig/agreements", "Northmoor multi-agency safeguarding")
    agreement = re.search(r'href="(/ig/agreements/[^"/]+)"', agreements)
    assert agreement, page_text(agreements)
    read(officer, agreement.group(1), "What it says")
    form = read(officer, agreement.group(1) + "/new-version")
    document = re.search(r"<textarea[^>]*>(.*?)</textarea>", form, re.S)
    assert document, page_text(form)
    changed = officer.post(
        agreement.group(1) + "/new-version",
        data={
            "csrf_token": hidden(form, "csrf_token"),
            "document": html.unescape(document.group(1)).replace("mash-triage", "early-help"),
        },
    )
    assert changed.status_code == 303, page_text(changed.text)
    read(officer, changed.headers["location"], "Version 2 is now in force")
    suspended = officer.post(agreement.group(1) + "/suspend", data={"csrf_token": officer_token})
    assert suspended.status_code == 303, page_text(suspended.text)
    read(officer, suspended.headers["location"], "The agreement is suspended")

    administrator, admin_token = signed_in(live.endpoints["police"], "admin")
    read(administrator, "/admin/register", "Northmoor Council Children's Services")
    added = administrator.post(
        "/admin/users",
        data={
            "csrf_token": admin_token,
            "username": "priya",
            "display_name": "Priya Shah",
            "role": "ig-officer",
            "job": "",
            "password": "a long enough password",
        },
    )
    assert added.status_code == 303, page_text(added.text)
    read(administrator, "/admin/users", "Priya Shah")
    for client in (social_worker, officer, administrator):
        client.close()
    # What the pages showed came from PostgreSQL, not from a SQLite file beside the config.
    for organisation_id, database_url in databases.items():
        engine = create_engine(database_url)
        assert AuditLog(engine, organisation_id).size() >= 2
        engine.dispose()
