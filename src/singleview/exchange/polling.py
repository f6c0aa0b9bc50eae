"""When to stop waiting for a partner's review: the rule for a poll that keeps failing.

A partner that answered 202 holds the enquiry for its information governance officer; reviews
can take days, so a poll that answers 202 again is never a reason to stop waiting. A poll that
fails (unreachable, 404, garbage, a bad signature, a 5xx) is different: one failure may be a
restart, but a partner whose checks have failed for longer than the node's give-up time has in
effect stopped answering, and the practitioner must be told "did not answer", not left looking
at "waiting" for ever. Any poll that gets a verified answer (202 included) ends the streak.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FailedPoll:
    """What to store after one failed poll: when the streak began, and whether to give up."""

    failing_since: dt.datetime
    give_up: bool


def after_failed_poll(
    failing_since: dt.datetime | None, now: dt.datetime, give_up_seconds: float
) -> FailedPoll:
    """The failure streak after a poll that failed at ``now``.

    ``failing_since`` is when the current streak began (None if the last poll succeeded). The
    partner is given up on once the streak has lasted ``give_up_seconds`` or more; the first
    failure of a streak never gives up on its own unless the give-up time is zero or less.
    """
    start = now if failing_since is None else min(failing_since, now)
    return FailedPoll(start, (now - start).total_seconds() >= give_up_seconds)


def gave_up_reason(problem: str | None) -> str:
    """Plain words for a partner given up on, naming the last failure."""
    last = problem or "no reason recorded"
    return f"their node stopped answering our checks on the held enquiry: {last}"
