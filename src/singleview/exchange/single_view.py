"""The single view: partner by partner, what each said about the person, in plain words.

The one rule that matters most here: only a verified, well-formed "no match" answer becomes
``NOT_KNOWN``. A partner that timed out, was unreachable, answered garbage or answered with a
bad signature is ``NO_ANSWER`` with the reason, so a social worker is never told "not known"
by a partner that said nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from singleview.standards.answer import Answer


class PartnerState(StrEnum):
    """What one partner's answer amounts to."""

    KNOWN = "known"
    MAY_KNOW = "may-know"
    NOT_KNOWN = "not-known"
    REFUSED = "refused"
    WAITING_FOR_REVIEW = "waiting-for-review"
    NO_ANSWER = "no-answer"


STATE_WORDS: dict[PartnerState, str] = {
    PartnerState.KNOWN: "Knows this child",
    PartnerState.MAY_KNOW: "May know this child: call them",
    PartnerState.NOT_KNOWN: "Does not know this child",
    PartnerState.REFUSED: "Refused to answer",
    PartnerState.WAITING_FOR_REVIEW: "Waiting for their information governance review",
    PartnerState.NO_ANSWER: "Did not answer",
}


@dataclass(frozen=True, slots=True)
class Partner:
    """A partner organisation as the requester's copy of the register describes it."""

    organisation_id: str
    name: str
    endpoint: str


@dataclass(frozen=True, slots=True)
class PartnerResult:
    """One partner's part of the single view."""

    partner: Partner
    state: PartnerState
    elapsed_ms: float
    answer: Answer | None = None
    refusal_codes: tuple[str, ...] = ()
    refusal_text: str | None = None
    poll_url: str | None = None
    problem: str | None = None

    @property
    def summary(self) -> str:
        """One line a practitioner can read."""
        return summary_words(self.state, self.refusal_text, self.problem)


def summary_words(state: PartnerState, refusal_text: str | None, problem: str | None) -> str:
    """A partner's answer in one line: the state's words, with the partner's reason for a
    refusal or what went wrong for a partner that did not answer."""
    words = STATE_WORDS[state]
    if state is PartnerState.REFUSED and refusal_text:
        return f"{words}: {refusal_text}"
    if state is PartnerState.NO_ANSWER and problem:
        return f"{words} ({problem})"
    return words


def _call_priority(result: PartnerResult) -> tuple[int, int, float]:
    answer = result.answer
    active = any(i.status == "active" for i in answer.involvements) if answer else False
    grade_rank = {"certain": 0, "probable": 1, "possible": 2}
    grade = grade_rank.get(answer.match_grade or "", 3) if answer else 3
    return (0 if active else 1, grade, -(answer.score or 0.0) if answer else 0.0)


@dataclass(frozen=True, slots=True)
class SingleView:
    """Every partner's answer to one enquiry, in the order the partners were asked."""

    enquiry_id: str
    results: tuple[PartnerResult, ...]

    def in_state(self, state: PartnerState) -> tuple[PartnerResult, ...]:
        """The partners whose answer amounts to ``state``."""
        return tuple(r for r in self.results if r.state is state)

    def call_first(self) -> tuple[PartnerResult, ...]:
        """Partners worth a call, best first: active involvement, then surest match."""
        worth = [r for r in self.results if r.state in (PartnerState.KNOWN, PartnerState.MAY_KNOW)]
        return tuple(sorted(worth, key=_call_priority))

    @property
    def complete(self) -> bool:
        """True when no partner is still waiting for a review."""
        return not self.in_state(PartnerState.WAITING_FOR_REVIEW)


def state_of_answer(answer: Answer) -> PartnerState:
    """Known, may know or not known, from a verified 200 answer."""
    if not answer.match:
        return PartnerState.NOT_KNOWN
    if answer.multiple_matches or answer.match_grade == "possible":
        return PartnerState.MAY_KNOW
    return PartnerState.KNOWN
