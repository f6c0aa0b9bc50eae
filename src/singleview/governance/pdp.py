"""The Policy Decision Point: may this enquiry be answered, why, and on what terms.

Why hand-written rather than Cedar or OPA: an answer here must be PERMIT, DENY *or REVIEW*,
carry the obligations that come with a yes and the data categories it releases, and explain
every condition it checked (satisfied, failed or unknown) in words an IG officer accepts, all
in microseconds on the request path. Cedar gives allow/deny and the ids of the deciding
policies, but no third outcome, no obligations and no per-condition reasons; OPA/Rego can
express all of it but runs in a separate process or a WebAssembly runtime, far from a
microsecond budget. The rules are few and fixed by the MAIS profile, so a small pure function
over a compiled index is both faster and easier to audit (see ``bench/pdp.py``).

Order of play: a suspended requester is refused; any explicit prohibition in force refuses
(prohibition beats permission); every claimed policy must be ours, in force, and have the
same digest; then each applicable permission (claimed agreements, statutory routes for the
requester's type) is checked condition by condition; with no claim and no applicable route,
the professional-judgement route sends the enquiry to a person; with none of those, DENY.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace

from singleview.governance.documents import PolicyVersion
from singleview.governance.models import (
    Decision,
    DecisionContext,
    Outcome,
    PolicyRef,
    Reason,
)
from singleview.standards.sharing_policy import SharingPolicy


# Many agreements share the same sets of purposes, types, roles and categories. Compiling
# them to one shared instance each keeps the index small, so a decision touches fewer cache
# lines when thousands of agreements are held (see docs/benchmarks.md).
class _Shared:
    """One instance of each distinct set and tuple met while compiling one index."""

    def __init__(self) -> None:
        self.sets: dict[frozenset[str], frozenset[str]] = {}
        self.tuples: dict[tuple[str, ...], tuple[str, ...]] = {}

    def set(self, values: Iterable[str]) -> frozenset[str]:
        value = frozenset(sys.intern(v) for v in values)
        return self.sets.setdefault(value, value)

    def opt(self, values: tuple[str, ...] | None) -> frozenset[str] | None:
        return None if values is None else self.set(values)

    def tuple(self, values: Iterable[str]) -> tuple[str, ...]:
        value = tuple(sys.intern(v) for v in values)
        return self.tuples.setdefault(value, value)


def _listing(values: Iterable[str]) -> str:
    items = sorted(values)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


@dataclass(frozen=True, slots=True)
class _Permission:
    """One policy's permission, flattened into sets for constant-time checks."""

    ref: PolicyRef
    route: str
    purposes: frozenset[str]
    org_types: frozenset[str] | None
    roles: frozenset[str] | None
    parties: frozenset[str]
    case_reference_required: bool
    consent_required: bool
    consent_on_failure: str
    categories: frozenset[str]
    categories_sorted: tuple[str, ...]
    obligations: tuple[str, ...]
    outcome: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class _Prohibition:
    policy_id: str
    description: str
    reason: str
    purposes: frozenset[str] | None
    orgs: frozenset[str] | None
    org_types: frozenset[str] | None
    roles: frozenset[str] | None
    categories: frozenset[str] | None
    start: dt.date
    end: dt.date

    def matches_requester(self, ctx: DecisionContext) -> bool:
        """Whether every condition other than data categories matches the request."""
        return (
            (self.purposes is None or ctx.purpose in self.purposes)
            and (self.orgs is None or ctx.requester_org_id in self.orgs)
            and (self.org_types is None or ctx.requester_org_type in self.org_types)
            and (self.roles is None or ctx.practitioner_role in self.roles)
        )


def _compile_permission(version: PolicyVersion, shared: _Shared) -> _Permission:
    policy = version.policy
    permission = policy.permission
    assert permission is not None  # a validated non-node-rule policy always has one
    return _Permission(
        ref=PolicyRef(version.policy_id, version.version, version.digest),
        route=sys.intern(policy.route),
        purposes=shared.set(policy.purposes),
        org_types=shared.opt(permission.requester_organisation_types),
        roles=shared.opt(permission.practitioner_roles),
        parties=shared.set(policy.party_ids()),
        case_reference_required=permission.case_reference_required,
        consent_required=permission.consent is not None and permission.consent.required,
        consent_on_failure=permission.consent.on_failure if permission.consent else "deny",
        categories=shared.set(permission.data_categories),
        categories_sorted=shared.tuple(sorted(set(permission.data_categories))),
        obligations=shared.tuple(
            sorted(set(permission.obligations) | set(policy.data_recipient_responsibilities))
        ),
        outcome=permission.outcome,
        start=policy.start_date,
        end=policy.end_date,
    )


def _compile_prohibitions(policy: SharingPolicy, shared: _Shared) -> list[_Prohibition]:
    return [
        _Prohibition(
            policy_id=policy.policy_id,
            description=p.description,
            reason=p.reason,
            purposes=shared.opt(p.purposes),
            orgs=shared.opt(p.requester_organisations),
            org_types=shared.opt(p.requester_organisation_types),
            roles=shared.opt(p.practitioner_roles),
            categories=shared.opt(p.data_categories),
            start=policy.start_date,
            end=policy.end_date,
        )
        for p in policy.prohibitions
    ]


class PolicyIndex:
    """A node's policies compiled once for decisions: every lookup is a dictionary access."""

    def __init__(self, versions: Iterable[PolicyVersion]) -> None:
        """Compile the active versions given (one per policy id; the highest version wins)."""
        latest: dict[str, PolicyVersion] = {}
        for v in versions:
            if v.policy_id not in latest or v.version > latest[v.policy_id].version:
                latest[v.policy_id] = v
        self.versions: dict[str, PolicyVersion] = {}
        # Claims are checked against plain tuples, so a decision never touches the
        # (large) validated documents, only small compiled values.
        self.refs: dict[str, PolicyRef] = {}
        self.inactive: dict[str, str] = {}
        self.agreements: dict[str, _Permission] = {}
        self.statutory: dict[str, tuple[_Permission, ...]] = {}
        self.judgement: dict[str, tuple[_Permission, ...]] = {}
        self._prohibitions_by_org: dict[str, tuple[_Prohibition, ...]] = {}
        self._prohibitions_by_purpose: dict[str, tuple[_Prohibition, ...]] = {}
        self._prohibitions_any: tuple[_Prohibition, ...] = ()
        shared = _Shared()
        statutory: dict[str, list[_Permission]] = {}
        judgement: dict[str, list[_Permission]] = {}
        by_org: dict[str, list[_Prohibition]] = {}
        by_purpose: dict[str, list[_Prohibition]] = {}
        anywhere: list[_Prohibition] = []
        for policy_id in sorted(latest):
            version = latest[policy_id]
            if version.policy.status != "active":
                self.inactive[policy_id] = version.policy.status
                continue
            self.versions[policy_id] = version
            self.refs[policy_id] = PolicyRef(policy_id, version.version, version.digest)
            policy = version.policy
            if policy.permission is not None:
                compiled = _compile_permission(version, shared)
                if policy.route == "agreement":
                    self.agreements[policy_id] = compiled
                else:
                    target = statutory if policy.route == "statutory" else judgement
                    for purpose in policy.purposes:
                        target.setdefault(purpose, []).append(compiled)
            # Each prohibition is filed under its most selective key, so a decision only
            # looks at those that could possibly match it, however many agreements exist.
            for p in _compile_prohibitions(policy, shared):
                if p.orgs is not None:
                    for org in p.orgs:
                        by_org.setdefault(org, []).append(p)
                elif p.purposes is not None:
                    for purpose in p.purposes:
                        by_purpose.setdefault(purpose, []).append(p)
                else:
                    anywhere.append(p)
        self.statutory = {k: tuple(v) for k, v in statutory.items()}
        self.judgement = {k: tuple(v) for k, v in judgement.items()}
        self._prohibitions_by_org = {k: tuple(v) for k, v in by_org.items()}
        self._prohibitions_by_purpose = {k: tuple(v) for k, v in by_purpose.items()}
        self._prohibitions_any = tuple(anywhere)

    def __len__(self) -> int:
        return len(self.versions)

    def prohibitions_for(self, ctx: DecisionContext) -> tuple[_Prohibition, ...]:
        """The prohibitions that could apply to ``ctx`` (by requester, purpose, or anywhere)."""
        return (
            self._prohibitions_by_org.get(ctx.requester_org_id, ())
            + self._prohibitions_by_purpose.get(ctx.purpose, ())
            + self._prohibitions_any
        )

    def decide(self, ctx: DecisionContext) -> Decision:
        """Decide ``ctx`` against this index (see the module docstring for the order)."""
        return decide(self, ctx)


def compile_policies(versions: Iterable[PolicyVersion]) -> PolicyIndex:
    """Compile policy versions into the index ``decide`` uses; do this once, not per request."""
    return PolicyIndex(versions)


def _deny(reasons: list[Reason]) -> Decision:
    return Decision(outcome="DENY", reasons=tuple(reasons))


def _in_force(start: dt.date, end: dt.date, today: dt.date, policy_id: str) -> Reason:
    if today < start:
        return Reason(
            "policy-not-yet-in-force",
            "failed",
            f"Policy {policy_id} comes into force on {start.isoformat()}.",
            policy_id,
        )
    if today > end:
        return Reason(
            "policy-expired", "failed", f"Policy {policy_id} ended on {end.isoformat()}.", policy_id
        )
    return Reason(
        "policy-expired",
        "satisfied",
        f"Policy {policy_id} is in force ({start.isoformat()} to {end.isoformat()}).",
        policy_id,
    )


def _check_permission(
    p: _Permission, ctx: DecisionContext, today: dt.date, excluded: frozenset[str]
) -> tuple[str, list[Reason], tuple[str, ...]]:
    """Check every condition of one permission: (outcome, reasons, categories released)."""
    pid = p.ref.policy_id
    reasons = [_in_force(p.start, p.end, today, pid)]
    failed = reasons[0].status != "satisfied"
    consent_failed = False
    if p.route == "agreement":
        if ctx.requester_org_id in p.parties:
            reasons.append(
                Reason(
                    "requester-not-party",
                    "satisfied",
                    f"{ctx.requester_org_id} is a party to {pid}.",
                    pid,
                )
            )
        else:
            failed = True
            reasons.append(
                Reason(
                    "requester-not-party",
                    "failed",
                    f"{ctx.requester_org_id} is not a party to {pid}.",
                    pid,
                )
            )
    if ctx.purpose in p.purposes:
        reasons.append(
            Reason(
                "purpose-not-permitted",
                "satisfied",
                f"{pid} covers the purpose {ctx.purpose}.",
                pid,
            )
        )
    else:
        failed = True
        reasons.append(
            Reason(
                "purpose-not-permitted",
                "failed",
                f"{pid} does not cover the purpose {ctx.purpose}; "
                f"it covers {_listing(p.purposes)}.",
                pid,
            )
        )
    if p.org_types is not None:
        if ctx.requester_org_type is None:
            failed = True
            reasons.append(
                Reason(
                    "requester-type-not-permitted",
                    "unknown",
                    "The register gives no organisation type for the requester.",
                    pid,
                )
            )
        elif ctx.requester_org_type in p.org_types:
            reasons.append(
                Reason(
                    "requester-type-not-permitted",
                    "satisfied",
                    f"{pid} lets a {ctx.requester_org_type} ask.",
                    pid,
                )
            )
        else:
            failed = True
            reasons.append(
                Reason(
                    "requester-type-not-permitted",
                    "failed",
                    f"{pid} does not let a {ctx.requester_org_type} ask; "
                    f"only {_listing(p.org_types)}.",
                    pid,
                )
            )
    if p.roles is not None:
        if ctx.practitioner_role is None:
            failed = True
            reasons.append(
                Reason(
                    "role-not-permitted",
                    "unknown",
                    "The request does not say what role the practitioner holds.",
                    pid,
                )
            )
        elif ctx.practitioner_role in p.roles:
            reasons.append(
                Reason(
                    "role-not-permitted",
                    "satisfied",
                    f"{pid} lets a {ctx.practitioner_role} ask.",
                    pid,
                )
            )
        else:
            failed = True
            reasons.append(
                Reason(
                    "role-not-permitted",
                    "failed",
                    f"{pid} does not let a {ctx.practitioner_role} ask; only {_listing(p.roles)}.",
                    pid,
                )
            )
    if p.case_reference_required:
        if ctx.case_reference:
            reasons.append(
                Reason(
                    "case-reference-missing",
                    "satisfied",
                    f"The request gives case reference {ctx.case_reference}.",
                    pid,
                )
            )
        else:
            failed = True
            reasons.append(
                Reason(
                    "case-reference-missing",
                    "failed",
                    f"{pid} needs a case reference and the request gives none.",
                    pid,
                )
            )
    if p.consent_required:
        consent_reason = _check_consent(ctx, today, pid)
        reasons.append(consent_reason)
        consent_failed = consent_reason.status != "satisfied"
    if ctx.data_categories:
        asked = frozenset(ctx.data_categories)
        beyond = asked - p.categories
        if beyond:
            failed = True
            reasons.append(
                Reason(
                    "data-category-not-permitted",
                    "failed",
                    f"{pid} does not release {_listing(beyond)}.",
                    pid,
                )
            )
            released: tuple[str, ...] = ()
        else:
            released = tuple(sorted(asked - excluded))
            reasons.append(
                Reason(
                    "data-category-not-permitted",
                    "satisfied",
                    f"{pid} releases every category asked for.",
                    pid,
                )
            )
    else:
        released = (
            p.categories_sorted
            if not excluded
            else tuple(c for c in p.categories_sorted if c not in excluded)
        )
    if failed:
        return "DENY", reasons, ()
    if consent_failed:
        return ("REVIEW" if p.consent_on_failure == "review" else "DENY"), reasons, released
    if p.outcome == "review":
        reasons.append(
            Reason(
                "professional-judgement",
                "unknown",
                f"{pid} is the professional-judgement route: an IG officer must decide.",
                pid,
            )
        )
        return "REVIEW", reasons, released
    return "PERMIT", reasons, released


def _check_consent(ctx: DecisionContext, today: dt.date, pid: str) -> Reason:
    consent = ctx.consent
    if consent is None or consent.status != "given":
        state = "no consent" if consent is None else f"consent {consent.status}"
        return Reason(
            "consent-missing", "failed", f"{pid} needs consent; the request records {state}.", pid
        )
    if consent.expires is not None and consent.expires < today:
        return Reason(
            "consent-expired",
            "failed",
            f"The consent expired on {consent.expires.isoformat()}.",
            pid,
        )
    if not consent.scope:
        return Reason(
            "consent-out-of-scope",
            "unknown",
            "The consent does not say which purposes it covers.",
            pid,
        )
    if ctx.purpose not in consent.scope:
        return Reason(
            "consent-out-of-scope",
            "failed",
            f"The consent covers {_listing(consent.scope)}, not {ctx.purpose}.",
            pid,
        )
    return Reason(
        "consent-missing", "satisfied", f"Consent covers {ctx.purpose} and is valid.", pid
    )


def decide(index: PolicyIndex, ctx: DecisionContext) -> Decision:
    """Decide one enquiry: a pure function of the compiled policies and the context."""
    today = ctx.decided_at.date()
    if ctx.requester_status != "active":
        return _deny(
            [
                Reason(
                    "requester-suspended",
                    "failed",
                    f"{ctx.requester_org_id} is {ctx.requester_status} in the organisation "
                    "register.",
                )
            ]
        )
    reasons = [
        Reason(
            "requester-suspended",
            "satisfied",
            f"{ctx.requester_org_id} is active in the organisation register.",
        )
    ]

    excluded: set[str] = set()
    refusals: list[Reason] = []
    for p in index.prohibitions_for(ctx):
        if not (p.start <= today <= p.end) or not p.matches_requester(ctx):
            continue
        if p.categories is None:
            refusals.append(Reason(p.reason, "failed", p.description, p.policy_id))
        elif ctx.data_categories:
            hit = p.categories.intersection(ctx.data_categories)
            if hit:
                refusals.append(
                    Reason(
                        p.reason,
                        "failed",
                        f"{p.description} (asked for {_listing(hit)}).",
                        p.policy_id,
                    )
                )
        else:
            # Nothing named: the request takes what is permitted, less what is prohibited.
            excluded |= p.categories
    if refusals:
        return _deny(reasons + refusals)

    claimed: list[_Permission] = []
    for claim in ctx.claimed_policies:
        held = index.refs.get(claim.policy_id)
        if held is None:
            status = index.inactive.get(claim.policy_id)
            why = f"is {status} here" if status else "is not held by this organisation"
            reasons.append(
                Reason(
                    "policy-unknown",
                    "failed",
                    f"The claimed policy {claim.policy_id} {why}.",
                    claim.policy_id,
                )
            )
            return _deny(reasons)
        if held.digest != claim.digest or held.version != claim.version:
            reasons.append(
                Reason(
                    "policy-digest-mismatch",
                    "failed",
                    f"The requester holds {claim.policy_id} version {claim.version} "
                    f"(digest {claim.digest[:12]}…); we hold version {held.version} "
                    f"(digest {held.digest[:12]}…).",
                    claim.policy_id,
                )
            )
            return _deny(reasons)
        reasons.append(
            Reason(
                "policy-digest-mismatch",
                "satisfied",
                f"Both sides hold {claim.policy_id} version {held.version} with the same digest.",
                claim.policy_id,
            )
        )
        agreement = index.agreements.get(claim.policy_id)
        if agreement is not None:
            claimed.append(agreement)

    candidates = list(claimed)
    for route in index.statutory.get(ctx.purpose, ()):
        if route.org_types is None or ctx.requester_org_type in route.org_types:
            candidates.append(route)
    if not candidates and not ctx.claimed_policies:
        candidates.extend(
            route
            for route in index.judgement.get(ctx.purpose, ())
            if route.org_types is None or ctx.requester_org_type in route.org_types
        )
    if not candidates:
        reasons.append(
            Reason(
                "no-applicable-policy",
                "failed",
                f"No policy held here lets a {ctx.requester_org_type or 'requester'} "
                f"ask for {ctx.purpose}.",
            )
        )
        return _deny(reasons)

    frozen_excluded = frozenset(excluded)
    review: tuple[_Permission, tuple[str, ...]] | None = None
    for candidate in candidates:
        outcome, checked, released = _check_permission(candidate, ctx, today, frozen_excluded)
        reasons.extend(checked)
        if outcome == "PERMIT":
            return _granted("PERMIT", candidate, released, reasons, ctx)
        if outcome == "REVIEW" and review is None:
            review = (candidate, released)
    if review is not None:
        return _granted("REVIEW", review[0], review[1], reasons, ctx)
    return _deny(reasons)


def _granted(
    outcome: Outcome,
    p: _Permission,
    released: tuple[str, ...],
    reasons: list[Reason],
    ctx: DecisionContext,
) -> Decision:
    """A PERMIT or REVIEW on ``p``'s terms, with the responder's local rules applied."""
    suppressions = ctx.local_rules.suppressions
    withheld: tuple[str, ...] = ()
    to_review: tuple[str, ...] = ()
    if suppressions:
        withheld = tuple(sorted({s.service_type for s in suppressions if s.action == "withhold"}))
        to_review = tuple(
            sorted({s.service_type for s in suppressions if s.action == "review"} - set(withheld))
        )
        if withheld:
            reasons.append(
                Reason(
                    "service-suppressed",
                    "failed",
                    f"By local rule, involvements with {_listing(withheld)} services are withheld.",
                )
            )
        if to_review:
            reasons.append(
                Reason(
                    "service-suppressed",
                    "unknown",
                    f"By local rule, involvements with {_listing(to_review)} services need an "
                    "IG officer's review before they are shared.",
                )
            )
    return Decision(
        outcome=outcome,
        reasons=tuple(reasons),
        policy=p.ref,
        route=p.route,
        obligations=p.obligations,
        data_categories=released,
        services_withheld=withheld,
        services_for_review=to_review,
    )


def settle_after_match(decision: Decision, service_types_found: Iterable[str]) -> Decision:
    """Turn a PERMIT into REVIEW when the matched person has a service a local rule reserves.

    The PDP decides before matching (a refusal must never reveal whether the person is known),
    so whether a review-suppressed service is involved can only be settled afterwards.
    """
    if decision.outcome != "PERMIT" or not decision.services_for_review:
        return decision
    hit = set(decision.services_for_review).intersection(service_types_found)
    if not hit:
        return decision
    reason = Reason(
        "service-suppressed",
        "failed",
        f"The person has involvements with {_listing(hit)} services, which a local rule "
        "sends to an IG officer before sharing.",
    )
    return replace(decision, outcome="REVIEW", reasons=(*decision.reasons, reason))
