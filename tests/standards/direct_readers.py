"""Helpers for the tests of the faster readers: do they read a body as the full reader does?"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

from singleview.standards.issues import InvalidInput
from tests.standards.test_never_crashes import _paths


def full_or_refusal(read_full: Callable[[str], Any], body: Any) -> Any:
    """What the full reader makes of ``body`` sent as JSON text, or its refusal."""
    try:
        return read_full(json.dumps(body))
    except InvalidInput as refused:
        return refused


def agrees(read_fast: Callable[[Any], Any], read_full: Callable[[str], Any], body: Any) -> bool:
    """Assert the fast reader reads ``body`` as the full reader does; say if it read it."""
    fast = read_fast(copy.deepcopy(body))
    if fast is None:
        return False  # left to the full reader: always safe
    full = full_or_refusal(read_full, body)
    assert not isinstance(full, InvalidInput), f"read quickly what FHIR refuses: {full}"
    assert fast == full
    return True


def each_element(body: Any) -> Iterator[tuple[tuple[Any, ...], Any, Any]]:
    """For every element of ``body``: its path, a fresh copy of the body, and the element in it."""
    for path in _paths(body):
        changed = copy.deepcopy(body)
        target = changed
        for step in path:
            target = target[step]
        yield path, changed, target
