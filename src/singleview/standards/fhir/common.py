"""What every FHIR mapping shares: our systems and extension URLs, codings, and issue collection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from fhir.resources.R4B.coding import Coding
from pydantic import BaseModel, ValidationError

from singleview.standards.issues import InvalidInput, Issue, IssueCode, issues_from_validation_error
from singleview.standards.vocabulary import VOCABULARY_BASE, load_vocabulary

PROFILE_BASE = "https://singleview.org.uk/fhir"
STRUCTURE_DEFINITION = f"{PROFILE_BASE}/StructureDefinition"

#: Extensions in UK Core style for what FHIR R4 Patient has no element for.
EXT_DATE_ACCURACY = f"{STRUCTURE_DEFINITION}/Extension-SV-DateAccuracyIndicator"
EXT_STATED_GENDER = f"{STRUCTURE_DEFINITION}/Extension-SV-PersonStatedGender"
EXT_PHENOTYPIC_SEX = f"{STRUCTURE_DEFINITION}/Extension-SV-PersonPhenotypicSex"
EXT_PREFERRED_NAME = f"{STRUCTURE_DEFINITION}/Extension-SV-PreferredName"
EXT_UPRN = f"{STRUCTURE_DEFINITION}/Extension-SV-UPRN"
EXT_USRN = f"{STRUCTURE_DEFINITION}/Extension-SV-USRN"

#: Identifier systems for the ids the profile passes as ``valueIdentifier``.
REQUEST_ID_SYSTEM = "https://singleview.org.uk/Id/enquiry"
ORGANISATION_ID_SYSTEM = "https://singleview.org.uk/Id/organisation"
PRACTITIONER_ID_SYSTEM = "https://singleview.org.uk/Id/practitioner"
SHARING_POLICY_ID_SYSTEM = "https://singleview.org.uk/Id/sharing-policy"

M = TypeVar("M", bound=BaseModel)


def vocabulary_system(scheme: str) -> str:
    """The Coding.system for codes from one of our schemes (the scheme's URI)."""
    return f"{VOCABULARY_BASE}/{scheme}"


def coding_json(scheme: str, code: str) -> dict[str, Any]:
    """The Coding for ``code`` from ``scheme``, with the scheme's label as display, as JSON."""
    concept = load_vocabulary(scheme).require(code)
    return {"system": vocabulary_system(scheme), "code": code, "display": concept.pref_label}


def coding(scheme: str, code: str) -> Coding:
    """``coding_json(scheme, code)`` as a FHIR object."""
    return Coding(**coding_json(scheme, code))


class IssueList:
    """Collects every issue in an input before refusing it, so one reply names them all."""

    def __init__(self) -> None:
        self.items: list[Issue] = []

    def add(self, element: str, reason: str, code: IssueCode = "invalid") -> None:
        """Record one issue."""
        self.items.append(Issue(element, reason, code))

    def build(
        self,
        model: type[M],
        element: str,
        values: Mapping[str, Any],
        renames: Mapping[str, str] | None = None,
    ) -> M | None:
        """Build ``model`` from ``values``; on failure record issues under ``element``."""
        # None means "not given", so the model's own defaults and "is required" apply.
        present = {key: given for key, given in values.items() if given is not None}
        try:
            return model.model_validate(present)
        except ValidationError as error:
            self.items.extend(issues_from_validation_error(error, element, renames))
            return None

    def raise_if_any(self) -> None:
        """Refuse the input if anything was recorded."""
        if self.items:
            raise InvalidInput(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)


def read_coding(value: Coding | None, scheme: str, element: str, issues: IssueList) -> str | None:
    """The code of a Coding that must come from ``scheme``; records an issue if it does not."""
    if value is None:
        issues.add(element, "is required", "required")
        return None
    expected = vocabulary_system(scheme)
    if value.system != expected:
        issues.add(f"{element}.system", f"must be {expected}, not {value.system!r}", "code-invalid")
        return None
    if value.code is None:
        issues.add(f"{element}.code", "is required", "required")
        return None
    if value.code not in load_vocabulary(scheme):
        issues.add(
            f"{element}.code",
            f"unknown code {value.code!r}: not in the {scheme!r} vocabulary",
            "code-invalid",
        )
        return None
    return str(value.code)
