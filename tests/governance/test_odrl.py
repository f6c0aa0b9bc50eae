"""ODRL 2.2 JSON-LD export and import: a round trip keeps the policy, and its digest."""

from __future__ import annotations

import json

import pytest

from singleview.governance.documents import policy_version, starter_policies
from singleview.governance.odrl import ODRL_CONTEXT, OdrlImportError, export_odrl, import_odrl

from .conftest import agreement_document, version_of

RULE = {
    "identifier": {"value": "no-sexual-health", "system": "https://leeds.example"},
    "uri": "https://leeds.example/rules/1",
    "version": 4,
    "name": "Sexual health is never shared",
    "contact": "dpo@leeds.example",
    "route": "node-rule",
    "data": ["Sexual health clinic records"],
    "purposes": ["s47-enquiry", "early-help"],
    "startDate": "2024-01-01",
    "endDate": "2099-12-31",
    "prohibitions": [
        {
            "description": "Only a clinician shares these, by phone",
            "dataCategories": ["sexual-health"],
            "requesterOrganisations": ["school-a", "school-b"],
            "practitionerRoles": ["designated-safeguarding-lead"],
        },
        {
            "description": "Not for early help",
            "reason": "purpose-not-permitted",
            "purposes": ["early-help"],
            "requesterOrganisationTypes": ["school"],
        },
    ],
}

POLICIES = [
    *starter_policies(),
    version_of(agreement_document()),
    version_of(RULE),
    version_of(
        agreement_document(
            permission={
                "dataCategories": ["identity"],
                "caseReferenceRequired": True,
                "consent": {"required": True, "onFailure": "review"},
            }
        )
    ),
]


@pytest.mark.parametrize("version", POLICIES, ids=lambda v: v.policy_id)
def test_round_trip_keeps_the_policy_and_its_digest(version):
    exported = json.loads(json.dumps(export_odrl(version.policy)))
    back = import_odrl(exported)
    assert back == version.policy
    assert policy_version(back).digest == version.digest


def test_export_uses_odrl_and_dpv_terms():
    doc = export_odrl(version_of(agreement_document()).policy)
    assert doc["@context"][0] == ODRL_CONTEXT
    assert doc["@type"] == "Agreement"
    assert doc["uid"] == "https://leeds.example/dsa/early-help"
    purpose = doc["permission"][0]["constraint"][0]
    assert purpose["leftOperand"] == "purpose"
    assert purpose["rightOperand"][0]["@id"].startswith("https://singleview.org.uk/vocab/purposes/")
    bases = {b["@id"]: b for b in doc["dpv:hasLegalBasis"]}
    public_task = bases["https://singleview.org.uk/vocab/legal-bases/uk-gdpr-6-1-e"]
    assert public_task["@type"] == "dpv:LegalBasis"
    assert {"@id": "https://w3id.org/dpv#PublicTask"} in public_task["skos:closeMatch"]
    assert {p["action"] for p in doc["prohibition"]} == {"distribute"}


def test_import_refuses_other_profiles_and_unknown_concepts():
    doc = export_odrl(version_of(agreement_document()).policy)
    with pytest.raises(OdrlImportError, match="profile"):
        import_odrl({**doc, "profile": "https://example.org/other"})
    doc["sv:purposes"] = [{"@id": "https://example.org/purposes/knitting"}]
    with pytest.raises(OdrlImportError, match=r"sv:purposes\[0\].*not a concept"):
        import_odrl(doc)
