"""Answer ⇄ the response Parameters, as the profile's answer section lays them out.

``match`` (valueBoolean), ``matchGrade`` (valueCode), ``score`` (valueDecimal),
``multipleMatches`` (valueBoolean), ``contact`` (Organization), ``involvement`` (0..*, parts:
episodeType, serviceType, status, period, professional), ``decision`` (parts: outcome, policy
{identifier, version}, obligation 0..*) and ``receipt`` (parts: logId, leafIndex, leafHash,
treeSize, rootHash, inclusionProof 0..* in order, signedTreeHead).
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.parameters import Parameters, ParametersParameter

from singleview.standards.answer import Answer, DecisionSummary
from singleview.standards.fhir.answer_json import (
    RECEIPT_PARTS,
    answer_to_json,
    read_written_answer,
)
from singleview.standards.fhir.common import (
    IssueList,
    read_coding,
)
from singleview.standards.fhir.organisation import (
    contact_point_to_telecom,
    organization_to_contact,
)
from singleview.standards.fhir.outcome import json_object, read_parameters
from singleview.standards.fhir.parts import group, one, parts, resource, value
from singleview.standards.involvement import Involvement, Professional
from singleview.standards.issues import InvalidInput
from singleview.standards.receipt import Receipt

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


def answer_to_parameters(answer: Answer) -> Parameters:
    """The response Parameters for ``answer``: what ``answer_to_json`` writes, as FHIR objects.

    One writer serves both: the JSON is what goes on the wire, and fhir.resources reads it back
    into the same JSON (``tests/standards/test_serialise.py`` holds it to that)."""
    return Parameters.model_validate(answer_to_json(answer))


def parse_answer(raw: bytes | str | dict[str, Any]) -> Answer:
    """Read a 200 answer body; InvalidInput names every offending element.

    An answer exactly as this code writes it is read directly (``read_written_answer``); any
    other goes through FHIR objects, which judge it and name what is wrong.
    """
    data = json_object(raw) if isinstance(raw, bytes | str) else raw
    written = read_written_answer(data)
    return written if written is not None else parameters_to_answer(read_parameters(data))


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
        for field, (name, _) in RECEIPT_PARTS.items()
    }
    found = group(parts(item, place, issues), f"{place}.part", allowed, issues)
    values: dict[str, Any] = {}
    for field, (name, kind) in RECEIPT_PARTS.items():
        got = [value(part, part_place, kind, issues) for part_place, part in found.get(name, [])]
        values[field] = got if field == "inclusion_proof" else (got[0] if got else None)
    if issues:
        return None
    renames = {field: f"part[{name}]" for field, (name, _) in RECEIPT_PARTS.items()}
    return issues.build(Receipt, place, values, renames)
