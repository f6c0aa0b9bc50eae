"""Acceptance: real node processes on loopback, asked through the requester's JSON API."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from singleview.db import create_engine, session_factory
from singleview.exchange.config import load_config
from singleview.governance import approve_review, pending_reviews, refuse_review
from singleview.standards.fhir import parse_answer
from singleview.trust.keys import load_signing_key
from singleview.trust.signing import SIGNATURE_HEADER, sign_request
from tests.e2e.conftest import DOWN, MISBEHAVING, LiveNetwork
from tests.exchange import world

pytestmark = pytest.mark.slow

EXAMPLES = Path("/work/shared/standards/examples")
SOCIAL_WORKER = {"identifier": "sw-1", "name": "Alex Morgan", "role": "social-worker"}


def s47(person: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = {
        "practitioner": SOCIAL_WORKER,
        "person": person,
        "purpose": "s47-enquiry",
        "caseReference": "S47-2026-0042",
    }
    body.update(changes)
    return body


def by_partner(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["organisationId"]: p for p in view["partners"]}


def test_permit_with_involvements_and_every_kind_of_failure_named(live: LiveNetwork) -> None:
    view = live.view("council-csc", live.enquire("council-csc", s47(world.JANE)))
    partners = by_partner(view)
    assert view["complete"]
    police = partners["police"]
    assert police["state"] == "known"
    assert [i["serviceType"] for i in police["involvements"]] == ["police-public-protection"]
    assert police["involvements"][0]["professional"]["name"] == "DC Lee"
    assert police["contact"]["name"] == "Northmoor Police"
    # The NHS trust's local rule withholds sexual health; CAMHS is released.
    assert partners["nhs-trust"]["state"] == "known"
    assert [i["serviceType"] for i in partners["nhs-trust"]["involvements"]] == ["camhs"]
    assert partners["academy-trust"]["state"] == "not-known"
    assert partners["youth-justice"]["state"] == "not-known"
    # Every partner that did not give a verified answer is "no answer", with why.
    for odd in [*MISBEHAVING.values(), DOWN]:
        assert partners[odd]["state"] == "no-answer", partners[odd]
    assert "could not connect" in partners[DOWN]["problem"]
    assert "no answer within" in partners["slow-partner"]["problem"]
    assert "not a valid answer" in partners["garbage-partner"]["problem"]
    assert "signature" in partners["badsig-partner"]["problem"]
    assert view["callFirst"][:2] == ["police", "nhs-trust"] or set(view["callFirst"]) == {
        "police",
        "nhs-trust",
    }
    # The slow partner cost no more than its deadline (plus scheduling slack).
    assert partners["slow-partner"]["elapsedMs"] < 60_000


def test_no_match_is_not_known_everywhere_that_answered(live: LiveNetwork) -> None:
    partners = by_partner(live.view("council-csc", live.enquire("council-csc", s47(world.ZED))))
    for organisation_id in ("police", "nhs-trust", "academy-trust", "youth-justice"):
        assert partners[organisation_id]["state"] == "not-known"
        assert partners[organisation_id]["contact"] is None
    for odd in [*MISBEHAVING.values(), DOWN]:
        assert partners[odd]["state"] == "no-answer"


def test_deny_reveals_nothing_about_the_person(live: LiveNetwork) -> None:
    gp = {"identifier": "gp-9", "name": "Dr Who", "role": "gp"}
    refusals = []
    for person in (world.JANE, world.ZED):
        body = s47(person, practitioner=gp, purpose="s17-child-in-need", caseReference=None)
        partners = by_partner(live.view("council-csc", live.enquire("council-csc", body)))
        police = partners["police"]
        assert police["state"] == "refused", police
        assert "role-not-permitted" in police["refusalCodes"]
        refusals.append((police["refusalCodes"], police["refusalText"]))
    assert refusals[0] == refusals[1]


def _sessions(live: LiveNetwork, organisation_id: str) -> Any:
    config = load_config(live.network.configs[organisation_id])
    return session_factory(create_engine(config.database_url))


def test_review_approved_at_one_partner_and_refused_at_another(live: LiveNetwork) -> None:
    officer = {"identifier": "yj-7", "name": "Yan Officer", "role": "youth-justice-officer"}
    body = s47(world.JANE, practitioner=officer, purpose="early-help", caseReference=None)
    enquiry_id = live.enquire("youth-justice", body)

    def waiting(view: dict[str, Any]) -> bool:
        states = by_partner(view)
        return all(states[o]["state"] == "waiting-for-review" for o in ("police", "nhs-trust"))

    view = live.view("youth-justice", enquiry_id, until=waiting)
    assert waiting(view), view
    assert not view["complete"]
    now = dt.datetime.now(dt.UTC)
    police = _sessions(live, "police")
    item = next(i for i in pending_reviews(police) if i.enquiry_id == enquiry_id)
    approve_review(police, item.id, officer="ig-1", reason="Proportionate.", decided_at=now)
    trust = _sessions(live, "nhs-trust")
    item = next(i for i in pending_reviews(trust) if i.enquiry_id == enquiry_id)
    refuse_review(trust, item.id, officer="ig-2", reason="Not for early help.", decided_at=now)

    def settled(view: dict[str, Any]) -> bool:
        states = by_partner(view)
        return all(states[o]["state"] != "waiting-for-review" for o in ("police", "nhs-trust"))

    partners = by_partner(live.view("youth-justice", enquiry_id, until=settled))
    assert partners["police"]["state"] == "known"
    assert partners["police"]["contact"]["name"] == "Northmoor Police"
    assert partners["nhs-trust"]["state"] == "refused"
    assert "professional-judgement" in partners["nhs-trust"]["refusalCodes"]
    # The social worker reads the officer's refusal and reason, not that a decision was needed.
    refusal = partners["nhs-trust"]["refusalText"]
    assert refusal.startswith("An information governance officer, ig-2, refused on "), refusal
    assert refusal.endswith(" UTC. Reason given: Not for early help."), refusal


def test_the_v03_example_request_gets_a_valid_answer(live: LiveNetwork) -> None:
    body = (EXAMPLES / "v0.3-request.json").read_bytes()
    url = live.network.endpoints["nhs-trust"] + "/fhir/Patient/$person-info-query"
    key = load_signing_key(live.network.key_files["council-csc"])
    signed = sign_request(
        key, issuer="council-csc", audience="nhs-trust", method="POST", uri=url, body=body
    )
    response = httpx.post(
        url,
        content=body,
        headers={SIGNATURE_HEADER: signed.token, "Content-Type": "application/fhir+json"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    answer = parse_answer(response.content)
    assert answer.match
    assert answer.receipt is not None
    assert json.loads(response.content)["resourceType"] == "Parameters"


def test_the_api_needs_its_token(live: LiveNetwork) -> None:
    endpoint = live.network.endpoints["council-csc"]
    response = httpx.post(f"{endpoint}/api/enquiries", json=s47(world.JANE), timeout=30)
    assert response.status_code == 401
