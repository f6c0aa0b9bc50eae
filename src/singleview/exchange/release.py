"""What a permitted answer may carry: the decision's categories, the match band, local rules.

A pure function of values, so the rule "release only what the decision allows" can be read and
tested without a server: a certain match gives the contact and the involvements the decision
permits, less the services a local rule withholds; a possible or multiple match gives the
contact only; no match gives ``match = false`` and nothing else.
"""

from __future__ import annotations

from singleview.governance.models import Decision
from singleview.matching.bands import Band
from singleview.matching.result import MatchResult
from singleview.standards.answer import Answer, DecisionSummary
from singleview.standards.involvement import Involvement, OrganisationContact


def decision_summary(decision: Decision) -> DecisionSummary:
    """The decision as the answer states it: outcome, policy and obligations."""
    return DecisionSummary(
        outcome=decision.outcome,
        policy_id=decision.policy.policy_id if decision.policy else None,
        policy_version=decision.policy.version if decision.policy else None,
        obligations=decision.obligations if decision.outcome == "PERMIT" else (),
    )


def _released_involvements(
    decision: Decision, involvements: tuple[Involvement, ...]
) -> tuple[Involvement, ...]:
    if "involvements" not in decision.data_categories:
        return ()
    withheld = set(decision.services_withheld)
    kept = tuple(i for i in involvements if i.service_type not in withheld)
    if "professional-contact" in decision.data_categories:
        return kept
    return tuple(i.model_copy(update={"professional": None}) for i in kept)


def release(
    decision: Decision,
    result: MatchResult,
    involvements: tuple[Involvement, ...],
    contact: OrganisationContact | None,
) -> Answer:
    """The answer (without its receipt) a PERMIT allows for this match result."""
    if decision.outcome != "PERMIT":
        raise ValueError(f"only a PERMIT releases anything, not {decision.outcome}")
    summary = decision_summary(decision)
    if not result.band.is_match:
        return Answer(match=False, decision=summary)
    shown_contact = contact if "contact-details" in decision.data_categories else None
    if result.band is Band.CERTAIN:
        return Answer(
            match=True,
            match_grade="certain",
            score=result.probability,
            contact=shown_contact,
            involvements=_released_involvements(decision, involvements),
            decision=summary,
        )
    return Answer(
        match=True,
        match_grade="possible",
        multiple_matches=result.band is Band.MULTIPLE_MATCHES,
        contact=shown_contact,
        decision=summary,
    )


def released_categories(answer: Answer) -> tuple[str, ...]:
    """The data categories an answer actually carries, for the audit log."""
    categories = []
    if answer.match:
        categories.append("identity")
    if answer.contact is not None:
        categories.append("contact-details")
    if answer.involvements:
        categories.append("involvements")
        if any(i.professional is not None for i in answer.involvements):
            categories.append("professional-contact")
    return tuple(categories)
