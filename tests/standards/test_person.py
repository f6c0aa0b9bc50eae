"""The Person standard: v0.2 capitalised keys and camelCase keys give one canonical form."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from singleview.standards.dates import PartialDate, parse_partial_date
from singleview.standards.person import Person

CAMEL = {
    "identifiers": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "943 476 5919"}],
    "names": [{"familyName": "Smith", "givenNames": ["Jane"], "use": "official"}],
    "dateOfBirth": {"date": "2015-05", "accuracyIndicator": "uaa"},
    "addresses": [{"line1": "1 High Street", "postcode": "sw1a1aa", "UPRN": 100023336956}],
    "gender": "2",
    "sex": "2",
}
V02 = {
    "Identifier": {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"},
    "Name": {"family": ["Smith"], "given": ["Jane"]},
    "DateOfBirth": {"date": "2015-05", "accuracyIndicator": "UAA"},
    "Address": {"line1": "1 High Street", "postcode": "SW1A 1AA", "UPRN": 100023336956},
    "Gender": "2",
    "SexCode": "2",
}


def test_v02_and_camel_case_keys_give_the_same_person() -> None:
    camel = Person.model_validate(CAMEL)
    assert Person.model_validate(V02) == camel
    assert camel.nhs_number == "9434765919"
    assert camel.addresses[0].postcode == "SW1A 1AA"
    assert camel.date_of_birth is not None
    assert camel.date_of_birth.accuracy_indicator == "UAA"
    assert camel.date_of_birth.date == PartialDate(2015, 5)


def test_output_is_camel_case_and_reads_back() -> None:
    person = Person.model_validate(V02)
    dumped = person.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert set(dumped) == {"identifiers", "names", "dateOfBirth", "addresses", "gender", "sex"}
    assert dumped["dateOfBirth"] == {"date": "2015-05", "accuracyIndicator": "UAA"}
    assert Person.model_validate(dumped) == person


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"Name": {"given": ["Jane"]}}, "Field required"),
        ({"names": [], "Name": None}, "at least 1 item"),
        ({"Gender": "M"}, "Input should be '1', '2', '9' or 'X'"),
        ({"DateOfBirth": {"date": "2015-13"}}, "month 13 does not exist"),
        ({"DateOfBirth": {"date": "2015-02-29"}}, "not a real date"),
        ({"DateOfBirth": {"date": "2015-05", "accuracyIndicator": "AA"}}, "three letters"),
        ({"Address": {"postcode": "AB12 3CD"}}, "not a valid UK postcode"),
        ({"Address": {"city": "Leeds"}}, "needs at least line1, a postcode or a UPRN"),
        (
            {"Identifier": {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "1"}},
            "10 digits",
        ),
        ({"favouriteColour": "blue"}, "Extra inputs are not permitted"),
        ({"gender": "2"}, "both 'gender' and another spelling"),
    ],
)
def test_invalid_people_are_refused_with_the_reason(change: dict[str, object], reason: str) -> None:
    data = {**V02, **change}
    data = {key: value for key, value in data.items() if value is not None}
    with pytest.raises(ValidationError, match=reason):
        Person.model_validate(data)


def test_current_name_and_address_prefer_official_and_open_home() -> None:
    person = Person.model_validate(
        {
            "names": [{"familyName": "Jones", "use": "old"}, {"familyName": "Smith"}],
            "addresses": [
                {"line1": "Old", "periodStart": "2010-01-01", "periodEnd": "2012-01-01"},
                {"line1": "New", "periodStart": "2012-01-01"},
            ],
        }
    )
    assert person.current_name.family_name == "Smith"
    assert person.current_address is not None
    assert person.current_address.line1 == "New"


@pytest.mark.parametrize(
    ("raw", "precision"), [("2015", "year"), ("2015-05", "month"), ("2015-05-01", "day")]
)
def test_partial_dates_keep_their_precision(raw: str, precision: str) -> None:
    date = parse_partial_date(raw)
    assert date.precision == precision
    assert date.isoformat() == raw
