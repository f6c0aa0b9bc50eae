"""FHIR resources to the JSON the wire carries, without fhir.resources' slow serialiser.

fhir.resources visits every element a type defines (a ``Parameters.parameter`` has some fifty
``value[x]`` choices) for every object, which made building an answer take ~15 ms. This walks
only the elements that are set, in the same FHIR element order and with the same primitive
forms; ``tests/standards/test_serialise.py`` checks it against fhir.resources on generated
enquiries, answers and patients.
"""

from __future__ import annotations

import decimal
from typing import Any

from fhir.resources.R4B.resource import Resource
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from pydantic_core import to_jsonable_python


def to_json(resource: Resource) -> dict[str, Any]:
    """The resource as the JSON object the wire carries (no empty elements)."""
    return _element(resource)


def to_json_part(element: FHIRAbstractModel) -> dict[str, Any]:
    """A FHIR element that is not a resource (e.g. one parameter) as JSON."""
    return _element(element)


def _element(model: FHIRAbstractModel) -> dict[str, Any]:
    cls = type(model)
    out: dict[str, Any] = {}
    if cls.has_resource_base():
        out["resourceType"] = model.get_resource_type()
    aliases = cls.get_alias_mapping()
    fields = cls.model_fields
    values = model.__dict__
    for name in cls.elements_sequence():
        key = aliases[name]
        value = values.get(key)
        if value is not None and value != []:
            out[fields[key].alias or key] = _value(value)
        extension = values.get(f"{key}__ext")
        if extension:
            ext_key = f"{key}__ext"
            out[fields[ext_key].alias or ext_key] = _value(extension)
    return out


def _value(value: Any) -> Any:
    if isinstance(value, list):
        return [_value(item) for item in value]
    if isinstance(value, FHIRAbstractModel):
        return _element(value)
    if isinstance(value, decimal.Decimal):
        return decimal_json(value)
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return to_jsonable_python(value)


def decimal_json(value: decimal.Decimal) -> int | float:
    """A FHIR decimal as fhir.resources writes it: whole numbers as integers, others as floats.

    (A float given to a model's decimal element becomes ``Decimal(str(x))`` first.)
    """
    exponent = value.as_tuple().exponent
    whole = value.is_finite() and value == value.to_integral_value()
    if whole and isinstance(exponent, int) and exponent >= 0:
        return int(value)
    return float(value)
