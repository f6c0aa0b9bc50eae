"""What a node says about itself: a FHIR CapabilityStatement and the operation's definition."""

from __future__ import annotations

import datetime as dt
from importlib.metadata import PackageNotFoundError, version
from typing import Any

OPERATION_URL = "https://singleview.org.uk/fhir/OperationDefinition/person-info-query"


def _part(name: str, use: str, low: int, high: str, kind: str | None, doc: str) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "use": use, "min": low, "max": high, "documentation": doc}
    if kind:
        out["type"] = kind
    return out


def operation_definition() -> dict[str, Any]:
    """The ``$person-info-query`` OperationDefinition, as PROFILE.md lays the operation out."""
    request_parts = [
        _part("identifier", "in", 1, "1", "Identifier", "The requester's unique request id."),
        _part("dateStamp", "in", 1, "1", "dateTime", "When the request was made."),
        _part("requester", "in", 1, "1", "Identifier", "The requesting organisation's id."),
        _part("practitioner", "in", 0, "1", None, "Who is asking: identifier, name, role."),
        _part("assertedPurpose", "in", 1, "1", "Coding", "A purposes code."),
        _part("sharingPolicy", "in", 0, "*", None, "Policies claimed: id, version, digest."),
        _part("dataCategory", "in", 0, "*", "Coding", "Data categories asked for."),
        _part("caseReference", "in", 0, "1", "string", "e.g. the s47 enquiry reference."),
        _part("consent", "in", 0, "1", None, "Consent: status, scope, expires."),
    ]
    return {
        "resourceType": "OperationDefinition",
        "id": "person-info-query",
        "url": OPERATION_URL,
        "name": "PersonInfoQuery",
        "title": "Do you know this person, and who should we call?",
        "status": "active",
        "kind": "operation",
        "code": "person-info-query",
        "resource": ["Patient"],
        "system": False,
        "type": True,
        "instance": False,
        "affectsState": False,
        "description": (
            "A constrained FHIR $match for multi-agency safeguarding enquiries (MAIS "
            "data-exchange-standard v0.3, singleview profile). Requests are signed "
            "(SingleView-Signature header); a refusal is a 403 OperationOutcome with coded "
            "reasons, decided before matching; a review answers 202 with Content-Location."
        ),
        "parameter": [
            _part("resource", "in", 1, "1", "Patient", "The person asked about."),
            _part("reason", "in", 0, "1", "uri", "v0.3 legal-basis URI."),
            {**_part("request", "in", 0, "1", None, "The IG Request."), "part": request_parts},
            _part("match", "out", 1, "1", "boolean", "Whether the person is (maybe) known."),
            _part("matchGrade", "out", 0, "1", "code", "certain | probable | possible."),
            _part("score", "out", 0, "1", "decimal", "The matcher's probability."),
            _part("multipleMatches", "out", 0, "1", "boolean", "Several possible matches."),
            _part("contact", "out", 0, "1", "Organization", "Who to call."),
            _part("involvement", "out", 0, "*", None, "Service involvements released."),
            _part("decision", "out", 1, "1", None, "Outcome, policy and obligations."),
            _part("receipt", "out", 1, "1", None, "The audit-log receipt with its proof."),
        ],
    }


def _version() -> str:
    try:
        return version("singleview")
    except PackageNotFoundError:
        return "unknown"


def capability_statement(base_url: str, organisation_name: str | None) -> dict[str, Any]:
    """The node's CapabilityStatement: one operation on Patient, signed requests required."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": dt.date.today().isoformat(),
        "kind": "instance",
        "software": {"name": "singleview", "version": _version()},
        "implementation": {
            "description": organisation_name or "singleview node",
            "url": f"{base_url}/fhir",
        },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": (
                        "Every request carries a SingleView-Signature header: a JWT signed with "
                        "a key listed in the organisation register (see docs/trust.md). "
                        "Every answer is signed by this node the same way."
                    )
                },
                "resource": [
                    {
                        "type": "Patient",
                        "operation": [
                            {"name": "person-info-query", "definition": OPERATION_URL},
                        ],
                    }
                ],
            }
        ],
    }
