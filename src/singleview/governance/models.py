"""What the Policy Decision Point takes and gives: plain frozen values, cheap to build.

These are dataclasses rather than pydantic models on purpose: a decision is made on every
enquiry and must cost microseconds, and everything here is built by our own code from values
that were validated at the edge (the enquiry parser, the register, the policy loader).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Outcome = Literal["PERMIT", "DENY", "REVIEW"]
ConditionStatus = Literal["satisfied", "failed", "unknown"]
SuppressionAction = Literal["withhold", "review"]
ConsentStatus = Literal["given", "refused", "withdrawn"]


@dataclass(frozen=True, slots=True)
class PolicyClaim:
    """A policy the requester says it is asking under, and the digest of its copy."""

    policy_id: str
    version: int
    digest: str


@dataclass(frozen=True, slots=True)
class Consent:
    """The consent a requester records for an enquiry below the s47 threshold."""

    status: ConsentStatus
    #: purposes the consent covers
    scope: tuple[str, ...] = ()
    expires: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Suppression:
    """A responder's local rule: withhold a service's involvements, or send them to a person."""

    service_type: str
    action: SuppressionAction


@dataclass(frozen=True, slots=True)
class LocalRules:
    """The responder's own rules that sit on top of every agreement."""

    suppressions: tuple[Suppression, ...] = ()


@dataclass(frozen=True, slots=True)
class DecisionContext:
    """Everything a decision depends on; nothing else is read (not even the clock).

    ``requester_*`` come from authentication and the organisation register, never from the
    request body.
    """

    requester_org_id: str
    requester_org_type: str | None
    requester_status: str
    practitioner_role: str | None
    purpose: str
    decided_at: dt.datetime
    claimed_policies: tuple[PolicyClaim, ...] = ()
    data_categories: tuple[str, ...] = ()
    case_reference: str | None = None
    consent: Consent | None = None
    local_rules: LocalRules = field(default_factory=LocalRules)


class Reason(NamedTuple):
    """One condition checked: its decision-reason code, how it came out, and why in words.

    A named tuple rather than a frozen dataclass: a decision builds several of these and a
    tuple is built several times faster, which matters at a microsecond budget.
    """

    code: str
    status: ConditionStatus
    explanation: str
    policy_id: str | None = None


class PolicyRef(NamedTuple):
    """The exact policy version a decision applied."""

    policy_id: str
    version: int
    digest: str


@dataclass(frozen=True, slots=True)
class Decision:
    """The PDP's answer: outcome, every condition checked, and the terms of a yes.

    For a REVIEW, ``policy``, ``obligations`` and ``data_categories`` are what an approval
    would give, so the IG officer sees exactly what they would be agreeing to.
    """

    outcome: Outcome
    reasons: tuple[Reason, ...]
    policy: PolicyRef | None = None
    route: str | None = None
    obligations: tuple[str, ...] = ()
    data_categories: tuple[str, ...] = ()
    services_withheld: tuple[str, ...] = ()
    #: services whose involvements, if the person has any, need a person's review first
    services_for_review: tuple[str, ...] = ()

    def failed(self) -> tuple[Reason, ...]:
        """The conditions that failed or could not be checked."""
        return tuple(r for r in self.reasons if r.status != "satisfied")

    def refusal_codes(self) -> tuple[str, ...]:
        """The decision-reason codes of ``failed()``, in order, without repeats: the codes a
        refusal sends (a condition that could not be checked refuses as surely as one that
        failed, e.g. a request that does not say the practitioner's role)."""
        return tuple(dict.fromkeys(r.code for r in self.failed()))


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """A JSON-ready form of a decision, for the review queue and the audit log."""
    return {
        "outcome": decision.outcome,
        "route": decision.route,
        "policy": None
        if decision.policy is None
        else {
            "id": decision.policy.policy_id,
            "version": decision.policy.version,
            "digest": decision.policy.digest,
        },
        "obligations": list(decision.obligations),
        "dataCategories": list(decision.data_categories),
        "servicesWithheld": list(decision.services_withheld),
        "servicesForReview": list(decision.services_for_review),
        "reasons": [
            {
                "code": r.code,
                "status": r.status,
                "explanation": r.explanation,
                **({"policy": r.policy_id} if r.policy_id else {}),
            }
            for r in decision.reasons
        ],
    }


def decision_from_dict(data: dict[str, Any]) -> Decision:
    """The decision ``decision_to_dict`` wrote."""
    policy = data.get("policy")
    return Decision(
        outcome=data["outcome"],
        route=data.get("route"),
        policy=None
        if policy is None
        else PolicyRef(policy["id"], int(policy["version"]), policy["digest"]),
        obligations=tuple(data.get("obligations", ())),
        data_categories=tuple(data.get("dataCategories", ())),
        services_withheld=tuple(data.get("servicesWithheld", ())),
        services_for_review=tuple(data.get("servicesForReview", ())),
        reasons=tuple(
            Reason(r["code"], r["status"], r["explanation"], r.get("policy"))
            for r in data.get("reasons", ())
        ),
    )
