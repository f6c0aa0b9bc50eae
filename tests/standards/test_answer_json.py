"""Reading an answer directly: every answer we write is read back into itself, and a body that is
anything else is either left to the full reader or read exactly as the full reader reads it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from singleview.standards.answer import Answer
from singleview.standards.fhir import answer_to_json, parameters_to_answer, parse_answer
from singleview.standards.fhir.answer_json import read_written_answer
from singleview.standards.fhir.outcome import read_parameters
from singleview.standards.issues import InvalidInput
from tests.standards.conftest import example
from tests.standards.direct_readers import agrees, each_element, full_or_refusal
from tests.standards.strategies import answers
from tests.standards.test_never_crashes import _paths, _replace, json_values
from tests.standards.test_quick_reader import AWKWARD

CHECKS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXAMPLES = ["response-match-full.json", "v0.3-response-match.json", "v0.3-response-nomatch.json"]


def _through_fhir_objects(text: str) -> Answer:
    """The full reader, as a requester would read ``text`` without the direct reader."""
    return parameters_to_answer(read_parameters(text))


def _full(body: Any) -> Answer | InvalidInput:
    return full_or_refusal(_through_fhir_objects, body)


def _agrees(body: Any) -> bool:
    return agrees(read_written_answer, _through_fhir_objects, body)


def _written(name: str) -> dict[str, Any]:
    """An example answer as this code writes it."""
    return answer_to_json(parse_answer(example(name)))


@CHECKS
@given(answers())
def test_every_answer_we_write_is_read_directly_into_itself(answer: Answer) -> None:
    body = answer_to_json(answer)
    assert read_written_answer(copy.deepcopy(body)) == answer
    assert _full(body) == answer


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_examples_as_we_write_them_are_read_directly(name: str) -> None:
    assert _agrees(_written(name))


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
    body = _written("response-match-full.json")
    for path in _paths(body)[1:]:
        _agrees(_replace(copy.deepcopy(body), path, copy.deepcopy(awkward)))


@pytest.mark.parametrize(
    ("where", "new"),
    [
        (("parameter", 0, "valueBoolean"), 1),  # == True in Python, not a JSON boolean
        (("parameter", 2, "valueDecimal"), True),
        (("parameter", -1, "part", 1, "valueInteger"), 1.0),
        (("parameter", -1, "part", 1, "valueInteger"), False),
    ],
    ids=["match-1", "score-true", "leafIndex-1.0", "leafIndex-false"],
)
def test_a_number_or_boolean_of_the_wrong_json_type_is_not_read_directly(
    where: tuple[Any, ...], new: Any
) -> None:
    body = _written("response-match-full.json")
    assert not _agrees(_replace(body, where, new))


def test_an_extra_key_or_parameter_anywhere_goes_to_the_full_reader() -> None:
    for path, changed, target in each_element(_written("response-match-full.json")):
        if isinstance(target, dict):
            target["id"] = "x"
            assert read_written_answer(changed) is None, path
        if isinstance(target, list) and target and isinstance(target[0], dict):
            target.append(copy.deepcopy(target[0]))  # some lists may repeat, some not
            _agrees(changed)
