"""Plain values of the records capability: a stored person, import problems and reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import Field, ValidationError

from singleview.standards.involvement import Involvement
from singleview.standards.person import Person, StandardModel


class StoredPerson(StandardModel):
    """A person as this node holds them: the source system's record id, who they are, and
    the services involved with them. Its JSON is one line of the JSON Lines import format."""

    record_id: str = Field(min_length=1, max_length=100)
    person: Person
    involvements: tuple[Involvement, ...] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one row of an import file is malformed: where it is and what is wrong."""

    file: str
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


def problems_from(
    error: ValidationError, file: str, line: int, field_name: Callable[[tuple[Any, ...]], str]
) -> list[Problem]:
    """One problem per pydantic error, with the field named the way the file names it."""
    details = error.errors()
    locations = [tuple(detail["loc"]) for detail in details]
    problems = []
    for detail, loc in zip(details, locations, strict=True):
        # pydantic also reports a list as too short when its only item failed: say it once.
        if detail["type"] == "too_short" and any(
            other[: len(loc)] == loc and other != loc for other in locations
        ):
            continue
        reason = str(detail["msg"]).removeprefix("Value error, ")
        if detail["type"] == "json_invalid":
            reason = reason.removeprefix("Invalid JSON: ")
            problems.append(Problem(file, line, "(line)", f"not valid JSON: {reason}"))
            continue
        if detail["type"] == "extra_forbidden":
            reason = "unknown field"
        elif detail["type"] in ("model_type", "model_attributes_type", "dict_type"):
            reason = "must be a JSON object"
        elif detail["type"] == "missing" or (
            detail["type"] == "string_too_short" and detail.get("input") == ""
        ):
            reason = "required but missing"
        problems.append(Problem(file, line, field_name(loc), reason))
    return problems


class Gap(StrEnum):
    """Ways a well-formed record can be incomplete; imported, but worth a practitioner's eye."""

    MISSING_GIVEN_NAME = "missing given name"
    MISSING_DATE_OF_BIRTH = "missing date of birth"
    MISSING_NHS_NUMBER = "missing NHS number"
    MISSING_ADDRESS = "missing address"


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """A well-formed record read from an import file, with the line it starts on."""

    line: int
    stored: StoredPerson
    gaps: tuple[Gap, ...] = ()


@dataclass(frozen=True, slots=True)
class GapExample:
    """One record showing a data-quality gap, so the reader can go and look."""

    gap: Gap
    file: str
    line: int
    record_id: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: record {self.record_id}: {self.gap}"


@dataclass(slots=True)
class ImportReport:
    """What an import did: people and involvements written, gaps seen, problems found."""

    file: str
    people: int = 0
    involvements: int = 0
    gap_counts: Counter[Gap] = field(default_factory=Counter)
    gap_examples: list[GapExample] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    #: How many examples of each gap the report keeps; the counts are always complete.
    EXAMPLES_PER_GAP = 5

    def note_gaps(self, parsed: ParsedRecord) -> None:
        """Count the gaps of one record and keep the first few of each kind as examples."""
        for gap in parsed.gaps:
            self.gap_counts[gap] += 1
            if self.gap_counts[gap] <= self.EXAMPLES_PER_GAP:
                example = GapExample(gap, self.file, parsed.line, parsed.stored.record_id)
                self.gap_examples.append(example)


class ImportRejectedError(Exception):
    """An import file had malformed rows, so nothing in it was written."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        shown = "; ".join(str(problem) for problem in report.problems[:3])
        more = len(report.problems) - 3
        suffix = f" (and {more} more)" if more > 0 else ""
        super().__init__(
            f"{report.file}: {len(report.problems)} malformed row(s), nothing was imported: "
            f"{shown}{suffix}"
        )


class UnsupportedFileError(ValueError):
    """The import file's extension names no format the importer reads."""
