"""Property tests: FHIR → domain → FHIR is unchanged, and so is domain → FHIR → domain."""

from __future__ import annotations

import json

from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from hypothesis import HealthCheck, given, settings

from singleview.standards.answer import Answer
from singleview.standards.enquiry import Enquiry
from singleview.standards.fhir import (
    answer_to_parameters,
    contact_to_organization,
    enquiry_to_parameters,
    organization_to_contact,
    parameters_to_answer,
    parameters_to_enquiry,
    parse_answer,
    parse_enquiry,
    patient_to_person,
    person_to_patient,
    read_resource,
    to_json,
)
from singleview.standards.fhir.outcome import read_parameters
from singleview.standards.involvement import OrganisationContact
from singleview.standards.person import Person
from tests.standards.strategies import answers, contacts, enquiries, people

ROUND_TRIP = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _wire(resource_json: dict[str, object]) -> bytes:
    """What actually travels: JSON text, so parsing starts from bytes as the edge does."""
    return json.dumps(resource_json).encode("utf-8")


@ROUND_TRIP
@given(people)
def test_patient_round_trips(person: Person) -> None:
    fhir = to_json(person_to_patient(person))
    back = patient_to_person(read_resource(_wire(fhir), Patient))
    assert back == person  # domain → FHIR → domain
    assert to_json(person_to_patient(back)) == fhir  # FHIR → domain → FHIR


@ROUND_TRIP
@given(answers())
def test_answer_parameters_round_trip(answer: Answer) -> None:
    fhir = to_json(answer_to_parameters(answer))
    back = parse_answer(_wire(fhir))
    assert back == answer
    # And through FHIR objects, not the direct reader: the direct reader's safety rests on it.
    assert parameters_to_answer(read_parameters(_wire(fhir))) == answer
    assert to_json(answer_to_parameters(back)) == fhir


@ROUND_TRIP
@given(enquiries())
def test_enquiry_parameters_round_trip(enquiry: Enquiry) -> None:
    fhir = to_json(enquiry_to_parameters(enquiry))
    back = parse_enquiry(_wire(fhir))
    assert back == enquiry
    # And through FHIR objects, not the direct reader: the direct reader's safety rests on it.
    assert parameters_to_enquiry(read_parameters(_wire(fhir))) == enquiry
    assert to_json(enquiry_to_parameters(back)) == fhir


@ROUND_TRIP
@given(contacts)
def test_organization_round_trips(contact: OrganisationContact) -> None:
    fhir = to_json(contact_to_organization(contact))
    back = organization_to_contact(read_resource(_wire(fhir), Organization))
    assert back == contact
    assert to_json(contact_to_organization(back)) == fhir
