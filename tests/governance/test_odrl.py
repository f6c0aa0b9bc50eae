"""ODRL 2.2 JSON-LD export and import: a round trip keeps the policy, and its digest."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from singleview.governance.documents import policy_version, starter_policies
from singleview.governance.odrl import ODRL_CONTEXT, OdrlImportError, export_odrl, import_odrl
from singleview.standards.vocabulary import load_vocabulary

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


def _subset(scheme, min_size=1):
    return st.lists(
        st.sampled_from(list(load_vocabulary(scheme).codes)),
        min_size=min_size,
        max_size=3,
        unique=True,
    )


def _optional(strategy):
    return st.one_of(st.none(), strategy)


prohibition_documents = st.fixed_dictionaries(
    {
        "description": st.text(min_size=1, max_size=20).filter(str.strip).map(str.strip),
        "reason": st.sampled_from(list(load_vocabulary("decision-reasons").codes)),
        "purposes": _subset("purposes"),
    },
    optional={
        "requesterOrganisations": st.lists(
            st.from_regex(r"[a-z][a-z0-9-]{2,10}", fullmatch=True), min_size=1, max_size=2
        ),
        "requesterOrganisationTypes": _subset("organisation-types"),
        "practitionerRoles": _subset("practitioner-roles"),
        "dataCategories": _subset("data-categories"),
    },
)


@st.composite
def policy_documents(draw):
    route = draw(st.sampled_from(["statutory", "agreement", "professional-judgement", "node-rule"]))
    doc = agreement_document(
        route=route,
        version=draw(st.integers(1, 50)),
        status=draw(st.sampled_from(["active", "draft", "withdrawn"])),
        purposes=draw(_subset("purposes")),
        legalCompliance=draw(_subset("legal-bases", 0)),
        dataRecipientResponsibilities=draw(_subset("obligations", 0)),
        restrictions=draw(
            st.lists(st.sampled_from(["distribute", "sell", "transfer"]), unique=True)
        ),
        securityMeasures=draw(
            st.lists(st.sampled_from(["AES-256 at rest", "TLS 1.3"]), unique=True)
        ),
        prohibitions=draw(st.lists(prohibition_documents, max_size=2)),
    )
    if route == "node-rule":
        doc.pop("permission")
        doc["permittedUses"] = []
        if not doc["prohibitions"]:
            doc["prohibitions"] = [draw(prohibition_documents)]
        return doc
    permission = {
        "dataCategories": draw(_subset("data-categories")),
        "obligations": draw(_subset("obligations", 0)),
        "caseReferenceRequired": draw(st.booleans()),
        "outcome": "review" if route == "professional-judgement" else "permit",
    }
    for key, scheme in (
        ("requesterOrganisationTypes", "organisation-types"),
        ("practitionerRoles", "practitioner-roles"),
    ):
        value = draw(_optional(_subset(scheme)))
        if value is not None:
            permission[key] = value
    consent = draw(
        _optional(
            st.fixed_dictionaries(
                {"required": st.booleans(), "onFailure": st.sampled_from(["deny", "review"])}
            )
        )
    )
    if consent is not None:
        permission["consent"] = consent
    doc["permission"] = permission
    return doc


@settings(max_examples=150, deadline=None)
@given(doc=policy_documents())
def test_any_policy_survives_the_round_trip(doc):
    version = version_of(doc)
    back = import_odrl(json.loads(json.dumps(export_odrl(version.policy))))
    assert back == version.policy
    assert policy_version(back).digest == version.digest
