"""The answer to an enquiry, as the profile's response ``Parameters`` carry it.

Three shapes are allowed (a refusal is an ``OperationOutcome``, not an Answer):
one confident match (grade, score, contact, involvements), no match (nothing but the decision
and receipt), and several possible matches (``possible``, ``multiple_matches`` and the contact
only: never the involvements of a person who may be someone else).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from singleview.standards.involvement import Involvement, OrganisationContact
from singleview.standards.person import StandardModel
from singleview.standards.receipt import Receipt
from singleview.standards.vocabulary import load_vocabulary

#: FHIR match-grade codes the profile allows in an answer.
MatchGrade = Literal["certain", "probable", "possible"]
DecisionOutcome = Literal["PERMIT", "DENY", "REVIEW"]


class DecisionSummary(StandardModel):
    """What the responder's Policy Decision Point decided, and the terms of a permit."""

    outcome: DecisionOutcome
    policy_id: str | None = Field(default=None, min_length=1)
    policy_version: int | None = Field(default=None, ge=1)
    obligations: tuple[str, ...] = ()

    @field_validator("obligations")
    @classmethod
    def _known_obligations(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        scheme = load_vocabulary("obligations")
        for code in codes:
            scheme.require(code)
        return codes

    @model_validator(mode="after")
    def _version_with_policy(self) -> DecisionSummary:
        if (self.policy_id is None) != (self.policy_version is None):
            raise ValueError("a policy id and its version come together")
        return self


class Answer(StandardModel):
    """A responder's 200 answer: whether it knows the person, and what the decision allows."""

    match: bool
    match_grade: MatchGrade | None = None
    score: float | None = Field(default=None, allow_inf_nan=False, description="matcher's score")
    multiple_matches: bool = False
    contact: OrganisationContact | None = None
    involvements: tuple[Involvement, ...] = ()
    decision: DecisionSummary | None = None
    receipt: Receipt | None = None

    @model_validator(mode="after")
    def _one_of_the_profile_shapes(self) -> Answer:
        if not self.match:
            released = {
                "matchGrade": self.match_grade is not None,
                "score": self.score is not None,
                "multipleMatches": self.multiple_matches,
                "contact": self.contact is not None,
                "involvement": bool(self.involvements),
            }
            given = [name for name, present in released.items() if present]
            if given:
                raise ValueError(
                    f"a no-match answer carries nothing about a person, not {', '.join(given)}"
                )
        if self.multiple_matches and self.match_grade != "possible":
            raise ValueError("several possible matches are graded 'possible'")
        if self.match_grade == "possible" and self.involvements:
            raise ValueError("a possible match never carries involvements")
        releases = self.contact is not None or bool(self.involvements)
        if self.decision is not None and self.decision.outcome != "PERMIT" and releases:
            raise ValueError(f"a {self.decision.outcome} decision releases nothing")
        return self
