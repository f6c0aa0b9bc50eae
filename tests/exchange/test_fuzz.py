"""Fuzz the responder over HTTP: whatever a signed partner sends, never a 500.

Any JSON, and a valid enquiry with one element replaced by any JSON, must be answered with a
signed 4xx OperationOutcome (or, where the mutation still reads as an enquiry, a proper
answer): never a server error, never an unsigned reply.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from singleview.standards.fhir import enquiry_to_parameters, to_json
from tests.exchange import world
from tests.exchange.conftest import Responder, s47_enquiry

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def _check(responder: Responder, body: bytes) -> None:
    response = responder.send("council-csc", body)  # the answer's signature is checked here
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.json()["resourceType"] == "OperationOutcome"


@FUZZ
@given(value=JSON)
def test_any_json_is_refused_cleanly(responders: dict[str, Responder], value: Any) -> None:
    _check(responders["youth-justice"], json.dumps(value).encode())


VALID = to_json(enquiry_to_parameters(s47_enquiry(world.JANE)))
PATHS = _paths(VALID)[1:]


@FUZZ
@given(where=st.sampled_from(PATHS), value=JSON)
def test_any_element_replaced_is_refused_cleanly(
    responders: dict[str, Responder], where: tuple[Any, ...], value: Any
) -> None:
    body = copy.deepcopy(VALID)
    target = body
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    _check(responders["youth-justice"], json.dumps(body).encode())
