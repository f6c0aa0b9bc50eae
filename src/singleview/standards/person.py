"""The Person standard (PUB01, person-standard v0.2/v0.3) as pydantic v2 models.

Input may use the v0.2 capitalised keys (``Identifier``, ``Name``, ``DateOfBirth``,
``Address``, ``Gender``, ``SexCode``) or the newer camelCase ones; inside there is one
canonical form, and output is always camelCase.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from singleview.standards.dates import PartialDate, parse_partial_date, validate_accuracy_indicator
from singleview.standards.nhs_number import NHS_NUMBER_SYSTEM, normalise_nhs_number
from singleview.standards.postcode import normalise_postcode


def _partial_date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, str):
        return parse_partial_date(value)
    raise ValueError("must be a date in the form YYYY, YYYY-MM or YYYY-MM-DD")


PartialDateField = Annotated[
    PartialDate,
    PlainValidator(_partial_date),
    PlainSerializer(lambda value: value.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}),
]

#: FHIR ``HumanName.use`` (the Person standard's NameUseCode).
NameUse = Literal["usual", "official", "temp", "nickname", "anonymous", "old", "maiden"]
#: NHS Data Dictionary PERSON STATED GENDER CODE.
GenderCode = Literal["1", "2", "9", "X"]
#: NHS Data Dictionary PERSON PHENOTYPIC SEX.
SexCode = Literal["1", "2", "9", "X"]
AddressUse = Literal["home", "work", "temp", "old", "billing"]


class StandardModel(BaseModel):
    """Strict base: unknown fields are errors, output keys are camelCase."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        str_strip_whitespace=True,
    )


def _rename_keys(data: Any, renames: dict[str, str]) -> Any:
    """Map older spellings of keys onto the canonical ones, refusing to guess on a clash."""
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        canonical = renames.get(str(key), str(key))
        if canonical in out:
            raise ValueError(f"both {key!r} and another spelling of {canonical!r} were given")
        out[canonical] = value
    return out


class Identifier(StandardModel):
    """An identifier with the system it belongs to; NHS numbers are checked and normalised."""

    system: str = Field(min_length=1)
    value: str = Field(min_length=1)

    @field_validator("value")
    @classmethod
    def _check_nhs_number(cls, value: str, info: ValidationInfo) -> str:
        # A field validator (not a model one) so the error names ``value``, not the identifier.
        if info.data.get("system") == NHS_NUMBER_SYSTEM:
            return normalise_nhs_number(value)
        return value


class PersonName(StandardModel):
    """One name a person has or had: official, usual (preferred), old (previous), maiden..."""

    family_name: str = Field(min_length=1)
    given_names: tuple[str, ...] = ()
    preferred_names: tuple[str, ...] = ()
    use: NameUse = "official"

    @model_validator(mode="before")
    @classmethod
    def _accept_spellings(cls, data: Any) -> Any:
        data = _rename_keys(data, {"family": "familyName", "given": "givenNames"})
        # The v0.2 draft gives familyName cardinality 1..*; a list of one is the common case.
        if isinstance(data, dict) and isinstance(data.get("familyName"), list):
            parts = [str(part) for part in data["familyName"] if str(part).strip()]
            data = {**data, "familyName": " ".join(parts)}
        return data

    @field_validator("given_names", "preferred_names")
    @classmethod
    def _no_blank_names(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(name.strip() for name in names if name.strip())


class DateOfBirth(StandardModel):
    """A date of birth, possibly partial, with the day-month-year accuracy indicator."""

    date: PartialDateField
    accuracy_indicator: str | None = None

    @field_validator("accuracy_indicator")
    @classmethod
    def _check_accuracy(cls, code: str | None) -> str | None:
        return None if code is None else validate_accuracy_indicator(code)


class Address(StandardModel):
    """A postal address, current or past, with the dates the person lived there when known."""

    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    postcode: str | None = None
    uprn: int | None = Field(default=None, alias="UPRN")
    usrn: int | None = Field(default=None, alias="USRN")
    use: AddressUse = "home"
    period_start: dt.date | None = None
    period_end: dt.date | None = None

    @field_validator("postcode")
    @classmethod
    def _normalise_postcode(cls, raw: str | None) -> str | None:
        return None if raw is None or not raw.strip() else normalise_postcode(raw)

    @model_validator(mode="after")
    def _something_to_find(self) -> Address:
        if not (self.line1 or self.postcode or self.uprn):
            raise ValueError("an address needs at least line1, a postcode or a UPRN")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValueError("periodEnd is before periodStart")
        return self


_PERSON_V02_KEYS = {
    "Identifier": "identifiers",
    "identifier": "identifiers",
    "Name": "names",
    "name": "names",
    "DateOfBirth": "dateOfBirth",
    "Address": "addresses",
    "address": "addresses",
    "Gender": "gender",
    "SexCode": "sex",
    "sexCode": "sex",
}


class Person(StandardModel):
    """A person as a node holds or asks about them."""

    identifiers: tuple[Identifier, ...] = ()
    names: tuple[PersonName, ...] = Field(min_length=1)
    date_of_birth: DateOfBirth | None = None
    addresses: tuple[Address, ...] = ()
    gender: GenderCode | None = None
    sex: SexCode | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_v02_keys(cls, data: Any) -> Any:
        data = _rename_keys(data, _PERSON_V02_KEYS)
        if isinstance(data, dict):
            # The drafts give Name 1..1 and Address as a single object in examples.
            for key in ("names", "addresses", "identifiers"):
                if isinstance(data.get(key), dict):
                    data = {**data, key: [data[key]]}
            if isinstance(data.get("dateOfBirth"), str):
                data = {**data, "dateOfBirth": {"date": data["dateOfBirth"]}}
        return data

    @property
    def nhs_number(self) -> str | None:
        """The person's NHS number, if one is recorded."""
        return next((i.value for i in self.identifiers if i.system == NHS_NUMBER_SYSTEM), None)

    @property
    def current_name(self) -> PersonName:
        """The official name if there is one, otherwise the first name given."""
        return next((n for n in self.names if n.use == "official"), self.names[0])

    @property
    def current_address(self) -> Address | None:
        """The home address with no end date, or else the first address given."""
        open_homes = [a for a in self.addresses if a.use == "home" and a.period_end is None]
        return open_homes[0] if open_homes else (self.addresses[0] if self.addresses else None)
