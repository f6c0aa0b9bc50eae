"""Choosing thresholds from labelled outcomes, and the acceptance figures."""

from __future__ import annotations

import pytest

from singleview.matching.calibrate import (
    CERTAIN_FLOOR,
    SAFETY_MARGIN_BITS,
    Outcome,
    choose_thresholds,
    evaluate,
    probability_of,
    weight_of,
)
from singleview.matching.model import Thresholds


def held(n: int, weight: float, *, ruled_out: bool = False) -> list[Outcome]:
    p = probability_of(weight)
    return [Outcome(f"h{weight}-{i}", f"R{i}", ((f"R{i}", p, ruled_out),)) for i in range(n)]


def wrong(n: int, weight: float) -> list[Outcome]:
    p = probability_of(weight)
    return [Outcome(f"w{weight}-{i}", None, ((f"X{i}", p, False),)) for i in range(n)]


def test_certain_threshold_stays_a_margin_above_every_wrong_person() -> None:
    outcomes = held(90, 20.0) + held(10, 6.0) + wrong(50, 4.0) + wrong(50, -10.0)
    thresholds = choose_thresholds(outcomes)
    assert weight_of(thresholds.certain) >= 4.0 + SAFETY_MARGIN_BITS
    figures = evaluate(outcomes, thresholds)
    assert figures.wrong_person_certain == 0
    assert figures.held_certain == 90


def test_ruled_out_candidates_never_count_as_certain() -> None:
    outcomes = held(50, 30.0) + held(50, 30.0, ruled_out=True) + wrong(10, -20.0)
    thresholds = choose_thresholds(outcomes)
    figures = evaluate(outcomes, thresholds)
    assert figures.held_certain == 50
    assert figures.held_certain_or_possible == 100


def test_no_thresholds_when_a_wrong_person_outscores_everyone() -> None:
    with pytest.raises(ValueError, match="safety limits"):
        choose_thresholds(wrong(5, 60.0))


def test_figures_count_insufficient_multiple_and_pairwise_precision() -> None:
    t = Thresholds(certain=0.99, possible=0.5)
    outcomes = [
        Outcome("a", "R1", (("R1", 0.999, False),)),
        Outcome("b", "R2", (("R9", 0.999, False),)),  # wrong person, certain
        Outcome("c", "R3", (("R3", 0.9, False), ("R4", 0.8, False))),  # multiple
        Outcome("d", None, (), insufficient=True),
        Outcome("e", None, (("R5", 0.6, False),)),  # not held, possible
    ]
    f = evaluate(outcomes, t)
    assert (f.held, f.not_held) == (3, 2)
    assert f.held_certain == 1
    assert f.wrong_person_certain == 1
    assert f.multiple_matches == 1
    assert f.insufficient == 1
    assert f.precision == pytest.approx(1 / 3)
    assert f.recall == pytest.approx(1 / 3)
    assert f.f1 == pytest.approx(1 / 3)


def test_certain_never_drops_below_the_floor_even_when_measurement_allows() -> None:
    outcomes = held(100, 2.0) + wrong(100, -30.0)
    thresholds = choose_thresholds(outcomes)
    assert thresholds.certain >= CERTAIN_FLOOR
    assert evaluate(outcomes, thresholds).held_certain == 0
