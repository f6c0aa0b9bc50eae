"""Answer ⇄ the response Parameters, as the profile's answer section lays them out.

``match`` (valueBoolean), ``matchGrade`` (valueCode), ``score`` (valueDecimal),
``multipleMatches`` (valueBoolean), ``contact`` (Organization), ``involvement`` (0..*, parts:
episodeType, serviceType, status, period, professional), ``decision`` (parts: outcome, policy
{identifier, version}, obligation 0..*) and ``receipt`` (parts: logId, leafIndex, leafHash,
treeSize, rootHash, inclusionProof 0..* in order, signedTreeHead).
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.identifier import Identifier as FhirIdentifier
from fhir.resources.R4B.parameters import Parameters, ParametersParameter
from fhir.resources.R4B.period import Period

from singleview.standards.answer import Answer, DecisionSummary
from singleview.standards.fhir.common import (
    SHARING_POLICY_ID_SYSTEM,
    IssueList,
    coding,
    read_coding,
    vocabulary_system,
)
from singleview.standards.fhir.organisation import (
    contact_point_to_telecom,
    contact_to_organization,
    organization_to_contact,
    telecom_to_contact_point,
)
from singleview.standards.fhir.outcome import read_parameters
from singleview.standards.fhir.parts import group, one, param, parts, resource, value
from singleview.standards.fhir.serialise import to_json_part
from singleview.standards.involvement import Involvement, OrganisationContact, Professional, Telecom
from singleview.standards.issues import InvalidInput
from singleview.standards.receipt import Receipt
from singleview.standards.vocabulary import load_vocabulary

ROOT = "Parameters.parameter"
_ANSWER_PARAMETERS = {
    "match": (1, 1),
    "matchGrade": (0, 1),
    "score": (0, 1),
    "multipleMatches": (0, 1),
    "contact": (0, 1),
    "involvement": (0, None),
    "decision": (0, 1),
    "receipt": (0, 1),
}
_ANSWER_FIELDS = {
    "match": "parameter[match]",
    "match_grade": "parameter[matchGrade]",
    "score": "parameter[score]",
    "multiple_matches": "parameter[multipleMatches]",
    "contact": "parameter[contact]",
    "involvements": "parameter[involvement]",
    "decision": "parameter[decision]",
    "receipt": "parameter[receipt]",
}
#: Receipt field ⇄ part name and value type; the order is the order on the wire.
_RECEIPT_PARTS = {
    "log_id": ("logId", "String"),
    "leaf_index": ("leafIndex", "Integer"),
    "leaf_hash": ("leafHash", "String"),
    "tree_size": ("treeSize", "Integer"),
    "root_hash": ("rootHash", "String"),
    "inclusion_proof": ("inclusionProof", "String"),
    "signed_tree_head": ("signedTreeHead", "String"),
}


def answer_to_parameters(answer: Answer) -> Parameters:
    """The response Parameters for ``answer``."""
    items = [param("match", valueBoolean=answer.match)]
    if answer.match_grade is not None:
        items.append(param("matchGrade", valueCode=answer.match_grade))
    if answer.score is not None:
        items.append(param("score", valueDecimal=answer.score))
    if answer.multiple_matches:
        items.append(param("multipleMatches", valueBoolean=True))
    if answer.contact is not None:
        items.append(param("contact", resource=contact_to_organization(answer.contact)))
    items += [param("involvement", part=_involvement_parts(i)) for i in answer.involvements]
    if answer.decision is not None:
        items.append(param("decision", part=_decision_parts(answer.decision)))
    if answer.receipt is not None:
        items.append(param("receipt", part=_receipt_parts(answer.receipt)))
    return Parameters(parameter=items)


def _involvement_parts(involvement: Involvement) -> list[ParametersParameter]:
    out = [
        param("episodeType", valueCoding=coding("episode-types", involvement.episode_type)),
        param("serviceType", valueCoding=coding("service-types", involvement.service_type)),
        param("status", valueCode=involvement.status),
        param(
            "period", valuePeriod=Period(start=involvement.period_start, end=involvement.period_end)
        ),
    ]
    who = involvement.professional
    if who is not None:
        about = [param("name", valueString=who.name)]
        if who.role is not None:
            about.append(param("role", valueString=who.role))
        about += [
            param("telecom", valueContactPoint=telecom_to_contact_point(t)) for t in who.telecom
        ]
        out.append(param("professional", part=about))
    return out


def _decision_parts(decision: DecisionSummary) -> list[ParametersParameter]:
    out = [param("outcome", valueCode=decision.outcome)]
    if decision.policy_id is not None:
        policy = FhirIdentifier(system=SHARING_POLICY_ID_SYSTEM, value=decision.policy_id)
        out.append(
            param(
                "policy",
                part=[
                    param("identifier", valueIdentifier=policy),
                    param("version", valueInteger=decision.policy_version),
                ],
            )
        )
    out += [param("obligation", valueCoding=coding("obligations", o)) for o in decision.obligations]
    return out


def _receipt_parts(receipt: Receipt) -> list[ParametersParameter]:
    out = []
    for field, (name, kind) in _RECEIPT_PARTS.items():
        given = getattr(receipt, field)
        for each in given if isinstance(given, tuple) else (given,):
            out.append(param(name, **{f"value{kind}": each}))
    return out


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """``to_json(answer_to_parameters(answer))``, written directly as JSON.

    The responder builds one answer per enquiry; making dozens of fhir.resources models only
    to walk them again into JSON cost more than the decision and the match together. What
    this writes is byte-identical to the model path (``tests/standards/test_serialise.py``
    checks it on generated answers); the score alone still goes through the model, so that
    decimals are written exactly as fhir.resources writes them.
    """
    items: list[dict[str, Any]] = [{"name": "match", "valueBoolean": answer.match}]
    if answer.match_grade is not None:
        items.append({"name": "matchGrade", "valueCode": answer.match_grade})
    if answer.score is not None:
        items.append(to_json_part(param("score", valueDecimal=answer.score)))
    if answer.multiple_matches:
        items.append({"name": "multipleMatches", "valueBoolean": True})
    if answer.contact is not None:
        items.append({"name": "contact", "resource": _organization_json(answer.contact)})
    items += [{"name": "involvement", "part": _involvement_json(i)} for i in answer.involvements]
    if answer.decision is not None:
        items.append({"name": "decision", "part": _decision_json(answer.decision)})
    if answer.receipt is not None:
        items.append(receipt_parameter_json(answer.receipt))
    return {"resourceType": "Parameters", "parameter": items}


def receipt_parameter_json(receipt: Receipt) -> dict[str, Any]:
    """The ``receipt`` parameter of an answer as JSON (what ``answer_to_json`` writes)."""
    out: list[dict[str, Any]] = []
    for field, (name, kind) in _RECEIPT_PARTS.items():
        given = getattr(receipt, field)
        for each in given if isinstance(given, tuple) else (given,):
            out.append({"name": name, f"value{kind}": each})
    return {"name": "receipt", "part": out}


def _coding_json(scheme: str, code: str) -> dict[str, Any]:
    concept = load_vocabulary(scheme).require(code)
    return {"system": vocabulary_system(scheme), "code": code, "display": concept.pref_label}


def _contact_point_json(telecom: Telecom) -> dict[str, Any]:
    point: dict[str, Any] = {"system": telecom.system, "value": telecom.value}
    if telecom.use is not None:
        point["use"] = telecom.use
    return point


def _organization_json(contact: OrganisationContact) -> dict[str, Any]:
    out: dict[str, Any] = {"resourceType": "Organization", "name": contact.name}
    if contact.telecom:
        out["telecom"] = [_contact_point_json(t) for t in contact.telecom]
    if contact.address:
        addresses = []
        for a in contact.address:
            address: dict[str, Any] = {"line": list(a.lines)} if a.lines else {}
            for key, given in (
                ("city", a.city),
                ("postalCode", a.postcode),
                ("country", a.country),
            ):
                if given is not None:
                    address[key] = given
            addresses.append(address)
        out["address"] = addresses
    return out


def _involvement_json(involvement: Involvement) -> list[dict[str, Any]]:
    period: dict[str, Any] = {"start": involvement.period_start.isoformat()}
    if involvement.period_end is not None:
        period["end"] = involvement.period_end.isoformat()
    out: list[dict[str, Any]] = [
        {
            "name": "episodeType",
            "valueCoding": _coding_json("episode-types", involvement.episode_type),
        },
        {
            "name": "serviceType",
            "valueCoding": _coding_json("service-types", involvement.service_type),
        },
        {"name": "status", "valueCode": involvement.status},
        {"name": "period", "valuePeriod": period},
    ]
    who = involvement.professional
    if who is not None:
        about: list[dict[str, Any]] = [{"name": "name", "valueString": who.name}]
        if who.role is not None:
            about.append({"name": "role", "valueString": who.role})
        about += [
            {"name": "telecom", "valueContactPoint": _contact_point_json(t)} for t in who.telecom
        ]
        out.append({"name": "professional", "part": about})
    return out


def _decision_json(decision: DecisionSummary) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"name": "outcome", "valueCode": decision.outcome}]
    if decision.policy_id is not None:
        policy: list[dict[str, Any]] = [
            {
                "name": "identifier",
                "valueIdentifier": {
                    "system": SHARING_POLICY_ID_SYSTEM,
                    "value": decision.policy_id,
                },
            }
        ]
        version: dict[str, Any] = {"name": "version"}
        if decision.policy_version is not None:
            version["valueInteger"] = decision.policy_version
        policy.append(version)
        out.append({"name": "policy", "part": policy})
    out += [
        {"name": "obligation", "valueCoding": _coding_json("obligations", o)}
        for o in decision.obligations
    ]
    return out


def parse_answer(raw: bytes | str | dict[str, Any]) -> Answer:
    """Read a 200 answer body; InvalidInput names every offending element."""
    return parameters_to_answer(read_parameters(raw))


def parameters_to_answer(parameters: Parameters) -> Answer:
    """The Answer response Parameters describe; InvalidInput names every offending element."""
    issues = IssueList()
    found = group(parameters.parameter or [], ROOT, _ANSWER_PARAMETERS, issues)
    values: dict[str, Any] = {}
    for name, field, kind in (
        ("match", "match", "Boolean"),
        ("matchGrade", "match_grade", "Code"),
        ("score", "score", "Decimal"),
        ("multipleMatches", "multiple_matches", "Boolean"),
    ):
        if entry := one(found, name):
            values[field] = value(entry[1], entry[0], kind, issues)
    if entry := one(found, "contact"):
        organization = resource(entry[1], entry[0], "Organization", issues)
        if organization is not None:
            try:
                values["contact"] = organization_to_contact(organization, f"{entry[0]}.resource")
            except InvalidInput as refused:
                issues.items.extend(refused.issues)
    values["involvements"] = [
        _read_involvement(place, item, issues) for place, item in found.get("involvement", [])
    ]
    if entry := one(found, "decision"):
        values["decision"] = _read_decision(*entry, issues)
    if entry := one(found, "receipt"):
        values["receipt"] = _read_receipt(*entry, issues)
    issues.raise_if_any()
    answer = issues.build(Answer, "Parameters", values, _ANSWER_FIELDS)
    issues.raise_if_any()
    assert answer is not None
    return answer


def _read_involvement(
    place: str, item: ParametersParameter, issues: IssueList
) -> Involvement | None:
    allowed = {
        "episodeType": (1, 1),
        "serviceType": (1, 1),
        "status": (1, 1),
        "period": (1, 1),
        "professional": (0, 1),
    }
    found = group(parts(item, place, issues), f"{place}.part", allowed, issues)
    values: dict[str, Any] = {}
    for name, field, scheme in (
        ("episodeType", "episode_type", "episode-types"),
        ("serviceType", "service_type", "service-types"),
    ):
        if entry := one(found, name):
            chosen = value(entry[1], entry[0], "Coding", issues)
            if chosen is not None:
                values[field] = read_coding(chosen, scheme, f"{entry[0]}.valueCoding", issues)
    if entry := one(found, "status"):
        values["status"] = value(entry[1], entry[0], "Code", issues)
    if entry := one(found, "period"):
        period = value(entry[1], entry[0], "Period", issues)
        if period is not None:
            values["period_start"] = period.start
            values["period_end"] = period.end
    if entry := one(found, "professional"):
        values["professional"] = _read_professional(*entry, issues)
    if issues:
        return None
    renames = {
        "episode_type": "part[episodeType]",
        "service_type": "part[serviceType]",
        "status": "part[status]",
        "period_start": "part[period].valuePeriod.start",
        "period_end": "part[period].valuePeriod.end",
        "professional": "part[professional]",
    }
    return issues.build(Involvement, place, values, renames)


def _read_professional(
    place: str, item: ParametersParameter, issues: IssueList
) -> Professional | None:
    allowed = {"name": (1, 1), "role": (0, 1), "telecom": (0, None)}
    found = group(parts(item, place, issues), f"{place}.part", allowed, issues)
    values: dict[str, Any] = {}
    if entry := one(found, "name"):
        values["name"] = value(entry[1], entry[0], "String", issues)
    if entry := one(found, "role"):
        values["role"] = value(entry[1], entry[0], "String", issues)
    telecom = []
    for telecom_place, telecom_item in found.get("telecom", []):
        point = value(telecom_item, telecom_place, "ContactPoint", issues)
        if point is not None:
            telecom.append(
                contact_point_to_telecom(point, f"{telecom_place}.valueContactPoint", issues)
            )
    values["telecom"] = telecom
    if issues:
        return None
    return issues.build(Professional, place, values, {"name": "part[name]", "role": "part[role]"})


def _read_decision(
    place: str, item: ParametersParameter, issues: IssueList
) -> DecisionSummary | None:
    allowed = {"outcome": (1, 1), "policy": (0, 1), "obligation": (0, None)}
    found = group(parts(item, place, issues), f"{place}.part", allowed, issues)
    values: dict[str, Any] = {}
    if entry := one(found, "outcome"):
        values["outcome"] = value(entry[1], entry[0], "Code", issues)
    if entry := one(found, "policy"):
        policy_place, policy = entry
        policy_parts = group(
            parts(policy, policy_place, issues),
            f"{policy_place}.part",
            {"identifier": (1, 1), "version": (1, 1)},
            issues,
        )
        if sub := one(policy_parts, "identifier"):
            identifier = value(sub[1], sub[0], "Identifier", issues)
            values["policy_id"] = identifier.value if identifier is not None else None
        if sub := one(policy_parts, "version"):
            values["policy_version"] = value(sub[1], sub[0], "Integer", issues)
    obligations = []
    for obligation_place, obligation in found.get("obligation", []):
        chosen = value(obligation, obligation_place, "Coding", issues)
        if chosen is not None:
            obligations.append(
                read_coding(chosen, "obligations", f"{obligation_place}.valueCoding", issues)
            )
    values["obligations"] = obligations
    if issues:
        return None
    renames = {
        "outcome": "part[outcome]",
        "policy_id": "part[policy].part[identifier]",
        "policy_version": "part[policy].part[version]",
        "obligations": "part[obligation]",
    }
    return issues.build(DecisionSummary, place, values, renames)


def _read_receipt(place: str, item: ParametersParameter, issues: IssueList) -> Receipt | None:
    allowed = {
        name: ((0, None) if field == "inclusion_proof" else (1, 1))
        for field, (name, _) in _RECEIPT_PARTS.items()
    }
    found = group(parts(item, place, issues), f"{place}.part", allowed, issues)
    values: dict[str, Any] = {}
    for field, (name, kind) in _RECEIPT_PARTS.items():
        got = [value(part, part_place, kind, issues) for part_place, part in found.get(name, [])]
        values[field] = got if field == "inclusion_proof" else (got[0] if got else None)
    if issues:
        return None
    renames = {field: f"part[{name}]" for field, (name, _) in _RECEIPT_PARTS.items()}
    return issues.build(Receipt, place, values, renames)
