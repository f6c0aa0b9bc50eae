"""The JSON API's request body for ``POST /api/enquiries`` (camelCase keys, as the view)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from singleview.standards.enquiry import Consent, Practitioner
from singleview.standards.person import Person
from singleview.standards.vocabulary import code_enum


class EnquiryRequest(BaseModel):
    """What a case-management system or the web pages send to start an enquiry."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    practitioner: Practitioner
    person: Person
    purpose: str = Field(description="a purposes code", json_schema_extra=code_enum("purposes"))
    case_reference: str | None = None
    consent: Consent | None = None
    data_categories: tuple[
        Annotated[str, Field(json_schema_extra=code_enum("data-categories"))], ...
    ] = ()
