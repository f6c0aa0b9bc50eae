"""Tables for the node's people, their involvements and its contact, and the bulk writer.

A person is one row in ``records_people`` keyed by the source system's record id, with their
identifiers, names, addresses and involvements in child tables keyed by (record id, position).
Keying the children by record id rather than a generated number lets a batch be written without
asking the database for ids first, so PostgreSQL can take every table by ``COPY`` and SQLite by
one ``executemany`` per table.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Connection,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from singleview.db import Base
from singleview.records.models import StoredPerson
from singleview.standards.involvement import Involvement, OrganisationContact
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM


def _person_key() -> Mapped[str]:
    """The record id column of a child table: part of its key, and the person it belongs to."""
    person = ForeignKey("records_people.record_id", ondelete="CASCADE")
    return mapped_column(String(100), person, primary_key=True)


class PersonRow(Base):
    """One person the node holds, keyed by the source system's record id."""

    __tablename__ = "records_people"

    record_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    date_of_birth: Mapped[str | None] = mapped_column(String(10))
    date_of_birth_accuracy: Mapped[str | None] = mapped_column(String(3))
    gender: Mapped[str | None] = mapped_column(String(1))
    sex: Mapped[str | None] = mapped_column(String(1))


class IdentifierRow(Base):
    """An identifier of a person (NHS number or another system's)."""

    __tablename__ = "records_identifiers"

    record_id: Mapped[str] = _person_key()
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    system: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)


class NameRow(Base):
    """A name a person has or had, with its use (official, usual, old, maiden...)."""

    __tablename__ = "records_names"

    record_id: Mapped[str] = _person_key()
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    use: Mapped[str] = mapped_column(String(10))
    family_name: Mapped[str] = mapped_column(Text)
    #: JSON arrays of strings; NULL when there are none.
    given_names: Mapped[str | None] = mapped_column(Text)
    preferred_names: Mapped[str | None] = mapped_column(Text)


class AddressRow(Base):
    """An address a person lives or lived at, with the period when known."""

    __tablename__ = "records_addresses"

    record_id: Mapped[str] = _person_key()
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    use: Mapped[str] = mapped_column(String(10))
    line1: Mapped[str | None] = mapped_column(Text)
    line2: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(8))
    uprn: Mapped[int | None] = mapped_column(BigInteger)
    usrn: Mapped[int | None] = mapped_column(BigInteger)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)


class InvolvementRow(Base):
    """A service episode the node holds for a person, with its lead professional."""

    __tablename__ = "records_involvements"

    record_id: Mapped[str] = _person_key()
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    episode_type: Mapped[str] = mapped_column(String(64))
    service_type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(6))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    #: The Professional JSON (name, role, telecom); NULL when no lead professional is named.
    professional: Mapped[str | None] = mapped_column(Text)


class OrganisationContactRow(Base):
    """The node's own front door: at most one row, the OrganisationContact JSON."""

    __tablename__ = "records_organisation_contact"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    document: Mapped[str] = mapped_column(Text)


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


PEOPLE = _table(PersonRow)
IDENTIFIERS = _table(IdentifierRow)
NAMES = _table(NameRow)
ADDRESSES = _table(AddressRow)
INVOLVEMENTS = _table(InvolvementRow)
CONTACT = _table(OrganisationContactRow)
#: Parents before children, so foreign keys hold at every statement.
PERSON_TABLES = (PEOPLE, IDENTIFIERS, NAMES, ADDRESSES, INVOLVEMENTS)
_CHILD_TABLES = PERSON_TABLES[1:]


def _json_list(values: tuple[str, ...]) -> str | None:
    return json.dumps(values, ensure_ascii=False) if values else None


def table_rows(people: Iterable[StoredPerson]) -> dict[Table, list[tuple[Any, ...]]]:
    """The rows of every person table for ``people``, each tuple in the table's column order."""
    rows: dict[Table, list[tuple[Any, ...]]] = {table: [] for table in PERSON_TABLES}
    for stored in people:
        rid, person = stored.record_id, stored.person
        dob = person.date_of_birth
        rows[PEOPLE].append(
            (
                rid,
                dob.date.isoformat() if dob else None,
                dob.accuracy_indicator if dob else None,
                person.gender,
                person.sex,
            )
        )
        for i, identifier in enumerate(person.identifiers):
            rows[IDENTIFIERS].append((rid, i, identifier.system, identifier.value))
        for i, name in enumerate(person.names):
            rows[NAMES].append(
                (
                    rid,
                    i,
                    name.use,
                    name.family_name,
                    _json_list(name.given_names),
                    _json_list(name.preferred_names),
                )
            )
        for i, a in enumerate(person.addresses):
            rows[ADDRESSES].append(
                (
                    rid,
                    i,
                    a.use,
                    a.line1,
                    a.line2,
                    a.city,
                    a.postcode,
                    a.uprn,
                    a.usrn,
                    _iso(a.period_start),
                    _iso(a.period_end),
                )
            )
        for i, inv in enumerate(stored.involvements):
            professional = (
                inv.professional.model_dump_json(by_alias=True, exclude_none=True)
                if inv.professional
                else None
            )
            rows[INVOLVEMENTS].append(
                (
                    rid,
                    i,
                    inv.episode_type,
                    inv.service_type,
                    inv.status,
                    _iso(inv.period_start),
                    _iso(inv.period_end),
                    professional,
                )
            )
    return rows


def _iso(day: dt.date | None) -> str | None:
    # ISO text suits every path: SQLAlchemy's SQLite Date type stores exactly this, and
    # PostgreSQL's COPY parses it into a date.
    return None if day is None else day.isoformat()


def _insert_sqlite(connection: Connection, table: Table, rows: list[tuple[Any, ...]]) -> None:
    columns = ", ".join(column.name for column in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(
            f"INSERT INTO {table.name} ({columns}) VALUES ({marks})",  # noqa: S608 (our names)
            rows,
        )
    finally:
        cursor.close()


def _copy_postgresql(connection: Connection, table: Table, rows: list[tuple[Any, ...]]) -> None:
    columns = ", ".join(column.name for column in table.columns)
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()


def _insert_generic(connection: Connection, table: Table, rows: list[tuple[Any, ...]]) -> None:
    dates = [isinstance(column.type, Date) for column in table.columns]
    names = [column.name for column in table.columns]
    connection.execute(
        insert(table),
        [
            {
                name: dt.date.fromisoformat(value) if is_date and value else value
                for name, value, is_date in zip(names, row, dates, strict=True)
            }
            for row in rows
        ],
    )


def insert_rows(connection: Connection, table: Table, rows: list[tuple[Any, ...]]) -> None:
    """Append ``rows`` to ``table`` the fastest way the backend offers, in the open transaction."""
    if not rows:
        return
    dialect = connection.dialect.name
    if dialect == "postgresql" and connection.dialect.driver == "psycopg":
        _copy_postgresql(connection, table, rows)
    elif dialect == "sqlite" and connection.dialect.driver == "pysqlite":
        _insert_sqlite(connection, table, rows)
    else:
        _insert_generic(connection, table, rows)


def delete_people(connection: Connection, record_ids: Sequence[str]) -> None:
    """Remove these people and everything recorded about them (before they are rewritten)."""
    for start in range(0, len(record_ids), 5000):
        chunk = list(record_ids[start : start + 5000])
        for table in (*_CHILD_TABLES, PEOPLE):
            connection.execute(delete(table).where(table.c.record_id.in_(chunk)))


def write_people(connection: Connection, people: Sequence[StoredPerson], *, replace: bool) -> None:
    """Write ``people``; with ``replace``, first remove whatever is held under their record ids."""
    if replace:
        delete_people(connection, [stored.record_id for stored in people])
    for table, rows in table_rows(people).items():
        insert_rows(connection, table, rows)


def _grouped(connection: Connection, table: Table, record_ids: list[str]) -> dict[str, list[Any]]:
    query = (
        select(table)
        .where(table.c.record_id.in_(record_ids))
        .order_by(table.c.record_id, table.c.position)
    )
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in connection.execute(query):
        grouped[row.record_id].append(row)
    return grouped


def _json_tuple(text: str | None) -> list[str]:
    return list(json.loads(text)) if text else []


def _involvement_fields(row: Any) -> dict[str, Any]:
    return {
        "episodeType": row.episode_type,
        "serviceType": row.service_type,
        "status": row.status,
        "periodStart": row.period_start,
        "periodEnd": row.period_end,
        "professional": json.loads(row.professional) if row.professional else None,
    }


_ONE_PERSONS_INVOLVEMENTS = (
    select(INVOLVEMENTS)
    .where(INVOLVEMENTS.c.record_id == bindparam("record_id"))
    .order_by(INVOLVEMENTS.c.position)
)


def load_involvements(connection: Connection, record_id: str) -> tuple[Involvement, ...]:
    """The involvements held under ``record_id``, in their stored order (one table read:
    answering an enquiry needs these and nothing else of the person; the statement is built
    once, as every permitted answer runs it)."""
    rows = connection.execute(_ONE_PERSONS_INVOLVEMENTS, {"record_id": record_id})
    return tuple(Involvement.model_validate(_involvement_fields(row)) for row in rows)


def load_people(connection: Connection, record_ids: Sequence[str]) -> dict[str, StoredPerson]:
    """The people held under ``record_ids`` (those that exist), by record id."""
    found: dict[str, StoredPerson] = {}
    for start in range(0, len(record_ids), 5000):
        found.update(_load_chunk(connection, list(record_ids[start : start + 5000])))
    return found


def _load_chunk(connection: Connection, record_ids: list[str]) -> dict[str, StoredPerson]:
    people = connection.execute(select(PEOPLE).where(PEOPLE.c.record_id.in_(record_ids)))
    identifiers = _grouped(connection, IDENTIFIERS, record_ids)
    names = _grouped(connection, NAMES, record_ids)
    addresses = _grouped(connection, ADDRESSES, record_ids)
    involvements = _grouped(connection, INVOLVEMENTS, record_ids)
    found = {}
    for p in people:
        rid = p.record_id
        person: dict[str, Any] = {
            "identifiers": [{"system": i.system, "value": i.value} for i in identifiers[rid]],
            "names": [
                {
                    "use": n.use,
                    "familyName": n.family_name,
                    "givenNames": _json_tuple(n.given_names),
                    "preferredNames": _json_tuple(n.preferred_names),
                }
                for n in names[rid]
            ],
            "addresses": [
                {
                    "use": a.use,
                    "line1": a.line1,
                    "line2": a.line2,
                    "city": a.city,
                    "postcode": a.postcode,
                    "UPRN": a.uprn,
                    "USRN": a.usrn,
                    "periodStart": a.period_start,
                    "periodEnd": a.period_end,
                }
                for a in addresses[rid]
            ],
            "gender": p.gender,
            "sex": p.sex,
        }
        if p.date_of_birth is not None:
            person["dateOfBirth"] = {
                "date": p.date_of_birth,
                "accuracyIndicator": p.date_of_birth_accuracy,
            }
        found[rid] = StoredPerson.model_validate(
            {
                "recordId": rid,
                "person": person,
                "involvements": [_involvement_fields(i) for i in involvements[rid]],
            }
        )
    return found


def record_ids_after(connection: Connection, after: str | None, limit: int) -> list[str]:
    """Up to ``limit`` record ids in order, starting after ``after`` (keyset paging)."""
    query = select(PEOPLE.c.record_id).order_by(PEOPLE.c.record_id).limit(limit)
    if after is not None:
        query = query.where(PEOPLE.c.record_id > after)
    return list(connection.scalars(query))


def count_rows(connection: Connection, table: Table) -> int:
    """How many rows ``table`` holds."""
    return connection.scalar(select(func.count()).select_from(table)) or 0


def save_contact(connection: Connection, contact: OrganisationContact) -> None:
    """Replace the organisation's contact details."""
    connection.execute(delete(CONTACT))
    document = contact.model_dump_json(by_alias=True, exclude_none=True)
    connection.execute(insert(CONTACT).values(id=1, document=document))


def load_contact(connection: Connection) -> OrganisationContact | None:
    """The organisation's contact details, if they have been set."""
    document = connection.scalar(select(CONTACT.c.document).where(CONTACT.c.id == 1))
    return None if document is None else OrganisationContact.model_validate_json(document)


def gap_counts(connection: Connection) -> dict[str, int]:
    """How many people lack a given name, a date of birth, an NHS number, an address."""
    rid = PEOPLE.c.record_id

    def without(table: Table, *conditions: Any) -> int:
        missing = ~select(table.c.record_id).where(table.c.record_id == rid, *conditions).exists()
        return connection.scalar(select(func.count()).select_from(PEOPLE).where(missing)) or 0

    no_dob = select(func.count()).select_from(PEOPLE).where(PEOPLE.c.date_of_birth.is_(None))
    return {
        "given name": without(NAMES, NAMES.c.given_names.is_not(None)),
        "date of birth": connection.scalar(no_dob) or 0,
        "NHS number": without(IDENTIFIERS, IDENTIFIERS.c.system == NHS_NUMBER_SYSTEM),
        "address": without(ADDRESSES),
    }


def involvement_counts(connection: Connection) -> list[tuple[str, str, str, int]]:
    """(service type, episode type, status, count) for every combination held."""
    columns = (INVOLVEMENTS.c.service_type, INVOLVEMENTS.c.episode_type, INVOLVEMENTS.c.status)
    query = select(*columns, func.count()).group_by(*columns).order_by(*columns)
    return [(s, e, st, n) for s, e, st, n in connection.execute(query)]
