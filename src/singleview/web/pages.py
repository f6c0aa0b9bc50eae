"""Rendering a page: the template, the menu for the person's role, and what every page shows."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from singleview.web.accounts import Role, SignedIn
from singleview.web.frontend import templates
from singleview.web.node import WebNode

MENUS: dict[Role, tuple[tuple[str, str], ...]] = {
    "practitioner": (("/enquiries/new", "New enquiry"), ("/enquiries", "Your enquiries")),
    "ig-officer": (
        ("/ig/review", "Review queue"),
        ("/ig/agreements", "Agreements"),
        ("/ig/alerts", "Alerts"),
        ("/ig/audit", "Audit log"),
        ("/ig/insights", "Insights"),
    ),
    "administrator": (("/admin/register", "Partners"), ("/admin/users", "Users")),
}
HOME: dict[Role, str] = {
    "practitioner": "/enquiries/new",
    "ig-officer": "/ig/review",
    "administrator": "/admin/register",
}


class Pages:
    """Renders the node's pages with the context every page needs."""

    def __init__(self, node: WebNode) -> None:
        self.node = node
        self.templates = templates()

    def render(
        self,
        request: Request,
        name: str,
        *,
        signed: SignedIn | None,
        section: str | None = None,
        status_code: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        """The page ``name`` for the person signed in (or nobody), with its menu item marked."""
        context.setdefault("errors", {})
        context.setdefault("values", {})
        return self.templates.TemplateResponse(
            request,
            name,
            {
                "signed": signed,
                "nav": MENUS[signed.user.role] if signed else (),
                "current_section": section,
                "organisation_name": self.node.organisation_name,
                **context,
            },
            status_code=status_code,
        )

    def fragment(self, name: str, **context: Any) -> str:
        """A template rendered on its own, for the parts a script swaps in."""
        return self.templates.get_template(name).render(**context)
