"""Every invalid input is refused with an error that names the element and the reason."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from singleview.standards.fhir import operation_outcome, parse_answer, parse_enquiry, to_json
from singleview.standards.issues import InvalidInput
from tests.standards.conftest import example

Json = dict[str, Any]
RESOURCE = "Parameters.parameter[resource].resource"
REQUEST = "Parameters.parameter[request]"


def _patient(body: Json) -> Json:
    return next(p for p in body["parameter"] if p["name"] == "resource")["resource"]  # type: ignore[no-any-return]


def _part(body: Json, *names: str) -> Json:
    node = next(p for p in body["parameter"] if p["name"] == "request")
    for name in names:
        node = next(p for p in node["part"] if p["name"] == name)
    return node


def _drop_part(body: Json, name: str) -> None:
    request = _part(body)
    request["part"] = [p for p in request["part"] if p["name"] != name]


def _set(path: Callable[[Json], Json], key: str, new: Any) -> Callable[[Json], None]:
    def change(body: Json) -> None:
        path(body)[key] = new

    return change


def _nhs(value: str) -> Callable[[Json], None]:
    def change(body: Json) -> None:
        _patient(body)["identifier"][0]["value"] = value

    return change


def _with_address(postcode: str) -> Callable[[Json], None]:
    def change(body: Json) -> None:
        _patient(body)["address"] = [{"line": ["1 High Street"], "postalCode": postcode}]

    return change


def _replace_value(names: tuple[str, ...], new: Json) -> Callable[[Json], None]:
    def change(body: Json) -> None:
        part = _part(body, *names)
        for key in [k for k in part if k.startswith("value")]:
            del part[key]
        part.update(new)

    return change


def _coding_code(names: tuple[str, ...], code: str) -> Callable[[Json], None]:
    def change(body: Json) -> None:
        _part(body, *names)["valueCoding"]["code"] = code

    return change


def _remove_parameter(name: str) -> Callable[[Json], None]:
    def change(body: Json) -> None:
        body["parameter"] = [p for p in body["parameter"] if p["name"] != name]

    return change


def _add_parameter(parameter: Json) -> Callable[[Json], None]:
    def change(body: Json) -> None:
        body["parameter"].append(parameter)

    return change


def _gender_contradiction(body: Json) -> None:
    _patient(body)["gender"] = "male"  # the extension still says NHS code 2 (female)


# (what is wrong, how to break the full request, the element named, words in the reason)
REQUEST_CASES: list[tuple[str, Callable[[Json], None], str, str]] = [
    (
        "bad NHS number",
        _nhs("9434765918"),
        f"{RESOURCE}.identifier[0].value",
        "NHS number '9434765918' fails the Modulus 11 check",
    ),
    ("short NHS number", _nhs("943476591"), f"{RESOURCE}.identifier[0].value", "10 digits"),
    (
        "impossible date",
        _set(_patient, "birthDate", "2015-02-30"),
        f"{RESOURCE}.birthDate",
        "'2015-02-30' is not a real date",
    ),
    (
        "unknown purpose code",
        _coding_code(("assertedPurpose",), "fishing"),
        f"{REQUEST}.part[assertedPurpose].valueCoding.code",
        "unknown code 'fishing': not in the 'purposes' vocabulary",
    ),
    (
        "unknown data category",
        lambda b: _part(b)["part"].append(
            {
                "name": "dataCategory",
                "valueCoding": {
                    "system": "https://singleview.org.uk/vocab/data-categories",
                    "code": "shoe-size",
                },
            }
        ),
        f"{REQUEST}.part[dataCategory][3].valueCoding.code",
        "unknown code 'shoe-size'",
    ),
    (
        "unknown practitioner role",
        _coding_code(("practitioner", "role"), "wizard"),
        f"{REQUEST}.part[practitioner].part[role].valueCoding.code",
        "not in the 'practitioner-roles' vocabulary",
    ),
    (
        "purpose from the wrong code system",
        lambda b: _part(b, "assertedPurpose")["valueCoding"].update(
            {"system": "http://example.org/purposes"}
        ),
        f"{REQUEST}.part[assertedPurpose].valueCoding.system",
        "must be https://singleview.org.uk/vocab/purposes",
    ),
    (
        "missing family name",
        lambda b: _patient(b)["name"][0].pop("family"),
        f"{RESOURCE}.name[0].family",
        "is required",
    ),
    ("no name at all", lambda b: _patient(b).pop("name"), f"{RESOURCE}.name", "at least 1"),
    (
        "unknown field",
        _set(_patient, "favouriteColour", "blue"),
        f"{RESOURCE}.favouriteColour",
        "not an element",
    ),
    (
        "wrong resourceType",
        _set(lambda b: b, "resourceType", "Bundle"),
        "Parameters.resourceType",
        "must be 'Parameters', not 'Bundle'",
    ),
    (
        "unknown nested resourceType",
        _set(_patient, "resourceType", "Person2"),
        f"{RESOURCE}.resourceType",
        "'Person2' is not a FHIR R4 resource type",
    ),
    (
        "nested resourceType null",
        _set(_patient, "resourceType", None),
        f"{RESOURCE}.resourceType",
        "None is not a FHIR R4 resource type",
    ),
    (
        "an Organization where the Patient goes",
        lambda b: _patient(b).clear() or _patient(b).update({"resourceType": "Organization"}),
        f"{RESOURCE}.resourceType",
        "must be 'Patient', not 'Organization'",
    ),
    (
        "bad postcode",
        _with_address("AB12 3CD"),
        f"{RESOURCE}.address[0].postalCode",
        "'AB12 3CD' is not a valid UK postcode",
    ),
    (
        "bad accuracy indicator",
        lambda b: _patient(b)["_birthDate"]["extension"][0].update({"valueCode": "XYZ"}),
        f"{RESOURCE}.birthDate.extension.valueCode",
        "must be three letters",
    ),
    (
        "gender and its NHS code disagree",
        _gender_contradiction,
        f"{RESOURCE}.gender.extension[0].valueCoding",
        "contradicts gender 'male'",
    ),
    (
        "bad name use",
        lambda b: _patient(b)["name"][0].update({"use": "stage"}),
        f"{RESOURCE}.name[0].use",
        "",
    ),
    (
        "missing resource parameter",
        _remove_parameter("resource"),
        "Parameters.parameter[resource]",
        "is required",
    ),
    (
        "two resource parameters",
        lambda b: b["parameter"].append(copy.deepcopy(b["parameter"][0])),
        "Parameters.parameter[resource]",
        "at most once",
    ),
    (
        "unknown parameter",
        _add_parameter({"name": "colour", "valueString": "blue"}),
        "Parameters.parameter[colour]",
        "is not a parameter here",
    ),
    (
        "request requester not an identifier",
        _replace_value(("requester",), {"valueString": "southshire-cc"}),
        f"{REQUEST}.part[requester]",
        "must be a valueIdentifier, not valueString",
    ),
    (
        "requester from another identifier system",
        lambda b: _part(b, "requester")["valueIdentifier"].update(
            {"system": "https://example.org/ods"}
        ),
        f"{REQUEST}.part[requester].valueIdentifier.system",
        "must be https://singleview.org.uk/Id/organisation",
    ),
    (
        "request without a purpose",
        lambda b: _drop_part(b, "assertedPurpose"),
        f"{REQUEST}.part[assertedPurpose]",
        "is required",
    ),
    (
        "request without an identifier",
        lambda b: _drop_part(b, "identifier"),
        f"{REQUEST}.part[identifier]",
        "is required",
    ),
    # The audit log and the review queue keep these in 200 characters (PostgreSQL refused more).
    (
        "request identifier over 200 characters",
        lambda b: _part(b, "identifier")["valueIdentifier"].update({"value": "r" * 201}),
        f"{REQUEST}.part[identifier]",
        "at most 200 characters",
    ),
    (
        "case reference over 200 characters",
        _replace_value(("caseReference",), {"valueString": "c" * 201}),
        f"{REQUEST}.part[caseReference]",
        "at most 200 characters",
    ),
    (
        "practitioner identifier over 200 characters",
        lambda b: _part(b, "practitioner", "identifier")["valueIdentifier"].update(
            {"value": "p" * 201}
        ),
        f"{REQUEST}.part[practitioner].part[identifier]",
        "at most 200 characters",
    ),
    (
        "practitioner name over 200 characters",
        _replace_value(("practitioner", "name"), {"valueString": "n" * 201}),
        f"{REQUEST}.part[practitioner].part[name]",
        "at most 200 characters",
    ),
    (
        "policy digest is not SHA-256 hex",
        _replace_value(("sharingPolicy", "digest"), {"valueString": "md5:abc"}),
        f"{REQUEST}.part[sharingPolicy].part[digest]",
        "'md5:abc' does not have the form",
    ),
    (
        "policy version is not an integer",
        _replace_value(("sharingPolicy", "version"), {"valueString": "v1"}),
        f"{REQUEST}.part[sharingPolicy].part[version]",
        "must be a valueInteger, not valueString",
    ),
    (
        "date stamp without a time",
        _replace_value(("dateStamp",), {"valueDateTime": "2025-01-31"}),
        f"{REQUEST}.part[dateStamp]",
        "needs a time and a time zone",
    ),
    (
        "request is a value, not parts",
        lambda b: _part(b).pop("part") and _part(b).update({"valueString": "please"}),
        REQUEST,
        "must have parts, not valueString",
    ),
    (
        "no request and a reason that is no statutory purpose",
        lambda b: (
            _remove_parameter("request")(b),
            next(p for p in b["parameter"] if p["name"] == "reason").update(
                {"valueUri": "https://www.legislation.gov.uk/ukpga/2004/31/section/11"}
            ),
        ),
        "Parameters.parameter[reason]",
        "does not map to a statutory purpose",
    ),
    (
        "neither request nor reason",
        lambda b: (_remove_parameter("request")(b), _remove_parameter("reason")(b)),
        "Parameters.parameter[request]",
        "is required unless a reason is given",
    ),
]


@pytest.mark.parametrize(
    ("broken", "element", "reason"),
    [case[1:] for case in REQUEST_CASES],
    ids=[case[0] for case in REQUEST_CASES],
)
def test_invalid_request_names_element_and_reason(
    broken: Callable[[Json], None], element: str, reason: str
) -> None:
    body = example("request-full.json")
    parse_enquiry(body)  # the unbroken request is valid, so the break is what is refused
    broken(body)
    with pytest.raises(InvalidInput) as refused:
        parse_enquiry(json.dumps(body))
    named = {issue.element: issue.reason for issue in refused.value.issues}
    assert element in named, f"{element} not among {named}"
    assert reason in named[element]
    # The 400 body carries the same element and reason.
    outcome = to_json(operation_outcome(refused.value.issues))
    assert any(
        issue["expression"] == [element] and reason in issue["details"]["text"]
        for issue in outcome["issue"]
    )


def test_several_problems_are_all_reported_at_once() -> None:
    body = example("request-full.json")
    _nhs("9434765918")(body)
    _patient(body)["name"][0].pop("family")
    _coding_code(("assertedPurpose",), "fishing")(body)
    with pytest.raises(InvalidInput) as refused:
        parse_enquiry(body)
    assert {issue.element for issue in refused.value.issues} >= {
        f"{RESOURCE}.identifier[0].value",
        f"{RESOURCE}.name[0].family",
        f"{REQUEST}.part[assertedPurpose].valueCoding.code",
    }


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"resourceType": "Parameters",', "is not JSON: line 1 column 31"),
        (b"[1, 2]", "must be a JSON object"),
        (b"\xff\xfe", "is not"),
    ],
)
def test_malformed_bodies_are_refused_not_crashed(raw: bytes, reason: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_enquiry(raw)
    assert reason in str(refused.value)


ANSWER_CASES: list[tuple[str, Callable[[Json], None], str, str]] = [
    (
        "unknown match grade",
        lambda b: b["parameter"][1].update({"valueCode": "maybe"}),
        "Parameters.parameter[matchGrade]",
        "'maybe' is not one of",
    ),
    (
        "unknown episode type",
        lambda b: b["parameter"][4]["part"][0]["valueCoding"].update({"code": "holiday"}),
        "Parameters.parameter[involvement][0].part[episodeType].valueCoding.code",
        "unknown code 'holiday'",
    ),
    (
        "ended involvement without an end",
        lambda b: b["parameter"][5]["part"][3]["valuePeriod"].pop("end"),
        "Parameters.parameter[involvement][1]",
        "an ended involvement needs a periodEnd",
    ),
    (
        "receipt hash not hex",
        lambda b: next(p for p in b["parameter"] if p["name"] == "receipt")["part"][2].update(
            {"valueString": "not-a-hash"}
        ),
        "Parameters.parameter[receipt].part[leafHash]",
        "does not have the form",
    ),
    (
        "unknown obligation",
        lambda b: next(p for p in b["parameter"] if p["name"] == "decision")["part"][2][
            "valueCoding"
        ].update({"code": "sing-a-song"}),
        "Parameters.parameter[decision].part[obligation][0].valueCoding.code",
        "unknown code 'sing-a-song'",
    ),
    (
        "contact is a Patient",
        lambda b: b["parameter"][3].update({"resource": {"resourceType": "Patient"}}),
        "Parameters.parameter[contact].resource.resourceType",
        "must be 'Organization', not 'Patient'",
    ),
    (
        "match missing",
        lambda b: b["parameter"].pop(0),
        "Parameters.parameter[match]",
        "is required",
    ),
    (
        "no-match answer that still names a contact",
        lambda b: b["parameter"][0].update({"valueBoolean": False}),
        "Parameters",
        "a no-match answer carries nothing about a person, not matchGrade, score, contact",
    ),
]


@pytest.mark.parametrize(
    ("broken", "element", "reason"),
    [case[1:] for case in ANSWER_CASES],
    ids=[case[0] for case in ANSWER_CASES],
)
def test_invalid_answer_names_element_and_reason(
    broken: Callable[[Json], None], element: str, reason: str
) -> None:
    body = example("response-match-full.json")
    parse_answer(body)
    broken(body)
    with pytest.raises(InvalidInput) as refused:
        parse_answer(body)
    named = {issue.element: issue.reason for issue in refused.value.issues}
    assert element in named, f"{element} not among {named}"
    assert reason in named[element]


def test_an_ad_hoc_request_may_name_no_sharing_policy() -> None:
    # The professional-judgement route is for enquiries outside any agreement: the PDP, not
    # the parser, decides what happens to them (REVIEW, never an automatic permit).
    body = example("request-full.json")
    _drop_part(body, "sharingPolicy")
    enquiry = parse_enquiry(body)
    assert enquiry.has_request
    assert enquiry.sharing_policies == ()
