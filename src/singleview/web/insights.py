"""Counting the audit log into the insights page's charts, and spotting unusual volumes.

Both read only the exchanges the database counts in the audit log (``audit.counts``), so they
show what was logged, not what anyone says happened.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from singleview.audit.counts import ExchangeSummary, PractitionerCount
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
#: The chart key's words for a decision outcome, with the profile's code an IG officer searches by.
OUTCOME_WORDS = {
    "PERMIT": "Permitted (PERMIT)",
    "DENY": "Refused (DENY)",
    "REVIEW": "Held for review (REVIEW)",
    "no decision": "No decision recorded",
}
#: What the responder logs; the requester logs "enquiry-sent" and "answer-received".
RESPONDER_KINDS = ("enquiry-received", "answer-sent", "review-decided")


def _as_is(code: str) -> str:
    return code


def insight_charts(
    exchanges: Iterable[ExchangeSummary],
    own_id: str,
    today: dt.date,
    days: int = 14,
    *,
    purpose_name: Callable[[str], str] = _as_is,
    partner_name: Callable[[str], str] = _as_is,
) -> list[Chart]:
    """Enquiries over the last ``days`` days by purpose and partner, outcomes, answer times.

    Each exchange counts once, on the day it began, however many entries it logged (what was
    sent, what was received, a held answer and the final one). Purposes and partners are named
    by ``purpose_name`` and ``partner_name`` (the vocabulary's label, the register's name), so
    the key reads "Section 47 child protection enquiry" and "Northmoor Police", not the codes
    the log keeps.
    """
    first = today - dt.timedelta(days=days - 1)
    window = [first + dt.timedelta(days=i) for i in range(days)]
    labels = tuple(d.strftime("%-d %b") for d in window)
    by_purpose: dict[str, Counter[dt.date]] = defaultdict(Counter)
    by_partner: dict[str, Counter[dt.date]] = defaultdict(Counter)
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    times: list[float] = []
    for exchange in exchanges:
        day = exchange.began.date()
        if not first <= day <= today:
            continue
        sent = exchange.requester_org_id == own_id
        by_purpose[exchange.purpose][day] += 1
        partner = exchange.responder_org_id if sent else exchange.requester_org_id
        by_partner[partner][day] += 1
        if exchange.outcome is not None:
            outcome = OUTCOME_WORDS.get(exchange.outcome, exchange.outcome)
            outcomes[outcome]["sent" if sent else "received"] += 1
        if exchange.answered is not None:
            times.append((exchange.answered - exchange.began).total_seconds() * 1000)
    directions = ("received", "sent")
    bands = Counter(next(label for label, top in ANSWER_BANDS if ms < top) for ms in times)
    return [
        Chart(
            "by-purpose",
            "Enquiries each day by purpose",
            labels,
            _series(_named(by_purpose, purpose_name), window),
        ),
        Chart(
            "by-partner",
            "Enquiries each day by partner",
            labels,
            _series(_named(by_partner, partner_name), window),
        ),
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


def _named(
    counts: dict[str, Counter[dt.date]], name: Callable[[str], str]
) -> dict[str, Counter[dt.date]]:
    """The counts under each code's name, asked for once a code. Codes that share a name (two
    organisations of one name in the register) keep the code beside it, so none are merged."""
    names = {code: name(code) for code in counts}
    shared = {n for n, times in Counter(names.values()).items() if times > 1}
    return {
        (f"{names[code]} ({code})" if names[code] in shared else names[code]): days
        for code, days in counts.items()
    }


def _series(counts: dict[str, Counter[dt.date]], days: Sequence[dt.date]) -> tuple[Series, ...]:
    return tuple(
        Series(name, tuple(float(counts[name][d]) for d in days)) for name in sorted(counts)
    )


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
