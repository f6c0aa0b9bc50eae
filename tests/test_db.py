from __future__ import annotations

import multiprocessing
import threading
from typing import Any

import pytest
from alembic import command
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from singleview import db
from singleview.cli import app
from singleview.db import create_engine, migrate, writer_turn


def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        # NORMAL (1) unless the URL asks for FULL.
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1
    engine.dispose()


def test_a_sqlite_url_can_ask_for_every_commit_to_be_synced(sqlite_url: str) -> None:
    migrate(sqlite_url + "?synchronous=full")
    engine = create_engine(sqlite_url + "?synchronous=FULL")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2
        # The option is ours, not the driver's: the file is the same database.
        assert "alembic_version" in inspect(conn).get_table_names()
    engine.dispose()
    with pytest.raises(ValueError, match=r"\?synchronous= must be one of normal, full, not 'off'"):
        create_engine(sqlite_url + "?synchronous=off")


def test_migrations_are_repeatable(database_url: str) -> None:
    # database_url is already migrated once; a second run must be a no-op, not an error.
    migrate(database_url)
    tables = set(inspect(create_engine(database_url)).get_table_names())
    assert "alembic_version" in tables


def _hold_turn(url: str, held: Any, release: Any) -> None:
    engine = create_engine(url)
    with writer_turn(engine):
        held.set()
        release.wait(30)


def test_a_writer_waits_for_another_processs_turn_and_goes_when_it_ends(sqlite_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    held, release = context.Event(), context.Event()
    other = context.Process(target=_hold_turn, args=(sqlite_url, held, release))
    other.start()
    try:
        assert held.wait(60), "the other process never took its turn"
        got_turn = threading.Event()

        def take_turn() -> None:
            with writer_turn(create_engine(sqlite_url)):
                got_turn.set()

        waiter = threading.Thread(target=take_turn)
        waiter.start()
        assert not got_turn.wait(0.5), "took the turn while another process held it"
        release.set()
        waiter.join(60)
        assert got_turn.is_set()
    finally:
        release.set()
        other.join(60)


def test_threads_of_one_process_take_turns(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    inside = 0
    most_inside = 0
    lock = threading.Lock()

    def write() -> None:
        nonlocal inside, most_inside
        with writer_turn(engine):
            with lock:
                inside += 1
                most_inside = max(most_inside, inside)
            threading.Event().wait(0.01)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert most_inside == 1


def test_postgresql_needs_no_queue_of_its_own(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    with writer_turn(engine), writer_turn(engine):  # a no-op: would deadlock if it locked
        pass


def test_a_migration_that_fails_part_way_on_sqlite_can_simply_be_run_again(
    sqlite_url: str,
) -> None:
    """audit_0005 adds two columns, then fills them from every entry. If the fill fails (or the
    node is stopped during it), the columns must go too, or the next start fails on columns
    that already exist and the node cannot be upgraded without hand repair."""
    migrate(sqlite_url)
    config = db._alembic_config(sqlite_url)
    command.downgrade(config, "audit_0004")
    engine = create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER stop_the_fill BEFORE UPDATE ON audit_entry "
            "BEGIN SELECT RAISE(ABORT, 'stopped part way'); END"
        )
        conn.exec_driver_sql(
            'INSERT INTO audit_entry ("index", leaf_hash, record, logged_at, kind, request_id, '
            "requester_org_id, responder_org_id) VALUES (0, 'h', '{}', '2026-11-22 10:00:00', "
            "'answer-sent', 'r', 'a', 'b')"
        )
    with pytest.raises(IntegrityError, match="stopped part way"):
        migrate(sqlite_url)
    columns = {c["name"] for c in inspect(engine).get_columns("audit_entry")}
    assert not {"purpose", "outcome"} & columns
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER stop_the_fill")
    migrate(sqlite_url)
    with engine.connect() as conn:
        assert "audit_0007" in MigrationContext.configure(conn).get_current_heads()
        assert conn.exec_driver_sql("SELECT purpose FROM audit_entry").all() == [(None,)]
    engine.dispose()


def test_db_upgrade_says_what_it_moved_to_and_never_prints_a_password(sqlite_url: str) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["db", "upgrade", "--database-url", sqlite_url])
    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"database at {sqlite_url} is up to date; now at audit_0007, ")
    again = runner.invoke(app, ["db", "upgrade", "--database-url", sqlite_url])
    assert again.output == f"database at {sqlite_url} was already up to date\n"
    url = "postgresql://singleview:s3cret-Pa55@db.example:5432/node"
    assert db.shown(url) == "postgresql://singleview:***@db.example:5432/node"


def test_db_upgrade_names_a_database_it_cannot_open_and_hides_its_password() -> None:
    url = "postgresql://sv:S3cret-pw@127.0.0.1:1/node"  # nothing listens on port 1
    result = CliRunner().invoke(app, ["db", "upgrade", "--database-url", url])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert said.startswith(
        "error: cannot open the database at postgresql://sv:***@127.0.0.1:1/node: "
    )
    assert "S3cret" not in result.output
    assert "Traceback" not in result.output
    # Nor a traceback for a URL that is not one, nor for one with an option it may not have.
    for wrong, why in (
        ("not a URL, pw S3cret@", "error: the database URL cannot be read: "),
        (url + "?synchronous=full", "?synchronous= is for SQLite files"),
    ):
        result = CliRunner().invoke(app, ["db", "upgrade", "--database-url", wrong])
        assert result.exit_code == 1
        assert why in result.output
        assert "S3cret" not in result.output
        assert "Traceback" not in result.output
