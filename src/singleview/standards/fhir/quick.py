"""A quick reader for FHIR JSON in the exact shapes this profile sends, beside the full one.

fhir.resources validates every element through Python-level validators; for an enquiry or an
answer that costs more than the decision and the match together (about 1.5 ms of a node's
CPU per enquiry, and 3.6 ms a partner's answer on the requester's side of a fan-out). Nearly
every body a node receives is in the canonical shape its peers' serialiser writes, so this
module reads that shape and only that shape:

* every key must be one this profile uses for that element, every value of the right JSON
  type, every primitive inside a conservative subset of its FHIR format (e.g. dates as
  ``YYYY``, ``YYYY-MM`` or a real ``YYYY-MM-DD``; date-times with seconds and a time zone);
* a parameter or extension must carry exactly one value; lists and objects must not be empty;
* anything else (an unknown key, ``id`` or ``meta``, a ``null``, an odd date, a comment) is
  not an error here: the reader says "not mine" and the caller uses fhir.resources, whose
  messages name the offending element.

What it accepts it builds into the same fhir.resources objects (``model_construct``, values
converted as fhir.resources converts them), so the mapping code after it is the same code
either way. ``tests/standards/test_quick_reader.py`` checks, over generated and mutated
bodies, that it never accepts what the full reader refuses and never reads anything
differently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from fhir.resources.R4B.address import Address
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.extension import Extension
from fhir.resources.R4B.fhirprimitiveextension import FHIRPrimitiveExtension
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.parameters import Parameters, ParametersParameter
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.resource import Resource
from pydantic import TypeAdapter, ValidationError

R = TypeVar("R", bound=Resource)


class NotCanonicalError(Exception):
    """The body is outside the shapes read here; the full reader must judge it."""


# --- primitives (public: the direct readers hold values to them too) -------------------------

_CODE = re.compile(r"[^\s]+( [^\s]+)*")
_URI = re.compile(r"\S+")
_YEAR_MONTH = re.compile(r"[1-9][0-9]{3}(-(0[1-9]|1[0-2]))?")
_DATE = re.compile(r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(
    r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})"
)
_DATE_TIMES = TypeAdapter(dt.datetime)


def as_string(given: Any) -> str:
    if type(given) is str and given and given.isprintable():
        return given
    raise NotCanonicalError


def _matching(pattern: re.Pattern[str]) -> Callable[[Any], str]:
    def read(given: Any) -> str:
        if type(given) is str and pattern.fullmatch(given):
            return given
        raise NotCanonicalError

    return read


def as_integer(given: Any) -> int:
    if type(given) is int and -(2**31) <= given < 2**31:
        return given
    raise NotCanonicalError


def as_boolean(given: Any) -> bool:
    if type(given) is bool:
        return given
    raise NotCanonicalError


def as_decimal(given: Any) -> Decimal:
    if type(given) in (int, float) and abs(given) < 1e15:
        return Decimal(str(given))
    raise NotCanonicalError


def as_full_date(given: Any) -> dt.date:
    if type(given) is str and _DATE.fullmatch(given):
        try:
            return dt.date.fromisoformat(given)
        except ValueError:
            pass
    raise NotCanonicalError


def as_date(given: Any) -> dt.date | str:
    if type(given) is str and _YEAR_MONTH.fullmatch(given):
        return given  # fhir.resources keeps a partial date as its text
    return as_full_date(given)


def as_date_time(given: Any) -> dt.datetime | dt.date:
    if type(given) is str and _DATE_TIME.fullmatch(given):
        try:
            return _DATE_TIMES.validate_python(given)
        except ValidationError:
            raise NotCanonicalError from None
    return as_full_date(given)


as_code = _matching(_CODE)
as_uri = _matching(_URI)


# --- complex types -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """The keys an element may have here, each read into a field of ``model``."""

    model: type[Any]
    fields: Mapping[str, tuple[str, Any]]
    #: Keys of which exactly one must be present (``value[x]``, or a parameter's content).
    exactly_one_of: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    resource_type: str | None = None


@dataclass(frozen=True)
class _ListOf:
    item: Any


def _same(*names: str, kind: Any) -> dict[str, tuple[str, Any]]:
    return {name: (name, kind) for name in names}


CODING = _Shape(
    Coding,
    {"system": ("system", as_uri), "code": ("code", as_code), "display": ("display", as_string)},
)
IDENTIFIER = _Shape(Identifier, {"system": ("system", as_uri), "value": ("value", as_string)})
PERIOD = _Shape(Period, _same("start", "end", kind=as_date_time))
CONTACT_POINT = _Shape(
    ContactPoint,
    {"system": ("system", as_code), "value": ("value", as_string), "use": ("use", as_code)},
)
_EXTENSION_VALUES = {
    "valueCode": ("valueCode", as_code),
    "valueCoding": ("valueCoding", CODING),
    "valueString": ("valueString", as_string),
}
EXTENSION = _Shape(
    Extension,
    {"url": ("url", as_uri), **_EXTENSION_VALUES},
    exactly_one_of=frozenset(_EXTENSION_VALUES),
    required=frozenset({"url"}),
)
PRIMITIVE_EXTENSION = _Shape(
    FHIRPrimitiveExtension,
    {"extension": ("extension", _ListOf(EXTENSION))},
    required=frozenset({"extension"}),
)
HUMAN_NAME = _Shape(
    HumanName,
    {
        "use": ("use", as_code),
        "family": ("family", as_string),
        "given": ("given", _ListOf(as_string)),
        "extension": ("extension", _ListOf(EXTENSION)),
    },
)
ADDRESS = _Shape(
    Address,
    {
        "use": ("use", as_code),
        "line": ("line", _ListOf(as_string)),
        "city": ("city", as_string),
        "postalCode": ("postalCode", as_string),
        "country": ("country", as_string),
        "period": ("period", PERIOD),
        "extension": ("extension", _ListOf(EXTENSION)),
    },
)
PATIENT = _Shape(
    Patient,
    {
        "identifier": ("identifier", _ListOf(IDENTIFIER)),
        "name": ("name", _ListOf(HUMAN_NAME)),
        "birthDate": ("birthDate", as_date),
        "_birthDate": ("birthDate__ext", PRIMITIVE_EXTENSION),
        "gender": ("gender", as_code),
        "_gender": ("gender__ext", PRIMITIVE_EXTENSION),
        "extension": ("extension", _ListOf(EXTENSION)),
        "address": ("address", _ListOf(ADDRESS)),
    },
    resource_type="Patient",
)
ORGANIZATION = _Shape(
    Organization,
    {
        "name": ("name", as_string),
        "telecom": ("telecom", _ListOf(CONTACT_POINT)),
        "address": ("address", _ListOf(ADDRESS)),
    },
    resource_type="Organization",
)


@dataclass(frozen=True)
class _AnyOf:
    """An embedded resource: one of these shapes, chosen by its ``resourceType``."""

    shapes: tuple[_Shape, ...]


_PARAMETER_VALUES: dict[str, tuple[str, Any]] = {
    "valueUri": ("valueUri", as_uri),
    "valueIdentifier": ("valueIdentifier", IDENTIFIER),
    "valueDateTime": ("valueDateTime", as_date_time),
    "valueDate": ("valueDate", as_full_date),
    "valueCoding": ("valueCoding", CODING),
    "valueString": ("valueString", as_string),
    "valueInteger": ("valueInteger", as_integer),
    "valueCode": ("valueCode", as_code),
    "valueBoolean": ("valueBoolean", as_boolean),
    "valueDecimal": ("valueDecimal", as_decimal),
    "valuePeriod": ("valuePeriod", PERIOD),
    "valueContactPoint": ("valueContactPoint", CONTACT_POINT),
    "resource": ("resource", _AnyOf((PATIENT, ORGANIZATION))),
}
_PARAMETER_FIELDS: dict[str, tuple[str, Any]] = {"name": ("name", as_string), **_PARAMETER_VALUES}
PARAMETER = _Shape(
    ParametersParameter,
    _PARAMETER_FIELDS,
    exactly_one_of=frozenset({*_PARAMETER_VALUES, "part"}),
    required=frozenset({"name"}),
)
# A parameter holds one value, one resource or some parts, and its parts are parameters.
_PARAMETER_FIELDS["part"] = ("part", _ListOf(PARAMETER))
PARAMETERS = _Shape(
    Parameters,
    {"parameter": ("parameter", _ListOf(PARAMETER))},
    resource_type="Parameters",
)


_BLANKS: dict[type[Any], Any] = {}


def _blank(model: type[Any]) -> Any:
    # Copying an empty element and setting its fields is what ``model_construct`` does, less
    # working out each of the forty-odd defaults every FHIR element has, every time.
    blank = _BLANKS.get(model)
    if blank is None:
        blank = _BLANKS[model] = model.model_construct()
    return blank


def _read(kind: Any, given: Any) -> Any:
    if isinstance(kind, _Shape):
        return _read_element(kind, given)
    if isinstance(kind, _ListOf):
        if type(given) is not list or not given:
            raise NotCanonicalError
        return [_read(kind.item, item) for item in given]
    if isinstance(kind, _AnyOf):
        chosen = type(given) is dict and given.get("resourceType")
        for shape in kind.shapes:
            if shape.resource_type == chosen:
                return _read_element(shape, given)
        raise NotCanonicalError
    return kind(given)


def _read_element(shape: _Shape, given: Any) -> Any:
    if type(given) is not dict or not given:
        raise NotCanonicalError
    values: dict[str, Any] = {}
    for key, item in given.items():
        if key == "resourceType" and shape.resource_type is not None:
            if item != shape.resource_type:
                raise NotCanonicalError
            continue
        field = shape.fields.get(key)
        if field is None:
            raise NotCanonicalError
        values[field[0]] = _read(field[1], item)
    if shape.exactly_one_of and len(shape.exactly_one_of.intersection(given)) != 1:
        raise NotCanonicalError
    if not shape.required.issubset(given):
        raise NotCanonicalError
    return _blank(shape.model).model_copy(update=values)


def quick_parameters(data: Any) -> Parameters | None:
    """``data`` read as Parameters when it is in the profile's canonical shape, else None."""
    try:
        parameters: Parameters = _read_element(PARAMETERS, data)
    except NotCanonicalError:
        return None
    return parameters
