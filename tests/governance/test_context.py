"""Building the PDP's input from a validated enquiry and the authenticated requester."""

from __future__ import annotations

import pytest

from singleview.governance.context import RequesterMismatchError, context_from_enquiry
from singleview.governance.models import LocalRules, PolicyClaim, Suppression
from singleview.standards.enquiry import Enquiry
from singleview.standards.organisation import Organisation

from .conftest import NHS, NOW, agreement_document, claim, index_with, version_of

DSA = version_of(agreement_document())


def _enquiry(requester: str = NHS) -> Enquiry:
    return Enquiry.model_validate(
        {
            "subject": {
                "name": [{"given": ["Amy"], "family": "Smith"}],
                "dateOfBirth": "2015-03-02",
            },
            "requestId": "req-1",
            "dateStamp": "2026-01-15T10:00:00Z",
            "requester": requester,
            "practitioner": {"identifier": "hv-7", "name": "Jo Bloggs", "role": "health-visitor"},
            "assertedPurpose": "s17-child-in-need",
            "sharingPolicies": [
                {"identifier": DSA.policy_id, "version": DSA.version, "digest": DSA.digest}
            ],
            "dataCategories": ["identity", "health"],
            "consent": {"status": "given", "scope": ["s17-child-in-need"]},
        }
    )


def _organisation(**overrides: str) -> Organisation:
    values = {
        "id": NHS,
        "name": "Leeds Community Healthcare",
        "type": "nhs-trust",
        "endpoint": "https://nhs.example",
    }
    values.update(overrides)
    return Organisation.model_validate(values)


def test_an_enquiry_under_an_agreement_becomes_a_context_the_pdp_permits():
    rules = LocalRules(suppressions=(Suppression("sexual-health", "withhold"),))
    ctx = context_from_enquiry(_enquiry(), _organisation(), decided_at=NOW, local_rules=rules)
    assert ctx.requester_org_type == "nhs-trust"
    assert ctx.requester_status == "active"
    assert ctx.claimed_policies == (PolicyClaim(DSA.policy_id, DSA.version, DSA.digest),)
    assert ctx.claimed_policies[0] == claim(DSA)
    decision = index_with(agreement_document()).decide(ctx)
    assert decision.outcome == "PERMIT"
    assert decision.services_withheld == ("sexual-health",)


def test_a_suspended_register_entry_is_seen_as_suspended():
    ctx = context_from_enquiry(
        _enquiry(), _organisation(registerStatus="suspended"), decided_at=NOW
    )
    assert ctx.requester_status == "suspended"
    assert index_with(agreement_document()).decide(ctx).refusal_codes() == ("requester-suspended",)


def test_a_body_naming_another_requester_is_refused():
    with pytest.raises(RequesterMismatchError, match=r"request\.requester"):
        context_from_enquiry(_enquiry("la-leeds"), _organisation(), decided_at=NOW)
