"""Reading FHIR JSON safely, and OperationOutcomes that say what was wrong and where.

``read_resource`` never lets a parser exception escape: malformed JSON, a wrong or unknown
``resourceType`` and every fhir.resources validation error become an ``InvalidInput`` whose
issues name the element (parameters by their ``name``, e.g. ``parameter[resource]``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.operationoutcome import OperationOutcome, OperationOutcomeIssue
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.resource import Resource
from pydantic import ValidationError

from singleview.standards.fhir.common import coding, vocabulary_system
from singleview.standards.fhir.quick import quick_parameters
from singleview.standards.issues import InvalidInput, Issue, describe_error

R = TypeVar("R", bound=Resource)


def read_resource(raw: bytes | str | dict[str, Any], model: type[R]) -> R:
    """Parse FHIR JSON into ``model`` (e.g. Parameters); InvalidInput names what is wrong."""
    name = model.get_resource_type()
    data = json_object(raw) if isinstance(raw, bytes | str) else raw
    if not isinstance(data, dict):
        raise InvalidInput([Issue(name, "must be a JSON object", "structure")])
    given = data.get("resourceType")
    if given != name:
        raise InvalidInput(
            [Issue(f"{name}.resourceType", f"must be {name!r}, not {given!r}", "structure")]
        )
    unknown = list(_unknown_resource_types(data, name))
    if unknown:
        raise InvalidInput(unknown)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(_fhir_issues(error, data, name)) from error
    except (TypeError, KeyError, ValueError) as error:
        # A safety net: fhir.resources occasionally fails outside pydantic on odd input; that
        # is still the sender's malformed body (a 400), never our 500.
        raise InvalidInput([Issue(name, f"is not valid FHIR R4: {error}", "structure")]) from error


def read_parameters(raw: bytes | str | dict[str, Any]) -> Parameters:
    """Parse a Parameters body (an enquiry or an answer); InvalidInput names what is wrong.

    A body in the profile's canonical shape is read by the quick reader; any other goes
    through fhir.resources, which judges it and names every offending element.
    """
    data = json_object(raw) if isinstance(raw, bytes | str) else raw
    quick = quick_parameters(data)
    return quick if quick is not None else read_resource(data, Parameters)


def json_object(raw: bytes | str) -> Any:
    try:
        return json.loads(raw)
    except UnicodeDecodeError as error:
        raise InvalidInput([Issue("$", f"is not UTF-8: {error.reason}", "structure")]) from error
    except json.JSONDecodeError as error:
        reason = f"is not JSON: line {error.lineno} column {error.colno}: {error.msg}"
        raise InvalidInput([Issue("$", reason, "structure")]) from error


def _unknown_resource_types(node: Any, path: str) -> Iterable[Issue]:
    """Issues for nested resources whose resourceType fhir.resources does not know."""
    if isinstance(node, dict):
        if "resourceType" in node and "." in path:
            kind = node["resourceType"]
            try:
                get_fhir_model_class(kind if isinstance(kind, str) else "")
            except (KeyError, ValueError):
                yield Issue(f"{path}.resourceType", f"{kind!r} is not a FHIR R4 resource type")
                return
        for key, value in node.items():
            yield from _unknown_resource_types(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _unknown_resource_types(item, _indexed(path, node, index))


def _indexed(path: str, siblings: list[Any], index: int) -> str:
    """``parameter[resource]`` for a named parameter or part, else ``[index]``."""
    item = siblings[index]
    if path.endswith((".parameter", ".part")) and isinstance(item, dict) and "name" in item:
        name = item["name"]
        same = [i for i, s in enumerate(siblings) if isinstance(s, dict) and s.get("name") == name]
        return f"{path}[{name}]" if len(same) == 1 else f"{path}[{name}][{same.index(index)}]"
    return f"{path}[{index}]"


def _fhir_issues(error: ValidationError, data: dict[str, Any], root: str) -> list[Issue]:
    issues = []
    for detail in error.errors():
        path: str = root
        node: Any = data
        for step in detail["loc"]:
            if isinstance(step, int) and isinstance(node, list) and step < len(node):
                path, node = _indexed(path, node, step), node[step]
            else:
                step_name = "resourceType" if step == "resource_type" else str(step)
                path += f".{step_name}"
                node = node.get(str(step)) if isinstance(node, dict) else None
        reason, code = describe_error(detail)
        issues.append(Issue(path, reason, code))
    return issues


def operation_outcome(issues: Sequence[Issue]) -> OperationOutcome:
    """An OperationOutcome for refused input: one issue per element, with the reason."""
    return OperationOutcome(
        issue=[
            OperationOutcomeIssue(
                severity="error",
                code=issue.code,
                details=CodeableConcept(text=issue.reason),
                diagnostics=str(issue),
                expression=[issue.element],
            )
            for issue in issues
        ]
    )


def refusal_outcome(reasons: Sequence[tuple[str, str]]) -> OperationOutcome:
    """The 403 OperationOutcome for a DENY: one issue per failed condition.

    ``reasons`` are (decision-reasons code, explanation) pairs; the code travels as a Coding so
    a requester can tell, say, ``policy-expired`` from ``requester-not-party``.
    """
    return OperationOutcome(
        issue=[
            OperationOutcomeIssue(
                severity="error",
                code="forbidden",
                details=CodeableConcept(
                    coding=[coding("decision-reasons", code)], text=explanation
                ),
            )
            for code, explanation in reasons
        ]
    )


def outcome_issues(outcome: OperationOutcome) -> list[Issue]:
    """The issues an OperationOutcome reports (for a requester reading a 400)."""
    found = []
    for entry in outcome.issue or []:
        element = (entry.expression or ["$"])[0]
        reason = (entry.details.text if entry.details else None) or entry.diagnostics or ""
        found.append(Issue(element or "$", reason, entry.code or "invalid"))
    return found


def refusal_codes(outcome: OperationOutcome) -> tuple[str, ...]:
    """The decision-reason codes a 403 OperationOutcome gives, in order."""
    system = vocabulary_system("decision-reasons")
    codes = []
    for entry in outcome.issue or []:
        for value in (entry.details.coding or []) if entry.details else []:
            if value.system == system and value.code:
                codes.append(str(value.code))
    return tuple(dict.fromkeys(codes))
