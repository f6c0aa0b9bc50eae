"""The log in a real database (SQLite and PostgreSQL): appends, receipts, proofs, schema."""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from singleview import db
from singleview.audit import (
    AuditLog,
    EntryNotFoundError,
    SubjectReference,
    TreeHeadSigner,
    merkle,
    verify_receipt,
)
from singleview.audit.counts import exchanges_since
from singleview.audit.storage import entries_query
from singleview.audit.verify import verify_log
from singleview.db import Base, create_engine, migrate
from tests.audit.conftest import LOG_ID, make_entry, query_plan


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [d for d in diff if "audit_" in repr(d)]
    assert ours == []


def test_receipts_prove_inclusion_and_heads_stay_consistent(
    audit_log: AuditLog, signing_key: Ed25519PrivateKey
) -> None:
    receipts = [audit_log.append(make_entry(n)) for n in range(11)]
    receipts += audit_log.append_batch([make_entry(n) for n in range(11, 17)])
    assert [r.leaf_index for r in receipts] == list(range(17))
    for receipt in receipts:
        verify_receipt(receipt, signing_key.public_key(), log_id=LOG_ID)
        # The same entry is still provable against the newest head.
        verify_receipt(
            audit_log.receipt(receipt.leaf_index), {"node-key-1": signing_key.public_key()}
        )
        stored = audit_log.entry(receipt.leaf_index)
        assert merkle.leaf_hash(stored.canonical_bytes()).hex() == receipt.leaf_hash
    sizes = sorted({r.tree_size for r in receipts})
    for first in sizes:
        for second in sizes:
            if first <= second:
                merkle.verify_consistency(
                    first,
                    second,
                    bytes.fromhex(audit_log.signed_tree_head(first).head.root_hash),
                    bytes.fromhex(audit_log.signed_tree_head(second).head.root_hash),
                    [bytes.fromhex(h) for h in audit_log.consistency_proof(first, second)],
                )
    assert verify_log(audit_log.engine, LOG_ID, signing_key.public_key()).ok


def test_asking_beyond_the_log_is_a_typed_error(audit_log: AuditLog) -> None:
    audit_log.append(make_entry(1))
    with pytest.raises(EntryNotFoundError, match="entry 5 is not in the log at size 1"):
        audit_log.receipt(5)
    with pytest.raises(EntryNotFoundError, match="fewer than 4"):
        audit_log.consistency_proof(1, 4)


def _append_in_process(url: str, pem: bytes, worker: int, count: int) -> None:
    key = load_pem_private_key(pem, password=None)
    assert isinstance(key, Ed25519PrivateKey)
    log = AuditLog(create_engine(url), LOG_ID, TreeHeadSigner("node-key-1", key))
    for n in range(count):
        log.append(make_entry(worker * 1000 + n))


@pytest.mark.slow
def test_several_processes_append_to_one_database(
    database_url: str, signing_key: Ed25519PrivateKey
) -> None:
    pem = signing_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_append_in_process, args=(database_url, pem, w, 15))
        for w in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    engine = create_engine(database_url)
    log = AuditLog(engine, LOG_ID)
    assert log.size() == 45
    report = verify_log(engine, LOG_ID, signing_key.public_key())
    assert report.ok, report.problems
    assert report.entries == 45
    assert report.signed_heads == 45
    requests = {log.entry(i).entry.request_id for i in range(45)}
    assert len(requests) == 45


def test_a_search_by_time_finds_exactly_the_entries_logged_since(audit_log: AuditLog) -> None:
    audit_log.extend([make_entry(n) for n in range(4)])
    since = dt.datetime.now(dt.UTC)
    audit_log.extend([make_entry(n) for n in range(4, 7)])
    assert [e.index for e in audit_log.entries_where(since=since)] == [4, 5, 6]
    assert [e.index for e in audit_log.entries_where(since=since, newest=2)] == [5, 6]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert audit_log.entries_where(since=later) == []


def test_a_search_can_keep_to_some_kinds_of_entry(audit_log: AuditLog) -> None:
    sent = make_entry(0).model_copy(update={"kind": "enquiry-sent"})
    audit_log.extend([make_entry(0), sent, make_entry(2), sent])
    since = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    answered = audit_log.entries_where(since=since, kinds=("answer-sent",))
    assert [e.index for e in answered] == [0, 2]
    asked = audit_log.entries_where(kinds=("enquiry-sent", "review-decided"))
    assert [e.index for e in asked] == [1, 3]
    assert audit_log.entries_where(since=since, kinds=()) == []


def test_a_search_by_time_alone_reads_the_time_index_not_the_whole_log(
    small_sqlite_log: Engine,
) -> None:
    engine = small_sqlite_log
    since = dt.datetime.now(dt.UTC)
    by_time = query_plan(engine, entries_query(since=since))
    assert by_time == "SEARCH audit_entry USING INDEX ix_audit_entry_logged_at (logged_at>?)"
    # Kept to some kinds (the alerts page's search), still only the entries since then.
    of_kinds = query_plan(engine, entries_query(since=since, kinds=("answer-sent",)))
    assert of_kinds == by_time
    # Narrowed some other way, or to the newest few, the query is left to the planner.
    narrowed = query_plan(engine, entries_query(since=since, subject="rec-1"))
    assert "ix_audit_entry_subject_record_id" in narrowed
    assert "ix_audit_entry_logged_at" not in query_plan(
        engine, entries_query(since=since, newest=5)
    )


def test_a_kind_alone_is_read_from_its_own_index_and_never_with_a_reference(
    small_sqlite_log: Engine,
) -> None:
    engine = small_sqlite_log
    newest_of_a_kind = query_plan(engine, entries_query(kinds=("review-decided",), newest=100))
    assert "ix_audit_entry_kind_index" in newest_of_a_kind
    # With a reference too, the reference's own indexes find it, however common the kind.
    with_a_reference = query_plan(
        engine, entries_query(kinds=("answer-sent",), mentioning="req-1", newest=100)
    )
    assert "ix_audit_entry_kind_index" not in with_a_reference
    assert "ix_audit_entry_request_id" in with_a_reference


def test_entries_where_filters_and_keeps_the_newest(audit_log: AuditLog) -> None:
    audit_log.extend([make_entry(n, record_id="rec-7" if n % 3 == 0 else None) for n in range(10)])
    about = audit_log.entries_where(subject="rec-7")
    assert [e.index for e in about] == [0, 3, 6, 9]
    assert [e.index for e in audit_log.entries_where(newest=3)] == [7, 8, 9]
    assert [e.index for e in audit_log.entries_where(subject="rec-7", newest=2)] == [6, 9]
    # The page before entry 7, and a search's older matches.
    assert [e.index for e in audit_log.entries_where(newest=3, before=7)] == [4, 5, 6]
    assert [e.index for e in audit_log.entries_where(subject="rec-7", before=6)] == [0, 3]
    assert audit_log.entries_where(organisation="org-nobody") == []


def test_a_reference_is_found_in_any_of_the_columns_it_may_be_in(audit_log: AuditLog) -> None:
    # make_entry(n): request "req-n", case "S47/n", practitioner "pc-(n % 7)", record "rec-(n % 5)"
    audit_log.extend([make_entry(n) for n in range(10)])
    key = "ab" * 32
    audit_log.append(
        make_entry(10).model_copy(update={"subject": SubjectReference(enquiry_key=key)})
    )

    def found(term: str) -> list[int]:
        return [e.index for e in audit_log.entries_where(mentioning=term)]

    assert found("req-00004") == [4]
    assert found("S47/6") == [6]
    assert found("pc-2") == [2, 9]
    assert found("rec-3") == [3, 8]
    assert found(key) == [10]
    assert found("S47") == []  # whole references only
    assert [e.index for e in audit_log.entries_where(mentioning="pc-2", newest=1)] == [9]
    assert audit_log.entries_where(mentioning="pc-2", organisation="org-nobody") == []
    assert audit_log.entries_where(mentioning="pc-2", kinds=("enquiry-sent",)) == []


def test_a_count_stops_one_past_what_a_page_says(audit_log: AuditLog) -> None:
    audit_log.extend([make_entry(n) for n in range(12)])
    assert audit_log.count_where(up_to=100) == 12
    assert audit_log.count_where(up_to=5) == 6  # "more than 5"
    assert audit_log.count_where(mentioning="pc-3", up_to=100) == 2
    assert audit_log.count_where(organisation=LOG_ID, kinds=("answer-sent",), up_to=100) == 12
    assert audit_log.count_where(kinds=("review-decided",), up_to=100) == 0


def test_the_migration_fills_the_new_columns_from_the_records_already_logged(
    database_url: str, audit_log: AuditLog, signing_key: Ed25519PrivateKey
) -> None:
    audit_log.extend([make_entry(n) for n in range(6)])
    no_case = make_entry(6).model_copy(update={"case_reference": None, "decision": None})
    audit_log.append(no_case)
    # Back to the schema before the columns, as a node logged under it, then up again.
    config = db._alembic_config(database_url)
    command.downgrade(config, "audit_0002")
    columns = {c["name"] for c in inspect(audit_log.engine).get_columns("audit_entry")}
    assert not {"case_reference", "purpose", "outcome"} & columns
    migrate(database_url)
    assert [e.index for e in audit_log.entries_where(mentioning="S47/4")] == [4]
    assert [e.index for e in audit_log.entries_where(mentioning="pc-6")] == [6]
    exchanges = exchanges_since(audit_log.engine, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert [e.outcome for e in exchanges] == ["PERMIT"] * 6 + ["no decision"]
    assert {e.purpose for e in exchanges} == {make_entry(0).purpose}
    report = verify_log(audit_log.engine, LOG_ID, {"node-key-1": signing_key.public_key()})
    assert report.ok, report.problems


def test_a_read_leaves_the_cycle_collector_as_it_found_it(audit_log: AuditLog) -> None:
    audit_log.extend([make_entry(n) for n in range(3)])
    assert gc.isenabled()
    assert len(audit_log.entries_where()) == 3
    assert gc.isenabled()
    gc.disable()  # someone else's pause is theirs to end
    try:
        assert len(audit_log.entries_where()) == 3
        assert not gc.isenabled()
    finally:
        gc.enable()


def _sqlite_layout(engine: Engine) -> tuple[str, list[str], int]:
    """The declared type of ``index``, the table's indexes, and how many rows' row id is not
    their ``index``."""
    with engine.connect() as conn:
        declared = next(
            row[2]
            for row in conn.exec_driver_sql("PRAGMA table_info(audit_entry)")
            if row[1] == "index"
        )
        names = sorted(row[1] for row in conn.exec_driver_sql("PRAGMA index_list(audit_entry)"))
        apart = conn.exec_driver_sql('SELECT count(*) FROM audit_entry WHERE rowid != "index"')
        return declared, names, apart.scalar_one()


def test_on_sqlite_an_entrys_position_is_its_row_id(
    sqlite_url: str, signer: TreeHeadSigner, signing_key: Ed25519PrivateKey
) -> None:
    migrate(sqlite_url)
    engine = create_engine(sqlite_url)
    log = AuditLog(engine, LOG_ID, signer)
    log.extend([make_entry(n) for n in range(5)])
    declared, indexes, apart = _sqlite_layout(engine)
    # INTEGER makes the key the row id: no separate index maps positions to row ids.
    assert declared == "INTEGER"
    assert not any(name.startswith("sqlite_autoindex") for name in indexes), indexes
    assert apart == 0
    # Back to before audit_0007, as a node logged under it, with entries logged there too;
    # then up again: every entry is kept, in place, under the same indexes, and verifies.
    command.downgrade(db._alembic_config(sqlite_url), "audit_0006")
    assert _sqlite_layout(engine)[0] == "BIGINT"
    log.extend([make_entry(n) for n in range(5, 8)])
    migrate(sqlite_url)
    assert _sqlite_layout(engine) == ("INTEGER", indexes, 0)
    assert [e.index for e in log.entries_where()] == list(range(8))
    report = verify_log(engine, LOG_ID, {"node-key-1": signing_key.public_key()})
    assert report.ok, report.problems


def test_a_failed_rebuild_leaves_the_table_as_it_was(
    sqlite_url: str, signer: TreeHeadSigner
) -> None:
    migrate(sqlite_url)
    engine = create_engine(sqlite_url)
    log = AuditLog(engine, LOG_ID, signer)
    log.extend([make_entry(n) for n in range(4)])
    config = db._alembic_config(sqlite_url)
    command.downgrade(config, "audit_0006")
    before = _sqlite_layout(engine)
    # The rebuild's last step will fail: a table has taken the name of the index it makes last.
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_audit_entry_refused")
        conn.exec_driver_sql("CREATE TABLE ix_audit_entry_refused (x INTEGER)")
    with pytest.raises(OperationalError, match="ix_audit_entry_refused"):
        command.upgrade(config, "audit_0007")
    # The copy, the swap and the other indexes went with it: the table is as it was.
    names = set(inspect(engine).get_table_names())
    assert "audit_entry_rebuilt" not in names
    declared, indexes, _ = _sqlite_layout(engine)
    assert declared == "BIGINT"
    assert set(indexes) == set(before[1]) - {"ix_audit_entry_refused"}
    assert [e.index for e in log.entries_where()] == [0, 1, 2, 3]
    with engine.connect() as conn:
        assert "audit_0006" in MigrationContext.configure(conn).get_current_heads()
