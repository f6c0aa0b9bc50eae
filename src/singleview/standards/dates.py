"""Partial dates, as case records hold them: a year, a year and month, or a full date.

The Person standard's ``accuracyIndicator`` says, for day, month and year in that order, whether
each part is accurate (A), estimated (E) or unknown (U): ``AAA`` is a date known exactly,
``UUE`` an estimated year only. The profile fixes that reading where the draft is silent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

_PARTIAL = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
_ACCURACY = re.compile(r"^[AEU]{3}$")

Precision = Literal["year", "month", "day"]


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A calendar date known to year, month or day precision."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        if not 1800 <= self.year <= 2200:
            raise ValueError(f"year {self.year} is out of range")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} does not exist")
        if self.day is not None and self.month is not None:
            dt.date(self.year, self.month, self.day)  # raises ValueError for 31 June etc.

    @property
    def precision(self) -> Precision:
        """How much of the date is known."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def isoformat(self) -> str:
        """``2015``, ``2015-05`` or ``2015-05-01`` (FHIR ``date``)."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def as_date(self) -> dt.date | None:
        """The full date, when the day is known."""
        if self.day is None or self.month is None:
            return None
        return dt.date(self.year, self.month, self.day)

    def __str__(self) -> str:
        return self.isoformat()


def parse_partial_date(raw: str) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ValueError says why a date is impossible."""
    text = raw.strip()
    match = _PARTIAL.match(text)
    if not match:
        raise ValueError(f"{raw!r} is not a date in the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.group("year", "month", "day")
    try:
        return PartialDate(int(year), int(month) if month else None, int(day) if day else None)
    except ValueError as error:
        raise ValueError(f"{raw!r} is not a real date: {error}") from error


def validate_accuracy_indicator(code: str) -> str:
    """Check a day-month-year accuracy code such as ``AAA`` or ``UUE``."""
    upper = code.strip().upper()
    if not _ACCURACY.match(upper):
        raise ValueError(
            f"accuracy indicator {code!r} must be three letters, each A (accurate), "
            "E (estimated) or U (unknown), for day, month and year"
        )
    return upper
