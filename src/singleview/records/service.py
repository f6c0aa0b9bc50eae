"""What other capabilities call: read the node's people, import them, and its contact details.

Every function takes an open ``Session``; none of them commits except ``import_file``, which
owns its all-or-nothing transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from singleview.db import cyclic_gc_paused
from singleview.records import storage
from singleview.records.importer import (
    ProgressCallback,
    read_records,
)
from singleview.records.models import ImportRejectedError, ImportReport, Problem, StoredPerson
from singleview.standards.involvement import Involvement, OrganisationContact
from singleview.standards.person import Person

#: Told, batch by batch inside the import's transaction, which people were just written.
PeopleChanged = Callable[[Sequence[tuple[str, Person]]], None]

#: People written per round trip: large enough that per-statement costs vanish.
BATCH_SIZE = 5000


def get_person(session: Session, record_id: str) -> StoredPerson | None:
    """The person held under the source record id ``record_id``, with their involvements."""
    return storage.load_people(session.connection(), [record_id]).get(record_id)


def get_people(session: Session, record_ids: Sequence[str]) -> dict[str, StoredPerson]:
    """The people held under ``record_ids``, by record id; unknown ids are left out."""
    return storage.load_people(session.connection(), record_ids)


def iter_people(session: Session, batch_size: int = 1000) -> Iterator[StoredPerson]:
    """Every person held, in record id order, read ``batch_size`` at a time."""
    after: str | None = None
    while True:
        record_ids = storage.record_ids_after(session.connection(), after, batch_size)
        if not record_ids:
            return
        people = storage.load_people(session.connection(), record_ids)
        yield from (people[record_id] for record_id in record_ids)
        after = record_ids[-1]


def involvements_for(session: Session, record_id: str) -> tuple[Involvement, ...]:
    """The involvements held for a person; empty if there are none or the person is unknown."""
    return storage.load_involvements(session.connection(), record_id)


def count_people(session: Session) -> int:
    """How many people the node holds."""
    return storage.count_rows(session.connection(), storage.PEOPLE)


def organisation_contact(session: Session) -> OrganisationContact | None:
    """Who a partner should call: the organisation's own contact details, if set."""
    return storage.load_contact(session.connection())


def set_organisation_contact(session: Session, contact: OrganisationContact) -> None:
    """Replace the organisation's contact details (the caller commits)."""
    storage.save_contact(session.connection(), contact)


def _batches(people: Iterable[StoredPerson], size: int) -> Iterator[list[StoredPerson]]:
    batch: list[StoredPerson] = []
    for stored in people:
        batch.append(stored)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_records(
    session: Session,
    people: Iterable[StoredPerson],
    on_people_changed: PeopleChanged | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Upsert ``people`` (distinct record ids) by record id, replacing what was held for each.

    Writes in the session's transaction and does not commit. ``on_people_changed`` is called
    after each batch with the (record id, Person) pairs written, in the same transaction, so
    writes it makes through this session stand or fall with the import. Returns the count.
    """
    connection = session.connection()
    # Nothing to replace in an empty store: skipping the deletes makes a first load faster.
    replace = connection.scalar(select(storage.PEOPLE.c.record_id).limit(1)) is not None
    written = 0
    with cyclic_gc_paused():
        for batch in _batches(people, batch_size):
            storage.write_people(connection, batch, replace=replace)
            written += len(batch)
            if on_people_changed is not None:
                on_people_changed([(stored.record_id, stored.person) for stored in batch])
    return written


def import_file(
    session: Session,
    path: Path,
    *,
    on_people_changed: PeopleChanged | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a CSV or JSON Lines file all-or-nothing, committing only if every row is sound.

    Every row is validated; people are written as they are read while the file is clean. If any
    row is malformed, writing stops, reading goes on to collect every problem, the transaction
    is rolled back and ``ImportRejectedError`` carries the report. Raises
    ``UnsupportedFileError`` for an unknown extension and ``OSError`` for an unreadable file.
    """
    report = ImportReport(file=path.name)
    parsed = read_records(path, on_progress)

    def sound_people() -> Iterator[StoredPerson]:
        for item in parsed:
            if isinstance(item, Problem):
                report.problems.append(item)
                continue
            report.note_gaps(item)
            report.people += 1
            report.involvements += len(item.stored.involvements)
            if not report.problems:
                yield item.stored

    try:
        import_records(session, sound_people(), on_people_changed)
    except BaseException:
        session.rollback()
        raise
    if report.problems:
        session.rollback()
        report.problems.sort(key=lambda problem: problem.line)
        raise ImportRejectedError(report)
    session.commit()
    return report


@dataclass(frozen=True, slots=True)
class RecordStatistics:
    """What the node holds, for ``singleview records stats``."""

    people: int
    involvements: int
    people_missing: dict[str, int]
    involvements_by_kind: list[tuple[str, str, str, int]]


def record_statistics(session: Session) -> RecordStatistics:
    """Counts of people, involvements by kind, and people missing each key detail."""
    connection = session.connection()
    return RecordStatistics(
        people=storage.count_rows(connection, storage.PEOPLE),
        involvements=storage.count_rows(connection, storage.INVOLVEMENTS),
        people_missing=storage.gap_counts(connection),
        involvements_by_kind=storage.involvement_counts(connection),
    )
