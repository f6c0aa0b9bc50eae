"""The alerts page lists the enquiries this node's agreements refused, and those of its own that
partners refused, read from its audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from singleview.audit import AuditEntry, AuditLog, DecisionRecord, Practitioner, TreeHeadSigner
from singleview.web import WebNode, ig
from tests.audit.conftest import make_entry
from tests.web.conftest import page_text, sign_in, table_rows


def refused(n: int, *reasons: str) -> AuditEntry:
    """An answer the node refused, with the conditions it logged (``code:status``)."""
    decision = DecisionRecord(outcome="DENY", reasons=reasons)
    return make_entry(n).model_copy(update={"decision": decision, "purpose": "s47-enquiry"})


def refused_by_partner(n: int, partner: str, *codes: str) -> AuditEntry:
    """A partner's refusal of one of our enquiries, as the requester logs it (the codes only)."""
    return make_entry(n, requester="council-a").model_copy(
        update={
            "kind": "answer-received",
            "responder_org_id": partner,
            "decision": DecisionRecord(outcome="DENY", reasons=codes),
            "purpose": "s17-child-in-need",
            "practitioner": Practitioner(id="sw-3", role="gp"),
        }
    )


@pytest.fixture
def officer(node: WebNode, client: TestClient) -> TestClient:
    """The IG officer, on a node that permitted one answer and refused two, and had one of its
    own enquiries refused by one partner and answered by another."""
    signer = TreeHeadSigner(kid="node-key-1", private_key=Ed25519PrivateKey.generate())
    node.audit_log = AuditLog(node.engine, "council-a", signer)
    node.audit_log.extend(
        [
            make_entry(0),
            refused(1, "requester-suspended:satisfied", "purpose-not-permitted:failed"),
            # Two agreements refused it alike: the officer reads each failure once.
            refused(
                2,
                "role-not-permitted:failed",
                "case-reference-missing:failed",
                "role-not-permitted:failed",
            ),
            refused_by_partner(3, "org-police-north", "role-not-permitted"),
            make_entry(4, requester="council-a").model_copy(
                update={"kind": "answer-received", "responder_org_id": "org-health"}
            ),
        ]
    )
    sign_in(client, "imran")
    return client


def refused_rows(officer: TestClient) -> list[list[str]]:
    """The refusals the alerts page lists, without the time each was logged."""
    rows = table_rows(officer, "/ig/alerts", "refused", "We refused no enquiry in the last")
    return [row[1:] for row in rows]


def test_each_refusal_says_who_asked_why_and_where_it_is_logged(officer: TestClient) -> None:
    # Newest first; only the conditions that failed, as questions answered "No".
    assert refused_rows(officer) == [
        [
            "pc-2 (Police officer) at org-police-north",
            "Section 47 child protection enquiry",
            "Does the agreement let the practitioner's role ask? No. "
            "Does the enquiry give a case reference? No.",
            "Entry 2",
        ],
        [
            "pc-1 (Police officer) at org-police-north",
            "Section 47 child protection enquiry",
            "Does the agreement cover the purpose given? No.",
            "Entry 1",
        ],
    ]


def test_the_list_keeps_to_the_window_and_the_newest(
    officer: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ig, "ALERT_LIST_LIMIT", 1)
    assert [row[-1] for row in refused_rows(officer)] == ["Entry 2"]
    assert "The newest 1 in the last 7 days" in page_text(officer.get("/ig/alerts").text)
    monkeypatch.setattr(ig, "ALERT_LIST_LIMIT", 200)
    assert "2 enquiries in the last 7 days" in page_text(officer.get("/ig/alerts").text)
    monkeypatch.setattr(ig, "ALERT_WINDOW", dt.timedelta(0))
    assert refused_rows(officer) == []


def test_our_enquiries_that_partners_refused_say_who_refused_and_why(
    officer: TestClient,
) -> None:
    rows = table_rows(
        officer, "/ig/alerts", "refused-us", "No partner refused an enquiry of ours in the last"
    )
    # Only the refusal: not our own refusals, nor the partner that answered.
    assert [row[1:] for row in rows] == [
        [
            "sw-3 (General practitioner)",
            "org-police-north",
            "Section 17 child in need assessment",
            "Does the agreement let the practitioner's role ask? No.",
            "Entry 3",
        ]
    ]
    assert [row[-1] for row in refused_rows(officer)] == ["Entry 2", "Entry 1"]
