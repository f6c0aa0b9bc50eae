"""The node's policies: record what ships and what the IG officer adds, then compile them.

This is the one place the node's policy index is built, so the Exchange never needs to know
where policies come from.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from singleview.governance import storage
from singleview.governance.documents import PolicyVersion, load_policy_folder, starter_policies
from singleview.governance.pdp import PolicyIndex, compile_policies


def record_policies(
    sessions: sessionmaker[Session],
    versions: list[tuple[PolicyVersion, str | None]],
    *,
    recorded_at: dt.datetime,
) -> list[PolicyVersion]:
    """Keep every new version given (with its source); returns those that were new.

    Several workers may load the same folder at start-up at once; the one that loses the race
    on the unique (policy, version) key simply tries again and finds the versions held.
    """
    for attempt in range(3):
        new: list[PolicyVersion] = []
        try:
            with sessions.begin() as session:
                for version, source in versions:
                    if storage.record_policy_version(
                        session, version, recorded_at=recorded_at, source=source
                    ):
                        new.append(version)
        except IntegrityError:
            if attempt == 2:
                raise
            continue
        return new
    raise AssertionError("unreachable")


def record_node_policies(
    sessions: sessionmaker[Session],
    *,
    folder: Path | None,
    recorded_at: dt.datetime,
) -> list[PolicyVersion]:
    """Record the starter policies and the node's policy folder; returns the versions new here.

    A changed file without a new version number fails here (``PolicyVersionConflictError``) rather
    than silently changing what a past decision meant.
    """
    versions: list[tuple[PolicyVersion, str | None]] = [(v, "starter") for v in starter_policies()]
    if folder is not None:
        versions.extend((v, str(folder)) for v in load_policy_folder(folder))
    return record_policies(sessions, versions, recorded_at=recorded_at)


def load_node_policies(
    sessions: sessionmaker[Session],
    *,
    folder: Path | None,
    recorded_at: dt.datetime,
) -> PolicyIndex:
    """Record the starter policies and the node's policy folder, then compile what is current."""
    record_node_policies(sessions, folder=folder, recorded_at=recorded_at)
    return policy_index(sessions)


def policy_index(sessions: sessionmaker[Session], as_of: dt.datetime | None = None) -> PolicyIndex:
    """Compile the policies held (as they stood at ``as_of``, to replay a past decision)."""
    with sessions() as session:
        return compile_policies(storage.current_policy_versions(session, as_of))
