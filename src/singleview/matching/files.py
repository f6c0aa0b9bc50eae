"""Read record and enquiry files for batch matching and training (the import file formats).

JSON Lines are read leniently: an NHS number failing Modulus 11 or a malformed postcode is
dropped with a note rather than rejecting the line, because the matcher must treat such a value
as absent and say so. CSV goes through the records capability's own reader.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from singleview.matching.standardise import StandardisedPerson, lenient_person, standardise
from singleview.records.importer import read_records
from singleview.records.models import Problem
from singleview.standards.person import Person


@dataclass(frozen=True, slots=True)
class UnreadableRow:
    """A row that could not be read as a person: where, and why."""

    record_id: str | None
    where: str
    reason: str


def _jsonl(path: Path) -> Iterator[StandardisedPerson | UnreadableRow]:
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as error:
                yield UnreadableRow(None, where, f"not valid JSON: {error.msg}")
                continue
            record_id = data.get("recordId") if isinstance(data, dict) else None
            person_data = data.get("person") if isinstance(data, dict) else None
            if not isinstance(record_id, str) or not isinstance(person_data, dict):
                yield UnreadableRow(None, where, "needs a recordId and a person object")
                continue
            cleaned, notes = lenient_person(person_data)
            try:
                person = Person.model_validate(cleaned)
            except ValidationError as error:
                first = error.errors()[0]
                field = ".".join(str(part) for part in first["loc"]) or "person"
                yield UnreadableRow(record_id, where, f"person.{field}: {first['msg']}")
                continue
            yield standardise(record_id, person, notes)


def _csv(path: Path) -> Iterator[StandardisedPerson | UnreadableRow]:
    for item in read_records(path):
        if isinstance(item, Problem):
            yield UnreadableRow(None, f"{item.file}:{item.line}", f"{item.field}: {item.reason}")
        else:
            yield standardise(item.stored.record_id, item.stored.person)


def read_people(path: Path) -> Iterator[StandardisedPerson | UnreadableRow]:
    """Every row of a records or enquiries file, standardised, or why it could not be read."""
    if path.suffix.lower() == ".csv":
        return _csv(path)
    return _jsonl(path)
