"""Why an input was refused: issues that name the offending element and the reason.

Elements are FHIRPath-like (``Parameters.parameter[resource].resource.identifier[0].value``)
so the edge can put them straight into ``OperationOutcome.issue.expression``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError
from pydantic.alias_generators import to_snake

#: FHIR ``IssueType`` codes we raise (http://hl7.org/fhir/issue-type); read ones may be any.
IssueCode = Literal["invalid", "structure", "required", "value", "code-invalid", "not-supported"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One thing wrong with an input: where, why, and the FHIR issue type."""

    element: str
    reason: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.element}: {self.reason}"


class InvalidInput(ValueError):  # noqa: N818 - the name the other capabilities code against
    """An input was refused; ``issues`` lists every element that is wrong and why."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues = tuple(issues)
        if not self.issues:
            raise ValueError("InvalidInput needs at least one issue")
        super().__init__("; ".join(str(issue) for issue in self.issues))


_CODE_FOR_TYPE: dict[str, IssueCode] = {
    "missing": "required",
    "extra_forbidden": "structure",
    "literal_error": "code-invalid",
    "enum": "code-invalid",
}


def describe_error(error: Mapping[str, Any]) -> tuple[str, IssueCode]:
    """A reason a practitioner can read, and the issue type, for one pydantic error."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "is required", "required"
    if kind == "extra_forbidden":
        return "is not an element this profile knows", "structure"
    if kind == "too_short":
        minimum = ctx.get("min_length", 1)
        return f"needs at least {minimum} {'entry' if minimum == 1 else 'entries'}", "required"
    if kind == "literal_error":
        return f"{error.get('input')!r} is not one of {ctx.get('expected', 'the allowed codes')}", (
            "code-invalid"
        )
    if kind.startswith(("date_", "datetime_")):
        why = ctx.get("error") or str(error.get("msg", "")).removeprefix("Input should be ")
        return f"{error.get('input')!r} is not a real date or time: {why}", "value"
    if kind == "string_pattern_mismatch":
        return f"{error.get('input')!r} does not have the form {ctx.get('pattern')}", "value"
    if kind == "value_error" and "error" in ctx:
        underlying = ctx["error"]
        code: IssueCode = (
            "code-invalid" if type(underlying).__name__ == "UnknownCodeError" else ("value")
        )
        return str(underlying), code
    message = str(error.get("msg", "is not valid"))
    return message.removeprefix("Value error, "), _CODE_FOR_TYPE.get(kind, "value")


def issues_from_validation_error(
    error: ValidationError,
    element: str,
    field_elements: Mapping[str, str] | None = None,
) -> list[Issue]:
    """Translate a pydantic error on a model built at ``element`` into issues naming elements.

    ``field_elements`` renames the model's fields to the wire's element names (``family_name``
    to ``family``); list positions become ``[i]``.
    """
    renames = field_elements or {}
    issues = []
    for detail in error.errors():
        path = element
        for step in detail["loc"]:
            if isinstance(step, int):
                path += f"[{step}]"
            else:
                # pydantic reports fields by alias (camelCase); renames are keyed by field name.
                name = str(step)
                path += "." + renames.get(name, renames.get(to_snake(name), name))
        reason, code = describe_error(detail)
        issues.append(Issue(path, reason, code))
    return issues
