"""Fixtures shared by every capability's tests: a migrated database on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from singleview.db import create_engine, migrate

POSTGRES_ENV = "SINGLEVIEW_TEST_POSTGRES_URL"


def postgres_admin_url() -> str:
    """The throwaway server `make test` starts; a missing one is an error, never a skip."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.fail(
            f"{POSTGRES_ENV} is not set: run the tests with `make test`, which starts a "
            "throwaway PostgreSQL, or point it at a server you own"
        )
    return url


@contextmanager
def postgres_database(template: str | None = None) -> Iterator[str]:
    """A fresh PostgreSQL database (a copy of ``template`` if given), dropped afterwards."""
    admin_url = postgres_admin_url()
    name = f"test_{uuid.uuid4().hex[:12]}"
    copying = f' TEMPLATE "{template}"' if template else ""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copying}'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped after the test."""
    with postgres_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file in the test's own folder."""
    return f"sqlite:///{tmp_path / 'node.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A fresh, migrated database: every storage test runs once on each backend."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    migrate(url)
    return url
