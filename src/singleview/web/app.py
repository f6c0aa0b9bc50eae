"""Mounting the web pages on a node's FastAPI app.

``mount(app, node)`` is the one call the exchange's app factory makes: it serves GOV.UK
Frontend's files from ``node_modules``, the pages' own scripts and styles, and every page.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from singleview.web.admin import admin_router
from singleview.web.auth import CsrfError, SignInRequiredError, WrongRoleError, sign_in_url
from singleview.web.frontend import STATIC, govuk_frontend_dist
from singleview.web.ig import ig_router
from singleview.web.node import WebNode
from singleview.web.pages import Pages
from singleview.web.practitioner import practitioner_router
from singleview.web.signin import signin_router


def mount(app: FastAPI, node: WebNode) -> None:
    """Serve the node's web pages (and GOV.UK Frontend's assets) from ``app``."""
    dist = govuk_frontend_dist()
    # The compiled GOV.UK stylesheet looks for its fonts and images under /assets/.
    app.mount("/assets", StaticFiles(directory=dist / "assets"), name="govuk-assets")
    app.mount("/static/govuk", StaticFiles(directory=dist), name="govuk-frontend")
    app.mount("/static/web", StaticFiles(directory=STATIC), name="web-static")
    pages = Pages(node)

    @app.exception_handler(SignInRequiredError)
    async def _sign_in(_request: Request, error: SignInRequiredError) -> Response:
        return RedirectResponse(sign_in_url(error.next_path), status_code=303)

    @app.exception_handler(WrongRoleError)
    async def _wrong_role(request: Request, error: WrongRoleError) -> Response:
        return pages.render(request, "forbidden.html", signed=error.signed, status_code=403)

    @app.exception_handler(CsrfError)
    async def _csrf(request: Request, _error: CsrfError) -> Response:
        return pages.render(request, "csrf.html", signed=None, status_code=400)

    app.include_router(signin_router(pages))
    app.include_router(practitioner_router(pages))
    app.include_router(ig_router(pages))
    app.include_router(admin_router(pages))
