"""fhir.resources gives the enquiry we write back byte for byte; every enquiry we write is read
directly back into itself; and a body that is anything else is either left to the full reader
or read exactly as the full reader reads it."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from singleview.standards.enquiry import Enquiry
from singleview.standards.fhir import (
    enquiry_to_json,
    enquiry_to_parameters,
    parameters_to_enquiry,
    parse_enquiry,
    to_json,
)
from singleview.standards.fhir.enquiry_json import read_written_enquiry
from singleview.standards.fhir.outcome import read_parameters
from singleview.standards.issues import InvalidInput
from tests.standards.conftest import example
from tests.standards.direct_readers import agrees, each_element, full_or_refusal
from tests.standards.strategies import enquiries
from tests.standards.test_never_crashes import _paths, _replace, json_values
from tests.standards.test_quick_reader import AWKWARD

CHECKS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXAMPLES = ["request-full.json", "v0.3-request.json"]


def _through_fhir_objects(text: str) -> Enquiry:
    """The full reader, as a partner would read ``text`` without the direct reader."""
    return parameters_to_enquiry(read_parameters(text))


def _full(body: Any) -> Enquiry | InvalidInput:
    return full_or_refusal(_through_fhir_objects, body)


def _agrees(body: Any) -> bool:
    return agrees(read_written_enquiry, _through_fhir_objects, body)


def _written(name: str) -> dict[str, Any]:
    return enquiry_to_json(parse_enquiry(example(name)))


@CHECKS
@given(enquiries())
def test_fhir_resources_writes_our_enquiries_back_byte_for_byte(enquiry: Enquiry) -> None:
    expected = json.dumps(to_json(enquiry_to_parameters(enquiry)))
    assert json.dumps(enquiry_to_json(enquiry)) == expected


@CHECKS
@given(enquiries())
def test_every_enquiry_we_write_is_read_directly_into_itself(enquiry: Enquiry) -> None:
    body = enquiry_to_json(enquiry)
    assert read_written_enquiry(copy.deepcopy(body)) == enquiry
    assert _full(body) == enquiry


def test_the_full_example_as_we_write_it_is_read_directly() -> None:
    assert _agrees(_written("request-full.json"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_examples_as_given_are_never_read_differently(name: str) -> None:
    _agrees(example(name))


@pytest.mark.parametrize("name", EXAMPLES)
@CHECKS
@given(data=st.data())
def test_one_element_replaced_by_any_json_is_never_read_differently(
    name: str, data: st.DataObject
) -> None:
    body = _written(name)
    path = data.draw(st.sampled_from(_paths(body)[1:]))
    _agrees(_replace(body, path, data.draw(json_values)))


@pytest.mark.parametrize("awkward", AWKWARD, ids=repr)
def test_awkward_values_anywhere_are_never_read_differently(awkward: Any) -> None:
    body = _written("request-full.json")
    for path in _paths(body)[1:]:
        _agrees(_replace(copy.deepcopy(body), path, copy.deepcopy(awkward)))


def test_a_policy_version_of_the_wrong_json_type_is_not_read_directly() -> None:
    body = _written("request-full.json")
    request = body["parameter"][-1]["part"]
    policy = next(p for p in request if p["name"] == "sharingPolicy")
    for wrong in (1.0, True):
        policy["part"][1]["valueInteger"] = wrong  # == 1 in Python, not a JSON integer
        assert not _agrees(body)


def test_a_date_stamp_without_a_time_zone_is_not_read_directly() -> None:
    body = _written("request-full.json")
    stamp = next(p for p in body["parameter"][-1]["part"] if p["name"] == "dateStamp")
    stamp["valueDateTime"] = stamp["valueDateTime"].removesuffix("Z")
    assert not _agrees(body)


def test_an_extra_key_or_repeated_item_anywhere_goes_to_the_full_reader_or_agrees() -> None:
    for path, changed, target in each_element(_written("request-full.json")):
        if isinstance(target, dict):
            target["id"] = "x"
            assert read_written_enquiry(changed) is None, path
        if isinstance(target, list) and target:
            target.append(copy.deepcopy(target[0]))
            _agrees(changed)
