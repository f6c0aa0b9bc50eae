"""An enquiry as JSON, written and read directly, without FHIR objects.

The same two halves as ``answer_json``, for the request a partner receives:

**Writing.** ``enquiry_to_json(e)`` is the one writer of an enquiry (the Patient in it is
``patient.patient_json``): building the Patient and some twenty parameters as fhir.resources
models took about 1.9 ms, and writing the JSON directly 0.02 ms. ``enquiry_to_parameters``
reads this JSON into FHIR objects, and fhir.resources writes it back byte for byte
(``tests/standards/test_enquiry_json.py`` checks it on generated enquiries).

**Reading.** Every partner reads every enquiry, and through FHIR objects that cost about half a
millisecond a body, the biggest single part of a partner's work after the match. So
``read_written_enquiry`` takes the values out of the JSON, validates them into an ``Enquiry``,
and writes that Enquiry back with ``enquiry_to_json``; only if the written JSON is the same
JSON is it returned. Anything else (a v0.3 reason-only body, another supplier's layout, a
mistake) returns None, and the caller uses the full reader, whose messages name the element.

Safe for the same reason: the full reader reads ``enquiry_to_json(e)`` back into ``e``
(``tests/standards/test_fhir_round_trip.py``), so a body equal to it is read into ``e`` there
too. Every boolean and number the writer writes has its JSON type checked before the plain
``==`` (which takes ``true`` for ``1``), and free text, codes and URIs are held to the quick
reader's formats.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_jsonable_python

from singleview.standards.enquiry import Consent, Enquiry
from singleview.standards.fhir.common import (
    EXT_UPRN,
    EXT_USRN,
    ORGANISATION_ID_SYSTEM,
    PRACTITIONER_ID_SYSTEM,
    REQUEST_ID_SYSTEM,
    SHARING_POLICY_ID_SYSTEM,
    coding_json,
)
from singleview.standards.fhir.patient import patient_json
from singleview.standards.fhir.quick import (
    NotCanonicalError,
    as_code,
    as_date,
    as_date_time,
    as_full_date,
    as_integer,
    as_string,
    as_uri,
)
from singleview.standards.fhir.written import (
    Grouped,
    by_name,
    code_of,
    first,
    optional,
    read_written,
    value_of,
)

# --- writing -----------------------------------------------------------------------------------


def enquiry_to_json(enquiry: Enquiry) -> dict[str, Any]:
    """The request Parameters for ``enquiry``, as the JSON the wire carries."""
    items: list[dict[str, Any]] = [{"name": "resource", "resource": patient_json(enquiry.subject)}]
    if enquiry.reason is not None:
        items.append({"name": "reason", "valueUri": enquiry.reason})
    if enquiry.has_request:
        items.append({"name": "request", "part": _request_json(enquiry)})
    return {"resourceType": "Parameters", "parameter": items}


def _identifier_part(name: str, system: str, value: str) -> dict[str, Any]:
    return {"name": name, "valueIdentifier": {"system": system, "value": value}}


def _request_json(enquiry: Enquiry) -> list[dict[str, Any]]:
    # The Enquiry validator guarantees these whenever there is a request.
    assert enquiry.request_id is not None
    assert enquiry.requester is not None
    assert enquiry.date_stamp is not None
    out: list[dict[str, Any]] = [
        _identifier_part("identifier", REQUEST_ID_SYSTEM, enquiry.request_id),
        {"name": "dateStamp", "valueDateTime": to_jsonable_python(enquiry.date_stamp)},
        _identifier_part("requester", ORGANISATION_ID_SYSTEM, enquiry.requester),
    ]
    who = enquiry.practitioner
    if who is not None:
        about = [
            _identifier_part("identifier", PRACTITIONER_ID_SYSTEM, who.identifier),
            {"name": "name", "valueString": who.name},
            {"name": "role", "valueCoding": coding_json("practitioner-roles", who.role)},
        ]
        out.append({"name": "practitioner", "part": about})
    out.append({"name": "assertedPurpose", "valueCoding": coding_json("purposes", enquiry.purpose)})
    for policy in enquiry.sharing_policies:
        parts = [
            _identifier_part("identifier", SHARING_POLICY_ID_SYSTEM, policy.identifier),
            {"name": "version", "valueInteger": policy.version},
            {"name": "digest", "valueString": policy.digest},
        ]
        out.append({"name": "sharingPolicy", "part": parts})
    out += [
        {"name": "dataCategory", "valueCoding": coding_json("data-categories", category)}
        for category in enquiry.data_categories
    ]
    if enquiry.case_reference is not None:
        out.append({"name": "caseReference", "valueString": enquiry.case_reference})
    if enquiry.consent is not None:
        out.append({"name": "consent", "part": _consent_json(enquiry.consent)})
    return out


def _consent_json(consent: Consent) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{"name": "status", "valueCode": consent.status}]
    out += [
        {"name": "scope", "valueCoding": coding_json("purposes", code)} for code in consent.scope
    ]
    if consent.expires is not None:
        out.append({"name": "expires", "valueDate": consent.expires.isoformat()})
    return out


# --- reading -----------------------------------------------------------------------------------


def read_written_enquiry(data: Any) -> Enquiry | None:
    """The Enquiry ``data`` is, if it is exactly what ``enquiry_to_json`` writes, else None."""
    return read_written(data, Enquiry, _enquiry_fields, enquiry_to_json)


def _enquiry_fields(data: Any) -> dict[str, Any]:
    top = by_name(data["parameter"])
    fields: dict[str, Any] = {
        "subject": first(top, "resource", "resource", _person),
        "reason": first(top, "reason", "valueUri", as_uri),
    }
    if "request" in top:
        fields.update(_request(by_name(top["request"][0]["part"])))
    return fields


def _request(found: Grouped) -> dict[str, Any]:
    return {
        "request_id": first(found, "identifier", "valueIdentifier", value_of),
        "date_stamp": first(found, "dateStamp", "valueDateTime", as_date_time),
        "requester": first(found, "requester", "valueIdentifier", value_of),
        "practitioner": first(found, "practitioner", "part", _practitioner),
        "asserted_purpose": first(found, "assertedPurpose", "valueCoding", code_of),
        "sharing_policies": [_policy(item["part"]) for item in found.get("sharingPolicy", [])],
        "data_categories": [code_of(i["valueCoding"]) for i in found.get("dataCategory", [])],
        "case_reference": first(found, "caseReference", "valueString", as_string),
        "consent": first(found, "consent", "part", _consent),
    }


def _consent(part: Any) -> dict[str, Any]:
    found = by_name(part)
    return {
        "status": first(found, "status", "valueCode", as_code),
        "scope": [code_of(item["valueCoding"]) for item in found.get("scope", [])],
        "expires": first(found, "expires", "valueDate", as_full_date),
    }


def _practitioner(part: Any) -> dict[str, Any]:
    found = by_name(part)
    return {
        "identifier": first(found, "identifier", "valueIdentifier", value_of),
        "name": first(found, "name", "valueString", as_string),
        "role": first(found, "role", "valueCoding", code_of),
    }


def _policy(part: Any) -> dict[str, Any]:
    found = by_name(part)
    return {
        "identifier": first(found, "identifier", "valueIdentifier", value_of),
        "version": first(found, "version", "valueInteger", as_integer),
        "digest": first(found, "digest", "valueString", as_string),
    }


def _person(patient: Any) -> dict[str, Any]:
    if patient["resourceType"] != "Patient":
        raise NotCanonicalError
    born = patient.get("birthDate")
    accuracy = patient.get("_birthDate", {}).get("extension", [{}])[0].get("valueCode")
    gender = patient.get("_gender", {}).get("extension", [{}])[0].get("valueCoding")
    sex = patient.get("extension", [{}])[0].get("valueCoding")
    return {
        "identifiers": [
            {"system": as_uri(i["system"]), "value": as_string(i["value"])}
            for i in patient.get("identifier", [])
        ],
        "names": [_name(name) for name in patient["name"]],
        "date_of_birth": None
        if born is None
        else {"date": _partial_date(born), "accuracy_indicator": accuracy and as_code(accuracy)},
        "gender": None if gender is None else code_of(gender),
        "sex": None if sex is None else code_of(sex),
        "addresses": [_address(address) for address in patient.get("address", [])],
    }


def _name(name: Any) -> dict[str, Any]:
    return {
        "use": as_code(name["use"]),
        "family_name": as_string(name["family"]),
        "given_names": [as_string(given) for given in name.get("given", [])],
        "preferred_names": [as_string(e["valueString"]) for e in name.get("extension", [])],
    }


def _address(address: Any) -> dict[str, Any]:
    lines = [as_string(line) for line in address.get("line", [])]
    numbers = {e["url"]: as_string(e["valueString"]) for e in address.get("extension", [])}
    period = address.get("period", {})
    return {
        "use": as_code(address["use"]),
        "line1": lines[0] if lines else None,
        "line2": lines[1] if len(lines) > 1 else None,
        "city": optional(address, "city"),
        "postcode": optional(address, "postalCode"),
        "period_start": as_full_date(period["start"]) if "start" in period else None,
        "period_end": as_full_date(period["end"]) if "end" in period else None,
        "uprn": numbers.get(EXT_UPRN),
        "usrn": numbers.get(EXT_USRN),
    }


def _partial_date(born: Any) -> str:
    as_date(born)  # a year, a year and month, or a real date
    return str(born)
