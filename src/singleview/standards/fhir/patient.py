"""Person ⇄ FHIR R4 Patient.

Identifiers, names (use, given names, preferred names as an extension), birthDate with the
accuracy indicator as an extension on the element, gender (the four NHS codes map one to one
onto AdministrativeGender; the NHS code also travels in an extension so a reader need not know
the mapping), phenotypic sex as an extension, and addresses with use, period, UPRN and USRN.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fhir.resources.R4B.address import Address as FhirAddress
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.patient import Patient

from singleview.standards.dates import PartialDate
from singleview.standards.fhir.common import (
    EXT_DATE_ACCURACY,
    EXT_PHENOTYPIC_SEX,
    EXT_PREFERRED_NAME,
    EXT_STATED_GENDER,
    EXT_UPRN,
    EXT_USRN,
    IssueList,
    coding_json,
    read_coding,
)
from singleview.standards.person import Address, DateOfBirth, Identifier, Person, PersonName

#: NHS PERSON STATED GENDER CODE ⇄ FHIR AdministrativeGender: a bijection, so nothing is lost.
GENDER_TO_FHIR = {"1": "male", "2": "female", "9": "other", "X": "unknown"}
GENDER_FROM_FHIR = {fhir: nhs for nhs, fhir in GENDER_TO_FHIR.items()}

_NAME_FIELDS = {"family_name": "family", "given_names": "given", "preferred_names": "extension"}
_ADDRESS_FIELDS = {
    "line1": "line[0]",
    "line2": "line[1]",
    "postcode": "postalCode",
    "period_start": "period.start",
    "period_end": "period.end",
    "uprn": "extension",
    "usrn": "extension",
}
_PERSON_FIELDS = {
    "identifiers": "identifier",
    "names": "name",
    "date_of_birth": "birthDate",
    "addresses": "address",
}


def person_to_patient(person: Person) -> Patient:
    """The Patient for ``person``: what ``patient_json`` writes, as FHIR objects."""
    return Patient.model_validate(patient_json(person))


def _identifier(system: str, value: str) -> dict[str, Any]:
    return {"system": system, "value": value}


def _extension(url: str, **value: Any) -> dict[str, Any]:
    return {"url": url, **value}


def patient_json(person: Person) -> dict[str, Any]:
    """The Patient for ``person`` as the JSON the wire carries (``person_to_patient`` reads it
    into FHIR objects)."""
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


def patient_to_person(patient: Patient, element: str = "Patient") -> Person:
    """The Person a Patient describes; InvalidInput names every offending element under it."""
    issues = IssueList()
    identifiers = [
        issues.build(
            Identifier, f"{element}.identifier[{i}]", {"system": fi.system, "value": fi.value}
        )
        for i, fi in enumerate(patient.identifier or [])
    ]
    names = [
        _person_name(name, f"{element}.name[{i}]", issues)
        for i, name in enumerate(patient.name or [])
    ]
    date_of_birth = _date_of_birth(patient, element, issues)
    gender = _gender(patient, element, issues)
    sex = _sex(patient, element, issues)
    addresses = [
        _address(address, f"{element}.address[{i}]", issues)
        for i, address in enumerate(patient.address or [])
    ]
    issues.raise_if_any()
    person = issues.build(
        Person,
        element,
        {
            "identifiers": identifiers,
            "names": names,
            "date_of_birth": date_of_birth,
            "gender": gender,
            "sex": sex,
            "addresses": addresses,
        },
        _PERSON_FIELDS,
    )
    issues.raise_if_any()
    assert person is not None
    return person


def _extensions(owner: Any, url: str) -> list[tuple[int, Extension]]:
    return [(i, ext) for i, ext in enumerate(owner.extension or []) if ext.url == url]


def _person_name(name: HumanName, element: str, issues: IssueList) -> PersonName | None:
    preferred = []
    for i, ext in _extensions(name, EXT_PREFERRED_NAME):
        if ext.valueString is None:
            issues.add(f"{element}.extension[{i}].valueString", "is required", "required")
        else:
            preferred.append(ext.valueString)
    values: dict[str, Any] = {
        "family_name": name.family,
        "given_names": list(name.given or []),
        "preferred_names": preferred,
    }
    if name.use is not None:
        values["use"] = name.use
    return issues.build(PersonName, element, values, _NAME_FIELDS)


def _date_of_birth(patient: Patient, element: str, issues: IssueList) -> DateOfBirth | None:
    accuracy = None
    holder = patient.birthDate__ext
    if holder is not None:
        for i, ext in _extensions(holder, EXT_DATE_ACCURACY):
            accuracy = ext.valueCode
            if accuracy is None:
                issues.add(f"{element}.birthDate.extension[{i}].valueCode", "is required")
    if patient.birthDate is None:
        if accuracy is not None:
            issues.add(f"{element}.birthDate", "an accuracy indicator needs a date", "required")
        return None
    born = patient.birthDate
    date = PartialDate(born.year, born.month, born.day) if isinstance(born, dt.date) else born
    return issues.build(
        DateOfBirth,
        element,
        {"date": date, "accuracy_indicator": accuracy},
        {"date": "birthDate", "accuracy_indicator": "birthDate.extension.valueCode"},
    )


def _gender(patient: Patient, element: str, issues: IssueList) -> str | None:
    from_code = GENDER_FROM_FHIR.get(patient.gender) if patient.gender else None
    holder = patient.gender__ext
    for i, ext in _extensions(holder, EXT_STATED_GENDER) if holder is not None else []:
        place = f"{element}.gender.extension[{i}].valueCoding"
        stated = read_coding(ext.valueCoding, "gender", place, issues)
        if stated is not None and from_code is not None and stated != from_code:
            issues.add(
                place,
                f"NHS gender code {stated!r} contradicts gender {patient.gender!r}",
                "value",
            )
        return stated
    return from_code


def _sex(patient: Patient, element: str, issues: IssueList) -> str | None:
    for i, ext in _extensions(patient, EXT_PHENOTYPIC_SEX):
        return read_coding(ext.valueCoding, "sex", f"{element}.extension[{i}].valueCoding", issues)
    return None


def _address(address: FhirAddress, element: str, issues: IssueList) -> Address | None:
    lines = [line for line in address.line or [] if line]
    values: dict[str, Any] = {
        "line1": lines[0] if lines else None,
        # Lines beyond the second are kept, joined, rather than silently dropped.
        "line2": ", ".join(lines[1:]) if len(lines) > 1 else None,
        "city": address.city,
        "postcode": address.postalCode,
    }
    if address.use is not None:
        values["use"] = address.use
    if address.period is not None:
        values["period_start"] = _day(address.period.start)
        values["period_end"] = _day(address.period.end)
    for url, key in ((EXT_UPRN, "uprn"), (EXT_USRN, "usrn")):
        for i, ext in _extensions(address, url):
            text = ext.valueString or ""
            if not text.isdigit():
                issues.add(f"{element}.extension[{i}].valueString", f"{key.upper()} must be digits")
            else:
                values[key] = int(text)
    return issues.build(Address, element, values, _ADDRESS_FIELDS)


def _day(value: Any) -> dt.date | str | None:
    # Period bounds are FHIR dateTimes; the Person standard keeps the day a person moved.
    if isinstance(value, dt.datetime):
        return value.date()
    return value  # type: ignore[no-any-return]
