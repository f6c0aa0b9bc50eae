"""The vocabulary codes governance decides with (the agreed lists in the Standards vocabularies).

Policies and decisions must only carry agreed codes. Every membership check in governance goes
through this module, so swapping the source of the lists touches one file.
"""

from __future__ import annotations

PURPOSES = "purposes"
LEGAL_BASES = "legal-bases"
DATA_CATEGORIES = "data-categories"
ORGANISATION_TYPES = "organisation-types"
SERVICE_TYPES = "service-types"
DECISION_REASONS = "decision-reasons"
OBLIGATIONS = "obligations"
PRACTITIONER_ROLES = "practitioner-roles"

_SAFEGUARDING_PURPOSES = frozenset(
    {
        "s47-enquiry",
        "s17-child-in-need",
        "strategy-discussion",
        "early-help",
        "mash-triage",
        "missing-child",
        "youth-justice-assessment",
        "child-protection-conference",
    }
)

_SCHEMES: dict[str, frozenset[str]] = {
    PURPOSES: _SAFEGUARDING_PURPOSES | {"research", "service-planning", "marketing"},
    LEGAL_BASES: frozenset(
        {
            "uk-gdpr-6-1-c",
            "uk-gdpr-6-1-e",
            "uk-gdpr-9-2-g",
            "uk-gdpr-9-2-h",
            "dpa-2018-sch1-para18",
            "children-act-1989-s47",
            "children-act-1989-s17",
            "children-act-2004-s11",
        }
    ),
    DATA_CATEGORIES: frozenset(
        {
            "identity",
            "contact-details",
            "involvements",
            "professional-contact",
            "health",
            "education",
            "police-information",
            "youth-justice",
            "sexual-health",
            "domestic-abuse-refuge",
        }
    ),
    ORGANISATION_TYPES: frozenset(
        {
            "local-authority-childrens-social-care",
            "police-force",
            "nhs-trust",
            "school",
            "academy-trust",
            "youth-justice-service",
            "gp-practice",
            "probation-service",
        }
    ),
    SERVICE_TYPES: frozenset(
        {
            "childrens-social-care",
            "early-help",
            "health-visiting",
            "school-nursing",
            "camhs",
            "sexual-health",
            "maternity",
            "emergency-department",
            "education",
            "police-public-protection",
            "youth-justice",
            "domestic-abuse-refuge",
        }
    ),
    DECISION_REASONS: frozenset(
        {
            "no-applicable-policy",
            "purpose-not-permitted",
            "non-safeguarding-purpose",
            "policy-expired",
            "policy-not-yet-in-force",
            "policy-unknown",
            "policy-digest-mismatch",
            "requester-not-party",
            "requester-suspended",
            "requester-type-not-permitted",
            "role-not-permitted",
            "case-reference-missing",
            "consent-missing",
            "consent-expired",
            "consent-out-of-scope",
            "data-category-not-permitted",
            "prohibited",
            "service-suppressed",
            "professional-judgement",
        }
    ),
    OBLIGATIONS: frozenset(
        {
            "retain-max-30-days",
            "no-onward-sharing",
            "notify-safeguarding-lead",
            "record-in-case-file",
            "delete-when-no-longer-needed",
            "use-only-for-stated-purpose",
        }
    ),
    PRACTITIONER_ROLES: frozenset(
        {
            "social-worker",
            "team-manager",
            "police-officer",
            "health-visitor",
            "school-nurse",
            "designated-safeguarding-lead",
            "youth-justice-officer",
            "gp",
            "ig-officer",
        }
    ),
}


def codes(scheme: str) -> frozenset[str]:
    """Every code of one concept scheme."""
    return _SCHEMES[scheme]


def is_code(scheme: str, code: str) -> bool:
    """Whether ``code`` is in the concept scheme ``scheme``."""
    return code in _SCHEMES[scheme]


def is_safeguarding(purpose: str) -> bool:
    """Whether ``purpose`` is a safeguarding purpose (unknown codes are not)."""
    return purpose in _SAFEGUARDING_PURPOSES
