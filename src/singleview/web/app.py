"""Mounting the web pages on a node's FastAPI app.

``mount(app, node)`` is the one call the exchange's app factory makes: it serves GOV.UK
Frontend's script and images from ``node_modules``, its stylesheet as the set-up built it with
system fonts, the pages' own scripts and styles, and every page. Nothing else from the package
is served: in particular not its precompiled stylesheet or its GDS Transport font files.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from singleview.web.admin import admin_router
from singleview.web.auth import (
    CsrfError,
    SignInRequiredError,
    UnstorableInputError,
    WrongRoleError,
    refuse_unstorable,
    sign_in_url,
)
from singleview.web.frontend import STATIC, govuk_frontend_dist, govuk_stylesheet
from singleview.web.ig import ig_router
from singleview.web.node import WebNode
from singleview.web.pages import Pages
from singleview.web.practitioner import practitioner_router
from singleview.web.signin import signin_router


def mount(app: FastAPI, node: WebNode) -> None:
    """Serve the node's web pages (and GOV.UK Frontend's assets) from ``app``."""
    dist = govuk_frontend_dist()
    stylesheet = govuk_stylesheet()
    served = {
        "/static/govuk/govuk-frontend.css": (stylesheet, "text/css"),
        "/static/govuk/govuk-frontend.min.js": (dist / "govuk-frontend.min.js", "text/javascript"),
    }
    for path, (file, media_type) in served.items():
        app.add_api_route(path, _file(file, media_type), methods=["GET"], include_in_schema=False)
    # The stylesheet looks for its images (and nothing else) under /assets/.
    app.mount(
        "/assets/images", StaticFiles(directory=dist / "assets" / "images"), name="govuk-images"
    )
    app.mount("/static/web", StaticFiles(directory=STATIC), name="web-static")
    pages = Pages(node)

    @app.exception_handler(SignInRequiredError)
    async def _sign_in(_request: Request, error: SignInRequiredError) -> Response:
        return RedirectResponse(sign_in_url(error.next_path), status_code=303)

    @app.exception_handler(WrongRoleError)
    async def _wrong_role(request: Request, error: WrongRoleError) -> Response:
        return pages.render(request, "forbidden.html", signed=error.signed, status_code=403)

    @app.exception_handler(UnstorableInputError)
    async def _unstorable(request: Request, _error: UnstorableInputError) -> Response:
        return pages.render(request, "unstorable.html", signed=None, status_code=400)

    @app.exception_handler(CsrfError)
    async def _csrf(request: Request, _error: CsrfError) -> Response:
        return pages.render(request, "csrf.html", signed=None, status_code=400)

    # Every page's first check, before any query: no NUL in its address.
    unstorable = [Depends(refuse_unstorable)]
    for router in (signin_router, practitioner_router, ig_router, admin_router):
        app.include_router(router(pages), dependencies=unstorable)


def _file(path: Path, media_type: str) -> Callable[[], Awaitable[FileResponse]]:
    async def serve() -> FileResponse:
        return FileResponse(path, media_type=media_type)

    return serve
