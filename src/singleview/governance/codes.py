"""The vocabulary codes governance decides with, checked against the Standards vocabularies.

Every membership check in governance goes through here, so the code lists have one source
(``singleview.standards.vocabulary``, the SKOS schemes every node ships).
"""

from __future__ import annotations

from functools import cache

from singleview.standards.vocabulary import is_safeguarding_purpose, load_vocabulary

PURPOSES = "purposes"
LEGAL_BASES = "legal-bases"
DATA_CATEGORIES = "data-categories"
ORGANISATION_TYPES = "organisation-types"
SERVICE_TYPES = "service-types"
DECISION_REASONS = "decision-reasons"
OBLIGATIONS = "obligations"
PRACTITIONER_ROLES = "practitioner-roles"


@cache
def codes(scheme: str) -> frozenset[str]:
    """Every code of one concept scheme (loaded once)."""
    return frozenset(load_vocabulary(scheme).codes)


def is_code(scheme: str, code: str) -> bool:
    """Whether ``code`` is in the concept scheme ``scheme``."""
    return code in codes(scheme)


def is_safeguarding(purpose: str) -> bool:
    """Whether ``purpose`` is a safeguarding purpose (unknown codes are not)."""
    return is_safeguarding_purpose(purpose)
