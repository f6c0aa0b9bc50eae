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
from collections.abc import Iterable

from singleview.governance.compiled import (
    CompiledPermission,
    CompiledProhibition,
    SharedValues,
    compile_permission,
    compile_prohibitions,
)
from singleview.governance.conditions import check_permission, deny, listing
from singleview.governance.documents import PolicyVersion
from singleview.governance.models import (
    Decision,
    DecisionContext,
    Outcome,
    PolicyClaim,
    PolicyRef,
    Reason,
)


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
        self.agreements: dict[str, CompiledPermission] = {}
        self._agreements_by_party: dict[str, list[CompiledPermission]] = {}
        self.statutory: dict[str, tuple[CompiledPermission, ...]] = {}
        self.judgement: dict[str, tuple[CompiledPermission, ...]] = {}
        self._prohibitions_by_org: dict[str, tuple[CompiledProhibition, ...]] = {}
        self._prohibitions_by_purpose: dict[str, tuple[CompiledProhibition, ...]] = {}
        self._prohibitions_any: tuple[CompiledProhibition, ...] = ()
        shared = SharedValues()
        statutory: dict[str, list[CompiledPermission]] = {}
        judgement: dict[str, list[CompiledPermission]] = {}
        by_org: dict[str, list[CompiledProhibition]] = {}
        by_purpose: dict[str, list[CompiledProhibition]] = {}
        anywhere: list[CompiledProhibition] = []
        for policy_id in sorted(latest):
            version = latest[policy_id]
            if version.policy.status != "active":
                self.inactive[policy_id] = version.policy.status
                continue
            self.versions[policy_id] = version
            self.refs[policy_id] = PolicyRef(policy_id, version.version, version.digest)
            policy = version.policy
            if policy.permission is not None:
                compiled = compile_permission(version, shared)
                if policy.route == "agreement":
                    self.agreements[policy_id] = compiled
                    for party in compiled.parties:
                        self._agreements_by_party.setdefault(party, []).append(compiled)
                else:
                    target = statutory if policy.route == "statutory" else judgement
                    for purpose in policy.purposes:
                        target.setdefault(purpose, []).append(compiled)
            # Each prohibition is filed under its most selective key, so a decision only
            # looks at those that could possibly match it, however many agreements exist.
            for p in compile_prohibitions(policy, shared):
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

    def claims_for(
        self, requester_org_id: str, responder_org_id: str, purpose: str, on: dt.date
    ) -> tuple[PolicyClaim, ...]:
        """What a requester should claim when asking a partner: the agreements in force on
        ``on`` that name both organisations as parties and cover ``purpose``, newest first.

        Empty means no agreement covers it: the enquiry can still go under the statutory
        route (s47) or, failing that, to the partner's professional-judgement review.
        """
        found = [
            p
            for p in self._agreements_by_party.get(requester_org_id, ())
            if responder_org_id in p.parties and purpose in p.purposes and p.start <= on <= p.end
        ]
        found.sort(key=lambda p: (p.start, p.ref.policy_id), reverse=True)
        return tuple(PolicyClaim(p.ref.policy_id, p.ref.version, p.ref.digest) for p in found)

    def prohibitions_for(self, ctx: DecisionContext) -> tuple[CompiledProhibition, ...]:
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


def decide(index: PolicyIndex, ctx: DecisionContext) -> Decision:
    """Decide one enquiry: a pure function of the compiled policies and the context."""
    today = ctx.decided_at.date()
    if ctx.requester_status != "active":
        return deny(
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
                        f"{p.description} (asked for {listing(hit)}).",
                        p.policy_id,
                    )
                )
        else:
            # Nothing named: the request takes what is permitted, less what is prohibited.
            excluded |= p.categories
    if refusals:
        return deny(reasons + refusals)

    claimed: list[CompiledPermission] = []
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
            return deny(reasons)
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
            return deny(reasons)
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
        return deny(reasons)

    frozen_excluded = frozenset(excluded)
    review: tuple[CompiledPermission, tuple[str, ...]] | None = None
    for candidate in candidates:
        outcome, checked, released = check_permission(candidate, ctx, today, frozen_excluded)
        reasons.extend(checked)
        if outcome == "PERMIT":
            return _granted("PERMIT", candidate, released, reasons, ctx, frozen_excluded)
        if outcome == "REVIEW" and review is None:
            review = (candidate, released)
    if review is not None:
        return _granted("REVIEW", review[0], review[1], reasons, ctx, frozen_excluded)
    return deny(reasons)


def _granted(
    outcome: Outcome,
    p: CompiledPermission,
    released: tuple[str, ...],
    reasons: list[Reason],
    ctx: DecisionContext,
    excluded: frozenset[str],
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
                    f"By local rule, involvements with {listing(withheld)} services are withheld.",
                )
            )
        # Whether the enquiry could release involvements is judged before prohibitions take
        # categories away, so adding a prohibition can never turn this REVIEW into a PERMIT
        # (a prohibition only ever tightens a decision).
        asked_for = set(released) | (excluded & p.categories)
        if to_review and "involvements" in asked_for:
            # Decided here, before matching, for held and unheld people alike: holding an
            # answer back only when the person turns out to have a reserved service would
            # itself tell the requester that they are known and use that service.
            reasons.append(
                Reason(
                    "service-suppressed",
                    "failed",
                    f"By local rule, an enquiry that could release involvements with "
                    f"{listing(to_review)} services goes to an IG officer first. This is "
                    "decided before looking for the person, so it says nothing about them.",
                )
            )
            if outcome == "PERMIT":
                outcome = "REVIEW"
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
