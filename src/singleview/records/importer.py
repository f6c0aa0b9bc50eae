"""Reading import files: JSON Lines and CSV into ``StoredPerson`` values, or problems.

Pure: no database. ``read_records`` yields, for each record in a file, either a
``ParsedRecord`` (well-formed, perhaps with data-quality gaps) or the ``Problem`` values that make
it malformed, so that the caller can report every bad row of a file at once.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from singleview.records import csv_format
from singleview.records.models import (
    Gap,
    ParsedRecord,
    Problem,
    StoredPerson,
    UnsupportedFileError,
    problems_from,
)
from singleview.standards.person import Person

JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)

#: Called now and then with the number of bytes of the file read so far.
ProgressCallback = Callable[[int], None]


def data_quality_gaps(person: Person) -> tuple[Gap, ...]:
    """The ways ``person`` is incomplete but still usable."""
    gaps: list[Gap] = []
    if not any(name.given_names for name in person.names):
        gaps.append(Gap.MISSING_GIVEN_NAME)
    if person.date_of_birth is None:
        gaps.append(Gap.MISSING_DATE_OF_BIRTH)
    if person.nhs_number is None:
        gaps.append(Gap.MISSING_NHS_NUMBER)
    if not person.addresses:
        gaps.append(Gap.MISSING_ADDRESS)
    return tuple(gaps)


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(record)"


class _SeenRecordIds:
    """Remembers where each record id first appeared, to refuse a person given twice."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.first_line: dict[str, int] = {}

    def problem(self, record_id: str, line: int, field: str) -> Problem | None:
        first = self.first_line.setdefault(record_id, line)
        if first == line:
            return None
        return Problem(
            self.file, line, field, f"record {record_id!r} was already given on line {first}"
        )


def parse_json_line(raw: bytes | str, file: str, line: int) -> ParsedRecord | list[Problem]:
    """One line of a JSON Lines file: a record, or the problems that make it malformed."""
    try:
        stored = StoredPerson.model_validate_json(raw)
    except ValidationError as error:
        return problems_from(error, file, line, _dotted)
    return ParsedRecord(line, stored, data_quality_gaps(stored.person))


def read_jsonl(
    path: Path, on_progress: ProgressCallback | None = None
) -> Iterator[ParsedRecord | Problem]:
    """Every record of a JSON Lines file, or the problems of each malformed line."""
    file = path.name
    seen = _SeenRecordIds(file)
    done = 0
    with path.open("rb") as stream:
        for number, raw in enumerate(stream, start=1):
            done += len(raw)
            if on_progress is not None and number % 1000 == 0:
                on_progress(done)
            if not raw.strip():
                continue
            result = parse_json_line(raw, file, number)
            if isinstance(result, list):
                yield from result
                continue
            duplicate = seen.problem(result.stored.record_id, number, "recordId")
            if duplicate is not None:
                yield duplicate
            else:
                yield result
    if on_progress is not None:
        on_progress(done)


def _decoded_lines(stream: Iterable[bytes], counter: list[int]) -> Iterator[str]:
    for raw in stream:
        counter[0] += len(raw)
        yield raw.decode("utf-8-sig" if counter[0] == len(raw) else "utf-8")


def read_csv(
    path: Path, on_progress: ProgressCallback | None = None
) -> Iterator[ParsedRecord | Problem]:
    """Every person of a CSV file (one row per person-involvement), or each row's problems."""
    file = path.name
    done = [0]
    with path.open("rb") as stream:
        reader = csv.reader(_decoded_lines(stream, done))
        try:
            header = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as error:
            yield Problem(file, 1, "(header)", f"not readable as CSV: {error}")
            return
        header_problems = csv_format.header_problems(header, file)
        if header_problems:
            yield from header_problems
            return
        yield from _csv_people(reader, header, file, done, on_progress)


def _csv_people(
    reader: Any,
    header: list[str],
    file: str,
    done: list[int],
    on_progress: ProgressCallback | None,
) -> Iterator[ParsedRecord | Problem]:
    seen = _SeenRecordIds(file)
    group: list[tuple[int, Mapping[str, str]]] = []
    last_line = 1
    count = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except (csv.Error, UnicodeDecodeError) as error:
            yield Problem(file, last_line + 1, "(line)", f"not readable as CSV: {error}")
            last_line = reader.line_num
            continue
        line, last_line = last_line + 1, reader.line_num
        count += 1
        if on_progress is not None and count % 1000 == 0:
            on_progress(done[0])
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            reason = f"has {len(cells)} cells but the header names {len(header)} columns"
            yield Problem(file, line, "(line)", reason)
            continue
        row = dict(zip(header, cells, strict=True))
        record_id = row["record_id"].strip()
        if group and group[0][1]["record_id"].strip() != record_id:
            yield from _csv_person(group, file, seen)
            group = []
        group.append((line, row))
    if group:
        yield from _csv_person(group, file, seen)
    if on_progress is not None:
        on_progress(done[0])


def _csv_person(
    group: list[tuple[int, Mapping[str, str]]], file: str, seen: _SeenRecordIds
) -> Iterator[ParsedRecord | Problem]:
    first_line = group[0][0]
    result = csv_format.person_from_rows(group, file)
    if isinstance(result, list):
        yield from sorted(result, key=lambda problem: problem.line)
        return
    duplicate = seen.problem(result.record_id, first_line, "record_id")
    if duplicate is not None:
        reason = f"{duplicate.reason}; rows for one person must be next to each other"
        yield Problem(file, first_line, "record_id", reason)
        return
    yield ParsedRecord(first_line, result, data_quality_gaps(result.person))


def read_records(
    path: Path, on_progress: ProgressCallback | None = None
) -> Iterator[ParsedRecord | Problem]:
    """Every record of an import file, chosen by extension (.jsonl/.ndjson or .csv)."""
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return read_jsonl(path, on_progress)
    if suffix in CSV_SUFFIXES:
        return read_csv(path, on_progress)
    raise UnsupportedFileError(
        f"{path.name}: cannot tell the format from the extension {suffix!r}; "
        "use .jsonl (or .ndjson) for JSON Lines or .csv for CSV"
    )
