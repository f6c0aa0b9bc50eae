"""Our fast serialiser writes exactly what fhir.resources writes, for everything we build."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from singleview.standards.answer import Answer
from singleview.standards.enquiry import Enquiry
from singleview.standards.fhir import (
    answer_to_json,
    answer_to_parameters,
    enquiry_to_parameters,
    operation_outcome,
    parse_enquiry,
    refusal_outcome,
    to_json,
)
from singleview.standards.issues import InvalidInput
from tests.standards.conftest import example
from tests.standards.strategies import answers, enquiries

SAME = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _reference(resource: Any) -> Any:
    return json.loads(resource.model_dump_json(exclude_none=True))


def _same_text(resource: Any) -> None:
    # Key order too: both follow FHIR's element order, so the bytes agree as well.
    assert json.dumps(to_json(resource)) == json.dumps(_reference(resource))


@SAME
@given(answers())
def test_answers_serialise_as_fhir_resources_does(answer: Answer) -> None:
    _same_text(answer_to_parameters(answer))


@SAME
@given(enquiries())
def test_enquiries_serialise_as_fhir_resources_does(enquiry: Enquiry) -> None:
    _same_text(enquiry_to_parameters(enquiry))


def test_outcomes_serialise_as_fhir_resources_does() -> None:
    body = example("request-full.json")
    body["parameter"][0]["resource"]["birthDate"] = "2015-02-30"
    with pytest.raises(InvalidInput) as refused:
        parse_enquiry(body)
    _same_text(operation_outcome(refused.value.issues))
    _same_text(refusal_outcome([("policy-expired", "The agreement ended.")]))


@SAME
@given(answers())
def test_fhir_resources_writes_our_answers_back_byte_for_byte(answer: Answer) -> None:
    # answer_to_parameters is our JSON read into fhir.resources models: they must give it back.
    expected = json.dumps(to_json(answer_to_parameters(answer)))
    assert json.dumps(answer_to_json(answer)) == expected
