"""The flat CSV form: one row per person-involvement; rows sharing a ``record_id`` are one person.

Person columns must agree across a person's rows. Every column except ``record_id`` and
``family_name`` may be left out of the header or left empty. docs/importing-records.md has an
example.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from singleview.records.models import Problem, StoredPerson, problems_from
from singleview.standards.involvement import Involvement
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM
from singleview.standards.person import Person

PERSON_COLUMNS = (
    "record_id",
    "nhs_number",
    "family_name",
    "given_names",
    "preferred_name",
    "previous_family_names",
    "date_of_birth",
    "date_of_birth_accuracy",
    "gender",
    "sex",
    "address_line1",
    "address_line2",
    "city",
    "postcode",
    "uprn",
    "address_from",
)
INVOLVEMENT_COLUMNS = (
    "episode_type",
    "service_type",
    "involvement_status",
    "involvement_start",
    "involvement_end",
    "professional_name",
    "professional_role",
    "professional_phone",
    "professional_email",
)
COLUMNS = PERSON_COLUMNS + INVOLVEMENT_COLUMNS
REQUIRED_COLUMNS = ("record_id", "family_name")

_ADDRESS_FIELDS = {
    "line1": "address_line1",
    "line2": "address_line2",
    "city": "city",
    "postcode": "postcode",
    "UPRN": "uprn",
    "periodStart": "address_from",
}
_INVOLVEMENT_FIELDS = {
    "episodeType": "episode_type",
    "serviceType": "service_type",
    "status": "involvement_status",
    "periodStart": "involvement_start",
    "periodEnd": "involvement_end",
}
_PROFESSIONAL_FIELDS = {"name": "professional_name", "role": "professional_role"}


def header_problems(header: Sequence[str], file: str) -> list[Problem]:
    """Problems with a CSV header: unknown, repeated or missing required columns."""
    problems = []
    for name in header:
        if name not in COLUMNS:
            reason = f"unknown column {name!r}; the columns are listed in docs/importing-records.md"
            problems.append(Problem(file, 1, name or "(empty)", reason))
        elif header.count(name) > 1:
            problems.append(Problem(file, 1, name, "column given more than once"))
    for name in REQUIRED_COLUMNS:
        if name not in header:
            problems.append(Problem(file, 1, name, "required column is missing"))
    return list(dict.fromkeys(problems))


def _cell(row: Mapping[str, str], column: str) -> str:
    return row.get(column, "").strip()


def person_json(row: Mapping[str, str]) -> dict[str, Any]:
    """The Person JSON a row's person columns describe."""
    given = _cell(row, "given_names").split()
    official: dict[str, Any] = {"familyName": _cell(row, "family_name"), "givenNames": given}
    if _cell(row, "preferred_name"):
        official["preferredNames"] = [_cell(row, "preferred_name")]
    names = [official]
    for previous in _cell(row, "previous_family_names").split(";"):
        if previous.strip():
            names.append({"familyName": previous.strip(), "givenNames": given, "use": "old"})
    person: dict[str, Any] = {"names": names}
    if _cell(row, "nhs_number"):
        person["identifiers"] = [{"system": NHS_NUMBER_SYSTEM, "value": _cell(row, "nhs_number")}]
    if _cell(row, "date_of_birth") or _cell(row, "date_of_birth_accuracy"):
        dob: dict[str, Any] = {"date": _cell(row, "date_of_birth") or None}
        if _cell(row, "date_of_birth_accuracy"):
            dob["accuracyIndicator"] = _cell(row, "date_of_birth_accuracy")
        person["dateOfBirth"] = dob
    address = {
        field: _cell(row, column) for field, column in _ADDRESS_FIELDS.items() if _cell(row, column)
    }
    if address:
        person["addresses"] = [{**address, "use": "home"}]
    for code in ("gender", "sex"):
        if _cell(row, code):
            person[code] = _cell(row, code)
    return person


def involvement_json(row: Mapping[str, str]) -> dict[str, Any] | None:
    """The Involvement JSON a row's involvement columns describe, or None if they are empty."""
    if not any(_cell(row, column) for column in INVOLVEMENT_COLUMNS):
        return None
    involvement: dict[str, Any] = {
        field: _cell(row, column)
        for field, column in _INVOLVEMENT_FIELDS.items()
        if _cell(row, column)
    }
    # Case-management exports often leave status out: an end date is what makes it ended.
    involvement.setdefault("status", "ended" if _cell(row, "involvement_end") else "active")
    professional: dict[str, Any] = {
        field: _cell(row, column)
        for field, column in _PROFESSIONAL_FIELDS.items()
        if _cell(row, column)
    }
    telecom = [
        {"system": system, "value": _cell(row, column), "use": "work"}
        for system, column in (("phone", "professional_phone"), ("email", "professional_email"))
        if _cell(row, column)
    ]
    if telecom:
        professional["telecom"] = telecom
    if professional:
        involvement["professional"] = professional
    return involvement


def column_for_person_field(loc: tuple[Any, ...]) -> str:
    """The CSV column a pydantic error location inside a Person comes from."""
    head = loc[0] if loc else None
    if head == "names":
        first = len(loc) < 2 or loc[1] == 0
        tail = loc[2] if len(loc) > 2 else "familyName"
        if not first:
            return "previous_family_names"
        return {"givenNames": "given_names", "preferredNames": "preferred_name"}.get(
            str(tail), "family_name"
        )
    if head == "identifiers":
        return "nhs_number"
    if head == "dateOfBirth":
        return "date_of_birth_accuracy" if "accuracyIndicator" in loc else "date_of_birth"
    if head == "addresses":
        field = str(loc[2]) if len(loc) > 2 else ""
        return _ADDRESS_FIELDS.get(field, "address_line1")
    return str(head) if head in ("gender", "sex") else "(person)"


def column_for_involvement_field(field: str) -> str:
    """The CSV column a field (dotted path) inside an Involvement comes from."""
    parts = field.split(".")
    if parts[0] in _INVOLVEMENT_FIELDS:
        return _INVOLVEMENT_FIELDS[parts[0]]
    if parts[0] == "professional":
        if len(parts) > 1 and parts[1] in _PROFESSIONAL_FIELDS:
            return _PROFESSIONAL_FIELDS[parts[1]]
        if len(parts) > 2 and parts[1] == "telecom":
            return "professional_phone" if parts[2] == "0" else "professional_email"
        return "professional_name"
    return "involvement_start"


def person_from_rows(
    rows: Sequence[tuple[int, Mapping[str, str]]], file: str
) -> StoredPerson | list[Problem]:
    """One person from their CSV rows (line number, row), or every problem the rows have."""
    first_line, first = rows[0]
    problems: list[Problem] = []
    record_id = _cell(first, "record_id")
    if not record_id:
        problems.append(Problem(file, first_line, "record_id", "required but missing"))
    elif len(record_id) > 100:
        problems.append(Problem(file, first_line, "record_id", "longer than 100 characters"))
    person: Person | None = None
    try:
        person = Person.model_validate(person_json(first))
    except ValidationError as error:
        problems.extend(problems_from(error, file, first_line, column_for_person_field))
    for line, row in rows[1:]:
        for column in PERSON_COLUMNS:
            if _cell(row, column) != _cell(first, column):
                reason = f"differs from line {first_line} for the same record_id"
                problems.append(Problem(file, line, column, reason))
    involvements: list[Involvement] = []
    for line, row in rows:
        wanted = involvement_json(row)
        if wanted is None:
            continue
        try:
            involvements.append(Involvement.model_validate(wanted))
        except ValidationError as error:
            problems.extend(
                problems_from(
                    error,
                    file,
                    line,
                    lambda loc: column_for_involvement_field(".".join(map(str, loc))),
                )
            )
    if problems or person is None:
        return problems
    return StoredPerson(record_id=record_id, person=person, involvements=tuple(involvements))
