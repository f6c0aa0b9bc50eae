"""The pages on a running exchange node: the ``WebNode`` and ``EnquiryService`` it provides.

The exchange's app factory calls ``mount_on_node(app, node)``; everything the practitioner's
pages do goes through the exchange's public functions (``start_enquiry``, ``get_enquiry``,
``list_enquiries``), turned here into the plain values the templates show.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path

from fastapi import FastAPI

from singleview.db import create_engine, session_factory
from singleview.exchange.config import load_config
from singleview.exchange.node import Node
from singleview.exchange.requester import (
    NothingToAskError,
    get_enquiry,
    list_enquiries,
    start_enquiry,
)
from singleview.exchange.responder import held_enquiry
from singleview.exchange.views import EnquirySummary, EnquiryView, PartnerView
from singleview.governance import policy_index
from singleview.settings import get_settings
from singleview.standards.enquiry import Consent, Practitioner
from singleview.standards.involvement import Involvement, OrganisationContact, Telecom
from singleview.standards.person import Person
from singleview.standards.vocabulary import label_of
from singleview.web.app import mount
from singleview.web.demo import DemoAccount, demo_accounts
from singleview.web.enquiries import (
    CannotAskError,
    Contact,
    EnquiryPage,
    EnquiryRequest,
    InvolvementLine,
    PartnerLine,
)
from singleview.web.frontend import FrontendMissingError
from singleview.web.node import WebNode
from singleview.web.partner_words import partner_words

logger = logging.getLogger(__name__)


def _reach(telecom: tuple[Telecom, ...]) -> tuple[str | None, str | None]:
    phone = next((t.value for t in telecom if t.system == "phone"), None)
    email = next((t.value for t in telecom if t.system == "email"), None)
    return phone, email


def _front_door(contact: OrganisationContact | None) -> Contact | None:
    if contact is None:
        return None
    phone, email = _reach(contact.telecom)
    return Contact(name=contact.name, phone=phone, email=email)


def _involvement(involvement: Involvement) -> InvolvementLine:
    start = involvement.period_start.strftime("%-d %b %Y")
    end = involvement.period_end.strftime("%-d %b %Y") if involvement.period_end else "now"
    contact = None
    if involvement.professional is not None:
        phone, email = _reach(involvement.professional.telecom)
        role = involvement.professional.role
        contact = Contact(
            name=involvement.professional.name,
            role=label_of("practitioner-roles", role) if role else None,
            phone=phone,
            email=email,
        )
    return InvolvementLine(
        service=label_of("service-types", involvement.service_type),
        status=involvement.status,
        period=f"{start} to {end}",
        team=label_of("episode-types", involvement.episode_type),
        contact=contact,
    )


def _partner(view: PartnerView) -> PartnerLine:
    words = partner_words(view)
    return PartnerLine(
        organisation_id=view.organisation_id,
        name=view.name,
        state=view.state,
        summary=words.summary,
        involvements=tuple(_involvement(i) for i in view.involvements),
        contact=_front_door(view.contact),
        match_grade=view.match_grade,
        detail_title=words.detail_title,
        detail=words.detail,
    )


def person_label(person: Person) -> str:
    """The person's name and date of birth, as a heading shows them."""
    name = person.names[0]
    shown = " ".join([*name.given_names, name.family_name]).strip() or "(no name given)"
    if person.date_of_birth is not None:
        born = person.date_of_birth.date
        if born.month is None:
            shown += f", born {born.year}"
        else:
            day = dt.date(born.year, born.month, born.day or 1)
            shown += f", born {day.strftime('%-d %B %Y' if born.day else '%B %Y')}"
    return shown


def enquiry_page(view: EnquiryView) -> EnquiryPage:
    """The exchange's single view as the practitioner's pages show it."""
    partners = tuple(_partner(p) for p in view.partners)
    by_id = {p.organisation_id: p for p in partners}
    return EnquiryPage(
        enquiry_id=view.id,
        practitioner_id=view.practitioner.id,
        person_label=person_label(view.person),
        purpose=label_of("purposes", view.purpose),
        case_reference=view.case_reference,
        started_at=view.started_at,
        complete=view.complete,
        counts=dict(view.summary),
        partners=partners,
        call_first=tuple(by_id[i] for i in view.call_first if i in by_id),
    )


def _listed(summary: EnquirySummary, practitioner_id: str) -> EnquiryPage:
    return EnquiryPage(
        enquiry_id=summary.id,
        practitioner_id=practitioner_id,
        person_label=summary.person_name,
        purpose=label_of("purposes", summary.purpose),
        case_reference=summary.case_reference,
        started_at=summary.started_at,
        complete=summary.complete,
        counts=dict(summary.summary),
    )


class ExchangeEnquiries:
    """The practitioner's pages' ``EnquiryService``, on the exchange's requester functions."""

    def __init__(self, node: Node) -> None:
        self.node = node

    def start(self, request: EnquiryRequest) -> str:
        """Ask every partner a policy covers; ``CannotAskError`` when there is nobody to ask."""
        consent = None
        if request.consent is not None:
            consent = Consent(status=request.consent, scope=(request.purpose,))
        try:
            return start_enquiry(
                self.node,
                practitioner=Practitioner(
                    identifier=request.practitioner_id,
                    name=request.practitioner_name,
                    role=request.practitioner_role,
                ),
                person=request.person,
                purpose=request.purpose,
                case_reference=request.case_reference,
                consent=consent,
            )
        except NothingToAskError as error:
            raise CannotAskError(
                "No partner can be asked for this purpose: no agreement here covers it"
            ) from error

    def get(self, enquiry_id: str) -> EnquiryPage | None:
        """The single view so far."""
        view = get_enquiry(self.node, enquiry_id)
        return None if view is None else enquiry_page(view)

    def list_for(self, practitioner_id: str) -> list[EnquiryPage]:
        """The practitioner's enquiries, newest first."""
        return [_listed(s, practitioner_id) for s in list_enquiries(self.node, practitioner_id)]


def web_node(node: Node) -> WebNode:
    """The pages' view of an exchange node (alert thresholds from the node's settings)."""
    settings = get_settings()
    me = None
    try:
        me = node.register.current().find(node.organisation_id)
    except Exception:  # a node without a usable register still serves its sign-in page
        logger.warning("no usable register yet: the pages show the node's id, not its name")

    def reload_policies() -> None:
        # This worker decides with the new version at once; the node's other workers see it
        # within a second (each re-checks the policy store, see governance.live).
        node.policies = policy_index(node.sessions)

    return WebNode(
        organisation_id=node.organisation_id,
        organisation_name=me.name if me else node.organisation_id,
        engine=node.engine,
        sessions=node.sessions,
        audit_log=node.audit,
        audit_public_keys={node.key.kid: node.key.private_key.public_key()},
        register=node.register,
        enquiries=ExchangeEnquiries(node),
        policy_folder=node.config.policies,
        on_policies_changed=reload_policies,
        held_enquiry=lambda review_id: held_enquiry(node, review_id),
        secure_cookies=node.config.public_base_url.startswith("https://"),
        volume_alert_floor=settings.volume_alert_floor,
        volume_alert_factor=settings.volume_alert_factor,
    )


def mount_on_node(app: FastAPI, node: Node) -> None:
    """Serve the web pages from an exchange node's app.

    Without GOV.UK Frontend installed (``npm ci``) the node still answers enquiries; it only
    serves no pages, and says so in its log.
    """
    try:
        mount(app, web_node(node))
    except FrontendMissingError as error:
        logger.warning("web pages not served: %s", error)


def demo_network_accounts(configs: Mapping[str, Path]) -> list[DemoAccount]:
    """One account per role on every node of a demo network, sharing one fresh password."""
    password = secrets.token_urlsafe(9)
    made: list[DemoAccount] = []
    for config in configs.values():
        engine = create_engine(load_config(config).database_url)
        try:
            made = demo_accounts(session_factory(engine), dt.datetime.now(dt.UTC), password)
        finally:
            engine.dispose()
    return made


def demo_sign_in_text(endpoints: Mapping[str, str], accounts: Sequence[DemoAccount]) -> str:
    """What the demo prints so a person can try the pages: where, and as whom."""
    lines = ["Web pages (every node has the same three accounts):"]
    lines += [
        f"  {organisation_id:<14} {url}/sign-in" for organisation_id, url in endpoints.items()
    ]
    lines += [
        f"  {a.role_name:<32} username {a.username:<13} password {a.password}" for a in accounts
    ]
    return "\n".join(lines)
