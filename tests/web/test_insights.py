"""Insights and alerts counted from audit entries; charts drawn with their numbers."""

from __future__ import annotations

import datetime as dt

from singleview.audit import AuditEntry, LoggedEntry
from singleview.audit.counts import PractitionerCount as Count
from singleview.web.charts import Chart, Series, bar_chart_svg
from singleview.web.insights import answer_times, insight_charts, unusual_volumes

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


def logged(
    index: int,
    kind: str,
    *,
    requester: str = "council",
    responder: str = "police",
    practitioner: str = "sw-1",
    at: dt.datetime = NOW,
    request: str = "r1",
    purpose: str = "s47-enquiry",
    outcome: str | None = None,
) -> LoggedEntry:
    entry = {
        "kind": kind,
        "requestId": request,
        "requesterOrgId": requester,
        "responderOrgId": responder,
        "practitioner": {"id": practitioner, "role": "social-worker"},
        "purpose": purpose,
        "occurredAt": at.isoformat(),
    }
    if outcome:
        entry["decision"] = {"outcome": outcome}
    return LoggedEntry(index=index, logged_at=at, entry=AuditEntry.model_validate(entry))


def test_answer_time_pairs_an_enquiry_with_its_answer() -> None:
    entries = [
        logged(0, "enquiry-received", at=NOW),
        logged(1, "answer-sent", at=NOW + dt.timedelta(milliseconds=250), outcome="PERMIT"),
        logged(2, "enquiry-received", request="r2", at=NOW),  # never answered
    ]
    assert answer_times(entries) == [250.0]


def test_charts_count_by_purpose_partner_outcome_and_time() -> None:
    entries = [
        logged(0, "enquiry-received", requester="council", at=NOW),
        logged(1, "answer-sent", requester="council", at=NOW, outcome="PERMIT"),
        logged(
            2,
            "enquiry-received",
            requester="school",
            request="r2",
            purpose="early-help",
            at=NOW - dt.timedelta(days=1),
        ),
        logged(
            3,
            "answer-sent",
            requester="school",
            request="r2",
            outcome="DENY",
            at=NOW - dt.timedelta(days=1) + dt.timedelta(seconds=3),
        ),
        logged(4, "enquiry-received", request="old", at=NOW - dt.timedelta(days=40)),
    ]
    by_purpose, by_partner, outcome, times = insight_charts(entries, "police", NOW.date())
    assert {s.name: sum(s.values) for s in by_purpose.series} == {
        "s47-enquiry": 1.0,
        "early-help": 1.0,
    }
    assert {s.name: sum(s.values) for s in by_partner.series} == {"council": 1.0, "school": 1.0}
    assert {s.name: s.values for s in outcome.series} == {
        "DENY": (1.0, 0.0),
        "PERMIT": (1.0, 0.0),
    }
    assert dict(zip(times.categories, times.series[0].values, strict=True)) == {
        "under 0.1 s": 1.0,
        "0.1 to 0.5 s": 0.0,
        "0.5 to 2 s": 0.0,
        "2 to 10 s": 1.0,
        "10 s to 1 min": 0.0,
        "over 1 min": 0.0,
    }


def spread(requester: str, recent: int, earlier: int = 0, practitioners: int = 3) -> list[Count]:
    """``requester``'s exchanges shared evenly (as far as they go) among its practitioners."""
    return [
        Count(
            requester,
            f"{requester}-{p}",
            recent // practitioners + (p < recent % practitioners),
            earlier // practitioners + (p < earlier % practitioners),
        )
        for p in range(practitioners)
    ]


def test_one_organisation_far_above_its_peers_raises_an_alert() -> None:
    counts = spread("council", 30) + spread("school", 2, practitioners=1)
    alerts = unusual_volumes(counts + spread("police-b", 3, practitioners=1))
    assert [(a.kind, a.who, a.count) for a in alerts] == [("organisation", "council", 30)]


def test_a_busy_day_for_everyone_raises_nothing() -> None:
    counts = [c for org in ("a", "b", "c") for c in spread(org, 20, practitioners=5)]
    assert unusual_volumes(counts) == []


def test_chart_is_an_image_with_a_title_and_a_bar_per_value() -> None:
    chart = Chart("c", "Enquiries <by> day", ("Mon", "Tue"), (Series("x", (1.0, 3.0)),))
    svg = bar_chart_svg(chart)
    assert svg.startswith('<svg class="sv-chart" role="img" aria-labelledby="c-title"')
    assert '<title id="c-title">Enquiries &lt;by&gt; day</title>' in svg
    assert svg.count("<rect") == 2


def test_a_held_enquiry_counts_once_with_its_final_outcome() -> None:
    entries = [
        logged(0, "answer-sent", at=NOW, outcome="REVIEW"),
        logged(1, "answer-sent", at=NOW + dt.timedelta(seconds=30), outcome="PERMIT"),
    ]
    by_purpose, _, outcome, _ = insight_charts(entries, "police", NOW.date())
    assert sum(by_purpose.series[0].values) == 1.0
    assert {s.name: s.values for s in outcome.series} == {"PERMIT": (1.0, 0.0)}
    assert answer_times(entries) == [30_000.0]


def test_a_requester_that_always_asks_a_lot_is_not_flagged_every_day() -> None:
    """Thirty a day from the council is its usual, even beside a school asking twice."""
    counts = spread("council", 30, earlier=14 * 30) + spread("school", 2)
    assert unusual_volumes(counts) == []


def test_a_requester_asking_far_more_than_its_own_usual_is_flagged() -> None:
    counts = spread("council", 30, earlier=14 * 5) + spread("school", 2)
    alerts = unusual_volumes(counts + spread("police-b", 3))
    assert [(a.kind, a.who, a.organisation, a.count) for a in alerts] == [
        ("organisation", "council", "council", 30),
        ("practitioner", "council-0", "council", 10),
        ("practitioner", "council-1", "council", 10),
        ("practitioner", "council-2", "council", 10),
    ]
    assert alerts[0].own_usual == 5.0
    assert alerts[0].usual == 2.5


def test_a_practitioner_with_nothing_in_the_window_is_nobody_s_peer() -> None:
    """Only requesters who asked in the window are compared: forty quiet practitioners would
    otherwise pull the peers' median to nought."""
    counts = spread("council", 12, practitioners=1) + spread("school", 5, practitioners=1)
    counts += [Count("school", f"quiet-{n}", 0, 3) for n in range(40)]
    alerts = unusual_volumes(counts)
    assert [(a.kind, a.who) for a in alerts] == []
