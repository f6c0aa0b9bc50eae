"""The single view as ``singleview enquire`` and the demo print it: in words, not codes."""

from __future__ import annotations

import datetime as dt

from rich.console import Console

from singleview.exchange.show import single_view_table
from singleview.exchange.views import EnquiryView, PartnerView, Practitioner
from singleview.standards.answer import DecisionSummary
from singleview.standards.involvement import (
    Involvement,
    OrganisationContact,
    Professional,
    Telecom,
)

from .world import OMAR, person


def _rendered(view: EnquiryView, width: int) -> str:
    console = Console(record=True, width=width)
    console.print(single_view_table(view))
    return console.export_text()


def _printed(view: EnquiryView) -> str:
    """The table wide enough for no cell to wrap, its whitespace squeezed to single spaces."""
    return " ".join(_rendered(view, width=400).split())


def _view(*partners: PartnerView, call_first: tuple[str, ...]) -> EnquiryView:
    return EnquiryView(
        id="e-1",
        started_at=dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC),
        elapsed_seconds=0.2,
        complete=True,
        practitioner=Practitioner(id="sw-1", name="Alex Morgan", role="social-worker"),
        purpose="s47-enquiry",
        case_reference="S47-1",
        person=person(OMAR),
        summary={p.state: 1 for p in partners},
        call_first=call_first,
        partners=partners,
    )


POLICE = PartnerView(
    organisation_id="police",
    name="Moorshire Police",
    endpoint="http://police.example",
    state="known",
    summary="Knows this child",
    contact=OrganisationContact(name="Police front door"),
    involvements=(
        Involvement(
            episode_type="police-incident",
            service_type="police-public-protection",
            status="active",
            period_start=dt.date(2023, 6, 13),
            professional=Professional(name="Glen Jones", role="police-officer"),
        ),
    ),
    decision=DecisionSummary(
        outcome="PERMIT",
        policy_id="sv-statutory-s47",
        policy_version=1,
        obligations=("record-in-case-file",),
    ),
)
ACADEMY = PartnerView(
    organisation_id="academy-trust",
    name="Moorside Academies",
    endpoint="http://academy.example",
    state="refused",
    summary="Refused to answer",
    refusal_codes=("purpose-not-permitted", "a-code-from-a-newer-vocabulary"),
)


def test_codes_are_shown_as_their_labels_and_call_first_names_partners() -> None:
    printed = _printed(_view(POLICE, ACADEMY, call_first=("police",)))
    assert "Section 47 child protection enquiry, case S47-1" in printed
    assert "asked by Alex Morgan (Social worker)" in printed
    assert "Police public protection: Police incident (active, since 2023-06-13)" in printed
    assert "Glen Jones (Police officer)" in printed
    assert "obligations: Record in the case file" in printed
    assert "Call first: Moorshire Police" in printed
    # A code no shipped vocabulary holds is shown as it came, not dropped.
    assert "a-code-from-a-newer-vocabulary" in printed
    for code in ("police-public-protection", "police-incident", "s47-enquiry", "social-worker"):
        assert code not in printed


def test_nobody_to_call_says_so() -> None:
    assert "Call first: nobody" in _printed(_view(ACADEMY, call_first=()))


def test_a_narrow_terminal_cuts_no_email_address_short() -> None:
    police = POLICE.model_copy(
        update={
            "contact": OrganisationContact(
                name="Front door",
                telecom=(Telecom(system="email", value="safeguarding@moorshire-police.example"),),
            )
        }
    )
    printed = _rendered(_view(police, call_first=("police",)), width=80)
    assert "…" not in printed
    # Folded over two lines of its cell, the address is still all there.
    joined = "".join(line.split("│")[3].strip() for line in printed.splitlines() if "│" in line)
    assert "safeguarding@moorshire-police.example" in joined
