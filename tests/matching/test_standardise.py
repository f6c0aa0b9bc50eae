"""Standardisation: folding, names, nicknames, dates, NHS numbers, postcodes, sex."""

from __future__ import annotations

from typing import Any

import pytest

from singleview.matching.standardise import (
    canonical_given,
    compact_name,
    fold,
    lenient_person,
    name_tokens,
    soundex,
    standardise,
)
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM
from singleview.standards.person import Person


def person(**overrides: Any) -> Person:
    data: dict[str, Any] = {
        "names": [{"familyName": "Smith-Jones", "givenNames": ["Mary-Jane", "Élodie"]}],
        "dateOfBirth": {"date": "2015-03-07"},
        "addresses": [{"line1": "1 High St", "postcode": "ls6 1ab"}],
        "identifiers": [{"system": NHS_NUMBER_SYSTEM, "value": "943 476 5919"}],
        "sex": "2",
    }
    data.update(overrides)
    return Person.model_validate(data)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("  ÉLODIE ", "elodie"),
        ("O'Brien", "obrien"),
        ("Smith-Jones", "smith jones"),
        ("van  der  Berg", "van der berg"),
        ("Zoë", "zoe"),
        ("Straße", "strasse"),
    ],
)
def test_fold_removes_case_diacritics_and_punctuation(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_hyphenated_names_become_tokens_and_one_compact_form() -> None:
    assert name_tokens("Mary-Jane") == ("mary", "jane")
    assert compact_name("Smith-Jones") == "smithjones"
    assert compact_name("'-") is None


def test_nicknames_map_to_every_canonical_name_and_keep_the_name_itself() -> None:
    assert canonical_given("liz") == ("elizabeth", "liz")
    assert "edward" in canonical_given("ted")
    assert "theodore" in canonical_given("ted")
    assert canonical_given("zebedee") == ("zebedee",)


def test_standardised_person_keeps_every_name_token_and_postcode_level() -> None:
    p = standardise("R1", person())
    assert p.given == "maryjane"
    assert p.family == "smithjones"
    assert p.given_all is not None
    assert {"mary", "jane", "maryjane", "elodie"} <= set(p.given_all)
    assert p.family_all == ("jones", "smith", "smithjones")
    assert p.dob == "2015-03-07"
    assert (p.dob_year, p.dob_month, p.dob_day) == (2015, 3, 7)
    assert p.postcodes == ("LS6 1AB",)
    assert p.sectors == ("LS6 1",)
    assert p.districts == ("LS6",)
    assert p.areas == ("LS",)
    assert p.nhs_number == "9434765919"
    assert p.sex == "2"


def test_partial_date_keeps_what_is_known() -> None:
    p = standardise("R1", person(dateOfBirth={"date": "2015-03", "accuracyIndicator": "UAA"}))
    assert p.dob is None
    assert p.dob_year_month == "2015-03"
    assert p.dob_year == 2015
    year_only = standardise("R1", person(dateOfBirth={"date": "2015"}))
    assert (year_only.dob_year, year_only.dob_year_month) == (2015, None)


def test_previous_family_names_and_address_history_are_all_kept() -> None:
    p = standardise(
        "R1",
        person(
            names=[
                {"familyName": "Khan", "givenNames": ["Aisha"]},
                {"familyName": "Patel", "givenNames": ["Aisha"], "use": "old"},
            ],
            addresses=[
                {"line1": "1 A St", "postcode": "M14 5HJ"},
                {"line1": "2 B St", "postcode": "B12 9PQ", "use": "old"},
            ],
        ),
    )
    assert p.family == "khan"
    assert p.family_all == ("khan", "patel")
    assert p.postcodes == ("B12 9PQ", "M14 5HJ")


def test_sex_unknown_or_indeterminate_is_no_evidence_and_gender_fills_in() -> None:
    assert standardise("R", person(sex="9")).sex is None
    assert standardise("R", person(sex=None, gender="1")).sex == "1"
    assert standardise("R", person(sex="X", gender="X")).sex is None


def test_invalid_nhs_number_is_treated_as_absent_and_said_so() -> None:
    raw = {
        "names": [{"familyName": "Smith"}],
        "identifiers": [{"system": NHS_NUMBER_SYSTEM, "value": "9434765918"}],
    }
    cleaned, notes = lenient_person(raw)
    assert cleaned["identifiers"] == []
    assert "9434765918" in notes[0]
    assert "Modulus 11" in notes[0]
    p = standardise("E", Person.model_validate(cleaned), notes)
    assert p.nhs_number is None
    assert p.notes == notes


def test_unverified_nhs_number_and_bad_postcode_are_dropped_with_notes() -> None:
    raw = {
        "names": [{"familyName": "Smith"}],
        "identifiers": [
            {"system": "https://singleview.org.uk/Id/nhs-number-unverified", "value": "123"}
        ],
        "addresses": [{"line1": "1 High St", "postcode": "NOT A CODE"}, {"postcode": "QQ1"}],
    }
    cleaned, notes = lenient_person(raw)
    assert cleaned["identifiers"] == []
    assert cleaned["addresses"] == [{"line1": "1 High St"}]
    assert len(notes) == 3


def test_soundex_groups_spellings() -> None:
    assert soundex("robert") == soundex("rupert") == "R163"
    assert soundex("aiden") == soundex("ayden")
    assert soundex("") == ""


def test_standardised_person_survives_the_column_round_trip() -> None:
    p = standardise("R9", person())
    columns = p.as_columns()
    assert columns["unique_id"] == "R9"
    assert type(p).from_columns("R9", columns) == p
