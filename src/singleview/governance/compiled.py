"""Policies compiled for decisions: each permission and prohibition flattened into sets.

Compiling happens once per policy load; a decision then only does set membership tests.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from singleview.governance.documents import PolicyVersion
from singleview.governance.models import DecisionContext, PolicyRef
from singleview.standards.sharing_policy import SharingPolicy


# Many agreements share the same sets of purposes, types, roles and categories. Compiling
# them to one shared instance each keeps the index small, so a decision touches fewer cache
# lines when thousands of agreements are held (see docs/benchmarks.md).
class SharedValues:
    """One instance of each distinct set and tuple met while compiling one index."""

    def __init__(self) -> None:
        self.sets: dict[frozenset[str], frozenset[str]] = {}
        self.tuples: dict[tuple[str, ...], tuple[str, ...]] = {}

    def set(self, values: Iterable[str]) -> frozenset[str]:
        """The shared frozen set of ``values``."""
        value = frozenset(sys.intern(v) for v in values)
        return self.sets.setdefault(value, value)

    def opt(self, values: tuple[str, ...] | None) -> frozenset[str] | None:
        """The shared frozen set of ``values``, or None (meaning "any")."""
        return None if values is None else self.set(values)

    def tuple(self, values: Iterable[str]) -> tuple[str, ...]:
        """The shared tuple of ``values``."""
        value = tuple(sys.intern(v) for v in values)
        return self.tuples.setdefault(value, value)


@dataclass(frozen=True, slots=True)
class CompiledPermission:
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
class CompiledProhibition:
    """One prohibition, flattened; ``None`` for a condition the prohibition does not set."""

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


def compile_permission(version: PolicyVersion, shared: SharedValues) -> CompiledPermission:
    """Flatten the permission of a statutory, agreement or professional-judgement policy."""
    policy = version.policy
    permission = policy.permission
    assert permission is not None  # a validated non-node-rule policy always has one
    return CompiledPermission(
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


def compile_prohibitions(policy: SharingPolicy, shared: SharedValues) -> list[CompiledProhibition]:
    """Flatten every prohibition of a policy; each applies only while the policy is in force."""
    return [
        CompiledProhibition(
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
