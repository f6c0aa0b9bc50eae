"""Enquiry ⇄ the ``$person-info-query`` request Parameters, exactly as the profile's table.

``resource`` (Patient, 1..1), ``reason`` (valueUri, 0..1) and ``request`` (parts, 0..1):
identifier, dateStamp, requester, practitioner (identifier, name, role), assertedPurpose,
sharingPolicy (identifier, version, digest; 0..* here, see _REQUEST_PARTS), dataCategory
(0..*), caseReference and consent (status, scope, expires).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fhir.resources.R4B.parameters import Parameters, ParametersParameter

from singleview.standards.enquiry import Consent, Enquiry, PolicyReference, Practitioner
from singleview.standards.fhir.common import (
    ORGANISATION_ID_SYSTEM,
    SHARING_POLICY_ID_SYSTEM,
    IssueList,
    read_coding,
)
from singleview.standards.fhir.enquiry_json import enquiry_to_json, read_written_enquiry
from singleview.standards.fhir.outcome import json_object, read_parameters
from singleview.standards.fhir.parts import group, one, parts, resource, value
from singleview.standards.fhir.patient import patient_to_person
from singleview.standards.issues import InvalidInput
from singleview.standards.vocabulary import purpose_for_reason

ROOT = "Parameters.parameter"
_REQUEST_PARTS = {
    "identifier": (1, 1),
    "dateStamp": (1, 1),
    "requester": (1, 1),
    "practitioner": (0, 1),
    "assertedPurpose": (1, 1),
    # 0..*, not the table's 1..*: an ad hoc (professional-judgement) enquiry names no agreement.
    "sharingPolicy": (0, None),
    "dataCategory": (0, None),
    "caseReference": (0, 1),
    "consent": (0, 1),
}
_ENQUIRY_FIELDS = {
    "subject": "parameter[resource].resource",
    "reason": "parameter[reason]",
    "request_id": "parameter[request].part[identifier]",
    "date_stamp": "parameter[request].part[dateStamp]",
    "requester": "parameter[request].part[requester]",
    "practitioner": "parameter[request].part[practitioner]",
    "asserted_purpose": "parameter[request].part[assertedPurpose]",
    "sharing_policies": "parameter[request].part[sharingPolicy]",
    "data_categories": "parameter[request].part[dataCategory]",
    "case_reference": "parameter[request].part[caseReference]",
    "consent": "parameter[request].part[consent]",
}


def enquiry_to_parameters(enquiry: Enquiry) -> Parameters:
    """The request Parameters for ``enquiry`` (reason-only when it carries no IG Request): what
    ``enquiry_to_json`` writes, as FHIR objects (one writer serves both; fhir.resources reads
    it back into the same JSON, which ``tests/standards/test_enquiry_json.py`` checks)."""
    return Parameters.model_validate(enquiry_to_json(enquiry))


def parse_enquiry(raw: bytes | str | dict[str, Any]) -> Enquiry:
    """Read a ``$person-info-query`` body; InvalidInput names every offending element.

    An enquiry exactly as this code writes it is read directly (``read_written_enquiry``); any
    other goes through FHIR objects, which judge it and name what is wrong.
    """
    data = json_object(raw) if isinstance(raw, bytes | str) else raw
    written = read_written_enquiry(data)
    return written if written is not None else parameters_to_enquiry(read_parameters(data))


def parameters_to_enquiry(parameters: Parameters) -> Enquiry:
    """The Enquiry request Parameters describe; InvalidInput names every offending element."""
    issues = IssueList()
    found = group(
        parameters.parameter or [],
        ROOT,
        {"resource": (1, 1), "reason": (0, 1), "request": (0, 1)},
        issues,
    )
    values: dict[str, Any] = {}
    if entry := one(found, "resource"):
        place, item = entry
        patient = resource(item, place, "Patient", issues)
        if patient is not None:
            try:
                values["subject"] = patient_to_person(patient, f"{place}.resource")
            except InvalidInput as refused:
                issues.items.extend(refused.issues)
    if entry := one(found, "reason"):
        values["reason"] = value(entry[1], entry[0], "Uri", issues)
    if entry := one(found, "request"):
        values.update(_read_request(entry[0], entry[1], issues))
    elif "reason" not in values:
        issues.add(f"{ROOT}[request]", "is required unless a reason is given", "required")
    elif values["reason"] is not None and purpose_for_reason(values["reason"]) is None:
        issues.add(
            f"{ROOT}[reason]",
            f"{values['reason']!r} does not map to a statutory purpose; send a request",
            "value",
        )
    issues.raise_if_any()
    enquiry = issues.build(Enquiry, "Parameters", values, _ENQUIRY_FIELDS)
    issues.raise_if_any()
    assert enquiry is not None
    return enquiry


def _identifier_value(
    item: ParametersParameter, place: str, issues: IssueList, system: str | None = None
) -> str | None:
    identifier = value(item, place, "Identifier", issues)
    if identifier is None:
        return None
    if system is not None and identifier.system not in (None, system):
        issues.add(f"{place}.valueIdentifier.system", f"must be {system}", "value")
    if not identifier.value:
        issues.add(f"{place}.valueIdentifier.value", "is required", "required")
        return None
    return str(identifier.value)


def _read_request(place: str, item: ParametersParameter, issues: IssueList) -> dict[str, Any]:
    found = group(parts(item, place, issues), f"{place}.part", _REQUEST_PARTS, issues)
    values: dict[str, Any] = {}
    if entry := one(found, "identifier"):
        values["request_id"] = _identifier_value(entry[1], entry[0], issues)
    if entry := one(found, "dateStamp"):
        stamp = value(entry[1], entry[0], "DateTime", issues)
        if stamp is not None and not isinstance(stamp, dt.datetime):
            issues.add(entry[0], f"{stamp} needs a time and a time zone", "value")
        else:
            values["date_stamp"] = stamp
    if entry := one(found, "requester"):
        values["requester"] = _identifier_value(entry[1], entry[0], issues, ORGANISATION_ID_SYSTEM)
    if entry := one(found, "practitioner"):
        values["practitioner"] = _read_practitioner(*entry, issues)
    if entry := one(found, "assertedPurpose"):
        purpose = value(entry[1], entry[0], "Coding", issues)
        if purpose is not None:
            values["asserted_purpose"] = read_coding(
                purpose, "purposes", f"{entry[0]}.valueCoding", issues
            )
    values["sharing_policies"] = [
        _read_policy(policy_place, policy, issues)
        for policy_place, policy in found.get("sharingPolicy", [])
    ]
    categories = []
    for category_place, category in found.get("dataCategory", []):
        chosen = value(category, category_place, "Coding", issues)
        if chosen is not None:
            categories.append(
                read_coding(chosen, "data-categories", f"{category_place}.valueCoding", issues)
            )
    values["data_categories"] = categories
    if entry := one(found, "caseReference"):
        values["case_reference"] = value(entry[1], entry[0], "String", issues)
    if entry := one(found, "consent"):
        values["consent"] = _read_consent(*entry, issues)
    return values


def _read_practitioner(
    place: str, item: ParametersParameter, issues: IssueList
) -> Practitioner | None:
    allowed = {"identifier": (1, 1), "name": (1, 1), "role": (1, 1)}
    found = group(parts(item, place, issues), f"{place}.part", allowed, issues)
    values: dict[str, Any] = {}
    if entry := one(found, "identifier"):
        values["identifier"] = _identifier_value(entry[1], entry[0], issues)
    if entry := one(found, "name"):
        values["name"] = value(entry[1], entry[0], "String", issues)
    if entry := one(found, "role"):
        role = value(entry[1], entry[0], "Coding", issues)
        if role is not None:
            values["role"] = read_coding(
                role, "practitioner-roles", f"{entry[0]}.valueCoding", issues
            )
    if issues:
        return None
    renames = {name: f"part[{name}]" for name in allowed}
    return issues.build(Practitioner, place, values, renames)


def _read_policy(
    place: str, item: ParametersParameter, issues: IssueList
) -> PolicyReference | None:
    allowed = {"identifier": (1, 1), "version": (1, 1), "digest": (1, 1)}
    found = group(parts(item, place, issues), f"{place}.part", allowed, issues)
    values: dict[str, Any] = {}
    if entry := one(found, "identifier"):
        values["identifier"] = _identifier_value(
            entry[1], entry[0], issues, SHARING_POLICY_ID_SYSTEM
        )
    if entry := one(found, "version"):
        values["version"] = value(entry[1], entry[0], "Integer", issues)
    if entry := one(found, "digest"):
        values["digest"] = value(entry[1], entry[0], "String", issues)
    if issues:
        return None
    renames = {name: f"part[{name}]" for name in allowed}
    return issues.build(PolicyReference, place, values, renames)


def _read_consent(place: str, item: ParametersParameter, issues: IssueList) -> Consent | None:
    allowed = {"status": (1, 1), "scope": (0, None), "expires": (0, 1)}
    found = group(parts(item, place, issues), f"{place}.part", allowed, issues)
    values: dict[str, Any] = {}
    if entry := one(found, "status"):
        values["status"] = value(entry[1], entry[0], "Code", issues)
    scope = []
    for scope_place, scope_item in found.get("scope", []):
        chosen = value(scope_item, scope_place, "Coding", issues)
        if chosen is not None:
            scope.append(read_coding(chosen, "purposes", f"{scope_place}.valueCoding", issues))
    values["scope"] = scope
    if entry := one(found, "expires"):
        values["expires"] = value(entry[1], entry[0], "Date", issues)
    if issues:
        return None
    renames = {"status": "part[status]", "scope": "part[scope]", "expires": "part[expires]"}
    return issues.build(Consent, place, values, renames)
