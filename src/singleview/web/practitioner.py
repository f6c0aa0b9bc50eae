"""The practitioner's pages: ask every partner about a child, see the answers, look back."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from singleview.web.accounts import SignedIn
from singleview.web.auth import form_of, require
from singleview.web.enquiries import CannotAskError, EnquiryPage, EnquiryRequest
from singleview.web.enquiry_form import CONSENT_ANSWERS, FIELDS, parse_enquiry_form, purposes
from singleview.web.pages import Pages


def status_text(page: EnquiryPage) -> str:
    """How far the answers have got, in one sentence."""
    total = len(page.partners)
    waiting = sum(1 for p in page.partners if p.waiting)
    if total == 0:
        return "No partner could be asked: none is active in the register under an agreement."
    if waiting == 0:
        return f"All {total} partners have answered or timed out."
    return f"{total - waiting} of {total} partners have answered. Still waiting for {waiting}."


def practitioner_router(pages: Pages) -> APIRouter:
    """The practitioner's routes."""
    node = pages.node
    router = APIRouter(prefix="/enquiries", include_in_schema=False)

    def form_page(
        request: Request, signed: SignedIn, values: dict[str, str], errors: dict[str, str]
    ) -> HTMLResponse:
        return pages.render(
            request,
            "practitioner/new.html",
            signed=signed,
            section="/enquiries/new",
            values=values,
            errors=errors,
            purposes=purposes(),
            consent_answers=CONSENT_ANSWERS,
            available=node.enquiries is not None,
            status_code=400 if errors else 200,
        )

    @router.get("/new")
    def new(request: Request) -> HTMLResponse:
        signed = require(node, request, "practitioner")
        return form_page(request, signed, {}, {})

    @router.post("/new")
    async def new_post(request: Request) -> Response:
        signed, form = await form_of(node, request, "practitioner")
        values = {name: str(form.get(name, "")) for name in FIELDS}
        fields, errors = parse_enquiry_form(values, node.clock().date())
        if fields is None or node.enquiries is None:
            if node.enquiries is None:
                errors["given_names"] = "This node cannot send enquiries: it has no partners set up"
            return form_page(request, signed, values, errors)
        try:
            enquiry_id = node.enquiries.start(
                EnquiryRequest(
                    practitioner_id=signed.user.username,
                    practitioner_role=signed.user.practitioner_role or "social-worker",
                    practitioner_name=signed.user.display_name,
                    person=fields.person,
                    purpose=fields.purpose,
                    case_reference=fields.case_reference,
                    consent=fields.consent,
                )
            )
        except CannotAskError as error:
            return form_page(request, signed, values, {"purpose": str(error)})
        return RedirectResponse(f"/enquiries/{enquiry_id}", status_code=303)

    def own_enquiry(signed: SignedIn, enquiry_id: str) -> EnquiryPage | None:
        page = node.enquiries.get(enquiry_id) if node.enquiries is not None else None
        # Another practitioner's enquiry is as good as missing: it is not theirs to see.
        if page is None or page.practitioner_id != signed.user.username:
            return None
        return page

    @router.get("")
    def history(request: Request) -> HTMLResponse:
        signed = require(node, request, "practitioner")
        found = node.enquiries.list_for(signed.user.username) if node.enquiries else []
        return pages.render(
            request,
            "practitioner/history.html",
            signed=signed,
            section="/enquiries",
            enquiries=found,
        )

    @router.get("/{enquiry_id}")
    def single_view(request: Request, enquiry_id: str) -> HTMLResponse:
        signed = require(node, request, "practitioner")
        page = own_enquiry(signed, enquiry_id)
        if page is None:
            return pages.render(
                request,
                "not_found.html",
                signed=signed,
                message="You have no enquiry with that reference.",
                status_code=404,
            )
        return pages.render(
            request,
            "practitioner/single_view.html",
            signed=signed,
            section="/enquiries",
            page=page,
            status_text=status_text(page),
        )

    @router.get("/{enquiry_id}/partners.json")
    def partners_json(request: Request, enquiry_id: str) -> Response:
        signed = require(node, request, "practitioner")
        page = own_enquiry(signed, enquiry_id)
        if page is None:
            return JSONResponse({"detail": "no such enquiry"}, status_code=404)
        return JSONResponse(
            {
                "complete": page.complete,
                "status_text": status_text(page),
                "html": pages.fragment("practitioner/partners.html", page=page),
                "partners": [
                    {"organisation": p.organisation_id, "state": p.state, "summary": p.summary}
                    for p in page.partners
                ],
            },
            headers={"Cache-Control": "no-store"},
        )

    return router
