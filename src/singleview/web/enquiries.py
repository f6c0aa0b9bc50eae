"""The enquiries as the practitioner's pages show them, and the service the pages call.

The exchange does the asking; these plain values are what the pages render, so the templates
never depend on the exchange's own types. ``EnquiryService`` is the small surface the pages
use: start an enquiry, read it back as it stands, list a practitioner's own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from singleview.standards.person import Person

#: Partner states, in the words of the exchange's single view.
WAITING_STATES = frozenset({"asking", "waiting-for-review"})


@dataclass(frozen=True, slots=True)
class EnquiryRequest:
    """What a practitioner asked, as the form collected it."""

    practitioner_id: str
    practitioner_role: str
    practitioner_name: str
    person: Person
    purpose: str
    case_reference: str | None
    consent: str | None


@dataclass(frozen=True, slots=True)
class Contact:
    """Someone to call about an involvement, or a partner's front door."""

    name: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class InvolvementLine:
    """One service's involvement with the person, as a partner released it."""

    service: str
    status: str
    period: str | None = None
    team: str | None = None
    contact: Contact | None = None


@dataclass(frozen=True, slots=True)
class PartnerLine:
    """One partner's part of the single view."""

    organisation_id: str
    name: str
    state: str
    summary: str
    involvements: tuple[InvolvementLine, ...] = ()
    contact: Contact | None = None
    match_grade: str | None = None
    #: what stays behind a click: what went wrong with a partner that did not answer, or what
    #: a refusing partner said (``partner_words``)
    detail_title: str | None = None
    detail: str | None = None

    @property
    def waiting(self) -> bool:
        """True while the partner may still answer."""
        return self.state in WAITING_STATES


@dataclass(frozen=True, slots=True)
class EnquiryPage:
    """One enquiry and what every partner has said so far."""

    enquiry_id: str
    practitioner_id: str
    person_label: str
    purpose: str
    case_reference: str | None
    started_at: dt.datetime
    #: True when no partner is still being asked or holding a review.
    complete: bool
    #: How many partners are in each state (the history lists carry only this, no partners).
    counts: dict[str, int] = field(default_factory=dict)
    partners: tuple[PartnerLine, ...] = ()
    call_first: tuple[PartnerLine, ...] = ()

    def count(self, state: str) -> int:
        """How many partners are in ``state``."""
        return self.counts.get(state, 0)


class CannotAskError(ValueError):
    """The enquiry cannot be sent as asked (e.g. no agreement covers the purpose); says why."""


class EnquiryService(Protocol):
    """What the practitioner's pages need from the exchange."""

    def start(self, request: EnquiryRequest) -> str:
        """Send the enquiry to every partner; returns its id at once (answers arrive later).

        Raises ``CannotAskError`` when no partner can be asked for this purpose.
        """
        ...

    def get(self, enquiry_id: str) -> EnquiryPage | None:
        """The enquiry as it stands now, or None when there is no such enquiry."""
        ...

    def list_for(self, practitioner_id: str) -> list[EnquiryPage]:
        """The practitioner's own enquiries, newest first."""
        ...
