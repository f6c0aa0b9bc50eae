"""An enquiry as JSON, written and read directly, without FHIR objects.

The same two halves as ``answer_json``, for the request a partner receives:

**Writing.** ``enquiry_to_json(e)`` is ``to_json(enquiry_to_parameters(e))`` written directly,
byte for byte (``tests/standards/test_enquiry_json.py`` checks it on generated enquiries):
building the Patient and some twenty parameters as fhir.resources models took about 1.9 ms.

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
    EXT_DATE_ACCURACY,
    EXT_PHENOTYPIC_SEX,
    EXT_PREFERRED_NAME,
    EXT_STATED_GENDER,
    EXT_UPRN,
    EXT_USRN,
    ORGANISATION_ID_SYSTEM,
    PRACTITIONER_ID_SYSTEM,
    REQUEST_ID_SYSTEM,
    SHARING_POLICY_ID_SYSTEM,
    coding_json,
)
from singleview.standards.fhir.patient import GENDER_TO_FHIR
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
from singleview.standards.person import Address, Person, PersonName

# --- writing -----------------------------------------------------------------------------------


def enquiry_to_json(enquiry: Enquiry) -> dict[str, Any]:
    """``to_json(enquiry_to_parameters(enquiry))``, written directly as JSON."""
    items: list[dict[str, Any]] = [{"name": "resource", "resource": _patient_json(enquiry.subject)}]
    if enquiry.reason is not None:
        items.append({"name": "reason", "valueUri": enquiry.reason})
    if enquiry.has_request:
        items.append({"name": "request", "part": _request_json(enquiry)})
    return {"resourceType": "Parameters", "parameter": items}


def _identifier(system: str, value: str) -> dict[str, Any]:
    return {"system": system, "value": value}


def _identifier_part(name: str, system: str, value: str) -> dict[str, Any]:
    return {"name": name, "valueIdentifier": _identifier(system, value)}


def _extension(url: str, **value: Any) -> dict[str, Any]:
    return {"url": url, **value}


def _patient_json(person: Person) -> dict[str, Any]:
    out: dict[str, Any] = {"resourceType": "Patient"}
    if person.sex is not None:
        sex = coding_json("sex", person.sex)
        out["extension"] = [_extension(EXT_PHENOTYPIC_SEX, valueCoding=sex)]
    if person.identifiers:
        out["identifier"] = [_identifier(i.system, i.value) for i in person.identifiers]
    out["name"] = [_name_json(name) for name in person.names]
    if person.gender is not None:
        out["gender"] = GENDER_TO_FHIR[person.gender]
        stated = coding_json("gender", person.gender)
        out["_gender"] = {"extension": [_extension(EXT_STATED_GENDER, valueCoding=stated)]}
    born = person.date_of_birth
    if born is not None:
        out["birthDate"] = born.date.isoformat()
        if born.accuracy_indicator:
            accuracy = _extension(EXT_DATE_ACCURACY, valueCode=born.accuracy_indicator)
            out["_birthDate"] = {"extension": [accuracy]}
    if person.addresses:
        out["address"] = [_address_json(address) for address in person.addresses]
    return out


def _name_json(name: PersonName) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if name.preferred_names:
        out["extension"] = [
            _extension(EXT_PREFERRED_NAME, valueString=preferred)
            for preferred in name.preferred_names
        ]
    out["use"] = name.use
    out["family"] = name.family_name
    if name.given_names:
        out["given"] = list(name.given_names)
    return out


def _address_json(address: Address) -> dict[str, Any]:
    out: dict[str, Any] = {}
    extensions = [
        _extension(url, valueString=str(number))
        for url, number in ((EXT_UPRN, address.uprn), (EXT_USRN, address.usrn))
        if number is not None
    ]
    if extensions:
        out["extension"] = extensions
    out["use"] = address.use
    lines = [line for line in (address.line1, address.line2) if line]
    if lines:
        out["line"] = lines
    if address.city:
        out["city"] = address.city
    if address.postcode:
        out["postalCode"] = address.postcode
    if address.period_start or address.period_end:
        period: dict[str, Any] = {}
        if address.period_start is not None:
            period["start"] = address.period_start.isoformat()
        if address.period_end is not None:
            period["end"] = address.period_end.isoformat()
        out["period"] = period
    return out


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
