"""An answer as JSON, written and read directly, without FHIR objects.

**Writing.** ``answer_to_json(a)`` is the one writer of an answer: the responder builds one
answer per enquiry, and making dozens of fhir.resources models only to walk them again into
JSON cost more than the decision and the match together. ``answer_to_parameters`` reads this
JSON into FHIR objects for whoever wants them, and fhir.resources writes it back byte for byte
(``tests/standards/test_serialise.py``).

**Reading.** On the requester's side of a fan-out, reading each partner's answer through FHIR
objects (the quick reader, then ``parameters_to_answer``) was about a quarter of the
requester's CPU: some 0.7 ms an answer, fifty answers a fan-out. Nearly every answer a node
receives was written by a peer running this code, so ``read_written_answer`` takes the values
out of the JSON without building FHIR objects, validates them into an ``Answer``, and writes
that Answer back with ``answer_to_json`` (see ``written.read_written``). Only if the written
JSON is the same JSON is the Answer returned; anything else returns None and the caller uses
the full reader, whose messages name the offending element. Every boolean and number the
writer writes (match, multipleMatches, score, leafIndex, treeSize, version) has its JSON type
checked first, since Python's ``==`` takes ``true`` for ``1``.

Why reading that way is safe: the full reader reads ``answer_to_json(a)`` back into ``a`` for
every answer (``tests/standards/test_fhir_round_trip.py``), so a body equal to
``answer_to_json(a)`` is read by it into ``a`` too. Free text, codes and URIs are also held to
the quick reader's conservative formats before they are trusted.
``tests/standards/test_answer_json.py`` checks, over generated answers and over bodies with any
element replaced, that it never accepts what the full reader refuses and never reads anything
differently.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from singleview.standards.answer import Answer, DecisionSummary
from singleview.standards.fhir.common import SHARING_POLICY_ID_SYSTEM, coding_json
from singleview.standards.fhir.organisation import contact_point_json, organization_json
from singleview.standards.fhir.quick import (
    NotCanonicalError,
    as_boolean,
    as_code,
    as_full_date,
    as_integer,
    as_string,
)
from singleview.standards.fhir.serialise import decimal_json
from singleview.standards.fhir.written import (
    by_name,
    code_of,
    first,
    optional,
    read_written,
    value_of,
)
from singleview.standards.involvement import Involvement
from singleview.standards.receipt import Receipt

#: Receipt field ⇄ part name and value type; the order is the order on the wire.
RECEIPT_PARTS = {
    "log_id": ("logId", "String"),
    "leaf_index": ("leafIndex", "Integer"),
    "leaf_hash": ("leafHash", "String"),
    "tree_size": ("treeSize", "Integer"),
    "root_hash": ("rootHash", "String"),
    "inclusion_proof": ("inclusionProof", "String"),
    "signed_tree_head": ("signedTreeHead", "String"),
}


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """The response Parameters for ``answer``, as the JSON the wire carries."""
    items: list[dict[str, Any]] = [{"name": "match", "valueBoolean": answer.match}]
    if answer.match_grade is not None:
        items.append({"name": "matchGrade", "valueCode": answer.match_grade})
    if answer.score is not None:
        # As FHIR's decimal: Decimal(str(score)), which fhir.resources writes back the same.
        items.append({"name": "score", "valueDecimal": decimal_json(Decimal(str(answer.score)))})
    if answer.multiple_matches:
        items.append({"name": "multipleMatches", "valueBoolean": True})
    if answer.contact is not None:
        items.append({"name": "contact", "resource": organization_json(answer.contact)})
    items += [{"name": "involvement", "part": _involvement_json(i)} for i in answer.involvements]
    if answer.decision is not None:
        items.append({"name": "decision", "part": _decision_json(answer.decision)})
    if answer.receipt is not None:
        items.append(receipt_parameter_json(answer.receipt))
    return {"resourceType": "Parameters", "parameter": items}


def receipt_parameter_json(receipt: Receipt) -> dict[str, Any]:
    """The ``receipt`` parameter of an answer as JSON (what ``answer_to_json`` writes)."""
    out: list[dict[str, Any]] = []
    for field, (name, kind) in RECEIPT_PARTS.items():
        given = getattr(receipt, field)
        for each in given if isinstance(given, tuple) else (given,):
            out.append({"name": name, f"value{kind}": each})
    return {"name": "receipt", "part": out}


def _involvement_json(involvement: Involvement) -> list[dict[str, Any]]:
    period: dict[str, Any] = {"start": involvement.period_start.isoformat()}
    if involvement.period_end is not None:
        period["end"] = involvement.period_end.isoformat()
    out: list[dict[str, Any]] = [
        {
            "name": "episodeType",
            "valueCoding": coding_json("episode-types", involvement.episode_type),
        },
        {
            "name": "serviceType",
            "valueCoding": coding_json("service-types", involvement.service_type),
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
            {"name": "telecom", "valueContactPoint": contact_point_json(t)} for t in who.telecom
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
        {"name": "obligation", "valueCoding": coding_json("obligations", o)}
        for o in decision.obligations
    ]
    return out


# --- reading --------------------------------------------------------------------------------


def read_written_answer(data: Any) -> Answer | None:
    """The Answer ``data`` is, if it is exactly what ``answer_to_json`` writes for it, else None."""
    return read_written(data, Answer, _answer_fields, answer_to_json)


def _answer_fields(data: Any) -> dict[str, Any]:
    top = by_name(data["parameter"])
    return {
        "match": first(top, "match", "valueBoolean", as_boolean),
        "match_grade": first(top, "matchGrade", "valueCode", as_code),
        "score": first(top, "score", "valueDecimal", _number),
        "multiple_matches": first(top, "multipleMatches", "valueBoolean", as_boolean) or False,
        "contact": first(top, "contact", "resource", _contact),
        "involvements": [_involvement(item["part"]) for item in top.get("involvement", [])],
        "decision": first(top, "decision", "part", _decision),
        "receipt": first(top, "receipt", "part", _receipt),
    }


def _number(given: Any) -> float:
    # A whole number may be written as an integer (see decimal_json); never a boolean.
    if type(given) in (int, float):
        return float(given)
    raise NotCanonicalError


def _telecom(point: Any) -> dict[str, Any]:
    return {
        "system": as_code(point["system"]),
        "value": as_string(point["value"]),
        "use": as_code(point["use"]) if "use" in point else None,
    }


def _contact(organization: Any) -> dict[str, Any]:
    if organization["resourceType"] != "Organization":
        raise NotCanonicalError
    return {
        "name": as_string(organization["name"]),
        "telecom": [_telecom(point) for point in organization.get("telecom", [])],
        "address": [_address(address) for address in organization.get("address", [])],
    }


def _address(address: Any) -> dict[str, Any]:
    return {
        "lines": [as_string(line) for line in address.get("line", [])],
        "city": optional(address, "city"),
        "postcode": optional(address, "postalCode"),
        "country": optional(address, "country"),
    }


def _involvement(part: Any) -> dict[str, Any]:
    found = by_name(part)
    period = first(found, "period", "valuePeriod", dict)
    return {
        "episode_type": first(found, "episodeType", "valueCoding", code_of),
        "service_type": first(found, "serviceType", "valueCoding", code_of),
        "status": first(found, "status", "valueCode", as_code),
        "period_start": as_full_date(period["start"]),
        "period_end": as_full_date(period["end"]) if "end" in period else None,
        "professional": first(found, "professional", "part", _professional),
    }


def _professional(part: Any) -> dict[str, Any]:
    found = by_name(part)
    return {
        "name": first(found, "name", "valueString", as_string),
        "role": first(found, "role", "valueString", as_string),
        "telecom": [_telecom(item["valueContactPoint"]) for item in found.get("telecom", [])],
    }


def _decision(part: Any) -> dict[str, Any]:
    found = by_name(part)
    fields: dict[str, Any] = {
        "outcome": first(found, "outcome", "valueCode", as_code),
        "obligations": [code_of(item["valueCoding"]) for item in found.get("obligation", [])],
    }
    if "policy" in found:
        policy = by_name(found["policy"][0]["part"])
        fields["policy_id"] = first(policy, "identifier", "valueIdentifier", value_of)
        fields["policy_version"] = first(policy, "version", "valueInteger", as_integer)
    return fields


def _receipt(part: Any) -> dict[str, Any]:
    found = by_name(part)
    return {
        "log_id": first(found, "logId", "valueString", as_string),
        "leaf_index": first(found, "leafIndex", "valueInteger", as_integer),
        "leaf_hash": first(found, "leafHash", "valueString", as_string),
        "tree_size": first(found, "treeSize", "valueInteger", as_integer),
        "root_hash": first(found, "rootHash", "valueString", as_string),
        "inclusion_proof": [as_string(i["valueString"]) for i in found.get("inclusionProof", [])],
        "signed_tree_head": first(found, "signedTreeHead", "valueString", as_string),
    }
