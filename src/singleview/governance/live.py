"""The policies in force, kept current in every worker process without a restart.

Each worker compiles the policy set once, then, on the decision path, at most once per
``interval`` asks the database one cheap question (how many policy versions are held, and the
newest one's id: versions are append-only, so a new version or a suspension changes the
answer) and recompiles only when the answer changed. An IG officer's new version or suspension
recorded by any worker, or by a worker that started with a changed policy folder, so reaches
every other worker within about ``interval`` seconds.

If the database cannot be asked, decisions carry on with the last compiled set (the check
must never make an enquiry fail), a warning is logged, and the check is tried again after
another ``interval``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from singleview.governance import storage
from singleview.governance.pdp import PolicyIndex
from singleview.governance.policies import policy_index, record_node_policies

logger = logging.getLogger("singleview.governance")

#: Seconds a worker goes without asking whether the policies changed.
REFRESH_SECONDS = 1.0


class LivePolicies:
    """Holds a worker's compiled ``PolicyIndex`` and swaps in a new one when the store changes.

    ``current()`` is what the decision path calls: between checks it costs one clock read. The
    swap replaces a reference, so a decision already under way finishes with the set it began
    with.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        index: PolicyIndex,
        stamp: tuple[int, int] | None,
        *,
        interval: float = REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Start from ``index``, compiled from the store after it had ``stamp`` (see
        ``live_policies``); None means unknown, so the first check recompiles."""
        self._sessions = sessions
        with sessions() as session:  # binds no connection; only names the engine
            self._engine = session.get_bind().engine
        self._index = index
        self._stamp = stamp
        self._interval = interval
        self._clock = clock
        self._checked_at = clock()
        self._checking = threading.Lock()
        #: How many times the set was recompiled after a change (for tests and the log).
        self.recompiled = 0

    def current(self) -> PolicyIndex:
        """The policies in force, re-checked against the store at most once per interval."""
        if self._clock() - self._checked_at >= self._interval and self._checking.acquire(
            blocking=False
        ):
            # Only one thread checks at a time; the others decide with the set they have.
            try:
                self._refresh()
            finally:
                self._checking.release()
        return self._index

    def replace(self, index: PolicyIndex) -> None:
        """Use ``index`` at once (this worker has just recorded a change itself)."""
        self._index = index

    def _read_stamp(self) -> tuple[int, int]:
        # A bare connection, not a session: a third of the cost, and this runs every second.
        with self._engine.connect() as connection:
            return storage.policy_versions_stamp(connection)

    def _refresh(self) -> None:
        self._checked_at = self._clock()
        try:
            stamp = self._read_stamp()
            if stamp == self._stamp:
                return
            # Read before compiling: a version recorded in between is compiled now or, at the
            # latest, at the next check (the stamp will differ again); it is never missed.
            index = policy_index(self._sessions)
        except Exception as error:  # the store is unreachable: keep deciding with what we have
            logger.warning(
                "could not check the policy store for new versions (%s: %s); "
                "still deciding with the policies compiled before",
                type(error).__name__,
                next(iter(str(error).splitlines()), ""),
            )
            return
        self._index = index
        self._stamp = stamp
        self.recompiled += 1
        logger.info("policies changed in the store: recompiled %d in force", len(index))


def live_policies(
    sessions: sessionmaker[Session],
    *,
    interval: float = REFRESH_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> LivePolicies:
    """Compile the policies held in the store and keep them current from then on."""
    # The stamp is read before compiling, so a version recorded meanwhile is picked up by the
    # first check rather than missed.
    with sessions() as session:
        stamp = storage.policy_versions_stamp(session)
    return LivePolicies(sessions, policy_index(sessions), stamp, interval=interval, clock=clock)


def load_live_policies(
    sessions: sessionmaker[Session],
    *,
    folder: Path | None,
    recorded_at: dt.datetime,
    interval: float = REFRESH_SECONDS,
) -> LivePolicies:
    """Record the starter policies and the node's policy folder, then ``live_policies``.

    What a worker calls at start-up (``load_node_policies``, kept current).
    """
    record_node_policies(sessions, folder=folder, recorded_at=recorded_at)
    return live_policies(sessions, interval=interval)
