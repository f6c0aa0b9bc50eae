"""Counting the audit log into the insights page's charts, and spotting unusual volumes.

Both read only the audit log, so they show what was logged, not what anyone says happened:
the charts its entries (``AuditLog.entries_where``), the alerts the exchanges the database
counted in it (``audit.counts``).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from singleview.audit import LoggedEntry
from singleview.audit.counts import PractitionerCount
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
ANSWER_KINDS = ("answer-received", "answer-sent")
#: What the responder logs; the requester logs "enquiry-sent" and "answer-received".
RESPONDER_KINDS = ("enquiry-received", "answer-sent", "review-decided")
ExchangeKey = tuple[str, str, str]


def exchanges(entries: Iterable[LoggedEntry]) -> dict[ExchangeKey, list[LoggedEntry]]:
    """Entries grouped by exchange (request id, requester, responder), in log order.

    A node logs several entries per exchange (what it sent, what it received, a held answer
    and the final one), so counting entries would count one enquiry several times.
    """
    grouped: dict[ExchangeKey, list[LoggedEntry]] = defaultdict(list)
    for item in entries:
        e = item.entry
        grouped[(e.request_id, e.requester_org_id, e.responder_org_id)].append(item)
    return grouped


def _final_outcome(items: Sequence[LoggedEntry]) -> str | None:
    answers = [i for i in items if i.entry.kind in ANSWER_KINDS]
    if not answers:
        return None
    decision = answers[-1].entry.decision
    return decision.outcome if decision else "no decision"


def insight_charts(
    entries: Iterable[LoggedEntry], own_id: str, today: dt.date, days: int = 14
) -> list[Chart]:
    """Enquiries over the last ``days`` days by purpose and partner, outcomes, answer times."""
    first = today - dt.timedelta(days=days - 1)
    window = [first + dt.timedelta(days=i) for i in range(days)]
    labels = tuple(d.strftime("%-d %b") for d in window)
    by_purpose: dict[str, Counter[dt.date]] = defaultdict(Counter)
    by_partner: dict[str, Counter[dt.date]] = defaultdict(Counter)
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    times: list[float] = []
    for (_, requester, responder), items in exchanges(entries).items():
        day = items[0].entry.occurred_at.date()
        if not first <= day <= today:
            continue
        sent = requester == own_id
        by_purpose[items[0].entry.purpose][day] += 1
        by_partner[responder if sent else requester][day] += 1
        outcome = _final_outcome(items)
        if outcome is not None:
            outcomes[outcome]["sent" if sent else "received"] += 1
        took = _answer_time(items)
        if took is not None:
            times.append(took)
    directions = ("received", "sent")
    bands = Counter(next(label for label, top in ANSWER_BANDS if ms < top) for ms in times)
    return [
        Chart("by-purpose", "Enquiries each day by purpose", labels, _series(by_purpose, window)),
        Chart("by-partner", "Enquiries each day by partner", labels, _series(by_partner, window)),
        Chart(
            "by-outcome",
            "Answers by outcome, for enquiries we received and enquiries we sent",
            directions,
            tuple(
                Series(name, tuple(float(outcomes[name][d]) for d in directions))
                for name in sorted(outcomes)
            ),
            unit="answers",
        ),
        Chart(
            "answer-time",
            "How long answers took",
            tuple(label for label, _ in ANSWER_BANDS),
            (Series("answers", tuple(float(bands[label]) for label, _ in ANSWER_BANDS)),),
            unit="answers",
        ),
    ]


def _series(counts: dict[str, Counter[dt.date]], days: Sequence[dt.date]) -> tuple[Series, ...]:
    return tuple(
        Series(name, tuple(float(counts[name][d]) for d in days)) for name in sorted(counts)
    )


def _answer_time(items: Sequence[LoggedEntry]) -> float | None:
    """Milliseconds from the first entry of an exchange to its final answer, when the log
    holds both: sent to received for a requester, held to settled for a responder."""
    finals = [
        i
        for i in items
        if i.entry.kind in ANSWER_KINDS
        and not (i.entry.decision is not None and i.entry.decision.outcome == "REVIEW")
    ]
    if not finals or finals[-1] is items[0]:
        return None
    return (finals[-1].entry.occurred_at - items[0].entry.occurred_at).total_seconds() * 1000


def answer_times(entries: Iterable[LoggedEntry]) -> list[float]:
    """Milliseconds each exchange in ``entries`` took to answer, where the log shows it."""
    found = (_answer_time(items) for items in exchanges(entries).values())
    return [ms for ms in found if ms is not None]


@dataclass(frozen=True, slots=True)
class VolumeAlert:
    """An organisation or practitioner asking far more than usual in the window."""

    kind: str  # "organisation" or "practitioner"
    #: the organisation's id, or the practitioner's id at ``organisation``
    who: str
    organisation: str
    count: int
    #: the median of the other requesters' counts in the same window
    usual: float
    #: the requester's own average per window over the baseline before it
    own_usual: float = 0.0


def unusual_volumes(
    counts: Iterable[PractitionerCount],
    *,
    window: dt.timedelta = dt.timedelta(hours=24),
    floor: int = 10,
    factor: float = 3.0,
    baseline: dt.timedelta = dt.timedelta(days=14),
) -> list[VolumeAlert]:
    """Requesters with at least ``floor`` enquiries to us in ``window`` (one per exchange) that
    are ``factor`` times both their own usual and their peers' median.

    ``counts`` are each practitioner's exchanges in the window (``recent``) and in the
    ``baseline`` before it (``earlier``), as ``exchanges_per_practitioner`` counts them in the
    log. Their own usual is their average per window over ``baseline``, so an organisation
    that always asks a lot is not flagged every day; their peers' median, so one busy day across
    the board raises nothing. A requester new to us has an own usual of nought.
    """
    recent: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    before: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for count in counts:
        organisation = count.requester_org_id
        # Practitioner ids are only unique within their organisation.
        for kind, who in (
            ("organisation", (organisation, organisation)),
            ("practitioner", (count.practitioner_id, organisation)),
        ):
            if count.recent:
                recent[kind][who] += count.recent
            before[kind][who] += count.earlier
    windows_in_baseline = baseline / window
    alerts: list[VolumeAlert] = []
    for kind in ("organisation", "practitioner"):
        counted = recent[kind]
        for who, number in counted.most_common():
            # Compared with the others' median; a lone requester only with the floor.
            peers = [c for w, c in counted.items() if w != who]
            usual = float(statistics.median(peers)) if peers else 0.0
            own_usual = before[kind][who] / windows_in_baseline
            if number >= floor and number >= factor * usual and number >= factor * own_usual:
                alerts.append(VolumeAlert(kind, who[0], who[1], number, usual, own_usual))
    return alerts
