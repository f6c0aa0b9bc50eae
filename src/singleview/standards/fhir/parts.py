"""Reading named parameters and parts, checking names, cardinality and value types as we go."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fhir.resources.R4B.parameters import ParametersParameter

from singleview.standards.fhir.common import IssueList

#: (minimum, maximum) occurrences; None means unbounded.
Cardinality = tuple[int, int | None]
Named = list[tuple[str, ParametersParameter]]


def param(name: str, **value: Any) -> ParametersParameter:
    """One parameter or part, e.g. ``param("match", valueBoolean=True)``."""
    return ParametersParameter(name=name, **value)


def group(
    items: Sequence[ParametersParameter] | None,
    element: str,
    allowed: Mapping[str, Cardinality],
    issues: IssueList,
) -> dict[str, Named]:
    """The parameters by name, each with the element path that names it.

    ``items`` is None when the parent had no parts at all (already reported).

    Unknown names and wrong counts are recorded as issues; a path is ``element[name]``, or
    ``element[name][k]`` for the k-th of a repeated name.
    """
    found: dict[str, Named] = {}
    if items is None:
        return found  # the parent is already refused for having no parts: say it once
    for item in items:
        found.setdefault(item.name or "", []).append(("", item))
    for name, entries in found.items():
        for k, (_, item) in enumerate(entries):
            place = f"{element}[{name}]" if len(entries) == 1 else f"{element}[{name}][{k}]"
            entries[k] = (place, item)
        if name not in allowed:
            known = ", ".join(allowed)
            issues.add(entries[0][0], f"is not a parameter here (expected: {known})", "structure")
    for name, (minimum, maximum) in allowed.items():
        count = len(found.get(name, []))
        if count < minimum:
            issues.add(f"{element}[{name}]", "is required", "required")
        if maximum is not None and count > maximum:
            times = "once" if maximum == 1 else f"{maximum} times"
            issues.add(f"{element}[{name}]", f"may appear at most {times}", "structure")
    return found


def value(item: ParametersParameter, place: str, kind: str, issues: IssueList) -> Any:
    """The ``value[kind]`` of a parameter, recording an issue when it has another type."""
    got = getattr(item, f"value{kind}", None)
    if got is None:
        given = _given_kinds(item)
        what = f", not {given}" if given else ""
        issues.add(place, f"must be a value{kind}{what}", "structure")
    return got


def resource(item: ParametersParameter, place: str, kind: str, issues: IssueList) -> Any:
    """The embedded resource of a parameter, recording an issue when it is not a ``kind``."""
    got = item.resource
    if got is None:
        given = _given_kinds(item)
        issues.add(place, f"must carry a {kind} resource{f', not {given}' if given else ''}")
        return None
    if got.get_resource_type() != kind:
        issues.add(
            f"{place}.resource.resourceType",
            f"must be {kind!r}, not {got.get_resource_type()!r}",
            "structure",
        )
        return None
    return got


def parts(
    item: ParametersParameter, place: str, issues: IssueList
) -> list[ParametersParameter] | None:
    """The parts of a parameter that must have parts; None (and an issue) when it has none."""
    if not item.part:
        given = _given_kinds(item)
        issues.add(place, f"must have parts{f', not {given}' if given else ''}", "structure")
        return None
    return list(item.part)


def one(found: Mapping[str, Named], name: str) -> tuple[str, ParametersParameter] | None:
    """The single entry called ``name``, if present (cardinality is checked by ``group``)."""
    entries = found.get(name)
    return entries[0] if entries else None


def _given_kinds(item: ParametersParameter) -> str:
    names = [
        key
        for key in type(item).model_fields
        if (key.startswith("value") or key in ("resource", "part"))
        and not key.endswith("__ext")
        and getattr(item, key) not in (None, [])
    ]
    return " and ".join(names)
