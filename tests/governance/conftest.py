"""Builders for governance tests: real policy documents, validated the same way a node does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from singleview.governance.documents import PolicyVersion, policy_version, starter_policies
from singleview.governance.models import DecisionContext, PolicyClaim
from singleview.governance.pdp import PolicyIndex, compile_policies
from singleview.standards.sharing_policy import SharingPolicy

NOW = dt.datetime(2026, 1, 15, 10, 30, tzinfo=dt.UTC)
LA = "la-leeds"
NHS = "nhs-leeds-community"
POLICE = "police-west-yorkshire"
SCHOOL = "school-st-marys"

ORG_TYPES = {
    LA: "local-authority-childrens-social-care",
    NHS: "nhs-trust",
    POLICE: "police-force",
    SCHOOL: "school",
    "la-bradford": "local-authority-childrens-social-care",
}


def agreement_document(**overrides: Any) -> dict[str, Any]:
    """A Leeds early help and child-in-need DSA between the council, the NHS trust and a school."""
    doc: dict[str, Any] = {
        "identifier": {"value": "dsa-leeds-early-help", "system": "https://leeds.example/dsa"},
        "uri": "https://leeds.example/dsa/early-help",
        "version": 1,
        "name": "Leeds early help and child in need information sharing agreement",
        "contact": "dpo@leeds.example",
        "route": "agreement",
        "parties": [
            {"name": "Leeds City Council children's services", "catalogueIds": [LA]},
            {"name": "Leeds Community Healthcare NHS Trust", "catalogueIds": [NHS]},
            {"name": "St Mary's Primary School", "catalogueIds": [SCHOOL]},
        ],
        "data": ["Records of involvement with the child and family"],
        "purposes": ["s17-child-in-need", "early-help"],
        "startDate": "2025-04-01",
        "endDate": "2027-03-31",
        "permittedUses": ["read"],
        "restrictions": ["distribute"],
        "dataRecipientResponsibilities": ["use-only-for-stated-purpose"],
        "legalCompliance": ["uk-gdpr-6-1-e", "uk-gdpr-9-2-g", "children-act-1989-s17"],
        "permission": {
            "requesterOrganisationTypes": ["local-authority-childrens-social-care", "nhs-trust"],
            "practitionerRoles": ["social-worker", "team-manager", "health-visitor"],
            "consent": {"required": True, "onFailure": "deny"},
            "dataCategories": ["identity", "contact-details", "involvements", "health"],
            "obligations": ["retain-max-30-days", "no-onward-sharing"],
        },
    }
    doc.update(overrides)
    return doc


def version_of(doc: dict[str, Any]) -> PolicyVersion:
    """Validate a document and take its digest."""
    return policy_version(SharingPolicy.model_validate(doc))


def index_with(*docs: dict[str, Any], starters: bool = True) -> PolicyIndex:
    """The starter policies plus the documents given, compiled."""
    versions = (starter_policies() if starters else []) + [version_of(d) for d in docs]
    return compile_policies(versions)


def claim(version: PolicyVersion) -> PolicyClaim:
    """A faithful claim of ``version``."""
    return PolicyClaim(version.policy_id, version.version, version.digest)


def context(org: str = LA, **overrides: Any) -> DecisionContext:
    """A request from ``org`` (type from the register above) with sensible defaults."""
    values: dict[str, Any] = {
        "requester_org_id": org,
        "requester_org_type": ORG_TYPES.get(org),
        "requester_status": "active",
        "practitioner_role": "social-worker",
        "purpose": "s47-enquiry",
        "decided_at": NOW,
    }
    values.update(overrides)
    return DecisionContext(**values)


@pytest.fixture
def starter_index() -> PolicyIndex:
    """Only what every node ships."""
    return compile_policies(starter_policies())
