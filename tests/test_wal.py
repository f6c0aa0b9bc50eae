"""Checkpoints off the request path: a serving node's commits never copy the log back
themselves, and its checkpointer thread does."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from singleview.db import create_engine
from singleview.wal import WalCheckpointer

#: SQLite's page plus frame header: one frame of the log.
FRAME_BYTES = 4096 + 24


def _commit_pages(engine: Engine, commits: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, body TEXT)"))
    for _ in range(commits):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO filler (body) VALUES (:body)"), {"body": "x" * 3000})


def _log_frames(engine: Engine) -> float:
    return Path(f"{engine.url.database}-wal").stat().st_size / FRAME_BYTES


@pytest.mark.parametrize(("autocheckpoint", "pragma"), [(True, 1000), (False, 0)])
def test_commits_copy_the_log_back_only_with_autocheckpoint(
    sqlite_url: str, autocheckpoint: bool, pragma: int
) -> None:
    engine = create_engine(sqlite_url, wal_autocheckpoint=autocheckpoint)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == pragma
    _commit_pages(engine, 1500)
    if autocheckpoint:
        # A commit past 1,000 frames copied the log back, and the log started again.
        assert _log_frames(engine) < 1100
    else:
        # No commit did: every frame is still in the log.
        assert _log_frames(engine) > 3000


def test_a_checkpoint_copies_the_whole_log(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url, wal_autocheckpoint=False)
    _commit_pages(engine, 200)
    outcome = WalCheckpointer(engine).checkpoint()
    assert outcome is not None
    busy, frames, copied = outcome
    assert busy == 0
    assert frames > 200
    assert copied == frames


@pytest.mark.parametrize("too_long", [False, True])
def test_a_log_grown_too_long_is_restarted_once_its_readers_finish(
    sqlite_url: str, too_long: bool
) -> None:
    engine = create_engine(sqlite_url, wal_autocheckpoint=False)
    _commit_pages(engine, 200)
    reader = engine.raw_connection()
    cursor = reader.cursor()
    cursor.execute("BEGIN")
    cursor.execute("SELECT count(*) FROM filler").fetchall()  # holds a snapshot of the log
    released = threading.Event()

    def release() -> None:
        released.set()
        reader.rollback()
        reader.close()

    checkpoints = WalCheckpointer(engine, restart_after_frames=100 if too_long else 10**9)
    if too_long:
        # RESTART waits for the reader; release it from elsewhere, a little later.
        threading.Timer(0.3, release).start()
    outcome = checkpoints.checkpoint()
    assert outcome is not None
    assert outcome[0] == 0
    # Only the restart waited for the reader; a plain checkpoint went round it.
    assert released.is_set() is too_long
    if not too_long:
        release()


def _checkpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sqlite-checkpoints"]


def test_the_thread_checkpoints_until_stopped(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url, wal_autocheckpoint=False)
    checkpoints = WalCheckpointer(engine, every=0.05).start()
    assert len(_checkpoint_threads()) == 1
    _commit_pages(engine, 50)
    deadline = time.monotonic() + 60
    while checkpoints.last is None or checkpoints.last[2] < 50:
        assert time.monotonic() < deadline, f"no checkpoint copied the log: {checkpoints.last}"
        time.sleep(0.05)
    checkpoints.stop()
    assert _checkpoint_threads() == []


def test_an_unreachable_database_is_reported_not_raised(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/missing/node.db", wal_autocheckpoint=False)
    assert WalCheckpointer(engine).checkpoint() is None


def test_postgresql_needs_no_checkpointer(postgres_url: str) -> None:
    checkpoints = WalCheckpointer(create_engine(postgres_url)).start()
    assert not checkpoints.applies
    assert _checkpoint_threads() == []
    checkpoints.stop()


def test_an_unchanged_log_is_not_checkpointed_again(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url, wal_autocheckpoint=False)
    checkouts: list[object] = []
    event.listen(engine, "checkout", lambda *_: checkouts.append(None))
    _commit_pages(engine, 20)
    checkpoints = WalCheckpointer(engine)
    first = checkpoints.checkpoint()
    assert first is not None
    assert first[2] == first[1] > 0
    taken = len(checkouts)
    # Nothing written since everything was copied: no connection, the same outcome.
    assert checkpoints.checkpoint() == first
    assert len(checkouts) == taken
    # Written again (in a later tick of the file's clock): checkpointed again.
    time.sleep(0.05)
    _commit_pages(engine, 1)
    taken = len(checkouts)
    again = checkpoints.checkpoint()
    assert len(checkouts) == taken + 1
    # The log had been copied whole, so that commit began it again from the start.
    assert again is not None
    assert again[2] == again[1] > 0
