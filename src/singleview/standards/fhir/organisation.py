"""OrganisationContact ⇄ FHIR R4 Organization: who a partner should call about a person."""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.organization import Organization

from singleview.standards.fhir.common import IssueList
from singleview.standards.involvement import ContactAddress, OrganisationContact, Telecom

_ADDRESS_FIELDS = {"lines": "line", "postcode": "postalCode"}


def contact_point_to_telecom(
    point: ContactPoint, element: str, issues: IssueList
) -> Telecom | None:
    """The Telecom a ContactPoint describes, recording issues under ``element``."""
    return issues.build(
        Telecom, element, {"system": point.system, "value": point.value, "use": point.use}
    )


def contact_to_organization(contact: OrganisationContact) -> Organization:
    """The FHIR Organization for a responder's contact details: ``organization_json`` read into
    FHIR objects."""
    return Organization.model_validate(organization_json(contact))


def contact_point_json(telecom: Telecom) -> dict[str, Any]:
    """A FHIR ContactPoint for one way of reaching someone, as JSON."""
    point: dict[str, Any] = {"system": telecom.system, "value": telecom.value}
    if telecom.use is not None:
        point["use"] = telecom.use
    return point


def organization_json(contact: OrganisationContact) -> dict[str, Any]:
    """The FHIR Organization for a responder's contact details, as the JSON the wire carries."""
    out: dict[str, Any] = {"resourceType": "Organization", "name": contact.name}
    if contact.telecom:
        out["telecom"] = [contact_point_json(t) for t in contact.telecom]
    if contact.address:
        addresses = []
        for a in contact.address:
            address: dict[str, Any] = {"line": list(a.lines)} if a.lines else {}
            for key, given in (
                ("city", a.city),
                ("postalCode", a.postcode),
                ("country", a.country),
            ):
                if given is not None:
                    address[key] = given
            addresses.append(address)
        out["address"] = addresses
    return out


def organization_to_contact(
    organization: Organization, element: str = "Organization"
) -> OrganisationContact:
    """The contact details an Organization gives; InvalidInput names every offending element."""
    issues = IssueList()
    telecom = [
        contact_point_to_telecom(point, f"{element}.telecom[{i}]", issues)
        for i, point in enumerate(organization.telecom or [])
    ]
    # Addresses are kept exactly as given (see ContactAddress): this is what a person prints.
    addresses = [
        issues.build(
            ContactAddress,
            f"{element}.address[{i}]",
            {
                "lines": list(a.line or []),
                "city": a.city,
                "postcode": a.postalCode,
                "country": a.country,
            },
            _ADDRESS_FIELDS,
        )
        for i, a in enumerate(organization.address or [])
    ]
    issues.raise_if_any()
    contact = issues.build(
        OrganisationContact,
        element,
        {"name": organization.name, "telecom": telecom, "address": addresses},
    )
    issues.raise_if_any()
    assert contact is not None
    return contact
