"""Database plumbing shared by every capability: one declarative base, engines, migrations.

SQLite (WAL) is the embedded default and PostgreSQL the production store; both go through the
same SQLAlchemy 2.x code. Each capability owns its tables and keeps its Alembic revisions in its
own ``migrations/`` folder as a separate branch, so ``upgrade heads`` brings every one up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import gc
import os
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, event
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Capabilities whose tables live in the node's database, in dependency order.
CAPABILITIES_WITH_TABLES = (
    "records",
    "matching",
    "governance",
    "trust",
    "audit",
    "exchange",
    "web",
)


class Base(DeclarativeBase):
    """Declarative base for every table of every capability."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC, a naive one taken as UTC: SQLite hands back naive datetimes, and
    everything the node stores is written in UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


#: ``?synchronous=`` on a SQLite database URL: how far a commit is durable before it returns.
SQLITE_SYNCHRONOUS = ("normal", "full")


def _sqlite_pragmas(
    dbapi_connection: Any, _record: Any, *, autocheckpoint: bool, synchronous: str
) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run while one writer appends. NORMAL keeps every commit across a crash of
    # the process, but a power cut or an operating-system crash may lose the last few; FULL
    # syncs the log at every commit, at a cost under load (docs/running-a-node.md).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    if not autocheckpoint:
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    cursor.close()


def _parsed(url: str) -> URL:
    """``url`` read as a database URL; ValueError when it is not one. The error does not repeat
    the text, which may hold a password."""
    try:
        return make_url(url)
    except ArgumentError as error:
        raise ValueError(
            "not a database URL (like sqlite:///node.db or postgresql://user@host/name)"
        ) from error


def sqlite_synchronous(url: str) -> str:
    """The ``?synchronous=`` a SQLite database URL asks for ("normal" when it names none);
    ValueError naming the option when it is not one we know, or the database is not SQLite,
    or ``url`` is not a database URL."""
    parsed = _parsed(url)
    if "synchronous" not in parsed.query:
        return "normal"
    if parsed.get_backend_name() != "sqlite":
        raise ValueError(
            "?synchronous= is for SQLite files; PostgreSQL already waits for the disk at every "
            "commit (its synchronous_commit setting)"
        )
    given = parsed.query["synchronous"]
    if isinstance(given, str) and given.lower() in SQLITE_SYNCHRONOUS:
        return given.lower()
    raise ValueError(f"?synchronous= must be one of {', '.join(SQLITE_SYNCHRONOUS)}, not {given!r}")


def create_engine(url: str, *, wal_autocheckpoint: bool = True, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the project's SQLite pragmas applied where relevant.

    ``wal_autocheckpoint=False`` stops SQLite checkpointing inside commits; whoever asks for
    that runs a :class:`singleview.wal.WalCheckpointer` instead (a serving node does). A SQLite
    URL may end in ``?synchronous=full`` (or ``normal``, the default).
    """
    parsed = _parsed(url)
    if parsed.drivername.startswith("postgresql") and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    synchronous = sqlite_synchronous(url)
    if parsed.get_backend_name() == "sqlite":
        url = parsed.difference_update_query(["synchronous"]).render_as_string(hide_password=False)
    engine = sa_create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        pragmas = functools.partial(
            _sqlite_pragmas, autocheckpoint=wal_autocheckpoint, synchronous=synchronous
        )
        event.listen(engine, "connect", pragmas)
    return engine


class _WriterQueue:
    """One SQLite database file's writers in this process: a thread lock, then a file lock.

    SQLite lets one writer in at a time; the others sleep in its busy handler (1, 2, 5 ... up to
    100 ms a time) and poll. Under load those sleeps become the latency tail. Queueing writers
    on locks that wake the next one the moment the last lets go removes them: a thread lock
    between this process's threads, and ``flock`` on a file beside the database between
    processes (uvicorn workers, the CLI).
    """

    def __init__(self, lock_path: Path) -> None:
        self._threads = threading.Lock()
        self._lock_path = lock_path
        self._file: int | None = None

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        with self._threads:
            if self._file is None:
                self._file = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._file, fcntl.LOCK_UN)


_writer_queues: dict[str, _WriterQueue] = {}
_writer_queues_lock = threading.Lock()


@contextlib.contextmanager
def _nothing_to_queue() -> Iterator[None]:
    yield


def writer_turn(engine: Engine) -> contextlib.AbstractContextManager[None]:
    """Wait for this database's write turn (SQLite files only; PostgreSQL locks rows itself).

    Hold it around a short write transaction that begins with ``BEGIN IMMEDIATE``.
    """
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return _nothing_to_queue()
    queue = _writer_queues.get(database)
    if queue is None:
        with _writer_queues_lock:
            queue = _writer_queues.get(database)
            if queue is None:
                # Two spellings of one file get two thread locks but one lock file, and flock
                # still lets only one of them in at a time.
                lock_path = Path(f"{Path(database).resolve()}-writer.lock")
                queue = _writer_queues[database] = _WriterQueue(lock_path)
    return queue.held()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to ``engine`` that keeps objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config(url: str) -> Config:
    package_root = Path(str(resources.files("singleview")))
    locations = [
        str(package_root / capability / "migrations")
        for capability in CAPABILITIES_WITH_TABLES
        if (package_root / capability / "migrations").is_dir()
    ]
    config = Config()
    config.set_main_option("script_location", str(package_root / "migrations"))
    config.set_main_option("version_locations", " ".join(locations))
    config.set_main_option("path_separator", "space")
    config.attributes["database_url"] = url
    return config


class DatabaseUnreachableError(RuntimeError):
    """The database could not be opened at all (no such host, refused, wrong password, a
    folder that does not exist), or its URL could not be used: said once, with the URL's
    password hidden."""


def _unusable(url: str, why: object) -> DatabaseUnreachableError:
    try:
        where = f"cannot open the database at {shown(url)}"
    except ValueError:
        where = "the database URL cannot be read"
    return DatabaseUnreachableError(f"{where}: {why}")


def revisions(url: str) -> set[str]:
    """The revision each capability's tables are at in the database at ``url`` (none yet:
    empty). DatabaseUnreachableError when the database cannot be opened."""
    try:
        engine = create_engine(url)
    except ValueError as error:
        raise _unusable(url, error) from error
    try:
        with engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())
    except OperationalError as error:
        raise _unusable(url, str(error.orig).strip()) from error
    finally:
        engine.dispose()


def migrate(url: str) -> None:
    """Bring the database at ``url`` up to the newest revision of every capability.

    Raises DatabaseUnreachableError when it cannot be opened (checked first, so that is said
    in one line rather than from inside a migration)."""
    revisions(url)
    command.upgrade(_alembic_config(url), "heads")


def shown(url: str) -> str:
    """``url`` fit to print: its password, if any, hidden."""
    return _parsed(url).render_as_string(hide_password=True)


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector held off while a bulk load or read builds thousands of models.

    Every model stays alive until the batch is done, so each collection walked them all again:
    that doubled the CPU time of importing 50,000 people, and made parsing a list of audit
    entries four times slower (measured). The models hold no reference cycles; reference
    counting still frees them, and whatever cycles other threads leave meanwhile are collected
    once the collector runs again. Only the caller that paused it turns it back on, so
    overlapping pauses leave it on at the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
