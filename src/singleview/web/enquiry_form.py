"""The practitioner's enquiry form: from what was typed to a ``Person`` and a purpose, or to
error messages in the GOV.UK style (one per field, saying what to do)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from singleview.standards.enquiry import REFERENCE_MAX_LENGTH, has_control_characters
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM, is_valid_nhs_number
from singleview.standards.person import Person
from singleview.standards.postcode import normalise_postcode
from singleview.standards.vocabulary import load_vocabulary

FIELDS = (
    "given_names",
    "family_name",
    "dob-day",
    "dob-month",
    "dob-year",
    "nhs_number",
    "postcode",
    "purpose",
    "case_reference",
    "consent",
)
#: Purposes below the s47 threshold, where partners' agreements ask for the family's consent.
CONSENT_PURPOSES = frozenset({"early-help", "s17-child-in-need", "mash-triage"})
CONSENT_ANSWERS = {"given": "Yes, consent was given", "refused": "No, consent was refused"}


@dataclass(frozen=True, slots=True)
class EnquiryFields:
    """A valid enquiry form."""

    person: Person
    purpose: str
    case_reference: str | None
    consent: str | None


def purposes() -> list[tuple[str, str]]:
    """The safeguarding purposes a practitioner can pick, with their labels."""
    scheme = load_vocabulary("purposes")
    return [
        (code, scheme.require(code).pref_label)
        for code in scheme.codes
        if scheme.require(code).safeguarding
    ]


def _date_of_birth(day: str, month: str, year: str, today: dt.date) -> tuple[str | None, str]:
    if not (day or month or year):
        return None, "Enter the date of birth"
    parts = (("day", day), ("month", month), ("year", year))
    missing = [name for name, value in parts if not value]
    if missing:
        return None, f"Date of birth must include a {' and '.join(missing)}"
    try:
        born = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None, "Date of birth must be a real date"
    if born > today:
        return None, "Date of birth must be today or in the past"
    if born.year < today.year - 120:
        return None, "Date of birth must be within the last 120 years"
    return born.isoformat(), ""


def parse_enquiry_form(
    form: Mapping[str, str], today: dt.date
) -> tuple[EnquiryFields | None, dict[str, str]]:
    """The enquiry when the form is valid, otherwise the error for each field (in page order)."""
    values = {name: form.get(name, "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    if not values["given_names"]:
        errors["given_names"] = "Enter the child's first name"
    if not values["family_name"]:
        errors["family_name"] = "Enter the child's last name"
    dob, problem = _date_of_birth(values["dob-day"], values["dob-month"], values["dob-year"], today)
    if problem:
        errors["dob-day"] = problem
    nhs = values["nhs_number"].replace(" ", "").replace("-", "")
    if nhs and not is_valid_nhs_number(nhs):
        errors["nhs_number"] = "Enter a real NHS number, like 943 476 5919, or leave it blank"
    postcode = None
    if values["postcode"]:
        try:
            postcode = normalise_postcode(values["postcode"])
        except ValueError:
            errors["postcode"] = "Enter a real postcode, like SW1A 2AA, or leave it blank"
    codes = dict(purposes())
    if values["purpose"] not in codes:
        errors["purpose"] = "Select why you are asking"
    if values["purpose"] == "s47-enquiry" and not values["case_reference"]:
        errors["case_reference"] = "Enter the case reference of the section 47 enquiry"
    if len(values["case_reference"]) > REFERENCE_MAX_LENGTH:
        errors["case_reference"] = (
            f"Case reference must be {REFERENCE_MAX_LENGTH} characters or less"
        )
    elif has_control_characters(values["case_reference"]):
        errors["case_reference"] = "Case reference must not include tabs or other hidden characters"
    consent = values["consent"] or None
    if consent is not None and consent not in CONSENT_ANSWERS:
        errors["consent"] = "Select whether the family gave consent"
    if values["purpose"] in CONSENT_PURPOSES and consent is None:
        errors["consent"] = "Select whether the family gave consent, which this purpose needs"
    if errors:
        return None, errors
    document: dict[str, object] = {
        "names": [
            {"familyName": values["family_name"], "givenNames": values["given_names"].split()}
        ],
        "dateOfBirth": {"date": dob},
    }
    if nhs:
        document["identifiers"] = [{"system": NHS_NUMBER_SYSTEM, "value": nhs}]
    if postcode:
        document["addresses"] = [{"postcode": postcode}]
    try:
        person = Person.model_validate(document)
    except ValidationError as error:
        message = error.errors()[0]["msg"]
        return None, {"given_names": f"The child's details could not be read: {message}"}
    return (
        EnquiryFields(
            person=person,
            purpose=values["purpose"],
            case_reference=values["case_reference"] or None,
            consent=consent,
        ),
        {},
    )
