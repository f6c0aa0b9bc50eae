"""SQLite checkpoints off the request path, for a node that serves.

In WAL mode SQLite appends every commit to the write-ahead log and, now and then, copies the
log back into the database file (a checkpoint). By default the commit that takes the log past
1,000 pages does that copy itself, fsync included, while it still holds the write lock, so
that one enquiry and every writer queued behind it wait: on the benchmark node each
checkpoint took 25-55 ms. (How much of the open loop's tail that was could not be told apart
from the CPU the shared machine's host took at the same time; see docs/benchmarks.md.)

A serving node's engine is opened with ``wal_autocheckpoint=False`` and runs a
:class:`WalCheckpointer`: a thread that checkpoints every second in ``PASSIVE`` mode, which
never waits for readers or writers (if they are busy it copies what it can and tries again).
A log that readers never leave alone is never started again, and only grows (SQLite calls
this checkpoint starvation; inline checkpoints had it too). Once a checkpoint finds the log
past ``RESTART_AFTER_FRAMES`` frames, all of them copied, it runs a ``RESTART`` checkpoint,
which waits for the readers of the moment to finish (milliseconds here) while holding back
writers, and lets the next writer begin the log again from its start.

A checkpoint is skipped while the log file is as it was when the last one copied all of it
(same size, same modification time): an idle node then costs a ``stat`` a second, not a
connection and a checkpoint (0.7 ms of CPU a second for each node, measured). The
modification time has the kernel's tick for its grain, so a commit landing in the same tick
as that last look may wait for the next commit to be checkpointed; it is no less durable.

Durability does not change: a commit is safe in the log the moment it returns, checkpointed
or not. Several worker processes may each run one; SQLite lets one checkpoint at a time and
the others simply find nothing left to do.
"""

from __future__ import annotations

import logging
import os
import threading

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

#: Seconds between checkpoints.
CHECKPOINT_EVERY_SECONDS = 1.0
#: A log this long (about 40 MB) is started again once it has been copied back.
RESTART_AFTER_FRAMES = 10_000


class WalCheckpointer:
    """Checkpoints ``engine``'s SQLite database every ``every`` seconds in a daemon thread.

    Does nothing for other databases (PostgreSQL checkpoints on its own).
    """

    def __init__(
        self,
        engine: Engine,
        every: float = CHECKPOINT_EVERY_SECONDS,
        restart_after_frames: int = RESTART_AFTER_FRAMES,
    ) -> None:
        self.engine = engine
        self.every = every
        self.restart_after_frames = restart_after_frames
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        #: The last checkpoint's outcome, for the on-call engineer and the tests.
        self.last: tuple[int, int, int] | None = None
        #: The log file's (size, modification time) when a checkpoint last copied all of it.
        self._all_copied: tuple[int, int] | None = None

    @property
    def applies(self) -> bool:
        """Whether the engine is a SQLite file (the only kind with a log to checkpoint)."""
        database = self.engine.url.database
        return self.engine.dialect.name == "sqlite" and bool(database) and database != ":memory:"

    def start(self) -> WalCheckpointer:
        """Start the thread (once; a no-op for databases that need none)."""
        if self.applies and self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="sqlite-checkpoints", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread after a last checkpoint."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            self.checkpoint()

    def checkpoint(self) -> tuple[int, int, int] | None:
        """One ``PASSIVE`` checkpoint (and a ``RESTART`` one if the log has grown too long):
        (busy, frames in the log, frames copied), or None if the database could not be
        reached (logged; the next one tries again). Nothing is done, and the last outcome
        returned, while nothing has been written since a checkpoint copied everything."""
        seen = self._log_file()
        if seen is not None and seen == self._all_copied:
            return self.last
        try:
            with self.engine.connect() as connection:
                outcome = self._run_checkpoint(connection, "PASSIVE")
                busy, frames, copied = outcome
                if not busy and frames >= self.restart_after_frames and copied == frames:
                    outcome = self._run_checkpoint(connection, "RESTART")
        except SQLAlchemyError as error:
            log.warning("checkpoint of %s failed: %s", self.engine.url.database, error)
            return None
        self.last = outcome
        busy, frames, copied = outcome
        self._all_copied = seen if not busy and copied == frames else None
        return outcome

    def _log_file(self) -> tuple[int, int] | None:
        try:
            status = os.stat(f"{self.engine.url.database}-wal")
        except OSError:
            return None
        return status.st_size, status.st_mtime_ns

    @staticmethod
    def _run_checkpoint(connection: Connection, mode: str) -> tuple[int, int, int]:
        row = connection.exec_driver_sql(f"PRAGMA wal_checkpoint({mode})").one()
        busy, frames, copied = (int(value) for value in row)
        return busy, frames, copied

    def _run(self) -> None:
        while not self._stopped.wait(self.every):
            self.checkpoint()
