"""Static checks an IG officer runs over a set of policies before relying on them.

- conflicts: a prohibition that refuses some requests a permission would allow (the
  prohibition wins; the officer should know where);
- unreachable permissions: ones a prohibition refuses entirely, or that have already ended;
- agreements ending within 60 days, so they are renewed in time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from singleview.governance.documents import PolicyVersion
from singleview.standards.sharing_policy import Permission, Prohibition, SharingPolicy

EXPIRY_WARNING_DAYS = 60
Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing ``policy check`` found."""

    severity: Severity
    kind: Literal["conflict", "unreachable", "expiring", "expired", "inactive"]
    policy_id: str
    message: str


def _overlap(
    forbidden: tuple[str, ...] | None, allowed: tuple[str, ...] | frozenset[str] | None
) -> bool:
    """Some value both sides admit (``None`` on either side means any)."""
    if forbidden is None or allowed is None:
        return True
    return bool(set(forbidden) & set(allowed))


def _covers(
    forbidden: tuple[str, ...] | None, allowed: tuple[str, ...] | frozenset[str] | None
) -> bool:
    """Every value the permission admits is forbidden."""
    if forbidden is None:
        return True
    if allowed is None:
        return False
    return set(allowed) <= set(forbidden)


def _dimensions(
    policy: SharingPolicy, perm: Permission, q: Prohibition
) -> list[tuple[tuple[str, ...] | None, tuple[str, ...] | frozenset[str] | None]]:
    parties = policy.party_ids() if policy.route == "agreement" else None
    return [
        (q.purposes, policy.purposes),
        (q.requester_organisations, parties),
        (q.requester_organisation_types, perm.requester_organisation_types),
        (q.practitioner_roles, perm.practitioner_roles),
        (q.data_categories, perm.data_categories),
    ]


def _windows_meet(a: SharingPolicy, b: SharingPolicy) -> bool:
    return a.start_date <= b.end_date and b.start_date <= a.end_date


def check_policies(versions: Sequence[PolicyVersion], today: dt.date) -> list[Finding]:
    """Every conflict, unreachable permission and agreement near its end date."""
    active = [v.policy for v in versions if v.policy.status == "active"]
    findings = [
        Finding(
            "info", "inactive", v.policy_id, f"{v.policy_id} is {v.policy.status}: never applied"
        )
        for v in versions
        if v.policy.status != "active"
    ]
    prohibitions = [(p, q) for p in active for q in p.prohibitions]
    for policy in active:
        perm = policy.permission
        if perm is None:
            continue
        pid = policy.policy_id
        if policy.end_date < today:
            findings.append(Finding("warning", "expired", pid, f"{pid} ended on {policy.end_date}"))
        elif policy.route == "agreement" and policy.end_date <= today + dt.timedelta(
            days=EXPIRY_WARNING_DAYS
        ):
            days = (policy.end_date - today).days
            findings.append(
                Finding(
                    "warning",
                    "expiring",
                    pid,
                    f"{pid} ends on {policy.end_date}, in {days} days: renew it as a new version",
                )
            )
        for owner, q in prohibitions:
            if not _windows_meet(owner, policy):
                continue
            dims = _dimensions(policy, perm, q)
            if not all(_overlap(f, a) for f, a in dims):
                continue
            where = f"prohibition in {owner.policy_id} ({q.description})"
            if all(_covers(f, a) for f, a in dims):
                findings.append(
                    Finding(
                        "error",
                        "unreachable",
                        pid,
                        f"the permission of {pid} can never apply: the {where} refuses every "
                        "request it would allow",
                    )
                )
            else:
                findings.append(
                    Finding(
                        "warning",
                        "conflict",
                        pid,
                        f"the {where} refuses some requests the permission of {pid} allows; "
                        "the prohibition wins",
                    )
                )
    return findings
