"""The administrator's pages: the node's copy of the register, and the accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from singleview.standards.organisation import Organisation
from singleview.standards.vocabulary import load_vocabulary
from singleview.trust.cache import RegisterUnavailableError
from singleview.web.accounts import ROLE_NAMES, AccountError, add_user, list_users
from singleview.web.auth import form_of, require
from singleview.web.pages import Pages

#: A key this close to its end is flagged so a new one can be registered in time.
KEY_EXPIRY_WARNING = dt.timedelta(days=30)


@dataclass(frozen=True, slots=True)
class PartnerRow:
    """One register entry as the partners table shows it."""

    organisation: Organisation
    active: bool
    key_expiry: dt.datetime | None
    key_warning: str | None


def partner_row(org: Organisation, now: dt.datetime) -> PartnerRow:
    """A register entry with its soonest key expiry and, if due, a warning in words."""
    current = [key for key in org.jwks.keys if key.valid_at(now)]
    ends = [key.valid_until for key in current if key.valid_until is not None]
    expiry = min(ends) if ends else None
    warning = None
    if not current:
        warning = "No key valid now"
    elif expiry is not None and expiry - now < KEY_EXPIRY_WARNING:
        warning = "Key expires within 30 days"
    return PartnerRow(org, org.is_active_partner, expiry, warning)


def admin_router(pages: Pages) -> APIRouter:
    """The administrator's routes."""
    node = pages.node
    router = APIRouter(prefix="/admin", include_in_schema=False)

    @router.get("/register")
    def register(request: Request) -> HTMLResponse:
        signed = require(node, request, "administrator")
        now = node.clock()
        rows: list[PartnerRow] = []
        problem = None
        status = node.register.status() if node.register else None
        if node.register is None:
            problem = "This node has no organisation register configured."
        else:
            try:
                rows = [partner_row(org, now) for org in node.register.current().organisations]
            except RegisterUnavailableError as error:
                problem = str(error)
        return pages.render(
            request,
            "admin/register.html",
            signed=signed,
            section="/admin/register",
            rows=rows,
            status=status,
            problem=problem,
        )

    def users_page(
        request: Request, errors: dict[str, str], values: dict[str, str], added: str | None
    ) -> HTMLResponse:
        signed = require(node, request, "administrator")
        roles = load_vocabulary("practitioner-roles")
        return pages.render(
            request,
            "admin/users.html",
            signed=signed,
            section="/admin/users",
            users=list_users(node.sessions),
            roles=ROLE_NAMES,
            practitioner_roles=[(c, roles.require(c).pref_label) for c in roles.codes],
            errors=errors,
            values=values,
            added=added,
            status_code=400 if errors else 200,
        )

    @router.get("/users")
    def users(request: Request, added: str | None = None) -> HTMLResponse:
        return users_page(request, {}, {}, added)

    @router.post("/users")
    async def users_post(request: Request) -> Response:
        _signed, form = await form_of(node, request, "administrator")
        values = {k: str(form.get(k, "")) for k in ("username", "display_name", "role", "job")}
        errors: dict[str, str] = {}
        if not values["username"].strip():
            errors["username"] = "Enter a username"
        if not values["display_name"].strip():
            errors["display_name"] = "Enter the person's name"
        if values["role"] not in ROLE_NAMES:
            errors["role"] = "Select a role"
        if values["role"] == "practitioner" and not values["job"]:
            errors["job"] = "Select the practitioner's job, which partners' agreements check"
        password = str(form.get("password", ""))
        if len(password) < 10:
            errors["password"] = "Enter a password of at least 10 characters"  # noqa: S105
        if not errors:
            try:
                add_user(
                    node.sessions,
                    username=values["username"],
                    display_name=values["display_name"],
                    role=values["role"],
                    password=password,
                    practitioner_role=values["job"] or None,
                    now=node.clock(),
                )
            except AccountError as error:
                field, _, message = str(error).partition(": ")
                key = field.replace(" ", "_") if field.replace(" ", "_") in values else "username"
                errors[key] = message[:1].upper() + message[1:]
        if errors:
            return users_page(request, errors, values, None)
        return RedirectResponse(
            f"/admin/users?added={values['username'].strip().lower()}", status_code=303
        )

    return router
