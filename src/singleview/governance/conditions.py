"""The conditions of one permission, each checked with a reason in plain English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from singleview.governance.compiled import CompiledPermission
from singleview.governance.models import Decision, DecisionContext, Reason


def listing(values: Iterable[str]) -> str:
    """Codes in sorted order for a sentence: "a, b or c"."""
    items = sorted(values)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def deny(reasons: list[Reason]) -> Decision:
    """A DENY with every reason gathered so far."""
    return Decision(outcome="DENY", reasons=tuple(reasons))


def in_force(start: dt.date, end: dt.date, today: dt.date, policy_id: str) -> Reason:
    """Whether the policy is in force on ``today`` (both end dates count as in force)."""
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


def check_permission(
    p: CompiledPermission, ctx: DecisionContext, today: dt.date, excluded: frozenset[str]
) -> tuple[str, list[Reason], tuple[str, ...]]:
    """Check every condition of one permission: (outcome, reasons, categories released)."""
    pid = p.ref.policy_id
    reasons = [in_force(p.start, p.end, today, pid)]
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
                f"{pid} does not cover the purpose {ctx.purpose}; it covers {listing(p.purposes)}.",
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
                    f"only {listing(p.org_types)}.",
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
                    f"{pid} does not let a {ctx.practitioner_role} ask; only {listing(p.roles)}.",
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
        consent_reason = check_consent(ctx, today, pid)
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
                    f"{pid} does not release {listing(beyond)}.",
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


def check_consent(ctx: DecisionContext, today: dt.date, pid: str) -> Reason:
    """Consent given, in date, and covering the purpose asked for."""
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
            f"The consent covers {listing(consent.scope)}, not {ctx.purpose}.",
            pid,
        )
    return Reason(
        "consent-missing", "satisfied", f"Consent covers {ctx.purpose} and is valid.", pid
    )
