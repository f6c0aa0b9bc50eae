"""Whatever arrives, parsing refuses it with InvalidInput or accepts it: never another error.

The responder maps InvalidInput to a 400; any other exception would be a 500.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from singleview.standards.fhir import (
    answer_to_parameters,
    parse_answer,
    parse_enquiry,
    to_json,
)
from singleview.standards.issues import InvalidInput
from tests.standards.conftest import example

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _replace(node: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    node[path[0]] = _replace(node[path[0]], path[1:], new)
    return node


def _parse_safely(parse: Any, body: Any) -> None:
    try:
        parse(json.dumps(body))
    except InvalidInput as refused:
        issues = refused.issues
    else:
        return
    assert issues
    assert all(issue.element and issue.reason for issue in issues)


@pytest.mark.parametrize(
    ("name", "parse"),
    [("request-full.json", parse_enquiry), ("response-match-full.json", parse_answer)],
)
@FUZZ
@given(data=st.data())
def test_any_one_element_replaced_by_any_json_is_refused_cleanly(
    name: str, parse: Any, data: st.DataObject
) -> None:
    body = example(name)
    path = data.draw(st.sampled_from(_paths(body)))
    _parse_safely(parse, _replace(body, path, data.draw(json_values)))


@FUZZ
@given(json_values)
def test_arbitrary_json_is_refused_cleanly(body: Any) -> None:
    _parse_safely(parse_enquiry, body)
    _parse_safely(parse_answer, body)


@pytest.mark.parametrize("name", ["v0.3-response-match.json", "v0.3-response-nomatch.json"])
def test_v03_responses_round_trip_unchanged(name: str) -> None:
    body = example(name)
    assert to_json(answer_to_parameters(parse_answer(body))) == body
