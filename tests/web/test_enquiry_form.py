"""The enquiry form's validation: GOV.UK-style messages per field, a valid Person otherwise."""

from __future__ import annotations

import datetime as dt

import pytest

from singleview.web.enquiry_form import parse_enquiry_form

TODAY = dt.date(2026, 11, 21)
VALID = {
    "given_names": "Jane Ann",
    "family_name": "Smith",
    "dob-day": "1",
    "dob-month": "5",
    "dob-year": "2015",
    "nhs_number": "943 476 5919",
    "postcode": "ls1 4ap",
    "purpose": "s47-enquiry",
    "case_reference": "S47-1",
    "consent": "",
}


def test_a_valid_form_gives_the_person_and_purpose() -> None:
    fields, errors = parse_enquiry_form(VALID, TODAY)
    assert errors == {}
    assert fields is not None
    assert fields.person.names[0].given_names == ("Jane", "Ann")
    assert fields.person.nhs_number == "9434765919"
    assert fields.person.addresses[0].postcode == "LS1 4AP"
    assert str(fields.person.date_of_birth.date) == "2015-05-01"  # type: ignore[union-attr]
    assert fields.purpose == "s47-enquiry"
    assert fields.consent is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"given_names": " "}, "given_names", "Enter the child's first name"),
        ({"family_name": ""}, "family_name", "Enter the child's last name"),
        ({"dob-day": "", "dob-month": "", "dob-year": ""}, "dob-day", "Enter the date of birth"),
        ({"dob-month": ""}, "dob-day", "Date of birth must include a month"),
        ({"dob-day": "31", "dob-month": "2"}, "dob-day", "Date of birth must be a real date"),
        ({"dob-year": "2027"}, "dob-day", "Date of birth must be today or in the past"),
        ({"nhs_number": "1234567890"}, "nhs_number", "Enter a real NHS number"),
        ({"postcode": "not a postcode"}, "postcode", "Enter a real postcode"),
        ({"purpose": "marketing"}, "purpose", "Select why you are asking"),
        ({"case_reference": ""}, "case_reference", "Enter the case reference"),
        ({"case_reference": "c" * 201}, "case_reference", "Case reference must be 200 characters"),
        ({"case_reference": "S47\x01"}, "case_reference", "Case reference must not include"),
        ({"purpose": "early-help", "consent": ""}, "consent", "Select whether the family gave"),
        ({"consent": "maybe"}, "consent", "Select whether the family gave consent"),
    ],
)
def test_each_problem_is_named_on_its_field(
    changes: dict[str, str], field: str, message: str
) -> None:
    fields, errors = parse_enquiry_form({**VALID, **changes}, TODAY)
    assert fields is None
    assert list(errors) == [field]
    assert errors[field].startswith(message)


def test_optional_fields_may_be_left_blank() -> None:
    fields, errors = parse_enquiry_form(
        {**VALID, "nhs_number": "", "postcode": "", "purpose": "early-help", "consent": "given"},
        TODAY,
    )
    assert errors == {}
    assert fields is not None
    assert fields.person.identifiers == ()
    assert fields.consent == "given"
