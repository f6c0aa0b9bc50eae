"""Insights and alerts from the exchanges the log holds; charts drawn with their numbers."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from singleview.audit.counts import ExchangeSummary
from singleview.audit.counts import PractitionerCount as Count
from singleview.standards.vocabulary import label_of
from singleview.web.charts import Chart, Series, bar_chart_svg
from singleview.web.insights import insight_charts, unusual_volumes

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


def exchange(
    requester: str = "council",
    *,
    purpose: str = "s47-enquiry",
    began: dt.datetime = NOW,
    outcome: str | None = None,
    took: dt.timedelta | None = None,
) -> ExchangeSummary:
    """One exchange with the police node, as ``exchanges_since`` reads it from the log."""
    answered = began + took if took is not None else None
    return ExchangeSummary(requester, "police", purpose, began, outcome, answered)


def test_charts_count_by_purpose_partner_outcome_and_time() -> None:
    exchanges = [
        exchange("council", outcome="PERMIT", took=dt.timedelta(milliseconds=40)),
        exchange(
            "school",
            purpose="early-help",
            began=NOW - dt.timedelta(days=1),
            outcome="DENY",
            took=dt.timedelta(seconds=3),
        ),
        exchange("council", began=NOW - dt.timedelta(days=40)),  # before the charts' days
        exchange("council", outcome="PERMIT"),  # answered at once: no time to chart
    ]
    by_purpose, by_partner, outcome, times = insight_charts(exchanges, "police", NOW.date())
    assert {s.name: sum(s.values) for s in by_purpose.series} == {
        "s47-enquiry": 2.0,
        "early-help": 1.0,
    }
    assert {s.name: sum(s.values) for s in by_partner.series} == {"council": 2.0, "school": 1.0}
    assert {s.name: s.values for s in outcome.series} == {
        "Refused (DENY)": (1.0, 0.0),
        "Permitted (PERMIT)": (2.0, 0.0),
    }
    assert dict(zip(times.categories, times.series[0].values, strict=True)) == {
        "under 0.1 s": 1.0,
        "0.1 to 0.5 s": 0.0,
        "0.5 to 2 s": 0.0,
        "2 to 10 s": 1.0,
        "10 s to 1 min": 0.0,
        "over 1 min": 0.0,
    }


def test_what_this_node_sent_is_charted_apart_from_what_it_was_asked() -> None:
    sent = ExchangeSummary("police", "council", "s47-enquiry", NOW, "DENY", None)
    _, by_partner, outcome, _ = insight_charts(
        [sent, exchange(outcome="DENY")], "police", NOW.date()
    )
    assert {s.name: sum(s.values) for s in by_partner.series} == {"council": 2.0}
    assert {s.name: s.values for s in outcome.series} == {"Refused (DENY)": (1.0, 1.0)}


def test_the_key_names_purposes_and_partners_in_words_and_never_merges_two_partners() -> None:
    names = {"council": "Northmoor Council", "school": "Northmoor School"}
    names["school-b"] = "Northmoor School"  # another organisation of the same name
    exchanges = [
        exchange("council"),
        exchange("school", purpose="early-help"),
        exchange("school-b"),
        exchange("unlisted", purpose="a-newer-code"),
    ]
    by_purpose, by_partner, _, _ = insight_charts(
        exchanges,
        "police",
        NOW.date(),
        purpose_name=lambda code: label_of("purposes", code),
        partner_name=lambda org: names.get(org, org),
    )
    assert {s.name: sum(s.values) for s in by_purpose.series} == {
        "Section 47 child protection enquiry": 2.0,
        "Early help": 1.0,
        "a-newer-code": 1.0,
    }
    assert {s.name: sum(s.values) for s in by_partner.series} == {
        "Northmoor Council": 1.0,
        "Northmoor School (school)": 1.0,
        "Northmoor School (school-b)": 1.0,
        "unlisted": 1.0,
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


@pytest.mark.parametrize(
    ("most", "axis"),
    [
        (1.0, ["0", "1"]),
        (2.0, ["0", "1", "2"]),
        (4.0, ["0", "1", "2", "3", "4", "5"]),
        (7.0, ["0", "2", "4", "6", "8", "10"]),
        (13.0, ["0", "4", "8", "12", "16", "20"]),
        (420.0, ["0", "100", "200", "300", "400", "500"]),
    ],
)
def test_the_axis_counts_in_whole_numbers(most: float, axis: list[str]) -> None:
    chart = Chart("c", "Enquiries", ("Mon", "Tue"), (Series("x", (most, 0.0)),))
    assert re.findall(r'text-anchor="end">([^<]+)</text>', bar_chart_svg(chart)) == axis


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
