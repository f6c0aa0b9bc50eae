"""FHIR R4 (fhir.resources R4B models) at the edge: the profile's request and answer.

Call ``parse_enquiry`` / ``parse_answer`` on a body, ``enquiry_to_parameters`` /
``answer_to_parameters`` to build one, ``to_json`` to serialise, and ``operation_outcome`` /
``refusal_outcome`` for 400 and 403 replies.
"""

from singleview.standards.fhir.answer import (
    answer_to_parameters,
    parameters_to_answer,
    parse_answer,
)
from singleview.standards.fhir.answer_json import answer_to_json
from singleview.standards.fhir.enquiry import (
    enquiry_to_parameters,
    parameters_to_enquiry,
    parse_enquiry,
)
from singleview.standards.fhir.enquiry_json import enquiry_to_json
from singleview.standards.fhir.organisation import contact_to_organization, organization_to_contact
from singleview.standards.fhir.outcome import (
    operation_outcome,
    outcome_issues,
    read_resource,
    refusal_codes,
    refusal_outcome,
)
from singleview.standards.fhir.patient import patient_to_person, person_to_patient
from singleview.standards.fhir.serialise import to_json

__all__ = [
    "answer_to_json",
    "answer_to_parameters",
    "contact_to_organization",
    "enquiry_to_json",
    "enquiry_to_parameters",
    "operation_outcome",
    "organization_to_contact",
    "outcome_issues",
    "parameters_to_answer",
    "parameters_to_enquiry",
    "parse_answer",
    "parse_enquiry",
    "patient_to_person",
    "person_to_patient",
    "read_resource",
    "refusal_codes",
    "refusal_outcome",
    "to_json",
]
