"""A small, hand-made area for the exchange tests: three children, five organisations.

Jane Smith is known to the council, the police and the NHS trust (with a sexual-health
involvement the trust withholds by local rule). Omar Khan is known to the academy trust only.
Nobody knows Zed Unheld.
"""

from __future__ import annotations

from typing import Any

from singleview.exchange.config import SuppressionRule
from singleview.exchange.network import NodeSpec
from singleview.records.models import StoredPerson
from singleview.standards.involvement import OrganisationContact, Telecom
from singleview.standards.person import Person

JANE = {
    "identifiers": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}],
    "names": [{"familyName": "Smith", "givenNames": ["Jane"]}],
    "dateOfBirth": {"date": "2015-05-01"},
    "addresses": [{"line1": "1 High Street", "city": "Northmoor", "postcode": "LS1 4AP"}],
    "gender": "2",
}
OMAR = {
    "identifiers": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765870"}],
    "names": [{"familyName": "Khan", "givenNames": ["Omar"]}],
    "dateOfBirth": {"date": "2012-09-14"},
    "addresses": [{"line1": "9 Mill Lane", "city": "Northmoor", "postcode": "LS2 7EY"}],
    "gender": "1",
}
ZED = {
    "names": [{"familyName": "Unheld", "givenNames": ["Zed"]}],
    "dateOfBirth": {"date": "2016-02-29"},
    "addresses": [{"line1": "3 Nowhere Road", "city": "Elsewhere", "postcode": "M1 1AE"}],
}


def person(data: dict[str, Any]) -> Person:
    """The Person for one of the dictionaries above."""
    return Person.model_validate(data)


def _involvement(episode: str, service: str, start: str, lead: str, role: str) -> dict[str, Any]:
    return {
        "episodeType": episode,
        "serviceType": service,
        "status": "active",
        "periodStart": start,
        "professional": {
            "name": lead,
            "role": role,
            "telecom": [{"system": "phone", "value": "0113 496 0000", "use": "work"}],
        },
    }


def records() -> dict[str, list[StoredPerson]]:
    """Each organisation's records."""
    return {
        "council-csc": [
            StoredPerson.model_validate(
                {
                    "recordId": "LCS0000001",
                    "person": JANE,
                    "involvements": [
                        _involvement(
                            "child-in-need",
                            "childrens-social-care",
                            "2025-01-06",
                            "Sam Worker",
                            "social-worker",
                        )
                    ],
                }
            )
        ],
        "police": [
            StoredPerson.model_validate(
                {
                    "recordId": "POL-77",
                    "person": JANE,
                    "involvements": [
                        _involvement(
                            "police-incident",
                            "police-public-protection",
                            "2025-03-02",
                            "DC Lee",
                            "police-officer",
                        )
                    ],
                }
            )
        ],
        "nhs-trust": [
            StoredPerson.model_validate(
                {
                    "recordId": "RXX-1",
                    "person": JANE,
                    "involvements": [
                        _involvement(
                            "health-episode", "camhs", "2024-11-01", "Dr Rao", "psychiatrist"
                        ),
                        _involvement(
                            "health-episode", "sexual-health", "2025-02-01", "Nurse Ede", "nurse"
                        ),
                    ],
                }
            )
        ],
        "academy-trust": [
            StoredPerson.model_validate(
                {
                    "recordId": "ACA-5",
                    "person": OMAR,
                    "involvements": [
                        _involvement(
                            "school-enrolment",
                            "education",
                            "2023-09-01",
                            "Ms Hart",
                            "designated-safeguarding-lead",
                        )
                    ],
                }
            )
        ],
        "youth-justice": [],
    }


def contact(name: str) -> OrganisationContact:
    """A front door for ``name``."""
    return OrganisationContact(
        name=name, telecom=(Telecom(system="phone", value="0113 496 0999", use="work"),)
    )


def specs(ports: dict[str, int]) -> list[NodeSpec]:
    """The five organisations, each on its port."""
    rows = [
        ("council-csc", "Northmoor Council Children's Services",
         "local-authority-childrens-social-care", ("childrens-social-care", "early-help"), ()),
        ("police", "Northmoor Police", "police-force", ("police-public-protection",), ()),
        ("nhs-trust", "Northmoor NHS Trust", "nhs-trust",
         ("health-visiting", "camhs", "sexual-health"),
         (SuppressionRule(service_type="sexual-health", action="withhold"),)),
        ("academy-trust", "Northmoor Academies", "academy-trust", ("education",), ()),
        ("youth-justice", "Northmoor Youth Justice Service", "youth-justice-service",
         ("youth-justice",), ()),
    ]  # fmt: skip
    return [
        NodeSpec(
            organisation_id=org,
            name=name,
            organisation_type=kind,
            services=services,
            port=ports[org],
            contact=contact(name),
            suppressions=suppressions,
        )
        for org, name, kind, services, suppressions in rows
    ]
