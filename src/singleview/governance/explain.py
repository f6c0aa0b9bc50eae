"""Plain English for IG officers: what a policy says, and what a refused request was missing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from singleview.governance import codes
from singleview.governance.documents import PolicyVersion
from singleview.governance.models import Decision
from singleview.standards.vocabulary import label_of

_ROUTES = {
    "statutory": "a statutory route: the law lets the types of organisation named below "
    "ask, without a signed agreement",
    "agreement": "a data sharing agreement between the parties named below",
    "professional-judgement": "the professional-judgement route: enquiries outside any "
    "agreement, which always go to an IG officer to decide",
    "node-rule": "a rule this organisation applies to every enquiry",
}

#: What a requester would have to change for each failed condition.
_REMEDIES = {
    "no-applicable-policy": "Ask under a data sharing agreement that covers this purpose, "
    "or ask the responder's IG officer to consider it.",
    "purpose-not-permitted": "Ask for a purpose the claimed agreement covers.",
    "non-safeguarding-purpose": "The exchange only answers safeguarding enquiries; "
    "no change of wording makes this one permissible.",
    "policy-expired": "The agreement has ended: renew it (a new version) before asking under it.",
    "policy-not-yet-in-force": "Wait until the agreement comes into force.",
    "policy-unknown": "Claim an agreement the responder holds and has in force.",
    "policy-digest-mismatch": "Both sides must hold the same version of the agreement: "
    "fetch the current version and claim its digest.",
    "requester-not-party": "Only the parties to the agreement may ask under it.",
    "requester-suspended": "The register authority must lift the suspension first.",
    "requester-type-not-permitted": "This type of organisation may not ask under this route.",
    "role-not-permitted": "Ask through a practitioner in a role the agreement names.",
    "case-reference-missing": "Give the case reference (e.g. of the s47 enquiry).",
    "consent-missing": "Record the consent the agreement needs (status given).",
    "consent-expired": "Record a consent that has not expired.",
    "consent-out-of-scope": "Record a consent that covers this purpose.",
    "data-category-not-permitted": "Ask only for the data categories the agreement releases.",
    "prohibited": "A prohibition forbids this request; it cannot be permitted as asked.",
    "service-suppressed": "The responder withholds or reviews these services by local rule.",
    "professional-judgement": "An IG officer at the responder must approve it.",
}


def _labels(scheme: str, values: Iterable[str], last: str = "and") -> str:
    items = [label_of(scheme, v) for v in values]
    if not items:
        return "none"
    if len(items) == 1:
        return items[0]
    return "; ".join(items[:-1]) + f" {last} " + items[-1]


def _date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def explain_policy(version: PolicyVersion) -> str:
    """The policy in plain English, in the order an IG officer reads an agreement."""
    p = version.policy
    lines = [
        f"{p.name}",
        f"Policy {p.policy_id}, version {p.version}, digest {version.digest}.",
        f"Status: {p.status}. Contact: {p.contact}. Published at {p.uri}.",
        f"This is {_ROUTES[p.route]}.",
        f"In force from {_date(p.start_date)} to {_date(p.end_date)}.",
    ]
    if p.parties:
        parties = "; ".join(f"{x.name} ({', '.join(x.catalogue_ids)})" for x in p.parties)
        lines.append(f"Parties: {parties}.")
    lines.append(f"Purposes: {_labels(codes.PURPOSES, p.purposes)}.")
    lines.append(f"Data: {'; '.join(p.data)}.")
    if p.legal_compliance:
        lines.append(f"Lawful basis: {_labels(codes.LEGAL_BASES, p.legal_compliance)}.")
    perm = p.permission
    if perm is not None:
        who = "a party to the agreement" if p.route == "agreement" else "any organisation"
        if perm.requester_organisation_types is not None:
            types = _labels(codes.ORGANISATION_TYPES, perm.requester_organisation_types, "or")
            who += f" of type {types}"
        if perm.practitioner_roles is not None:
            roles = _labels(codes.PRACTITIONER_ROLES, perm.practitioner_roles, "or").lower()
            who += f", through a {roles}"
        lines.append(f"Who may ask: {who}.")
        conditions = []
        if perm.case_reference_required:
            conditions.append("the request must give a case reference")
        if perm.consent is not None and perm.consent.required:
            effect = (
                "the enquiry is refused"
                if perm.consent.on_failure == "deny"
                else "the enquiry goes to an IG officer"
            )
            conditions.append(
                "the request must record the person's consent, in date and covering the "
                f"purpose; if it does not, {effect}"
            )
        lines.append(
            "Conditions: "
            + ("; ".join(conditions) if conditions else "none beyond the above")
            + "."
        )
        verb = "A yes releases" if perm.outcome == "permit" else "If an IG officer approves"
        lines.append(f"{verb}: {_labels(codes.DATA_CATEGORIES, perm.data_categories)}.")
        duties = sorted(set(perm.obligations) | set(p.data_recipient_responsibilities))
        lines.append(f"The recipient must: {_labels(codes.OBLIGATIONS, duties)}.")
        if perm.outcome == "review":
            lines.append("Nothing is shared under this policy until an IG officer approves it.")
    for q in p.prohibitions:
        scope = []
        if q.purposes:
            scope.append(f"for {_labels(codes.PURPOSES, q.purposes, 'or')}")
        if q.requester_organisations:
            scope.append(f"from {', '.join(q.requester_organisations)}")
        if q.requester_organisation_types:
            types = _labels(codes.ORGANISATION_TYPES, q.requester_organisation_types, "or")
            scope.append(f"from any {types}")
        if q.practitioner_roles:
            scope.append(f"by a {_labels(codes.PRACTITIONER_ROLES, q.practitioner_roles, 'or')}")
        if q.data_categories:
            scope.append(f"asking for {_labels(codes.DATA_CATEGORIES, q.data_categories, 'or')}")
        lines.append(f"Always refused ({' '.join(scope)}): {q.description}")
    if p.restrictions:
        lines.append(f"The recipient may not: {', '.join(p.restrictions)}.")
    if p.security_measures:
        lines.append(f"Security measures: {'; '.join(p.security_measures)}.")
    return "\n".join(lines)


def missing_for_permit(decision: Decision) -> list[str]:
    """What would have to change for a PERMIT, one line per failed or unknown condition."""
    if decision.outcome == "PERMIT":
        return []
    out: list[str] = []
    for reason in decision.failed():
        remedy = _REMEDIES.get(reason.code, "")
        line = f"{reason.code}: {reason.explanation} {remedy}".strip()
        if line not in out:
            out.append(line)
    return out


def explain_decision(decision: Decision) -> str:
    """A decision in plain English: outcome, the policy applied, every condition checked."""
    lines = [f"Outcome: {decision.outcome}"]
    if decision.policy is not None:
        lines.append(
            f"Policy: {decision.policy.policy_id} version {decision.policy.version} "
            f"(digest {decision.policy.digest})"
        )
    if decision.obligations:
        lines.append(f"Obligations: {_labels(codes.OBLIGATIONS, decision.obligations)}")
    if decision.data_categories:
        lines.append(f"Releases: {_labels(codes.DATA_CATEGORIES, decision.data_categories)}")
    if decision.services_withheld:
        lines.append(f"Withheld services: {', '.join(decision.services_withheld)}")
    if decision.services_for_review:
        lines.append(f"Services needing review: {', '.join(decision.services_for_review)}")
    lines.append("Conditions checked:")
    mark = {"satisfied": "✓", "failed": "✗", "unknown": "?"}
    lines.extend(f"  {mark[r.status]} [{r.code}] {r.explanation}" for r in decision.reasons)
    return "\n".join(lines)
