"""Set the band thresholds from measurement, and measure how a model does (pure functions).

Given enquiries whose true answer is known (synthetic data), the thresholds are chosen to
give the most ``certain`` answers about people the node holds subject to: no wrong-person
``certain`` answer, with a safety margin in match weight; at most 1 in 1,000 enquiries about
people the node does not hold coming back ``certain``.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from singleview.matching.bands import Band, decide_band
from singleview.matching.model import Thresholds

#: A wrong person's score must stay this many bits of match weight below the certain threshold.
SAFETY_MARGIN_BITS = 3.0
#: Whatever the measurement says, ``certain`` means at least this probability: a node bigger
#: than the calibration world has more look-alikes, and a 3-in-4 chance is never "certain".
CERTAIN_FLOOR = 0.99
#: Thresholds searched, in match-weight bits (probability = 1 / (1 + 2^-w)).
_WEIGHT_GRID = [w / 2 for w in range(-10, 81)]


def weight_of(probability: float) -> float:
    """Match weight (bits) of a probability, clamped so 0 and 1 stay finite."""
    p = min(max(probability, 1e-300), 1 - 1e-16)
    return float(math.log2(p / (1 - p)))


def probability_of(weight: float) -> float:
    """Probability of a match weight."""
    return 1.0 / (1.0 + math.pow(2.0, -weight))


@dataclass(frozen=True, slots=True)
class Outcome:
    """One labelled enquiry: its candidates (record id, probability, contradicted), best first,
    and the true record if the node holds the person."""

    enquiry_id: str
    true_record_id: str | None
    scores: tuple[tuple[str, float, bool], ...]
    insufficient: bool = False
    candidates_considered: int = 0


@dataclass(frozen=True, slots=True)
class Figures:
    """How a model and its thresholds did on labelled enquiries."""

    held: int
    not_held: int
    held_certain: int
    held_certain_or_possible: int
    wrong_person_certain: int
    not_held_certain: int
    insufficient: int
    multiple_matches: int
    precision: float
    recall: float

    @property
    def held_certain_rate(self) -> float:
        """Share of enquiries about held people answered ``certain`` (and right)."""
        return self.held_certain / self.held if self.held else 0.0

    @property
    def held_certain_or_possible_rate(self) -> float:
        """Share of enquiries about held people answered ``certain`` or ``possible``."""
        return self.held_certain_or_possible / self.held if self.held else 0.0

    @property
    def not_held_certain_rate(self) -> float:
        """Share of enquiries about people not held that came back ``certain``."""
        return self.not_held_certain / self.not_held if self.not_held else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of pairwise precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def band_of(outcome: Outcome, thresholds: Thresholds) -> Band:
    """The band the node would answer for this enquiry."""
    if outcome.insufficient:
        return Band.INSUFFICIENT
    return decide_band([(p, c) for _, p, c in outcome.scores], thresholds)


def evaluate(outcomes: Sequence[Outcome], thresholds: Thresholds) -> Figures:
    """Acceptance figures and pairwise precision/recall (a declared pair is the best record
    of a ``certain`` or ``possible`` answer; a true pair is an enquiry about a held person)."""
    counts = dict.fromkeys(
        ("held", "not_held", "hc", "hcp", "wrong", "nhc", "insufficient", "multiple", "tp", "fp"),
        0,
    )
    for outcome in outcomes:
        band = band_of(outcome, thresholds)
        held = outcome.true_record_id is not None
        counts["held" if held else "not_held"] += 1
        best = outcome.scores[0][0] if outcome.scores else None
        right = held and best == outcome.true_record_id
        counts["insufficient"] += band is Band.INSUFFICIENT
        counts["multiple"] += band is Band.MULTIPLE_MATCHES
        if band is Band.CERTAIN:
            counts["hc"] += right
            counts["wrong"] += not right
            counts["nhc"] += not held
        if band in (Band.CERTAIN, Band.POSSIBLE):
            counts["hcp"] += right
            counts["tp"] += right
            counts["fp"] += not right
    declared = counts["tp"] + counts["fp"]
    return Figures(
        held=counts["held"],
        not_held=counts["not_held"],
        held_certain=counts["hc"],
        held_certain_or_possible=counts["hcp"],
        wrong_person_certain=counts["wrong"],
        not_held_certain=counts["nhc"],
        insufficient=counts["insufficient"],
        multiple_matches=counts["multiple"],
        precision=counts["tp"] / declared if declared else 1.0,
        recall=counts["tp"] / counts["held"] if counts["held"] else 0.0,
    )


def choose_thresholds(outcomes: Sequence[Outcome]) -> Thresholds:
    """The thresholds giving the most right ``certain`` answers within the safety limits."""
    best: tuple[tuple[float, float, float], float, float] | None = None
    # Every enquiry whose best candidate is the wrong person (or anyone, for people not held)
    # and could be certain (not contradicted), whatever band it landed in: none may come within
    # the safety margin of the certain threshold.
    wrong_best = sorted(
        o.scores[0][1]
        for o in outcomes
        if not o.insufficient
        and o.scores
        and o.scores[0][0] != o.true_record_id
        and not o.scores[0][2]
    )
    total_not_held = sum(1 for o in outcomes if o.true_record_id is None) or 1
    for possible_weight in _WEIGHT_GRID:
        possible = probability_of(possible_weight)
        right: list[float] = []  # best score of single-candidate answers that are right
        not_held: list[float] = []
        right_or_possible = 0
        for outcome in outcomes:
            if outcome.insufficient:
                continue
            above = [(p, c) for _, p, c in outcome.scores if p >= possible]
            if len(above) != 1:
                continue
            probability, contradicted = above[0]
            is_right = (
                outcome.true_record_id is not None
                and outcome.scores[0][0] == outcome.true_record_id
            )
            if is_right and not contradicted:
                right.append(probability)
            if outcome.true_record_id is None and not contradicted:
                not_held.append(probability)
            right_or_possible += is_right
        right.sort()
        not_held.sort()
        for certain_weight in _WEIGHT_GRID:
            if certain_weight < possible_weight or probability_of(certain_weight) < CERTAIN_FLOOR:
                continue
            certain = probability_of(certain_weight)
            guard = probability_of(certain_weight - SAFETY_MARGIN_BITS)
            if len(wrong_best) - bisect_left(wrong_best, guard) > 0:
                continue
            if (len(not_held) - bisect_left(not_held, certain)) / total_not_held > 0.001:
                continue
            certain_right = len(right) - bisect_left(right, certain)
            key: tuple[float, float, float] = (
                float(certain_right),
                float(right_or_possible),
                certain_weight,
            )
            if best is None or key > best[0]:
                best = (key, certain, possible)
    if best is None:
        raise ValueError("no thresholds meet the safety limits on these enquiries")
    key, certain, possible = best
    return Thresholds(
        certain=certain,
        possible=possible,
        how_set=(
            f"chosen on {len(outcomes)} labelled synthetic enquiries: most right 'certain' "
            f"answers ({int(key[0])}) with no wrong person within {SAFETY_MARGIN_BITS} bits of "
            "the certain threshold, at most 1 in 1,000 unheld people certain, and certain "
            f"never below {CERTAIN_FLOOR}"
        ),
    )
