from __future__ import annotations

from sqlalchemy import inspect, text

from singleview.db import create_engine, migrate


def test_sqlite_runs_in_wal_mode(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_migrations_are_repeatable(database_url: str) -> None:
    # database_url is already migrated once; a second run must be a no-op, not an error.
    migrate(database_url)
    tables = set(inspect(create_engine(database_url)).get_table_names())
    assert "alembic_version" in tables
