"""The enquiry: who is asked about, by whom, why, and under which agreement (the IG Request).

Follows the profile's ``$person-info-query`` parameters. A v0.3 client sends only the person and
a ``reason`` legal-basis URI; that is accepted when the reason maps to a statutory purpose, and
the purpose it maps to becomes ``asserted_purpose``. Every other enquiry carries the IG Request
(request id, date stamp, requester, practitioner, purpose, sharing policies, ...).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from singleview.standards.organisation import REGISTER_ID_PATTERN
from singleview.standards.person import Person, StandardModel
from singleview.standards.vocabulary import code_enum, load_vocabulary, purpose_for_reason

ConsentStatus = Literal["given", "refused", "withdrawn"]
#: The longest request id, case reference, practitioner identifier or practitioner name taken.
#: The profile sets no limit, but the audit log, the review queue and the requester's own record
#: keep them in columns of this size (PostgreSQL refused a longer request id, and the responder
#: answered 500); a longer one is a 400 (or the API's 422) naming it.
REFERENCE_MAX_LENGTH = 200


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds a control character (NUL, a tab, a line break, DEL, ...).

    PostgreSQL cannot store NUL in text at all: a NUL in a request id reached the audit log's
    column and the responder answered 500. FHIR strings should carry none of these anyway.
    """
    return any(ord(c) < 32 or c == "\x7f" for c in text)


#: ``has_control_characters``'s rule as a pattern, for parameters an OpenAPI schema describes.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"


def _no_control_characters(text: str) -> str:
    if has_control_characters(text):
        raise ValueError("must not contain control characters (such as NUL or a line break)")
    return text


#: A request id, case reference or practitioner's identifier or name, as the node keeps it.
Reference = Annotated[
    str,
    Field(min_length=1, max_length=REFERENCE_MAX_LENGTH),
    AfterValidator(_no_control_characters),
]


class Practitioner(StandardModel):
    """The person at the requesting organisation who asks, recorded for the audit."""

    identifier: Reference
    name: Reference
    role: str = Field(
        min_length=1,
        description="a practitioner-roles code",
        json_schema_extra=code_enum("practitioner-roles"),
    )

    @field_validator("role")
    @classmethod
    def _known_role(cls, role: str) -> str:
        load_vocabulary("practitioner-roles").require(role)
        return role


class PolicyReference(StandardModel):
    """A sharing policy the requester asks under, and the digest of its copy of the text."""

    identifier: str = Field(min_length=1)
    version: int = Field(ge=1)
    digest: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the canonical policy document, hex"
    )


class Consent(StandardModel):
    """Consent recorded by the requester, for enquiries below the s47 threshold."""

    status: ConsentStatus
    scope: tuple[str, ...] = Field(default=(), description="purposes the consent covers")
    expires: dt.date | None = None

    @field_validator("scope")
    @classmethod
    def _known_purposes(cls, scope: tuple[str, ...]) -> tuple[str, ...]:
        purposes = load_vocabulary("purposes")
        for code in scope:
            purposes.require(code)
        return scope


class Enquiry(StandardModel):
    """A ``$person-info-query``: the person asked about and the request it is asked under."""

    subject: Person
    reason: str | None = Field(default=None, min_length=1, description="v0.3 legal-basis URI")
    request_id: Reference | None = None
    date_stamp: dt.datetime | None = None
    requester: str | None = Field(
        default=None, pattern=REGISTER_ID_PATTERN, description="requesting organisation's id"
    )
    practitioner: Practitioner | None = None
    asserted_purpose: str | None = Field(default=None, description="a purposes code")
    #: The profile's table says 1..*, but its professional-judgement route is for enquiries
    #: "outside any agreement", which can name none; so 0..*, and the PDP decides (REVIEW).
    sharing_policies: tuple[PolicyReference, ...] = ()
    data_categories: tuple[str, ...] = ()
    case_reference: Reference | None = None
    consent: Consent | None = None

    @field_validator("asserted_purpose")
    @classmethod
    def _known_purpose(cls, code: str | None) -> str | None:
        if code is not None:
            load_vocabulary("purposes").require(code)
        return code

    @field_validator("data_categories")
    @classmethod
    def _known_categories(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        categories = load_vocabulary("data-categories")
        for code in codes:
            categories.require(code)
        if len(set(codes)) != len(codes):
            raise ValueError("a data category is listed twice")
        return codes

    @field_validator("date_stamp")
    @classmethod
    def _aware(cls, stamp: dt.datetime | None) -> dt.datetime | None:
        if stamp is not None and stamp.utcoffset() is None:
            raise ValueError("the date stamp needs a time zone (e.g. 2025-01-31T09:30:00Z)")
        return stamp

    @model_validator(mode="after")
    def _request_or_statutory_reason(self) -> Enquiry:
        if self.request_id is None:
            self._check_v03_form()
        else:
            missing = [
                name
                for name, value in (
                    ("date_stamp", self.date_stamp),
                    ("requester", self.requester),
                    ("asserted_purpose", self.asserted_purpose),
                )
                if value is None
            ]
            if missing:
                raise ValueError(f"the request needs {', '.join(missing)}")
        return self

    def _check_v03_form(self) -> None:
        extras = [
            name
            for name in (
                "date_stamp",
                "requester",
                "practitioner",
                "sharing_policies",
                "data_categories",
                "case_reference",
                "consent",
            )
            if getattr(self, name)
        ]
        if extras:
            raise ValueError(f"request_id is required when the request gives {', '.join(extras)}")
        if self.reason is None:
            raise ValueError("an enquiry needs a request, or a reason that maps to a purpose")
        purpose = purpose_for_reason(self.reason)
        if purpose is None:
            raise ValueError(
                f"reason {self.reason!r} does not map to a statutory purpose; send a request"
            )
        if self.asserted_purpose is None:
            # Frozen model: the mapped purpose is filled in once, while validating.
            object.__setattr__(self, "asserted_purpose", purpose)
        elif self.asserted_purpose != purpose:
            raise ValueError(
                f"without a request the purpose is the one the reason maps to ({purpose}), "
                f"not {self.asserted_purpose}"
            )

    @property
    def purpose(self) -> str:
        """The purpose asserted, or mapped from a v0.3 reason (always set once validated)."""
        assert self.asserted_purpose is not None  # guaranteed by the validator
        return self.asserted_purpose

    @property
    def has_request(self) -> bool:
        """True when the enquiry carries the IG Request, False for a v0.3 reason-only one."""
        return self.request_id is not None
