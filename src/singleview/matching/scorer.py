"""The enquiry-time Fellegi-Sunter scorer: pure Python, reads a model, never imports Splink.

For a pair (enquiry, record) each comparison picks its first level that holds; the level's
match weight is log2(m/u), plus, for an exact name match, a term-frequency adjustment
log2(u) - log2(tf) so a rare name counts for more than a common one. The total with the
prior's weight gives the match probability. This reproduces Splink's prediction for the same
model (tested to 1e-6 in ``tests/matching/test_splink_parity.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from singleview.matching.model import Comparison, Level, MatchModel
from singleview.matching.standardise import StandardisedPerson

#: Splink clamps m and u away from zero before taking logs; so do we.
_CLAMP = 1e-300


@dataclass(frozen=True, slots=True)
class Contribution:
    """One bar of the waterfall: which level a comparison fell into and what it added."""

    comparison: str
    level: str
    enquiry_value: str | None
    record_value: str | None
    match_weight: float
    tf_adjustment: float
    rules_out_certain: bool = False

    @property
    def total(self) -> float:
        """The bar's height in log2 Bayes-factor units."""
        return self.match_weight + self.tf_adjustment


@dataclass(frozen=True, slots=True)
class PairScore:
    """The scored pair: probability, total match weight and the waterfall that produced it."""

    record_id: str
    probability: float
    match_weight: float
    prior_weight: float
    contributions: tuple[Contribution, ...]

    @property
    def blocks_certain(self) -> tuple[str, ...]:
        """The comparisons whose level rules out ``certain`` (e.g. a twin's given name differs)."""
        return tuple(c.comparison for c in self.contributions if c.rules_out_certain)


def _typo_apart(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance at most one (one edit or one adjacent transposition)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def level_holds(level: Level, left: StandardisedPerson, right: StandardisedPerson) -> bool:
    """Whether ``level``'s condition is true for the pair (SQL NULL semantics: unknown is false)."""
    kind = level.kind
    if kind == "else":
        return True
    if kind == "day_month_swapped":
        return (
            left.dob_year is not None
            and left.dob_year == right.dob_year
            and left.dob_day is not None
            and left.dob_day == right.dob_month
            and left.dob_month is not None
            and left.dob_month == right.dob_day
        )
    first: Any = getattr(left, level.columns[0])
    second: Any = getattr(right, level.columns[0])
    if kind == "null":
        return any(
            getattr(left, column) is None or getattr(right, column) is None
            for column in level.columns
        )
    if first is None or second is None:
        return False
    if kind == "exact":
        return bool(first == second)
    if kind == "overlap":
        return not set(first).isdisjoint(second)
    if kind == "typo":
        return _typo_apart(str(first), str(second))
    if kind == "swapped":
        other_left = getattr(left, level.columns[1])
        other_right = getattr(right, level.columns[1])
        return (
            other_left is not None
            and other_right is not None
            and first == other_right
            and other_left == second
        )
    raise ValueError(f"unknown comparison level kind {kind!r} in level {level.label!r}")


def _level_weight(level: Level) -> float:
    if level.kind == "null":
        return 0.0
    m, u = level.m or 0.0, level.u or 0.0  # both present: checked when the model was loaded
    return math.log2(max(m, _CLAMP) / max(u, _CLAMP))


def _tf_adjustment(
    level: Level, left: StandardisedPerson, right: StandardisedPerson, model: MatchModel
) -> float:
    if level.tf_column is None or level.kind == "null" or level.kind == "else":
        return 0.0
    table = model.term_frequencies.get(level.tf_column, {})
    tf_left = table.get(str(getattr(left, level.tf_column)))
    tf_right = table.get(str(getattr(right, level.tf_column)))
    known = [tf for tf in (tf_left, tf_right) if tf is not None]
    if not known:
        return 0.0
    assert level.u is not None
    return math.log2(level.u) - math.log2(max(known))


#: What to show for each comparison in the explanation (first present attribute wins).
_SHOWN = {
    "nhs_number": ("nhs_number",),
    "given_name": ("given", "given_all"),
    "family_name": ("family", "family_all"),
    "date_of_birth": ("dob", "dob_year_month", "dob_year"),
    "postcode": ("postcodes",),
    "sex": ("sex",),
}


def _shown_value(person: StandardisedPerson, comparison: Comparison) -> str | None:
    names = _SHOWN.get(comparison.name) or comparison.levels[0].columns
    for name in names:
        value = getattr(person, name, None)
        if value is not None:
            return _shown(value)
    return None


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _compare(
    comparison: Comparison,
    left: StandardisedPerson,
    right: StandardisedPerson,
    model: MatchModel,
    show_values: bool,
) -> Contribution:
    for level in comparison.levels:
        if level_holds(level, left, right):
            return Contribution(
                comparison=comparison.name,
                level=level.label,
                enquiry_value=_shown_value(left, comparison) if show_values else None,
                record_value=_shown_value(right, comparison) if show_values else None,
                match_weight=_level_weight(level),
                tf_adjustment=_tf_adjustment(level, left, right, model),
                rules_out_certain=level.rules_out_certain,
            )
    raise ValueError(f"comparison {comparison.name!r} has no level that holds (missing ELSE?)")


def probability_from_weight(weight: float) -> float:
    """Match probability from a total match weight (numerically stable both ways)."""
    if weight >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -weight))
    return math.pow(2.0, weight) / (1.0 + math.pow(2.0, weight))


def score_pair(
    model: MatchModel,
    enquiry: StandardisedPerson,
    record: StandardisedPerson,
    *,
    show_values: bool = False,
) -> PairScore:
    """Score one enquiry-record pair with ``model``; the enquiry is the left-hand record.

    ``show_values`` keeps the compared values in each contribution, for the explanation
    (left out when scoring many candidates, because formatting them costs more than scoring).
    """
    prior = model.probability_two_random_records_match
    prior_weight = math.log2(prior / (1.0 - prior))
    contributions = tuple(
        _compare(c, enquiry, record, model, show_values) for c in model.comparisons
    )
    weight = prior_weight + sum(c.total for c in contributions)
    return PairScore(
        record_id=record.record_id,
        probability=probability_from_weight(weight),
        match_weight=weight,
        prior_weight=prior_weight,
        contributions=contributions,
    )
