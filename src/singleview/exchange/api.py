"""The JSON API's request body for ``POST /api/enquiries`` (camelCase keys, as the view)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from singleview.standards.enquiry import Consent, Practitioner
from singleview.standards.person import Person


class EnquiryRequest(BaseModel):
    """What a case-management system or the web pages send to start an enquiry."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    practitioner: Practitioner
    person: Person
    purpose: str
    case_reference: str | None = None
    consent: Consent | None = None
    data_categories: tuple[str, ...] = ()
