"""The enquiry and answer models keep to the profile's rules, whatever builds them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from singleview.standards.answer import Answer, DecisionSummary
from singleview.standards.enquiry import Enquiry
from singleview.standards.fhir import (
    operation_outcome,
    outcome_issues,
    refusal_codes,
    refusal_outcome,
    to_json,
)
from singleview.standards.involvement import Involvement, OrganisationContact
from singleview.standards.issues import InvalidInput, Issue

S47 = "https://www.legislation.gov.uk/ukpga/1989/41/section/47"
S17 = "https://www.legislation.gov.uk/ukpga/1989/41/section/17"
SUBJECT = {"names": [{"familyName": "Smith", "givenNames": ["Jane"]}]}
REQUEST: dict[str, Any] = {
    "subject": SUBJECT,
    "request_id": "r-1",
    "date_stamp": dt.datetime(2025, 1, 31, 9, 30, tzinfo=dt.UTC),
    "requester": "southshire-cc",
    "asserted_purpose": "early-help",
    "sharing_policies": [{"identifier": "early-help-dsa", "version": 2, "digest": "0" * 64}],
}


@pytest.mark.parametrize(("reason", "purpose"), [(S47, "s47-enquiry"), (S17, "s17-child-in-need")])
def test_a_reason_only_enquiry_takes_the_purpose_its_reason_maps_to(
    reason: str, purpose: str
) -> None:
    enquiry = Enquiry.model_validate({"subject": SUBJECT, "reason": reason})
    assert enquiry.purpose == purpose
    assert not enquiry.has_request


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"subject": SUBJECT}, "needs a request, or a reason"),
        (
            {"subject": SUBJECT, "reason": "https://example.org/law"},
            "does not map to a statutory purpose",
        ),
        ({"subject": SUBJECT, "reason": S47, "case_reference": "X1"}, "request_id is required"),
        (
            {"subject": SUBJECT, "reason": S47, "asserted_purpose": "early-help"},
            "the purpose is the one the reason maps to",
        ),
        ({**REQUEST, "requester": None}, "the request needs requester"),
        ({**REQUEST, "date_stamp": dt.datetime(2025, 1, 31, 9, 30)}, "needs a time zone"),
        ({**REQUEST, "asserted_purpose": "fishing"}, "unknown code 'fishing'"),
        ({**REQUEST, "data_categories": ["identity", "identity"]}, "listed twice"),
        ({**REQUEST, "requester": "has spaces"}, "should match pattern"),
        ({**REQUEST, "consent": {"status": "given", "scope": ["fishing"]}}, "unknown code"),
    ],
)
def test_enquiries_outside_the_profile_are_refused(values: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        Enquiry.model_validate(values)


def test_a_full_request_keeps_its_own_purpose() -> None:
    enquiry = Enquiry.model_validate({**REQUEST, "reason": S47})
    assert enquiry.purpose == "early-help"
    assert enquiry.has_request


CONTACT = OrganisationContact(name="Front door")
ACTIVE = Involvement(
    episode_type="child-in-need",
    service_type="childrens-social-care",
    status="active",
    period_start=dt.date(2024, 1, 1),
)


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"match": False, "contact": CONTACT}, "carries nothing about a person, not contact"),
        ({"match": False, "score": 0.0}, "not score"),
        ({"match": True, "multiple_matches": True, "match_grade": "certain"}, "graded 'possible'"),
        ({"match": True, "match_grade": "possible", "involvements": [ACTIVE]}, "never carries"),
        (
            {"match": True, "contact": CONTACT, "decision": {"outcome": "DENY"}},
            "a DENY decision releases nothing",
        ),
        ({"match": True, "score": float("nan")}, "finite number"),
    ],
)
def test_answers_outside_the_three_shapes_are_refused(values: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        Answer.model_validate(values)


def test_decision_policy_id_and_version_come_together() -> None:
    with pytest.raises(ValidationError, match="come together"):
        DecisionSummary(outcome="PERMIT", policy_id="p")
    with pytest.raises(ValidationError, match="unknown code 'be-nice'"):
        DecisionSummary(outcome="PERMIT", obligations=("be-nice",))


def test_involvement_codes_are_checked_against_the_vocabularies() -> None:
    with pytest.raises(ValidationError, match="not in the 'service-types' vocabulary"):
        Involvement(
            episode_type="child-in-need",
            service_type="tea-and-biscuits",
            status="active",
            period_start=dt.date(2024, 1, 1),
        )


def test_operation_outcome_names_each_element_and_reason() -> None:
    issues = [
        Issue("Parameters.parameter[resource].resource.birthDate", "is not a real date", "value"),
        Issue("Parameters.parameter[request]", "is required", "required"),
    ]
    outcome = to_json(operation_outcome(issues))
    assert outcome["resourceType"] == "OperationOutcome"
    assert [i["expression"] for i in outcome["issue"]] == [[issue.element] for issue in issues]
    assert [i["code"] for i in outcome["issue"]] == ["value", "required"]
    assert outcome["issue"][0]["details"]["text"] == "is not a real date"
    assert outcome_issues(operation_outcome(issues)) == issues


def test_refusal_outcome_carries_decision_reason_codes() -> None:
    outcome = refusal_outcome(
        [
            ("policy-expired", "the s47 agreement ended on 31 March 2025"),
            ("requester-not-party", "Northshire Police is not a party to it"),
        ]
    )
    as_json = to_json(outcome)
    assert {i["code"] for i in as_json["issue"]} == {"forbidden"}
    assert refusal_codes(outcome) == ("policy-expired", "requester-not-party")
    with pytest.raises(ValueError, match="unknown code 'because'"):
        refusal_outcome([("because", "no")])


def test_invalid_input_needs_an_issue_and_lists_them_all() -> None:
    with pytest.raises(ValueError, match="at least one issue"):
        InvalidInput([])
    error = InvalidInput([Issue("a.b", "is wrong"), Issue("c", "is missing", "required")])
    assert str(error) == "a.b: is wrong; c: is missing"
