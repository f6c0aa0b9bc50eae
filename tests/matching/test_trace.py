"""The deterministic PDS-style trace baseline: one test per step, and the edges."""

from __future__ import annotations

from typing import Any

import pytest

from singleview.matching.trace import STEPS, TraceIndex, TraceResult, fold, soundex, trace
from singleview.records.synth import UNVERIFIED_NHS_NUMBER_SYSTEM, generate
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM
from singleview.standards.person import Person

KATIE_NHS = "9434765919"
OTHER_NHS = "9876543210"


def person(
    family: str | None = "Smith-Jones",
    given: str | None = "Katie",
    dob: str | None = "2015-03-04",
    sex: str | None = "2",
    postcodes: tuple[str, ...] = ("LS6 2AB",),
    nhs: str | None = None,
    nhs_system: str = NHS_NUMBER_SYSTEM,
    old_family: str | None = None,
) -> Person:
    data: dict[str, Any] = {
        "names": [{"familyName": family or "Unknown", "givenNames": [given] if given else []}],
        "addresses": [
            {"line1": f"{i} High Street", "postcode": p, "use": "home" if i == 0 else "old"}
            for i, p in enumerate(postcodes)
        ],
    }
    if old_family:
        data["names"].append({"familyName": old_family, "givenNames": [given], "use": "old"})
    if dob:
        data["dateOfBirth"] = {"date": dob}
    if sex:
        data["sex"] = sex
    if nhs:
        data["identifiers"] = [{"system": nhs_system, "value": nhs}]
    return Person.model_validate(data)


def test_cross_check_finds_the_nhs_number_with_its_date_of_birth() -> None:
    records = [
        ("A", person(family="Brown", given="Zara", nhs=KATIE_NHS)),
        ("B", person(nhs=OTHER_NHS)),
    ]
    # Names and postcode point at B; the NHS number and date of birth are tried first.
    result = trace(person(nhs=KATIE_NHS), records)
    assert result == TraceResult("A", "cross-check", record_ids=("A",))


def test_cross_check_needs_the_date_of_birth_to_agree() -> None:
    records = [("A", person(family="Brown", given="Zara", dob="2015-03-05", nhs=KATIE_NHS))]
    assert trace(person(nhs=KATIE_NHS), records).record_id is None


def test_alphanumeric_matches_every_field_and_accepts_a_previous_postcode() -> None:
    records = [
        ("A", person(postcodes=("BD1 1AA", "LS6 2AB"))),  # moved: LS6 2AB is a past home
        ("B", person(given="Kate", postcodes=("LS6 2AB",))),
    ]
    result = trace(person(family="smith jones", given="KATIE"), records)
    assert result.record_id == "A"
    assert result.step == "alphanumeric"


def test_names_dob_sex_when_the_postcode_has_no_relation_to_the_record() -> None:
    records = [("A", person(postcodes=("BD1 1AA",)))]
    result = trace(person(postcodes=("WF1 2AB",)), records)
    assert (result.record_id, result.step) == ("A", "names-dob-sex")


def test_family_postcode_dob_sex_when_the_given_name_differs() -> None:
    records = [("A", person(given="Catherine"))]
    result = trace(person(given="Katie"), records)
    assert (result.record_id, result.step) == ("A", "family-postcode-dob-sex")


def test_given_postcode_dob_sex_when_the_family_name_differs() -> None:
    records = [("A", person(family="Jones"))]
    result = trace(person(family="Smith-Jones"), records)
    assert (result.record_id, result.step) == ("A", "given-postcode-dob-sex")


def test_soundex_names_when_both_names_are_misspelt_alike() -> None:
    records = [("A", person(family="Smyth", given="Katy", postcodes=("BD1 1AA",)))]
    result = trace(person(family="Smith", given="Kati", postcodes=("WF1 2AB",)), records)
    assert (result.record_id, result.step) == ("A", "soundex-names-dob-sex")


def test_dob_sex_postcode_when_both_names_differ() -> None:
    records = [("A", person(family="Begum", given="Aisha"))]
    result = trace(person(family="Khan", given="Ayesha"), records)
    assert (result.record_id, result.step) == ("A", "dob-sex-postcode")


def test_twins_at_the_same_home_are_several_matches_not_a_guess() -> None:
    records = [("A", person(given="Amelia")), ("B", person(given="Olivia"))]
    result = trace(person(given="Millie", family="Begum"), records)
    assert result == TraceResult(
        None, "dob-sex-postcode", several_matches=True, record_ids=("A", "B")
    )


def test_the_first_step_that_finds_anything_ends_the_trace() -> None:
    # Two records share names, date of birth and sex; only one has the postcode.
    records = [("A", person()), ("B", person(postcodes=("BD1 1AA",)))]
    assert trace(person(), records).record_id == "A"
    # Without a postcode the names step finds both and says so.
    result = trace(person(postcodes=()), records)
    assert result.several_matches
    assert result.step == "names-dob-sex"


def test_a_previous_family_name_on_the_record_counts() -> None:
    records = [("A", person(family="Walker", old_family="Smith-Jones", postcodes=("BD1 1AA",)))]
    assert trace(person(postcodes=()), records).record_id == "A"


def test_an_nhs_number_that_failed_its_check_is_not_used() -> None:
    records = [("A", person(family="Brown", given="Zara", postcodes=(), nhs=KATIE_NHS))]
    enquiry = person(nhs="9434765918", nhs_system=UNVERIFIED_NHS_NUMBER_SYSTEM)
    assert trace(enquiry, records).record_id is None


def test_sex_must_agree_in_every_step_that_uses_it() -> None:
    assert trace(person(sex="1"), [("A", person(sex="2"))]).record_id is None
    assert trace(person(), [("A", person(sex=None))]).record_id is None


@pytest.mark.parametrize(
    "enquiry",
    [
        person(dob=None, nhs=KATIE_NHS),
        person(family=None, given=None, postcodes=(), sex="2"),
        person(sex=None, postcodes=()),
    ],
    ids=["no date of birth", "date of birth and sex only", "no sex, no NHS number"],
)
def test_too_little_to_trace_on_is_insufficient(enquiry: Person) -> None:
    result = trace(enquiry, [("A", person(nhs=KATIE_NHS))])
    assert result.insufficient
    assert result.record_id is None
    assert result.step is None


def test_nothing_found_is_not_insufficient() -> None:
    result = trace(person(), [("A", person(dob="2016-01-01"))])
    assert result == TraceResult(None, None)


def test_partial_dates_of_birth_match_only_as_recorded() -> None:
    assert trace(person(dob="2015"), [("A", person(dob="2015"))]).record_id == "A"
    assert trace(person(dob="2015"), [("A", person())]).record_id is None


@pytest.mark.parametrize(
    ("name", "code"),
    [("Robert", "R163"), ("Rupert", "R163"), ("Ashcraft", "A261"), ("Tymczak", "T522"),
     ("Pfister", "P236"), ("O'Brien", "O165"), ("Lee", "L000"), ("", "")],
)  # fmt: skip
def test_soundex(name: str, code: str) -> None:
    assert soundex(name) == code


def test_fold_removes_case_accents_and_punctuation() -> None:
    assert fold("Zoë O'Brien-Smith") == "ZOEOBRIENSMITH"


def test_trace_index_gives_the_same_answers_as_a_full_scan() -> None:
    world = generate(
        seed=21, people=800, organisations=["nhs-trust"], enquiries_per_organisation=80
    )
    records = [(r.record_id, r.person) for r in world.records["nhs-trust"]]
    index = TraceIndex(records)
    steps_seen = set()
    for enquiry in world.enquiries["nhs-trust"]:
        expected = trace(enquiry.person, records)
        assert index.trace(enquiry.person) == expected
        steps_seen.add(expected.step)
    assert "cross-check" in steps_seen
    assert steps_seen <= {*STEPS, None}
