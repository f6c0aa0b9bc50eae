"""What the direct readers (``answer_json``, ``enquiry_json``) share.

A direct reader takes a body's values out of its JSON without building FHIR objects, validates
them into the domain model, writes that model back with our own writer, and keeps the result
only if the written JSON equals the body. Anything that does not fit raises here and is read
as "not written by us": the caller then uses the reader through FHIR objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from singleview.standards.fhir.quick import NotCanonicalError, as_code, as_string

M = TypeVar("M", bound=BaseModel)
Grouped = dict[str, list[dict[str, Any]]]


def read_written(
    data: Any,
    model: type[M],
    fields: Callable[[Any], dict[str, Any]],
    write: Callable[[M], dict[str, Any]],
) -> M | None:
    """``model`` built from ``fields(data)`` if ``write`` gives ``data`` back exactly, else None.

    The comparison is Python's ``==``, which takes ``true`` for ``1`` and ``1`` for ``1.0``:
    ``fields`` must check the JSON type of every boolean and number the writer writes.
    """
    try:
        if type(data) is not dict or data.get("resourceType") != "Parameters":
            return None
        read = model.model_validate(fields(data))
        if write(read) != data:
            return None
    except (NotCanonicalError, LookupError, TypeError, ValueError, AttributeError):
        # ValueError covers pydantic's ValidationError and an unknown vocabulary code.
        return None
    return read


def by_name(items: Any) -> Grouped:
    """A parameter list's items grouped by their names, in order."""
    if type(items) is not list:
        raise NotCanonicalError
    grouped: Grouped = {}
    for item in items:
        grouped.setdefault(as_string(item["name"]), []).append(item)
    return grouped


def first(grouped: Grouped, name: str, key: str, read: Callable[[Any], Any]) -> Any:
    """``read`` of the first ``name`` item's ``key`` value, or None when there is none.

    A repeated item is not refused here: the writer writes one, so the comparison refuses it.
    """
    found = grouped.get(name)
    return read(found[0][key]) if found else None


def code_of(coding: Any) -> str:
    """A Coding's code. Its system and display are not read: the write-back check holds them
    to the vocabulary's."""
    return as_code(coding["code"])


def value_of(identifier: Any) -> str:
    """An Identifier's value. Its system is not read: the write-back check holds it."""
    return as_string(identifier["value"])


def optional(element: Any, key: str) -> str | None:
    """A free-text value that may be absent."""
    return as_string(element[key]) if key in element else None
