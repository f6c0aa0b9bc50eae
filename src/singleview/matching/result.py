"""The match result and its explanation: what was decided, about which record, and why.

The explanation is the waterfall of the best candidate's score: the prior, then each
comparison's level and the weight it added (with the term-frequency adjustment shown apart),
ending at the probability. It travels with the result so the audit log and an IG officer can
see exactly why the node answered as it did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from singleview.matching.bands import Band
from singleview.matching.scorer import PairScore, probability_from_weight


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored candidate record (kept for the audit, never released)."""

    record_id: str
    probability: float
    ruled_out_of_certain: bool = False


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The answer to "do we hold this person?", with the evidence behind it."""

    band: Band
    best_record_id: str | None
    probability: float | None
    candidates_considered: int
    candidates: tuple[Candidate, ...] = ()
    waterfall: PairScore | None = None
    notes: tuple[str, ...] = ()
    thresholds: tuple[float, float] | None = None
    model_trained_at: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def releasable_record_id(self) -> str | None:
        """The record whose involvements may be released: only for a single certain match."""
        return self.best_record_id if self.band.may_release_involvements else None

    @property
    def match_grade(self) -> str | None:
        """FHIR match-grade for the answer (``certain`` or ``possible``), None when no match."""
        if self.band is Band.CERTAIN:
            return "certain"
        if self.band in (Band.POSSIBLE, Band.MULTIPLE_MATCHES):
            return "possible"
        return None

    def explanation(self) -> dict[str, Any]:
        """A JSON-ready explanation for the audit log: band, thresholds, waterfall, notes."""
        out: dict[str, Any] = {
            "band": self.band.value,
            "bestRecordId": self.best_record_id,
            "probability": self.probability,
            "candidatesConsidered": self.candidates_considered,
            "candidates": [
                {
                    "recordId": c.record_id,
                    "probability": c.probability,
                    "ruledOutOfCertain": c.ruled_out_of_certain,
                }
                for c in self.candidates
            ],
            "notes": list(self.notes),
        }
        if self.thresholds:
            out["thresholds"] = {"certain": self.thresholds[0], "possible": self.thresholds[1]}
        if self.model_trained_at:
            out["modelTrainedAt"] = self.model_trained_at
        if self.waterfall:
            out["waterfall"] = waterfall_rows(self.waterfall)
        return out

    def explain_text(self) -> str:
        """The explanation as plain text lines, for a person to read."""
        lines = [f"Answer: {self.band.value} (considered {self.candidates_considered} records)"]
        lines.extend(f"Note: {note}" for note in self.notes)
        if self.waterfall:
            for row in waterfall_rows(self.waterfall):
                detail = f" [enquiry {row['enquiry']!r} / record {row['record']!r}]"
                flag = " (rules out certain)" if row.get("rulesOutCertain") else ""
                lines.append(
                    f"{row['bar']:<15} {row['level'] + flag:<58} {row['bits']:+7.2f} bits "
                    f"-> {row['cumulativeProbability']:.6f}"
                    + (detail if row["enquiry"] is not None or row["record"] is not None else "")
                )
        return "\n".join(lines)


def waterfall_rows(score: PairScore) -> list[dict[str, Any]]:
    """The waterfall as rows: prior, each comparison (and its name-frequency adjustment), total."""
    rows: list[dict[str, Any]] = []
    cumulative = score.prior_weight
    rows.append(
        {
            "bar": "prior",
            "level": "chance two records are the same person before comparing",
            "enquiry": None,
            "record": None,
            "bits": score.prior_weight,
            "cumulativeProbability": probability_from_weight(cumulative),
        }
    )
    for c in score.contributions:
        cumulative += c.match_weight
        rows.append(
            {
                "bar": c.comparison,
                "level": c.level,
                "enquiry": c.enquiry_value,
                "record": c.record_value,
                "bits": c.match_weight,
                "cumulativeProbability": probability_from_weight(cumulative),
                "rulesOutCertain": c.rules_out_certain,
            }
        )
        if c.tf_adjustment:
            cumulative += c.tf_adjustment
            rows.append(
                {
                    "bar": f"{c.comparison} (how common)",
                    "level": "adjustment for how common the name is",
                    "enquiry": c.enquiry_value,
                    "record": c.record_value,
                    "bits": c.tf_adjustment,
                    "cumulativeProbability": probability_from_weight(cumulative),
                }
            )
    rows.append(
        {
            "bar": "total",
            "level": "match probability",
            "enquiry": None,
            "record": None,
            "bits": score.match_weight,
            "cumulativeProbability": score.probability,
        }
    )
    return rows
