"""The quick reader takes the canonical shape, never accepts what fhir.resources refuses, and
never reads anything differently from it."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fhir.resources.R4B.parameters import Parameters
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from singleview.standards.answer import Answer
from singleview.standards.enquiry import Enquiry
from singleview.standards.fhir import (
    answer_to_parameters,
    enquiry_to_parameters,
    parameters_to_answer,
    parameters_to_enquiry,
    parse_answer,
    parse_enquiry,
    read_resource,
    to_json,
)
from singleview.standards.fhir.quick import quick_parameters
from singleview.standards.issues import InvalidInput
from tests.standards.conftest import example
from tests.standards.direct_readers import each_element
from tests.standards.strategies import answers, enquiries
from tests.standards.test_never_crashes import _paths, _replace, json_values

CHECKS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXAMPLES = [
    "request-full.json",
    "response-match-full.json",
    "v0.3-request.json",
    "v0.3-response-match.json",
    "v0.3-response-nomatch.json",
]
#: Values that sit just outside FHIR's formats, or inside them but outside what is read quickly.
AWKWARD = [
    None, "", " ", "a\nb", "tab\there", True, 0, 1.5, -1, 2**31, [], {}, [None], {"x": 1},
    "2015-02-30", "2015-13", "2015-00", "0000", "2015-1-2", "2015-03-02T10:00:00",
    "2015-03-02T25:00:00Z", "2015-03-02T10:00Z", "2015-03-02T10:00:00.1234567Z",
    "2015-03-02T10:00:00+25:00", "http://x y", "code  two", " lead", "trail ",
]  # fmt: skip


def _full(body: Any) -> Parameters | InvalidInput:
    try:
        return read_resource(copy.deepcopy(body), Parameters)
    except InvalidInput as refused:
        return refused


def _agrees(body: Any) -> None:
    quick = quick_parameters(copy.deepcopy(body))
    if quick is None:
        return  # left to the full reader: always safe
    full = _full(body)
    assert not isinstance(full, InvalidInput), f"quick accepted what FHIR refuses: {full}"
    assert quick == full


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_is_read_quickly_and_the_same(name: str) -> None:
    body = example(name)
    assert quick_parameters(body) is not None
    _agrees(body)


@CHECKS
@given(enquiries())
def test_any_enquiry_we_send_is_read_quickly_into_the_same_enquiry(enquiry: Enquiry) -> None:
    body = to_json(enquiry_to_parameters(enquiry))
    quick = quick_parameters(body)
    assert quick is not None
    assert quick == read_resource(body, Parameters)
    assert parse_enquiry(json.dumps(body)) == parameters_to_enquiry(read_resource(body, Parameters))


@CHECKS
@given(answers())
def test_any_answer_we_send_is_read_quickly_into_the_same_answer(answer: Answer) -> None:
    body = to_json(answer_to_parameters(answer))
    quick = quick_parameters(body)
    assert quick is not None
    assert quick == read_resource(body, Parameters)
    assert parse_answer(json.dumps(body)) == parameters_to_answer(read_resource(body, Parameters))


@pytest.mark.parametrize("name", EXAMPLES)
@CHECKS
@given(data=st.data())
def test_one_element_replaced_by_any_json_is_never_read_differently(
    name: str, data: st.DataObject
) -> None:
    body = example(name)
    path = data.draw(st.sampled_from(_paths(body)))
    _agrees(_replace(body, path, data.draw(json_values)))


@pytest.mark.parametrize("name", ["request-full.json", "response-match-full.json"])
@pytest.mark.parametrize("awkward", AWKWARD, ids=repr)
def test_awkward_values_anywhere_are_never_read_differently(name: str, awkward: Any) -> None:
    body = example(name)
    for path in _paths(body):
        _agrees(_replace(copy.deepcopy(body), path, copy.deepcopy(awkward)))


@pytest.mark.parametrize("name", ["request-full.json", "response-match-full.json"])
def test_an_extra_key_anywhere_goes_to_the_full_reader(name: str) -> None:
    for path, changed, target in each_element(example(name)):
        if isinstance(target, dict):
            target["id"] = "x"
            assert quick_parameters(changed) is None, path
            _agrees(changed)
