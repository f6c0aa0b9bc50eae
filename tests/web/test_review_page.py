"""The IG officer's review page says what was checked in plain English.

The decision comes from the real policy decision point with the starter agreements; the page
is fetched over the app's HTTP interface, signed in as the IG officer.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from singleview.governance import (
    DecisionContext,
    Reason,
    decide,
    load_node_policies,
    submit_for_review,
)
from singleview.web import WebNode
from singleview.web.reasons import logged_reason_lines, reason_lines
from tests.web.conftest import NOW, page_text, sign_in

SATISFIED_CODES = ("requester-suspended", "policy-expired", "purpose-not-permitted")


def held_for_review(node: WebNode) -> str:
    """An early-help enquiry from council-a, decided by the real PDP and queued for review."""
    index = load_node_policies(node.sessions, folder=None, recorded_at=NOW)
    decision = decide(
        index,
        DecisionContext(
            requester_org_id="council-a",
            requester_org_type="local-authority",
            requester_status="active",
            practitioner_role="social-worker",
            purpose="early-help",
            decided_at=NOW,
            case_reference="EH-2026-7",
        ),
    )
    assert decision.outcome == "REVIEW"
    assert {r.code for r in decision.reasons if r.status == "satisfied"} >= set(SATISFIED_CODES)
    item = submit_for_review(
        node.sessions,
        enquiry_id="enquiry-1",
        requester_org_id="council-a",
        purpose="early-help",
        decision=decision,
        created_at=NOW,
    )
    return item.id


def test_conditions_that_held_are_plain_sentences_without_codes(
    node: WebNode, client: TestClient
) -> None:
    item_id = held_for_review(node)
    sign_in(client, "imran")
    page = client.get(f"/ig/review/{item_id}")
    assert page.status_code == 200
    text = page_text(page.text)
    for code in SATISFIED_CODES:
        assert code not in text, f"{code} printed for a condition that held"
    assert "[" not in text
    assert (
        "Is the organisation asking active in the register? "
        "Yes. council-a is active in the organisation register."
    ) in text
    assert "Is the agreement in force? Yes. " in text
    assert "Does the agreement cover the purpose given? Yes. " in text
    # The one condition left to the officer: said in words, its code kept as a reference.
    assert (
        "Has an IG officer approved it? Needs an IG officer's decision. "
        "sv-professional-judgement is the professional-judgement route: an IG officer must "
        "decide. Reason code professional-judgement"
    ) in text
    assert "Outcome: REVIEW" not in text


def test_the_agreement_is_named_and_linked(node: WebNode, client: TestClient) -> None:
    item_id = held_for_review(node)
    sign_in(client, "imran")
    page = client.get(f"/ig/review/{item_id}").text
    link = re.search(r'<a class="govuk-link" href="/ig/agreements/([^"]+)">([^<]+)</a>', page)
    assert link is not None
    assert link.group(1) == "sv-professional-judgement"
    assert link.group(2) != link.group(1), "the agreement's name, not its identifier"


def test_a_failed_condition_keeps_its_code_as_a_reference() -> None:
    failed = Reason("consent-missing", "failed", "The policy needs consent; none recorded.")
    unknown = Reason("role-not-permitted", "unknown", "The request gives no role.")
    held = Reason("consent-missing", "satisfied", "Consent covers early-help and is valid.")
    lines = reason_lines([failed, unknown, held])
    assert [(line.check, line.verdict, line.code) for line in lines] == [
        ("Was the person's consent recorded?", "No", "consent-missing"),
        (
            "Does the agreement let the practitioner's role ask?",
            "Could not be checked",
            "role-not-permitted",
        ),
        ("Was the person's consent recorded?", "Yes", None),
    ]
    assert lines[0].detail == "The policy needs consent; none recorded."


def test_logged_reasons_read_the_same_way() -> None:
    """Audit entries keep ``code:status`` (the responder) or bare refusal codes (the requester)."""
    lines = logged_reason_lines(
        [
            "requester-suspended:satisfied",
            "professional-judgement:unknown",
            "professional-judgement:satisfied",
            "purpose-not-permitted",
        ]
    )
    assert [(line.check, line.verdict, line.code) for line in lines] == [
        ("Is the organisation asking active in the register?", "Yes", None),
        (
            "Has an IG officer approved it?",
            "Needs an IG officer's decision",
            "professional-judgement",
        ),
        ("Has an IG officer approved it?", "Yes", None),
        ("Does the agreement cover the purpose given?", "No", "purpose-not-permitted"),
    ]
