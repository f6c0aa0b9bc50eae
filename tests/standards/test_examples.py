"""The profile's example payloads parse into domain objects, and say what they should."""

from __future__ import annotations

import pytest

from singleview.standards.fhir import parse_answer, parse_enquiry
from singleview.standards.vocabulary import purpose_for_reason
from tests.standards.conftest import EXAMPLES, SHARED_EXAMPLES, example

SHARED_NAMES = ["v0.3-request.json", "v0.3-response-match.json", "v0.3-response-nomatch.json"]


@pytest.mark.parametrize("name", SHARED_NAMES)
def test_copies_match_the_shared_examples_when_present(name: str) -> None:
    shared = SHARED_EXAMPLES / name
    if not shared.exists():
        pytest.skip(f"{shared} is not next to this checkout; the copy in {EXAMPLES} is used")
    assert (EXAMPLES / name).read_bytes() == shared.read_bytes()


def test_v03_request_parses_into_an_enquiry_with_the_s47_purpose() -> None:
    enquiry = parse_enquiry((EXAMPLES / "v0.3-request.json").read_bytes())
    assert enquiry.subject.nhs_number == "9434765919"
    assert enquiry.subject.current_name.family_name == "Smith"
    assert enquiry.subject.current_name.given_names == ("Jane",)
    assert enquiry.subject.date_of_birth is not None
    assert enquiry.subject.date_of_birth.date.isoformat() == "2015-05-01"
    assert enquiry.reason == "https://www.legislation.gov.uk/ukpga/1989/41/section/47"
    assert enquiry.purpose == "s47-enquiry" == purpose_for_reason(enquiry.reason)
    assert not enquiry.has_request


def test_v03_match_response_parses_with_the_contact_kept_as_given() -> None:
    answer = parse_answer(example("v0.3-response-match.json"))
    assert answer.match is True
    assert answer.contact is not None
    assert answer.contact.name == "Southshire Council Safeguarding"
    assert answer.contact.telecom[0].value == "01234 567890"
    # "AB12 3CD" is not a real postcode (C is never an inward letter): printed as given.
    assert answer.contact.address[0].postcode == "AB12 3CD"
    assert answer.involvements == ()
    assert answer.decision is None


def test_v03_no_match_response_parses_to_nothing_about_a_person() -> None:
    answer = parse_answer(example("v0.3-response-nomatch.json"))
    assert answer.match is False
    assert answer.contact is None
    assert answer.involvements == ()


def test_full_request_carries_every_part_of_the_ig_request() -> None:
    enquiry = parse_enquiry(example("request-full.json"))
    assert enquiry.has_request
    assert enquiry.requester == "southshire-cc"
    assert enquiry.practitioner is not None
    assert enquiry.practitioner.role == "social-worker"
    assert enquiry.purpose == "s47-enquiry"
    assert enquiry.sharing_policies[0].identifier == "s47-statutory"
    assert enquiry.sharing_policies[0].version == 1
    assert enquiry.data_categories == ("identity", "involvements", "professional-contact")
    assert enquiry.case_reference == "S47/2025/0117"
    assert [name.use for name in enquiry.subject.names] == ["official", "old"]
    assert enquiry.subject.names[0].preferred_names == ("Janey",)
    assert enquiry.subject.gender == "2"
    assert enquiry.subject.addresses[1].period_end is not None


def test_full_answer_carries_involvements_decision_and_receipt() -> None:
    answer = parse_answer(example("response-match-full.json"))
    assert answer.match_grade == "certain"
    assert answer.score == pytest.approx(14.2)
    assert [i.episode_type for i in answer.involvements] == ["police-incident", "missing-episode"]
    assert answer.involvements[0].professional is not None
    assert answer.involvements[0].professional.telecom[0].value == "01632 960456"
    assert answer.decision is not None
    assert answer.decision.outcome == "PERMIT"
    assert answer.decision.obligations == (
        "retain-max-30-days",
        "no-onward-sharing",
        "record-in-case-file",
    )
    assert answer.receipt is not None
    assert answer.receipt.tree_size == 42
    assert len(answer.receipt.inclusion_proof) == 2
