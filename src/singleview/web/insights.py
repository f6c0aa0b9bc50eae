"""Counting the audit log into the insights page's charts, and spotting unusual volumes.

Both read only the audit log's entries (``AuditLog.entries_where``), so they show what was
logged, not what anyone says happened.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from singleview.audit import LoggedEntry
from singleview.web.charts import Chart, Series

#: Answer-time bands, in milliseconds, for the answer time chart.
ANSWER_BANDS: tuple[tuple[str, float], ...] = (
    ("under 0.1 s", 100),
    ("0.1 to 0.5 s", 500),
    ("0.5 to 2 s", 2_000),
    ("2 to 10 s", 10_000),
    ("10 s to 1 min", 60_000),
    ("over 1 min", float("inf")),
)
ASKED_KINDS = ("enquiry-sent", "enquiry-received")
ANSWER_KINDS = ("answer-received", "answer-sent")


def _direction(entry: LoggedEntry) -> str:
    return "sent" if entry.entry.kind in ("enquiry-sent", "answer-received") else "received"


def _partner(entry: LoggedEntry, own_id: str) -> str:
    e = entry.entry
    return e.responder_org_id if e.requester_org_id == own_id else e.requester_org_id


def _by_day(asked: Sequence[LoggedEntry], key: str, days: Sequence[dt.date], own_id: str) -> Chart:
    counts: dict[str, Counter[dt.date]] = defaultdict(Counter)
    for item in asked:
        e = item.entry
        name = e.purpose if key == "purpose" else _partner(item, own_id)
        counts[name][e.occurred_at.date()] += 1
    series = tuple(
        Series(name, tuple(float(counts[name][d]) for d in days)) for name in sorted(counts)
    )
    title = f"Enquiries each day by {key}"
    return Chart(f"by-{key}", title, tuple(d.strftime("%-d %b") for d in days), series)


def insight_charts(
    entries: Iterable[LoggedEntry], own_id: str, today: dt.date, days: int = 14
) -> list[Chart]:
    """Enquiries over the last ``days`` days by purpose and partner, outcomes, answer times."""
    first = today - dt.timedelta(days=days - 1)
    window = [first + dt.timedelta(days=i) for i in range(days)]
    in_window = [e for e in entries if first <= e.entry.occurred_at.date() <= today]
    asked = [e for e in in_window if e.entry.kind in ASKED_KINDS]
    answered = [e for e in in_window if e.entry.kind in ANSWER_KINDS]
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    for item in answered:
        outcome = item.entry.decision.outcome if item.entry.decision else "no decision"
        outcomes[outcome][_direction(item)] += 1
    directions = ("received", "sent")
    outcome_chart = Chart(
        "by-outcome",
        "Answers by outcome, for enquiries we received and enquiries we sent",
        directions,
        tuple(
            Series(outcome, tuple(float(outcomes[outcome][d]) for d in directions))
            for outcome in sorted(outcomes)
        ),
        unit="answers",
    )
    times = answer_times(in_window)
    bands = Counter(next(label for label, top in ANSWER_BANDS if ms < top) for ms in times)
    time_chart = Chart(
        "answer-time",
        "How long answers took",
        tuple(label for label, _ in ANSWER_BANDS),
        (Series("answers", tuple(float(bands[label]) for label, _ in ANSWER_BANDS)),),
        unit="answers",
    )
    return [
        _by_day(asked, "purpose", window, own_id),
        _by_day(asked, "partner", window, own_id),
        outcome_chart,
        time_chart,
    ]


def answer_times(entries: Iterable[LoggedEntry]) -> list[float]:
    """Milliseconds from each logged enquiry to its logged answer (same request and partners)."""
    asked: dict[tuple[str, str, str], dt.datetime] = {}
    answered: dict[tuple[str, str, str], dt.datetime] = {}
    for item in entries:
        e = item.entry
        key = (e.request_id, e.requester_org_id, e.responder_org_id)
        if e.kind in ASKED_KINDS:
            asked[key] = e.occurred_at
        elif e.kind in ANSWER_KINDS:
            answered[key] = e.occurred_at
    return [
        (answered[key] - start).total_seconds() * 1000
        for key, start in asked.items()
        if key in answered and answered[key] >= start
    ]


@dataclass(frozen=True, slots=True)
class VolumeAlert:
    """An organisation or practitioner asking far more than usual in the window."""

    kind: str  # "organisation" or "practitioner"
    who: str
    count: int
    usual: float


def unusual_volumes(
    entries: Iterable[LoggedEntry],
    now: dt.datetime,
    *,
    window: dt.timedelta = dt.timedelta(hours=24),
    floor: int = 10,
    factor: float = 3.0,
) -> list[VolumeAlert]:
    """Requesters with at least ``floor`` enquiries to us in ``window``, and ``factor`` times
    their peers' median, so one busy day across the board raises nothing."""
    start = now - window
    by_org: Counter[str] = Counter()
    by_person: Counter[str] = Counter()
    for item in entries:
        e = item.entry
        if e.kind != "enquiry-received" or not start <= e.occurred_at <= now:
            continue
        by_org[e.requester_org_id] += 1
        by_person[f"{e.practitioner.id} ({e.requester_org_id})"] += 1
    alerts: list[VolumeAlert] = []
    for kind, counts in (("organisation", by_org), ("practitioner", by_person)):
        if not counts:
            continue
        for who, count in counts.most_common():
            # Compared with the others' median; a lone requester only with the floor.
            peers = [c for w, c in counts.items() if w != who]
            usual = float(statistics.median(peers)) if peers else 0.0
            if count >= floor and count >= factor * usual:
                alerts.append(VolumeAlert(kind, who, count, usual))
    return alerts
