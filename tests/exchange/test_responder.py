"""The responder endpoint in-process: decide before matching, release only what is allowed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fhir.resources.R4B.operationoutcome import OperationOutcome

from singleview.audit import verify_receipt
from singleview.exchange.client import public_keys
from singleview.governance import approve_review, pending_reviews, refuse_review
from singleview.standards.fhir import parse_answer, read_resource, refusal_codes
from tests.exchange import world
from tests.exchange.conftest import Responder, s47_enquiry

EXAMPLES = Path("/work/shared/standards/examples")
V03_REQUEST = {
    "resourceType": "Parameters",
    "parameter": [
        {
            "name": "resource",
            "resource": {
                "resourceType": "Patient",
                "identifier": [
                    {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}
                ],
                "name": [{"family": "Smith", "given": ["Jane"]}],
                "birthDate": "2015-05-01",
            },
        },
        {"name": "reason", "valueUri": "https://www.legislation.gov.uk/ukpga/1989/41/section/47"},
    ],
}


def test_s47_permit_releases_involvements_with_a_receipt_that_checks_out(
    responders: dict[str, Responder],
) -> None:
    police = responders["police"]
    response = police.enquire("council-csc", s47_enquiry(world.JANE))
    assert response.status_code == 200, response.text
    answer = parse_answer(response.content)
    assert answer.match
    assert answer.match_grade == "certain"
    assert [i.service_type for i in answer.involvements] == ["police-public-protection"]
    assert answer.involvements[0].professional is not None
    assert answer.contact is not None
    assert answer.contact.name == "Northmoor Police"
    assert answer.decision is not None
    assert answer.decision.policy_id == "sv-statutory-s47"
    assert answer.receipt is not None
    organisation = police.node.register.current().find("police")
    assert organisation is not None
    head = verify_receipt(answer.receipt, public_keys(organisation), log_id="police")
    assert head.tree_size == answer.receipt.tree_size


def test_no_match_says_nothing_but_no(responders: dict[str, Responder]) -> None:
    response = responders["police"].enquire("council-csc", s47_enquiry(world.ZED))
    assert response.status_code == 200, response.text
    answer = parse_answer(response.content)
    assert not answer.match
    assert answer.contact is None
    assert not answer.involvements
    assert answer.match_grade is None
    assert answer.receipt is not None


def test_a_local_rule_withholds_a_service(responders: dict[str, Responder]) -> None:
    response = responders["nhs-trust"].enquire("council-csc", s47_enquiry(world.JANE))
    assert response.status_code == 200, response.text
    services = {i.service_type for i in parse_answer(response.content).involvements}
    assert services == {"camhs"}


def test_deny_is_decided_before_matching_and_reveals_nothing(
    responders: dict[str, Responder],
) -> None:
    police = responders["police"]
    bodies = []
    for someone in (world.JANE, world.ZED):
        response = police.enquire("council-csc", s47_enquiry(someone, asserted_purpose="research"))
        assert response.status_code == 403, response.text
        bodies.append(response.content)
    assert bodies[0] == bodies[1]
    outcome = read_resource(bodies[0], OperationOutcome)
    assert "non-safeguarding-purpose" in refusal_codes(outcome) or refusal_codes(outcome)


def test_v03_request_from_a_local_authority_gets_a_valid_answer(
    responders: dict[str, Responder],
) -> None:
    response = responders["police"].send("council-csc", json.dumps(V03_REQUEST).encode())
    assert response.status_code == 200, response.text
    answer = parse_answer(response.content)
    # What v0.3 itself offered: a match and who to call, never involvements.
    assert answer.match
    assert answer.contact is not None
    assert not answer.involvements
    assert answer.decision is not None
    assert answer.decision.policy_id == "v03-s47-contact-only"
    assert answer.receipt is not None


def test_shared_v03_example_is_answered(responders: dict[str, Responder]) -> None:
    body = (EXAMPLES / "v0.3-request.json").read_bytes()
    response = responders["nhs-trust"].send("council-csc", body)
    assert response.status_code == 200, response.text
    assert parse_answer(response.content).match


def test_malformed_input_is_a_400_naming_the_element(responders: dict[str, Responder]) -> None:
    police = responders["police"]
    for body, element in (
        (b"{not json", "$"),
        (b'{"resourceType": "Patient"}', "Parameters.resourceType"),
        (
            json.dumps({"resourceType": "Parameters", "parameter": [{"name": "reason"}]}).encode(),
            "Parameters.parameter",
        ),
    ):
        response = police.send("council-csc", body)
        assert response.status_code == 400, response.text
        outcome = response.json()
        assert outcome["resourceType"] == "OperationOutcome"
        expressions = [e for issue in outcome["issue"] for e in issue.get("expression", [])]
        assert any(e.startswith(element) for e in expressions), expressions


def test_a_body_naming_another_requester_is_refused(responders: dict[str, Responder]) -> None:
    response = responders["police"].enquire(
        "academy-trust", s47_enquiry(world.JANE, requester="council-csc")
    )
    assert response.status_code == 403
    assert "requester-mismatch" in response.text


def _held(responder: Responder, sender: str) -> str:
    enquiry = s47_enquiry(
        world.JANE,
        requester=sender,
        practitioner={"identifier": "yj-1", "name": "Yan", "role": "youth-justice-officer"},
        asserted_purpose="early-help",
        case_reference=None,
    )
    response = responder.enquire(sender, enquiry)
    assert response.status_code == 202, response.text
    location = response.headers["Content-Location"]
    assert location.startswith(responder.node.config.public_base_url + "/fhir/enquiry/")
    return location.removeprefix(responder.node.config.public_base_url)


def test_review_waits_then_an_approval_completes_it(responders: dict[str, Responder]) -> None:
    police = responders["police"]
    path = _held(police, "youth-justice")
    assert police.send("youth-justice", b"", method="GET", path=path).status_code == 202
    # Another organisation cannot read it.
    assert police.send("academy-trust", b"", method="GET", path=path).status_code == 404
    item = next(
        i for i in pending_reviews(police.node.sessions) if i.requester_org_id == "youth-justice"
    )
    approve_review(
        police.node.sessions,
        item.id,
        officer="ig-officer-1",
        reason="A child at risk; sharing contacts is proportionate.",
        decided_at=dt.datetime.now(dt.UTC),
    )
    first = police.send("youth-justice", b"", method="GET", path=path)
    assert first.status_code == 200, first.text
    answer = parse_answer(first.content)
    assert answer.match
    assert answer.receipt is not None
    again = police.send("youth-justice", b"", method="GET", path=path)
    assert again.content == first.content


def test_review_refused_is_a_403(responders: dict[str, Responder]) -> None:
    academy = responders["academy-trust"]
    path = _held(academy, "youth-justice")
    item = pending_reviews(academy.node.sessions)[0]
    refuse_review(
        academy.node.sessions,
        item.id,
        officer="ig-officer-2",
        reason="Not proportionate for early help.",
        decided_at=dt.datetime.now(dt.UTC),
    )
    response = academy.send("youth-justice", b"", method="GET", path=path)
    assert response.status_code == 403, response.text
    assert "professional-judgement" in response.text


def test_metadata_and_operation_definition(responders: dict[str, Responder]) -> None:
    client = responders["police"].client
    statement = client.get("/fhir/metadata").json()
    assert statement["resourceType"] == "CapabilityStatement"
    operation = statement["rest"][0]["resource"][0]["operation"][0]
    assert operation["name"] == "person-info-query"
    definition = client.get("/fhir/OperationDefinition/person-info-query").json()
    assert definition["code"] == "person-info-query"
    assert client.get("/docs").status_code == 200
    assert client.get("/audit/tree-head").status_code == 200


def test_an_unsigned_request_is_refused(responders: dict[str, Responder]) -> None:
    client = responders["police"].client
    response = client.post("/fhir/Patient/$person-info-query", content=b"{}")
    assert response.status_code == 401
