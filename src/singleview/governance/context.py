"""Build a DecisionContext from a validated enquiry and the authenticated requester.

The requester's identity, type and status come from the organisation register entry that
authentication resolved, never from the enquiry body; a body naming someone else is refused.
"""

from __future__ import annotations

import datetime as dt

from singleview.governance.models import Consent, DecisionContext, LocalRules, PolicyClaim
from singleview.standards.enquiry import Enquiry
from singleview.standards.organisation import Organisation


class RequesterMismatchError(ValueError):
    """The enquiry body names a requester other than the organisation that signed it."""


def requester_status(organisation: Organisation) -> str:
    """The register status the PDP sees: ``active`` only when the organisation may ask."""
    if organisation.may_request:
        return "active"
    if organisation.register_status == "suspended":
        return "suspended"
    return organisation.operational_status


def context_from_enquiry(
    enquiry: Enquiry,
    requester: Organisation,
    *,
    decided_at: dt.datetime,
    local_rules: LocalRules | None = None,
) -> DecisionContext:
    """The PDP's input for ``enquiry`` from ``requester`` (as authenticated), at ``decided_at``."""
    if enquiry.requester is not None and enquiry.requester != requester.id:
        raise RequesterMismatchError(
            f"request.requester: the body names {enquiry.requester} but the request was "
            f"signed by {requester.id}"
        )
    consent = enquiry.consent
    return DecisionContext(
        requester_org_id=requester.id,
        requester_org_type=requester.type,
        requester_status=requester_status(requester),
        practitioner_role=enquiry.practitioner.role if enquiry.practitioner else None,
        purpose=enquiry.purpose,
        decided_at=decided_at,
        claimed_policies=tuple(
            PolicyClaim(p.identifier, p.version, p.digest) for p in enquiry.sharing_policies
        ),
        data_categories=enquiry.data_categories,
        case_reference=enquiry.case_reference,
        consent=None
        if consent is None
        else Consent(status=consent.status, scope=consent.scope, expires=consent.expires),
        local_rules=local_rules or LocalRules(),
    )
