"""Importing into a real database (SQLite and PostgreSQL): all-or-nothing, idempotent, readable."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, select, text
from sqlalchemy.orm import Session

from singleview.db import Base, create_engine, session_factory
from singleview.records import service, storage
from singleview.records.models import Gap, ImportRejectedError, StoredPerson
from singleview.standards.involvement import ContactAddress, OrganisationContact, Telecom
from singleview.standards.person import Person
from tests.records.builders import csv_rows, person_json, sparse_json, write_csv, write_jsonl


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = create_engine(database_url)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


def dump(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in the database, in a stable order."""
    session.rollback()
    connection = session.connection()
    metadata = MetaData()
    metadata.reflect(connection)
    tables = {}
    for table in metadata.sorted_tables:
        rows = connection.execute(select(table)).all()
        tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    session.rollback()
    return tables


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        records_tables = {t for t in Base.metadata.tables if t.startswith("records_")}
        diff = [
            change
            for change in compare_metadata(context, Base.metadata)
            if any(name in repr(change) for name in records_tables)
        ]
    engine.dispose()
    assert records_tables == {t.name for t in storage.PERSON_TABLES} | {
        "records_organisation_contact"
    }
    assert diff == []


@pytest.mark.parametrize("bad_at", ["first", "middle", "last"])
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_bad_row_anywhere_leaves_the_database_exactly_as_it_was(
    session: Session, tmp_path: Path, bad_at: str, fmt: str
) -> None:
    service.import_file(session, write_jsonl(tmp_path / "before.jsonl", [person_json(1)]))
    before = dump(session)
    assert before["records_people"]
    if fmt == "jsonl":
        good: list[Any] = [person_json(i) for i in range(2, 12)]
        bad: Any = {**person_json(50), "person": {"names": [{"familyName": "X"}], "sex": "Q"}}
        rows = good[:]
        rows.insert({"first": 0, "middle": 5, "last": len(rows)}[bad_at], bad)
        # record 1 is changed too, so a partial write would show in the dump
        rows.append({**person_json(1), "involvements": []})
        path = write_jsonl(tmp_path / "import.jsonl", rows)
    else:
        lines = [row for i in range(2, 12) for row in csv_rows(i)]
        bad_row = "C-0050,,Smith,,,,2015-02-30,,,,,,,,,,,,,"
        lines.insert({"first": 0, "middle": 10, "last": len(lines)}[bad_at], bad_row)
        path = write_csv(tmp_path / "import.csv", lines)
    with pytest.raises(ImportRejectedError) as rejected:
        service.import_file(session, path)
    assert len(rejected.value.report.problems) == 1
    assert dump(session) == before


def test_the_report_names_file_line_field_and_reason_for_every_bad_row(
    session: Session, tmp_path: Path
) -> None:
    rows: list[Any] = [person_json(i) for i in range(1, 8)]
    rows[1] = {**rows[1], "person": {**rows[1]["person"], "dateOfBirth": {"date": "2019-02-29"}}}
    rows[3] = '{"recordId": "broken"'
    rows[6] = {**rows[6], "person": {"names": [{"givenNames": ["Ann"]}]}}
    path = write_jsonl(tmp_path / "la.jsonl", rows)
    with pytest.raises(ImportRejectedError, match=r"la\.jsonl: 3 malformed row") as rejected:
        service.import_file(session, path)
    found = [(p.file, p.line, p.field) for p in rejected.value.report.problems]
    assert found == [
        ("la.jsonl", 2, "person.dateOfBirth.date"),
        ("la.jsonl", 4, "(line)"),
        ("la.jsonl", 7, "person.names.0.familyName"),
    ]
    reasons = [p.reason for p in rejected.value.report.problems]
    assert "not a real date" in reasons[0]
    assert "not valid JSON" in reasons[1]
    assert reasons[2] == "required but missing"
    assert service.count_people(session) == 0


def test_reimporting_the_same_file_changes_nothing(session: Session, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [person_json(i) for i in range(1, 20)])
    first = service.import_file(session, path)
    once = dump(session)
    second = service.import_file(session, path)
    assert dump(session) == once
    assert first.people == second.people == 19
    assert service.count_people(session) == 19


def test_reimport_replaces_a_persons_names_addresses_and_involvements(
    session: Session, tmp_path: Path
) -> None:
    service.import_file(
        session, write_jsonl(tmp_path / "a.jsonl", [person_json(1), person_json(2)])
    )
    changed = person_json(1)
    changed["person"]["names"] = [{"familyName": "Renamed", "givenNames": ["Alex"]}]
    changed["person"]["addresses"] = []
    changed["involvements"] = changed["involvements"][1:]
    service.import_file(session, write_jsonl(tmp_path / "b.jsonl", [changed]))
    stored = service.get_person(session, "R-0001")
    assert stored is not None
    assert [n.family_name for n in stored.person.names] == ["Renamed"]
    assert stored.person.addresses == ()
    assert [i.episode_type for i in stored.involvements] == ["early-help-plan"]
    untouched = service.get_person(session, "R-0002")
    assert untouched == StoredPerson.model_validate(person_json(2))


def test_incomplete_records_are_imported_and_counted_as_warnings(
    session: Session, tmp_path: Path
) -> None:
    rows = [person_json(1)] + [sparse_json(f"S-{i}") for i in range(8)]
    report = service.import_file(session, write_jsonl(tmp_path / "p.jsonl", rows))
    assert report.people == 9
    assert dict(report.gap_counts) == dict.fromkeys(Gap, 8)
    examples = [e for e in report.gap_examples if e.gap == Gap.MISSING_NHS_NUMBER]
    assert [(e.line, e.record_id) for e in examples] == [(i, f"S-{i - 2}") for i in range(2, 7)]
    stats = service.record_statistics(session)
    assert stats.people_missing == {
        "given name": 8,
        "date of birth": 8,
        "NHS number": 8,
        "address": 8,
    }


def test_csv_and_jsonl_describe_the_same_person_the_same_way(
    session: Session, tmp_path: Path
) -> None:
    service.import_file(session, write_csv(tmp_path / "p.csv", csv_rows(3)))
    from_csv = service.get_person(session, "C-0003")
    assert from_csv is not None
    as_jsonl = {**json.loads(from_csv.model_dump_json(by_alias=True)), "recordId": "J-3"}
    service.import_file(session, write_jsonl(tmp_path / "p.jsonl", [as_jsonl]))
    from_jsonl = service.get_person(session, "J-3")
    assert from_jsonl is not None
    assert from_jsonl.person == from_csv.person
    assert from_jsonl.involvements == from_csv.involvements
    assert len(from_csv.involvements) == 2


def test_export_then_import_round_trips(session: Session, tmp_path: Path, sqlite_url: str) -> None:
    rows = [person_json(i) for i in range(1, 30)] + [sparse_json("S-1")]
    service.import_file(session, write_jsonl(tmp_path / "p.jsonl", rows))
    exported = tmp_path / "export.jsonl"
    exported.write_text(
        "".join(
            p.model_dump_json(by_alias=True, exclude_none=True) + "\n"
            for p in service.iter_people(session, batch_size=7)
        )
    )
    assert [json.loads(line)["recordId"] for line in exported.read_text().splitlines()] == sorted(
        r["recordId"] for r in rows
    )
    originals = {r["recordId"]: StoredPerson.model_validate(r) for r in rows}
    assert {p.record_id: p for p in service.iter_people(session)} == originals
    from singleview.db import migrate

    migrate(sqlite_url)
    engine = create_engine(sqlite_url)
    with session_factory(engine)() as other:
        service.import_file(other, exported)
        assert {p.record_id: p for p in service.iter_people(other)} == originals
    engine.dispose()


def test_people_are_read_back_by_record_id(session: Session, tmp_path: Path) -> None:
    service.import_file(
        session, write_jsonl(tmp_path / "p.jsonl", [person_json(i) for i in range(5)])
    )
    people = service.get_people(session, ["R-0003", "R-0001", "missing"])
    assert sorted(people) == ["R-0001", "R-0003"]
    assert people["R-0003"] == StoredPerson.model_validate(person_json(3))
    assert service.get_person(session, "missing") is None
    assert service.involvements_for(session, "R-0002") == people["R-0001"].involvements
    assert service.involvements_for(session, "R-0003") == people["R-0003"].involvements
    assert people["R-0003"].involvements
    assert service.involvements_for(session, "missing") == ()
    assert service.count_people(session) == 5


def test_import_records_tells_the_callback_what_it_wrote_in_the_same_transaction(
    session: Session,
) -> None:
    written: list[Sequence[tuple[str, Person]]] = []
    people = [StoredPerson.model_validate(person_json(i)) for i in range(7)]
    count = service.import_records(session, people, written.append, batch_size=3)
    assert count == 7
    assert [len(batch) for batch in written] == [3, 3, 1]
    assert [rid for batch in written for rid, _ in batch] == [p.record_id for p in people]
    assert written[0][0][1] == people[0].person
    session.rollback()
    assert service.count_people(session) == 0


def test_the_organisation_contact_is_one_row_that_can_be_replaced(session: Session) -> None:
    assert service.organisation_contact(session) is None
    first = OrganisationContact(
        name="Leeds Front Door",
        telecom=(Telecom(system="phone", value="0113 222 4403", use="work"),),
        address=(ContactAddress(lines=("Merrion House",), city="Leeds", postcode="LS2 8BB"),),
    )
    service.set_organisation_contact(session, first)
    session.commit()
    assert service.organisation_contact(session) == first
    second = OrganisationContact(name="Leeds MASH")
    service.set_organisation_contact(session, second)
    session.commit()
    assert service.organisation_contact(session) == second
    count = session.scalar(text("SELECT count(*) FROM records_organisation_contact"))
    assert count == 1


def test_the_portable_writer_stores_what_the_fast_writer_stores(
    session: Session, tmp_path: Path
) -> None:
    people = [StoredPerson.model_validate(person_json(i)) for i in range(4)]
    service.import_records(session, people[:2])
    connection = session.connection()
    for table, rows in storage.table_rows(people[2:]).items():
        storage._insert_generic(connection, table, rows)
    session.commit()
    assert {p.record_id: p for p in service.iter_people(session)} == {
        p.record_id: p for p in people
    }
