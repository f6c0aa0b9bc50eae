"""Reading import files without a database: what is well-formed, what is a problem and where."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from singleview.records.importer import parse_json_line, read_records
from singleview.records.models import Gap, ParsedRecord, Problem, UnsupportedFileError
from tests.records.builders import (
    CSV_HEADER,
    csv_rows,
    person_json,
    sparse_json,
    write_csv,
    write_jsonl,
)


def _problems(path: Path) -> list[Problem]:
    return [item for item in read_records(path) if isinstance(item, Problem)]


def _records(path: Path) -> list[ParsedRecord]:
    return [item for item in read_records(path) if isinstance(item, ParsedRecord)]


def _with(base: dict, **person_changes: object) -> dict:
    return {**base, "person": {**base["person"], **person_changes}}


GOOD = person_json(1)


@pytest.mark.parametrize(
    ("line", "field", "reason"),
    [
        (_with(GOOD, dateOfBirth={"date": "2015-02-30"}), "person.dateOfBirth.date", "not a real"),
        (_with(GOOD, dateOfBirth={"date": "2015-13"}), "person.dateOfBirth.date", "month 13"),
        (
            _with(
                GOOD,
                identifiers=[
                    {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765918"}
                ],
            ),
            "person.identifiers.0.value",
            "Modulus 11",
        ),
        (_with(GOOD, names=[{"givenNames": ["Ann"]}]), "person.names.0.familyName", "missing"),
        (_with(GOOD, names=[{"familyName": ""}]), "person.names.0.familyName", "missing"),
        (_with(GOOD, gender="M"), "person.gender", "'1', '2', '9' or 'X'"),
        (_with(GOOD, shoeSize=9), "person.shoeSize", "unknown field"),
        (
            {**GOOD, "involvements": [{**GOOD["involvements"][0], "episodeType": "chat"}]},
            "involvements.0.episodeType",
            "episode-types",
        ),
        (
            {**GOOD, "involvements": [{**GOOD["involvements"][0], "serviceType": "spa"}]},
            "involvements.0.serviceType",
            "service-types",
        ),
        ({k: v for k, v in GOOD.items() if k != "recordId"}, "recordId", "missing"),
        ('{"recordId": "R-1", "person": {', "(line)", "not valid JSON"),
        ("[1, 2]", "(record)", "must be a JSON object"),
    ],
)
def test_every_kind_of_malformed_line_names_its_field_and_reason(
    tmp_path: Path, line: dict | str, field: str, reason: str
) -> None:
    path = write_jsonl(tmp_path / "people.jsonl", [person_json(0), line, person_json(2)])
    problems = _problems(path)
    assert problems, "the malformed line was accepted"
    assert all((p.file, p.line) == ("people.jsonl", 2) for p in problems)
    assert any(p.field == field and reason in p.reason for p in problems), problems


def test_a_record_id_given_twice_is_malformed_and_names_the_first_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [person_json(1), person_json(2), person_json(1)])
    assert _problems(path) == [
        Problem("p.jsonl", 3, "recordId", "record 'R-0001' was already given on line 1")
    ]


def test_incomplete_records_are_well_formed_with_their_gaps(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [person_json(1), "", sparse_json("S-1")])
    complete, sparse = _records(path)
    assert complete.gaps == ()
    assert (sparse.line, sparse.stored.record_id) == (3, "S-1")
    assert set(sparse.gaps) == set(Gap)


def test_csv_rows_sharing_a_record_id_are_one_person_with_each_involvement(
    tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "people.csv", csv_rows(1) + csv_rows(2))
    first, second = _records(path)
    assert (first.line, second.line) == (2, 4)
    person = first.stored.person
    assert first.stored.record_id == "C-0001"
    assert [n.use for n in person.names] == ["official", "old"]
    assert person.names[0].given_names == ("Alex", "Given1")
    assert person.names[0].preferred_names == ("Al",)
    assert person.nhs_number == "9434765870"
    assert person.current_address is not None
    assert person.current_address.postcode == "LS1 4AP"
    assert [i.episode_type for i in first.stored.involvements] == [
        "child-in-need",
        "early-help-plan",
    ]
    ended = first.stored.involvements[1]
    assert (ended.status, str(ended.period_end)) == ("ended", "2022-06-30")
    assert first.stored.involvements[0].professional is not None


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("C-9,9434765918,Smith,,,,,,,,,,,,,,,,,", "nhs_number", "Modulus 11"),
        ("C-9,,Smith,,,,2015-02-29,,,,,,,,,,,,,", "date_of_birth", "not a real date"),
        ("C-9,,Smith,,,,2015,AXA,,,,,,,,,,,,", "date_of_birth_accuracy", "three letters"),
        ("C-9,,,Ann,,,,,,,,,,,,,,,,", "family_name", "required but missing"),
        (",,Smith,Ann,,,,,,,,,,,,,,,,", "record_id", "required but missing"),
        ("C-9,,Smith,,,,,,7,,,,,,,,,,,", "gender", "'1', '2', '9' or 'X'"),
        ("C-9,,Smith,,,,,,,,,,ZZ1 1ZZ,,,,,,,", "postcode", "not a valid UK postcode"),
        ("C-9,,Smith,,,,,,,,,,,chat,early-help,2020-01-01,,,,", "episode_type", "episode-types"),
        (
            "C-9,,Smith,,,,,,,,,,,early-help-plan,spa,2020-01-01,,,,",
            "service_type",
            "service-types",
        ),
        (
            "C-9,,Smith,,,,,,,,,,,early-help-plan,early-help,2020-01-01,2019-01-01,,,",
            "involvement_start",
            "before periodStart",
        ),
        ("C-9,,Smith,,,,,,,,,,,early-help-plan,early-help,,,,,", "involvement_start", "missing"),
        ("C-9,,Smith", "(line)", "has 3 cells but the header names 20 columns"),
    ],
)
def test_every_kind_of_malformed_csv_row_names_its_column(
    tmp_path: Path, row: str, field: str, reason: str
) -> None:
    path = write_csv(tmp_path / "people.csv", [*csv_rows(1), row, *csv_rows(2)])
    problems = _problems(path)
    assert problems, "the malformed row was accepted"
    assert all((p.file, p.line) == ("people.csv", 4) for p in problems), problems
    assert any(p.field == field and reason in p.reason for p in problems), problems


def test_csv_rows_of_one_person_must_agree(tmp_path: Path) -> None:
    first, second = csv_rows(1)
    path = write_csv(tmp_path / "p.csv", [first, second.replace(",Leeds,", ",York,")])
    assert _problems(path) == [
        Problem("p.csv", 3, "city", "differs from line 2 for the same record_id")
    ]


def test_csv_person_split_across_the_file_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [csv_rows(1)[0], csv_rows(2)[0], csv_rows(1)[1]])
    (problem,) = _problems(path)
    assert (problem.line, problem.field) == (4, "record_id")
    assert "already given on line 2" in problem.reason


def test_csv_header_with_an_unknown_or_missing_column_is_refused(tmp_path: Path) -> None:
    header = CSV_HEADER.replace(",family_name,", ",surname,")
    problems = _problems(write_csv(tmp_path / "p.csv", csv_rows(1), header=header))
    assert {(p.line, p.field) for p in problems} == {(1, "surname"), (1, "family_name")}


def test_unknown_extension_is_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFileError, match=r"people\.xlsx.*'\.xlsx'"):
        read_records(tmp_path / "people.xlsx")


@given(st.binary(max_size=300))
def test_any_line_is_a_record_or_problems_never_an_exception(raw: bytes) -> None:
    result = parse_json_line(raw, "f.jsonl", 7)
    if isinstance(result, list):
        assert result
        assert all(p.line == 7 and p.reason for p in result)
