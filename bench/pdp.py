"""Benchmark the Policy Decision Point against Cedar (cedarpy) on the same requests.

For 10, 1,000 and 10,000 generated data sharing agreements (plus the starter policies every
node ships), the same mix of enquiries is decided by our PDP, with its full per-condition
explanation, and by Cedar with the agreements translated to Cedar policies. Cedar is used
the fastest way: one pre-parsed ``PolicySet`` per agreement (that agreement plus the node-wide
rules), so each call evaluates only the policies that can apply, and a pre-parsed empty
entity store. Both sides get their inputs prebuilt; only the decision call is timed.

Run: ``uv run python bench/pdp.py`` (add ``--quick`` for a smoke run). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import statistics
import time
from dataclasses import dataclass
from importlib.metadata import version as package_version
from typing import Any

import cedarpy

from singleview.governance.documents import PolicyVersion, policy_version, starter_policies
from singleview.governance.models import Consent, DecisionContext, PolicyClaim
from singleview.governance.pdp import PolicyIndex, compile_policies
from singleview.standards.sharing_policy import SharingPolicy

NOW = dt.datetime(2026, 1, 15, 10, 30, tzinfo=dt.UTC)
SAFEGUARDING = [
    "s17-child-in-need",
    "strategy-discussion",
    "early-help",
    "mash-triage",
    "missing-child",
    "youth-justice-assessment",
    "child-protection-conference",
]
ORG_TYPES = [
    "local-authority-childrens-social-care",
    "police-force",
    "nhs-trust",
    "school",
    "youth-justice-service",
]
ROLES = [
    "social-worker",
    "team-manager",
    "police-officer",
    "health-visitor",
    "school-nurse",
    "designated-safeguarding-lead",
    "youth-justice-officer",
]
CATEGORIES = ["identity", "contact-details", "involvements", "professional-contact", "health"]
OBLIGATIONS = ["retain-max-30-days", "no-onward-sharing", "notify-safeguarding-lead"]


@dataclass(frozen=True)
class Org:
    id: str
    type: str


def _day(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def make_agreement(i: int, rng: random.Random, orgs: list[Org]) -> dict[str, Any]:
    """One generated DSA between two to four organisations."""
    parties = rng.sample(orgs, rng.randint(2, 4))
    expired = rng.random() < 0.1
    start = dt.date(2024, 4, 1) if not expired else dt.date(2023, 4, 1)
    end = dt.date(2027, 3, 31) if not expired else dt.date(2025, 3, 31)
    permission: dict[str, Any] = {
        "requesterOrganisationTypes": sorted({p.type for p in parties}),
        "practitionerRoles": sorted(rng.sample(ROLES, 3)),
        "dataCategories": sorted(rng.sample(CATEGORIES, rng.randint(2, 5))),
        "obligations": sorted(rng.sample(OBLIGATIONS, 2)),
    }
    if rng.random() < 0.5:
        permission["consent"] = {"required": True, "onFailure": "deny"}
    if rng.random() < 0.3:
        permission["caseReferenceRequired"] = True
    return {
        "identifier": {"value": f"dsa-{i:05d}", "system": "https://bench.example/dsa"},
        "uri": f"https://bench.example/dsa/{i}",
        "version": 1,
        "name": f"Generated agreement {i}",
        "contact": "dpo@bench.example",
        "route": "agreement",
        "parties": [{"name": p.id, "catalogueIds": [p.id]} for p in parties],
        "data": ["Involvement records"],
        "purposes": sorted(rng.sample(SAFEGUARDING, rng.randint(1, 3))),
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "permittedUses": ["read"],
        "restrictions": ["distribute"],
        "dataRecipientResponsibilities": ["use-only-for-stated-purpose"],
        "legalCompliance": ["uk-gdpr-6-1-e", "uk-gdpr-9-2-g"],
        "permission": permission,
    }


def _cedar_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def cedar_agreement(version: PolicyVersion) -> str:
    """The agreement as one Cedar permit (the same conditions our PDP checks)."""
    p = version.policy
    perm = p.permission
    assert perm is not None
    conditions = [
        f"context.digest == {json.dumps(version.digest)}",
        f"context.today >= {_day(p.start_date)}",
        f"context.today <= {_day(p.end_date)}",
        f"{_cedar_list(sorted(p.party_ids()))}.contains(context.requester)",
        f"{_cedar_list(list(p.purposes))}.contains(context.purpose)",
        f"{_cedar_list(list(perm.requester_organisation_types or ()))}"
        ".contains(context.requesterType)",
        f"{_cedar_list(list(perm.practitioner_roles or ()))}.contains(context.role)",
        f"{_cedar_list(list(perm.data_categories))}.containsAll(context.categories)",
    ]
    if perm.case_reference_required:
        conditions.append("context.hasCaseReference")
    if perm.consent is not None:
        conditions.append(
            "context.consentGiven && context.consentExpires >= context.today "
            "&& context.consentScope.contains(context.purpose)"
        )
    body = " &&\n  ".join(conditions)
    return (
        f'@id("{version.policy_id}")\n'
        f'permit(principal, action == Action::"read", resource == Agreement::"{version.policy_id}")'
        f"\nwhen {{\n  {body}\n}};\n"
    )


NODE_RULES = """
@id("requester-suspended")
forbid(principal, action, resource) when { context.requesterStatus != "active" };
@id("non-safeguarding")
forbid(principal, action, resource)
when { ["research", "service-planning", "marketing"].contains(context.purpose) };
@id("statutory-s47")
permit(principal, action == Action::"read", resource == Agreement::"sv-statutory-s47")
when {
  context.purpose == "s47-enquiry" &&
  context.requesterType == "local-authority-childrens-social-care" &&
  ["social-worker", "team-manager"].contains(context.role) &&
  context.hasCaseReference &&
  ["identity", "contact-details", "involvements", "professional-contact"]
    .containsAll(context.categories) &&
  context.today >= 20240101 && context.today <= 20991231
};
"""


def cedar_request(ctx: DecisionContext) -> dict[str, Any]:
    """Our context as a Cedar request (the resource is the claimed agreement)."""
    resource = ctx.claimed_policies[0].policy_id if ctx.claimed_policies else "sv-statutory-s47"
    consent = ctx.consent
    return {
        "principal": {"type": "Org", "id": ctx.requester_org_id},
        "action": {"type": "Action", "id": "read"},
        "resource": {"type": "Agreement", "id": resource},
        "context": {
            "requester": ctx.requester_org_id,
            "requesterType": ctx.requester_org_type or "",
            "requesterStatus": ctx.requester_status,
            "role": ctx.practitioner_role or "",
            "purpose": ctx.purpose,
            "digest": ctx.claimed_policies[0].digest if ctx.claimed_policies else "",
            "today": _day(ctx.decided_at.date()),
            "categories": list(ctx.data_categories),
            "hasCaseReference": bool(ctx.case_reference),
            "consentGiven": consent is not None and consent.status == "given",
            "consentExpires": _day(consent.expires)
            if consent is not None and consent.expires
            else 99991231,
            "consentScope": list(consent.scope) if consent is not None else [],
        },
    }


def make_requests(
    rng: random.Random, versions: list[PolicyVersion], orgs: dict[str, Org], count: int
) -> list[DecisionContext]:
    """A mix: mostly faithful agreement requests, some that break one condition, some s47."""
    out: list[DecisionContext] = []
    for _ in range(count):
        v = rng.choice(versions)
        p = v.policy
        perm = p.permission
        assert perm is not None
        requester = orgs[rng.choice(sorted(p.party_ids()))]
        roll = rng.random()
        if roll < 0.1:
            out.append(
                DecisionContext(
                    requester_org_id=f"la-{rng.randint(0, 50)}",
                    requester_org_type="local-authority-childrens-social-care",
                    requester_status="active",
                    practitioner_role="social-worker",
                    purpose="s47-enquiry",
                    decided_at=NOW,
                    case_reference="S47-1" if rng.random() < 0.8 else None,
                    data_categories=("identity", "involvements"),
                )
            )
            continue
        if roll < 0.2:
            requester = orgs[rng.choice(sorted(set(orgs) - p.party_ids()))]
        purpose = rng.choice(p.purposes) if roll < 0.9 else rng.choice(SAFEGUARDING)
        roles = perm.practitioner_roles or ROLES
        out.append(
            DecisionContext(
                requester_org_id=requester.id,
                requester_org_type=requester.type,
                requester_status="active" if rng.random() < 0.97 else "suspended",
                practitioner_role=rng.choice(roles) if rng.random() < 0.9 else "gp",
                purpose=purpose,
                decided_at=NOW,
                claimed_policies=(PolicyClaim(v.policy_id, v.version, v.digest),),
                data_categories=tuple(rng.sample(list(perm.data_categories), 2)),
                case_reference="CIN-77" if rng.random() < 0.8 else None,
                consent=Consent(status="given", scope=(purpose,), expires=dt.date(2026, 6, 1))
                if rng.random() < 0.85
                else None,
            )
        )
    return out


def percentiles(samples_ns: list[int]) -> tuple[float, float]:
    """p50 and p99 in microseconds."""
    ordered = sorted(samples_ns)
    p50 = statistics.median(ordered) / 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1000
    return p50, p99


def time_ours(index: PolicyIndex, requests: list[DecisionContext], passes: int) -> list[int]:
    """Nanoseconds per decision, explanation included (every Reason is built each time)."""
    decide = index.decide
    clock = time.perf_counter_ns
    samples: list[int] = []
    for _ in range(passes):
        for ctx in requests:
            t0 = clock()
            decide(ctx)
            samples.append(clock() - t0)
    return samples


def time_cedar(
    sets: dict[str, Any], entities: Any, requests: list[dict[str, Any]], passes: int
) -> list[int]:
    """Nanoseconds per Cedar decision with the claimed agreement's pre-parsed policy set."""
    clock = time.perf_counter_ns
    authorise = cedarpy.is_authorized
    samples: list[int] = []
    for _ in range(passes):
        for req in requests:
            policies = sets[req["resource"]["id"]]
            t0 = clock()
            authorise(req, policies, entities)
            samples.append(clock() - t0)
    return samples


def run(sizes: list[int], n_requests: int, passes: int, cedar_requests: int) -> None:
    """Build each size, check both engines agree, time them, print the table."""
    print(
        f"PDP vs Cedar (cedarpy {package_version('cedarpy')}), Python "
        f"{platform.python_version()}, {n_requests} requests x {passes} passes (ours), "
        f"{cedar_requests} requests (Cedar), {NOW.date()} as decision date\n"
    )
    print(
        "| agreements | PDP p50 µs | PDP p99 µs | Cedar p50 µs | Cedar p99 µs "
        "| p50 speed-up | outcomes agree | PERMIT / DENY / REVIEW |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    entities = cedarpy.Entities.from_json_str("[]")
    for size in sizes:
        rng = random.Random(size)
        org_count = max(8, size // 2)
        orgs = {
            f"org-{i:05d}": Org(f"org-{i:05d}", ORG_TYPES[i % len(ORG_TYPES)])
            for i in range(org_count)
        }
        documents = [make_agreement(i, rng, list(orgs.values())) for i in range(size)]
        versions = [policy_version(SharingPolicy.model_validate(d)) for d in documents]
        index = compile_policies([*starter_policies(), *versions])
        sets = {
            v.policy_id: cedarpy.PolicySet.from_str(NODE_RULES + cedar_agreement(v))
            for v in versions
        }
        sets["sv-statutory-s47"] = cedarpy.PolicySet.from_str(NODE_RULES)
        requests = make_requests(rng, versions, orgs, n_requests)
        cedar_reqs = [cedar_request(ctx) for ctx in requests]

        outcomes = [index.decide(ctx).outcome for ctx in requests]
        agree = sum(
            (o == "PERMIT") == cedarpy.is_authorized(r, sets[r["resource"]["id"]], entities).allowed
            for o, r in zip(outcomes, cedar_reqs, strict=True)
        )
        ours = percentiles(time_ours(index, requests, passes))
        theirs = percentiles(time_cedar(sets, entities, cedar_reqs[:cedar_requests], 1))
        mix = "/".join(str(outcomes.count(o)) for o in ("PERMIT", "DENY", "REVIEW"))
        print(
            f"| {size:,} | {ours[0]:.1f} | {ours[1]:.1f} | {theirs[0]:.1f} | {theirs[1]:.1f} "
            f"| {theirs[0] / ours[0]:.1f}× | {agree}/{len(requests)} | {mix} |"
        )


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    args = parser.parse_args()
    if args.quick:
        run([10, 1000], n_requests=500, passes=2, cedar_requests=200)
    else:
        run([10, 1_000, 10_000], n_requests=5_000, passes=4, cedar_requests=2_000)


if __name__ == "__main__":
    main()
