"""The matcher's own index: each person's standardised form and their blocking keys.

Derived entirely from the records capability (through its public functions), so it can be
dropped and rebuilt at any time; it never holds anything the records do not.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache

from sqlalchemy import (
    ColumnElement,
    Index,
    Select,
    String,
    Text,
    any_,
    bindparam,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, Session, mapped_column

from singleview.db import Base
from singleview.matching.blocking import KEY_CAP, MAX_CANDIDATES, blocking_keys
from singleview.matching.standardise import StandardisedPerson


class IndexedPerson(Base):
    """A record's standardised form, as JSON, so scoring needs no joins."""

    __tablename__ = "matching_person"

    record_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    features: Mapped[str] = mapped_column(Text)


class BlockingKey(Base):
    """One blocking key of one record: candidates are records sharing a key with the enquiry."""

    __tablename__ = "matching_blocking_key"
    __table_args__ = (Index("ix_matching_blocking_key_record_id", "record_id"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(100), primary_key=True)


_CHUNK = 500

_KEYS = BlockingKey.__table__.c
_PEOPLE = IndexedPerson.__table__.c


def _among(column: ColumnElement[str], name: str, dialect: str) -> ColumnElement[bool]:
    """``column`` is one of the list given as parameter ``name``, passed as one value (see
    :func:`_list_value`). An expanding ``IN`` is rendered again for every length of list, and
    that cost more than the index read on every enquiry."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(String)))
    if dialect == "sqlite":
        values = func.json_each(bindparam(name, type_=String)).table_valued("value")
        return column.in_(select(values.c.value))
    return column.in_(bindparam(name, expanding=True))


def _list_value(values: list[str], dialect: str) -> object:
    return json.dumps(values) if dialect == "sqlite" else values


@cache
def _lookups(dialect: str) -> tuple[Select[str, str], Select[str, str]]:
    """The two index reads of :func:`find_candidates`, built once per database dialect."""
    postings = select(_KEYS.key, _KEYS.record_id).where(_among(_KEYS.key, "keys", dialect))
    features = select(_PEOPLE.record_id, _PEOPLE.features).where(
        _among(_PEOPLE.record_id, "record_ids", dialect)
    )
    return postings, features


def _features_json(person: StandardisedPerson) -> str:
    columns = person.as_columns()
    del columns["unique_id"]
    return json.dumps(columns, separators=(",", ":"))


def remove_people(session: Session, record_ids: Iterable[str]) -> None:
    """Drop these records from the index (e.g. deleted or about to be re-indexed)."""
    ids = list(record_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        session.execute(delete(BlockingKey).where(BlockingKey.record_id.in_(chunk)))
        session.execute(delete(IndexedPerson).where(IndexedPerson.record_id.in_(chunk)))


def index_people(
    session: Session, people: Iterable[StandardisedPerson], *, replace: bool = True
) -> int:
    """Add (or, with ``replace``, re-add) standardised people to the index; returns how many.

    ``replace=False`` skips the delete and is only for filling an empty index in bulk.
    """
    count = 0
    batch: list[StandardisedPerson] = []

    def flush() -> None:
        if replace:
            remove_people(session, (p.record_id for p in batch))
        session.execute(
            insert(IndexedPerson),
            [{"record_id": p.record_id, "features": _features_json(p)} for p in batch],
        )
        keys = [{"key": key, "record_id": p.record_id} for p in batch for key in blocking_keys(p)]
        if keys:
            session.execute(insert(BlockingKey), keys)
        batch.clear()

    for person in people:
        batch.append(person)
        count += 1
        if len(batch) >= _CHUNK:
            flush()
    if batch:
        flush()
    return count


def find_candidates(
    session: Session,
    enquiry: StandardisedPerson,
    *,
    key_cap: int = KEY_CAP,
    max_candidates: int = MAX_CANDIDATES,
) -> list[StandardisedPerson]:
    """Records sharing a blocking key with ``enquiry``, most keys shared first, capped."""
    keys = sorted(blocking_keys(enquiry))
    if not keys:
        return []
    postings: dict[str, list[str]] = defaultdict(list)
    # Core statements on the session's connection: this runs on every enquiry, and the ORM's
    # result handling cost more than the two index reads themselves.
    connection = session.connection()
    dialect = connection.dialect.name
    postings_read, features_read = _lookups(dialect)
    rows = connection.execute(postings_read, {"keys": _list_value(keys, dialect)})
    for key, record_id in rows:
        postings[key].append(record_id)
    shared: Counter[str] = Counter()
    for ids in postings.values():
        if len(ids) <= key_cap:
            shared.update(ids)
    chosen = [record_id for record_id, _ in shared.most_common(max_candidates)]
    if not chosen:
        return []
    found = connection.execute(features_read, {"record_ids": _list_value(chosen, dialect)})
    return [
        StandardisedPerson.from_columns(record_id, json.loads(features))
        for record_id, features in found
    ]


def indexed_count(session: Session) -> int:
    """How many records the index holds."""
    return int(session.execute(select(func.count()).select_from(IndexedPerson)).scalar_one())
