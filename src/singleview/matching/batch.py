"""Batch matching: a records file against an enquiries file, one answer row per enquiry.

For data-quality checks and benchmarks. Both files may be incomplete; a row too thin to match
on is answered ``insufficient`` and a row that cannot be read at all is reported, never a
failed run.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy.orm import Session

from singleview.matching.bands import Band
from singleview.matching.files import UnreadableRow, read_people
from singleview.matching.model import MatchModel
from singleview.matching.result import MatchResult
from singleview.matching.service import match_standardised
from singleview.matching.standardise import StandardisedPerson
from singleview.matching.storage import index_people

BATCH_COLUMNS = ("enquiry_id", "best_record_id", "probability", "band", "candidates", "note")


@dataclass(frozen=True, slots=True)
class BatchRow:
    """One enquiry's answer in a batch run."""

    enquiry_id: str
    result: MatchResult | None
    note: str = ""

    def as_csv(self) -> list[str]:
        """The row in ``BATCH_COLUMNS`` order."""
        if self.result is None:
            return [self.enquiry_id, "", "", Band.INSUFFICIENT.value, "0", self.note]
        r = self.result
        return [
            self.enquiry_id,
            r.best_record_id or "",
            "" if r.probability is None else f"{r.probability:.9g}",
            r.band.value,
            str(r.candidates_considered),
            "; ".join(r.notes),
        ]


def index_file(session: Session, path: Path) -> tuple[int, list[UnreadableRow]]:
    """Index every readable record of ``path`` into an empty index; returns count and skips."""
    skipped: list[UnreadableRow] = []

    def readable() -> Iterator[StandardisedPerson]:
        for item in read_people(path):
            if isinstance(item, UnreadableRow):
                skipped.append(item)
            else:
                yield item

    count = index_people(session, readable(), replace=False)
    return count, skipped


def match_all(
    session: Session, model: MatchModel, enquiries: Iterable[StandardisedPerson | UnreadableRow]
) -> Iterator[BatchRow]:
    """Answer every enquiry; unreadable ones become ``insufficient`` rows saying why."""
    for number, item in enumerate(enquiries, start=1):
        if isinstance(item, UnreadableRow):
            yield BatchRow(item.record_id or f"row-{number}", None, f"{item.where}: {item.reason}")
        else:
            yield BatchRow(item.record_id, match_standardised(session, item, model))


def write_rows(rows: Iterable[BatchRow], out: TextIO) -> int:
    """Write the batch CSV (header first); returns how many enquiries were written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BATCH_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(row.as_csv())
        count += 1
    return count
