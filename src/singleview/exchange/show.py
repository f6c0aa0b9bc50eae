"""The single view as a Rich table, for ``singleview enquire`` and the demo.

Codes are shown as their vocabularies' labels ("Police public protection: Police incident",
not ``police-public-protection: police-incident``), as the web pages show them: the demo's
table is the first thing a newcomer reads. A code a vocabulary does not hold (a partner's
newer one) is shown as it came.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from singleview.exchange.views import EnquiryView, PartnerView
from singleview.standards.vocabulary import label_of

_STYLE = {
    "known": "bold green",
    "may-know": "yellow",
    "not-known": "dim",
    "refused": "red",
    "waiting-for-review": "cyan",
    "no-answer": "bold red",
    "asking": "cyan",
}


def _details(partner: PartnerView) -> str:
    lines = []
    for involvement in partner.involvements:
        period = f"since {involvement.period_start.isoformat()}"
        if involvement.period_end:
            period = f"{involvement.period_start.isoformat()} to {involvement.period_end}"
        line = (
            f"{label_of('service-types', involvement.service_type)}: "
            f"{label_of('episode-types', involvement.episode_type)} "
            f"({involvement.status}, {period})"
        )
        if involvement.professional is not None:
            who = involvement.professional
            phones = ", ".join(t.value for t in who.telecom)
            role = label_of("practitioner-roles", who.role) if who.role else None
            line += f"; {who.name}" + (f" ({role})" if role else "")
            line += f" {phones}" if phones else ""
        lines.append(line)
    if partner.contact is not None:
        phones = ", ".join(t.value for t in partner.contact.telecom)
        lines.append(f"Call: {partner.contact.name}" + (f", {phones}" if phones else ""))
    if partner.decision is not None and partner.decision.policy_id:
        obligations = [label_of("obligations", o) for o in partner.decision.obligations]
        lines.append(
            f"Under {partner.decision.policy_id} v{partner.decision.policy_version}"
            + (f"; obligations: {'; '.join(obligations)}" if obligations else "")
        )
    if partner.refusal_codes:
        reasons = [label_of("decision-reasons", c) for c in partner.refusal_codes]
        lines.append("Reasons: " + "; ".join(reasons))
    return "\n".join(lines)


def single_view_table(view: EnquiryView) -> Group:
    """The enquiry's heading and one row per partner."""
    person = view.person
    name = person.names[0]
    born = person.date_of_birth.date if person.date_of_birth else "date of birth not given"
    heading = Text.assemble(
        ("Single view: ", "bold"),
        f"{' '.join(name.given_names)} {name.family_name} ({born}); ",
        label_of("purposes", view.purpose)
        + (f", case {view.case_reference}" if view.case_reference else ""),
        f"; asked by {view.practitioner.name} "
        f"({label_of('practitioner-roles', view.practitioner.role)}); ",
        ("complete" if view.complete else "still waiting for some partners", "italic"),
        f" after {view.elapsed_seconds:.2f} s",
    )
    table = Table(show_lines=True, expand=True)
    # "fold": a word longer than its column (an email address, an organisation id) breaks
    # across lines rather than being cut short with an ellipsis: nothing to call is lost.
    table.add_column("Partner", ratio=2, overflow="fold")
    table.add_column("Answer", ratio=3)
    table.add_column("Involvements and who to call", ratio=6, overflow="fold")
    table.add_column("ms", justify="right", ratio=1)
    for partner in view.partners:
        table.add_row(
            f"{partner.name}\n[dim]{partner.organisation_id}[/dim]",
            Text(partner.summary, style=_STYLE.get(partner.state, "")),
            _details(partner),
            "" if partner.elapsed_ms is None else f"{partner.elapsed_ms:.0f}",
        )
    names = {p.organisation_id: p.name for p in view.partners}
    order = ", ".join(names.get(o, o) for o in view.call_first) if view.call_first else "nobody"
    return Group(heading, table, Text(f"Call first: {order}", style="bold"))
