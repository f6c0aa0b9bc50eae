"""W3C ODRL 2.2 JSON-LD export and import of sharing policies, with W3C DPV terms.

Mapping (following the MAIS draft's own ODRL column):

- the policy is an ``odrl:Agreement`` (agreement route) or ``odrl:Set`` (other routes), its
  ``uid`` the policy URI; parties are ``assigner``/``assignee`` by register URI;
- data is the ``target`` asset; permitted uses are the permission's actions;
- purposes are an ``odrl:purpose`` constraint whose values are our purpose concepts, typed
  ``dpv:Purpose``; dates are ``odrl:dateTime`` constraints; legal compliance is
  ``dpv:hasLegalBasis`` with each concept's DPV match alongside;
- restrictions are prohibitions of actions; request prohibitions are prohibitions of ``read``
  with constraints; recipient responsibilities are policy obligations and permission
  obligations are duties (both naming our obligation concepts as actions);
- what ODRL and DPV lack (requester organisation type, practitioner role, case reference,
  consent below the s47 threshold, the review outcome, the MAIS identifier/contact/status) is
  in the UK extension namespace ``sv:``.

Import reads exactly what export writes (a profile of ODRL), refusing anything else with an
error that names the element.
"""

from __future__ import annotations

from typing import Any

from singleview.standards.sharing_policy import SharingPolicy
from singleview.standards.vocabulary import load_vocabulary

ODRL_CONTEXT = "http://www.w3.org/ns/odrl.jsonld"
SV = "https://singleview.org.uk/vocab/odrl#"
PROFILE = "https://singleview.org.uk/odrl/mais-profile"
REGISTER = "https://singleview.org.uk/register/"
CONTEXT: list[Any] = [
    ODRL_CONTEXT,
    {
        "dpv": "https://w3id.org/dpv#",
        "dct": "http://purl.org/dc/terms/",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "sv": SV,
    },
]


class OdrlImportError(ValueError):
    """An ODRL document outside the profile this module writes; names the element."""


def _concept_ref(scheme: str, code: str, rdf_type: str | None = None) -> dict[str, Any]:
    concept = load_vocabulary(scheme).require(code)
    ref: dict[str, Any] = {"@id": concept.uri}
    if rdf_type:
        ref["@type"] = rdf_type
    dpv = [m for m in (*concept.exact_match, *concept.close_match) if "w3id.org/dpv" in m]
    if dpv:
        ref["skos:closeMatch"] = [{"@id": m} for m in dpv]
    return ref


def _code(scheme: str, ref: Any, element: str) -> str:
    uri = ref.get("@id") if isinstance(ref, dict) else ref
    concept = load_vocabulary(scheme).by_uri(uri) if isinstance(uri, str) else None
    if concept is None:
        raise OdrlImportError(f"{element}: {uri!r} is not a concept in the {scheme} vocabulary")
    return concept.code


def _any_of(left: str, scheme: str, values: tuple[str, ...]) -> dict[str, Any]:
    return {
        "leftOperand": left,
        "operator": "isAnyOf",
        "rightOperand": [_concept_ref(scheme, v) for v in values],
    }


def export_odrl(policy: SharingPolicy) -> dict[str, Any]:
    """The policy as an ODRL 2.2 JSON-LD document."""
    asset = f"{policy.uri}#data"
    parties = [f"{REGISTER}{cid}" for party in policy.parties for cid in party.catalogue_ids]
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Agreement" if policy.route == "agreement" else "Set",
        "uid": policy.uri,
        "profile": PROFILE,
        "dct:identifier": {
            "sv:value": policy.identifier.value,
            "sv:system": policy.identifier.system,
        },
        "dct:title": policy.name,
        "dct:hasVersion": policy.version,
        "sv:contact": policy.contact,
        "sv:status": policy.status,
        "sv:route": policy.route,
        "sv:parties": [
            {"sv:name": p.name, "sv:catalogueIds": list(p.catalogue_ids)} for p in policy.parties
        ],
        "target": {"@type": "AssetCollection", "uid": asset, "dct:description": list(policy.data)},
        "sv:purposes": [_concept_ref("purposes", c, "dpv:Purpose") for c in policy.purposes],
        "dpv:hasLegalBasis": [
            _concept_ref("legal-bases", c, "dpv:LegalBasis") for c in policy.legal_compliance
        ],
        "sv:securityMeasures": list(policy.security_measures),
    }
    if parties:
        doc["assigner"] = parties
    window = [
        {
            "leftOperand": "dateTime",
            "operator": "gteq",
            "rightOperand": {"@value": policy.start_date.isoformat(), "@type": "xsd:date"},
        },
        {
            "leftOperand": "dateTime",
            "operator": "lteq",
            "rightOperand": {"@value": policy.end_date.isoformat(), "@type": "xsd:date"},
        },
    ]
    purpose = _any_of("purpose", "purposes", policy.purposes)
    doc["obligation"] = [
        {"action": _concept_ref("obligations", c), "assignee": parties or "sv:requester"}
        for c in policy.data_recipient_responsibilities
    ]
    perm = policy.permission
    if perm is not None:
        constraints = [purpose, *window]
        if perm.requester_organisation_types is not None:
            constraints.append(
                _any_of(
                    "sv:requesterOrganisationType",
                    "organisation-types",
                    perm.requester_organisation_types,
                )
            )
        if perm.practitioner_roles is not None:
            constraints.append(
                _any_of("sv:practitionerRole", "practitioner-roles", perm.practitioner_roles)
            )
        constraints.append(_any_of("sv:dataCategory", "data-categories", perm.data_categories))
        if perm.case_reference_required:
            constraints.append(
                {"leftOperand": "sv:caseReference", "operator": "eq", "rightOperand": "present"}
            )
        if perm.consent is not None:
            constraints.append(
                {
                    "leftOperand": "sv:consent",
                    "operator": "eq",
                    "rightOperand": "given" if perm.consent.required else "any",
                    "sv:onFailure": perm.consent.on_failure,
                }
            )
        doc["permission"] = [
            {
                "target": asset,
                "action": list(policy.permitted_uses),
                "assignee": parties if policy.route == "agreement" else "sv:requester",
                "constraint": constraints,
                "duty": [{"action": _concept_ref("obligations", c)} for c in perm.obligations],
                "sv:outcome": perm.outcome,
            }
        ]
    prohibitions: list[dict[str, Any]] = [
        {"target": asset, "action": action, "sv:kind": "restriction"}
        for action in policy.restrictions
    ]
    for q in policy.prohibitions:
        constraints = []
        if q.purposes is not None:
            constraints.append(_any_of("purpose", "purposes", q.purposes))
        if q.requester_organisations is not None:
            constraints.append(
                {
                    "leftOperand": "recipient",
                    "operator": "isAnyOf",
                    "rightOperand": [f"{REGISTER}{o}" for o in q.requester_organisations],
                }
            )
        if q.requester_organisation_types is not None:
            constraints.append(
                _any_of(
                    "sv:requesterOrganisationType",
                    "organisation-types",
                    q.requester_organisation_types,
                )
            )
        if q.practitioner_roles is not None:
            constraints.append(
                _any_of("sv:practitionerRole", "practitioner-roles", q.practitioner_roles)
            )
        if q.data_categories is not None:
            constraints.append(_any_of("sv:dataCategory", "data-categories", q.data_categories))
        prohibitions.append(
            {
                "target": asset,
                "action": "read",
                "sv:kind": "refusal",
                "dct:description": q.description,
                "sv:reason": _concept_ref("decision-reasons", q.reason),
                "constraint": constraints,
            }
        )
    doc["prohibition"] = prohibitions
    doc["sv:window"] = window
    return doc


def _get(node: dict[str, Any], key: str, element: str) -> Any:
    if key not in node:
        raise OdrlImportError(f"{element}: missing {key!r}")
    return node[key]


def _constraints(node: dict[str, Any], element: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for i, c in enumerate(node.get("constraint", [])):
        left = _get(c, "leftOperand", f"{element}.constraint[{i}]")
        key = f"{left}:{c.get('operator')}"
        out[key] = c
    return out


_SCHEMES = {
    "purpose": "purposes",
    "sv:requesterOrganisationType": "organisation-types",
    "sv:practitionerRole": "practitioner-roles",
    "sv:dataCategory": "data-categories",
}


def _codes_of(found: dict[str, dict[str, Any]], left: str, element: str) -> list[str] | None:
    c = found.get(f"{left}:isAnyOf")
    if c is None:
        return None
    return [
        _code(_SCHEMES[left], ref, f"{element}.{left}[{i}]")
        for i, ref in enumerate(c["rightOperand"])
    ]


def import_odrl(doc: dict[str, Any]) -> SharingPolicy:
    """A SharingPolicy from an ODRL document in the profile ``export_odrl`` writes."""
    if doc.get("profile") != PROFILE:
        raise OdrlImportError(f"profile: expected {PROFILE!r}, found {doc.get('profile')!r}")
    window = {c["operator"]: c["rightOperand"]["@value"] for c in _get(doc, "sv:window", "policy")}
    data: dict[str, Any] = {
        "identifier": {
            "value": _get(doc, "dct:identifier", "policy")["sv:value"],
            "system": doc["dct:identifier"]["sv:system"],
        },
        "uri": _get(doc, "uid", "policy"),
        "version": _get(doc, "dct:hasVersion", "policy"),
        "name": _get(doc, "dct:title", "policy"),
        "contact": _get(doc, "sv:contact", "policy"),
        "status": doc.get("sv:status", "active"),
        "route": _get(doc, "sv:route", "policy"),
        "parties": [
            {"name": p["sv:name"], "catalogueIds": p["sv:catalogueIds"]}
            for p in doc.get("sv:parties", [])
        ],
        "data": _get(doc, "target", "policy").get("dct:description", []),
        "purposes": [
            _code("purposes", ref, f"sv:purposes[{i}]")
            for i, ref in enumerate(_get(doc, "sv:purposes", "policy"))
        ],
        "startDate": window["gteq"],
        "endDate": window["lteq"],
        "legalCompliance": [
            _code("legal-bases", ref, f"dpv:hasLegalBasis[{i}]")
            for i, ref in enumerate(doc.get("dpv:hasLegalBasis", []))
        ],
        "dataRecipientResponsibilities": [
            _code("obligations", o["action"], f"obligation[{i}].action")
            for i, o in enumerate(doc.get("obligation", []))
        ],
        "securityMeasures": doc.get("sv:securityMeasures", []),
        "restrictions": [
            p["action"] for p in doc.get("prohibition", []) if p.get("sv:kind") == "restriction"
        ],
    }
    permissions = doc.get("permission", [])
    if len(permissions) > 1:
        raise OdrlImportError("permission: this profile has at most one permission per policy")
    for perm in permissions:
        found = _constraints(perm, "permission[0]")
        permission: dict[str, Any] = {
            "dataCategories": _codes_of(found, "sv:dataCategory", "permission[0]") or [],
            "obligations": [
                _code("obligations", d["action"], f"permission[0].duty[{i}].action")
                for i, d in enumerate(perm.get("duty", []))
            ],
            "outcome": perm.get("sv:outcome", "permit"),
            "caseReferenceRequired": "sv:caseReference:eq" in found,
        }
        types = _codes_of(found, "sv:requesterOrganisationType", "permission[0]")
        if types is not None:
            permission["requesterOrganisationTypes"] = types
        roles = _codes_of(found, "sv:practitionerRole", "permission[0]")
        if roles is not None:
            permission["practitionerRoles"] = roles
        consent = found.get("sv:consent:eq")
        if consent is not None:
            permission["consent"] = {
                "required": consent["rightOperand"] == "given",
                "onFailure": consent.get("sv:onFailure", "deny"),
            }
        actions = perm.get("action", [])
        data["permittedUses"] = actions if isinstance(actions, list) else [actions]
        data["permission"] = permission
    prohibitions = []
    for i, p in enumerate(doc.get("prohibition", [])):
        if p.get("sv:kind") != "refusal":
            continue
        element = f"prohibition[{i}]"
        found = _constraints(p, element)
        q: dict[str, Any] = {
            "description": _get(p, "dct:description", element),
            "reason": _code("decision-reasons", _get(p, "sv:reason", element), element),
        }
        for left, key in (
            ("purpose", "purposes"),
            ("sv:requesterOrganisationType", "requesterOrganisationTypes"),
            ("sv:practitionerRole", "practitionerRoles"),
            ("sv:dataCategory", "dataCategories"),
        ):
            values = _codes_of(found, left, element)
            if values is not None:
                q[key] = values
        recipients = found.get("recipient:isAnyOf")
        if recipients is not None:
            q["requesterOrganisations"] = [
                r.removeprefix(REGISTER) for r in recipients["rightOperand"]
            ]
        prohibitions.append(q)
    data["prohibitions"] = prohibitions
    return SharingPolicy.model_validate(data)
