"""What a node says it knows about a person: a summary of PUB02's ServiceEpisode, and who to call.

Episode and service types are codes from the shipped vocabularies (``episode-types``,
``service-types``), checked against them whenever an Involvement is built.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator, model_validator

from singleview.standards.person import StandardModel
from singleview.standards.vocabulary import load_vocabulary

TelecomSystem = Literal["phone", "email", "url", "fax", "sms", "other"]
TelecomUse = Literal["work", "home", "mobile", "temp", "old"]


class Telecom(StandardModel):
    """A way to reach someone (FHIR ContactPoint)."""

    system: TelecomSystem
    value: str = Field(min_length=1)
    use: TelecomUse | None = None


class Professional(StandardModel):
    """The lead professional on an involvement: who a partner should talk to."""

    name: str = Field(min_length=1)
    role: str | None = None
    telecom: tuple[Telecom, ...] = ()


class Involvement(StandardModel):
    """One service episode a node holds for a person, reduced to what a partner may need."""

    episode_type: str = Field(min_length=1)
    service_type: str = Field(min_length=1)
    status: Literal["active", "ended"]
    period_start: dt.date
    period_end: dt.date | None = None
    professional: Professional | None = None

    @field_validator("episode_type")
    @classmethod
    def _known_episode_type(cls, code: str) -> str:
        load_vocabulary("episode-types").require(code)
        return code

    @field_validator("service_type")
    @classmethod
    def _known_service_type(cls, code: str) -> str:
        load_vocabulary("service-types").require(code)
        return code

    @model_validator(mode="after")
    def _consistent_period(self) -> Involvement:
        if self.period_end is not None and self.period_end < self.period_start:
            raise ValueError("periodEnd is before periodStart")
        if self.status == "ended" and self.period_end is None:
            raise ValueError("an ended involvement needs a periodEnd")
        if self.status == "active" and self.period_end is not None:
            raise ValueError("an active involvement has no periodEnd")
        return self


class ContactAddress(StandardModel):
    """An organisation's postal address. Postcodes are kept as given: this is what we print."""

    lines: tuple[str, ...] = ()
    city: str | None = None
    postcode: str | None = None
    country: str | None = None


class OrganisationContact(StandardModel):
    """Who a partner should call about a person: the answering organisation's front door."""

    name: str = Field(min_length=1)
    telecom: tuple[Telecom, ...] = ()
    address: tuple[ContactAddress, ...] = ()
