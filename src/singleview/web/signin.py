"""Sign in, sign out, and the home page that sends each role to its first page."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from singleview.web.accounts import authenticate, end_session, start_session
from singleview.web.auth import (
    CSRF_FIELD,
    SESSION_COOKIE,
    SIGN_IN_CSRF_COOKIE,
    CsrfError,
    form_of,
    safe_next,
    set_cookie,
    signed_in,
)
from singleview.web.pages import HOME, Pages


def signin_router(pages: Pages) -> APIRouter:
    """The sign-in, sign-out and home routes."""
    node = pages.node
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    def home(request: Request) -> Response:
        signed = signed_in(node, request)
        if signed is None:
            return RedirectResponse("/sign-in", status_code=303)
        return RedirectResponse(HOME[signed.user.role], status_code=303)

    def sign_in_page(
        request: Request, *, next_path: str, errors: dict[str, str], username: str = ""
    ) -> HTMLResponse:
        token = request.cookies.get(SIGN_IN_CSRF_COOKIE) or secrets.token_urlsafe(32)
        response = pages.render(
            request,
            "sign_in.html",
            signed=None,
            errors=errors,
            values={"username": username},
            next_path=next_path,
            sign_in_token=token,
            status_code=400 if errors else 200,
        )
        set_cookie(node, response, SIGN_IN_CSRF_COOKIE, token)
        return response

    @router.get("/sign-in")
    def sign_in(request: Request, next: str = "/") -> HTMLResponse:
        return sign_in_page(request, next_path=safe_next(next), errors={})

    @router.post("/sign-in")
    async def sign_in_post(request: Request) -> Response:
        form = await request.form()
        cookie = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
        sent = form.get(CSRF_FIELD)
        if not cookie or not isinstance(sent, str) or not secrets.compare_digest(sent, cookie):
            raise CsrfError("/sign-in: the form's token does not match its cookie")
        username = str(form.get("username", "")).strip()
        password = str(form.get("password", ""))
        next_path = safe_next(form.get("next"))
        errors: dict[str, str] = {}
        if not username:
            errors["username"] = "Enter your username"
        if not password:
            errors["password"] = "Enter your password"  # noqa: S105
        user = None if errors else authenticate(node.sessions, username, password)
        if user is None and not errors:
            errors["username"] = "Enter a username and password that match an account"
        if user is None:
            return sign_in_page(request, next_path=next_path, errors=errors, username=username)
        token = start_session(node.sessions, user, node.clock())
        target = HOME[user.role] if next_path == "/" else next_path
        response = RedirectResponse(target, status_code=303)
        set_cookie(node, response, SESSION_COOKIE, token)
        response.delete_cookie(SIGN_IN_CSRF_COOKIE, path="/")
        return response

    @router.post("/sign-out")
    async def sign_out(request: Request) -> Response:
        await form_of(node, request, "practitioner", "ig-officer", "administrator")
        end_session(node.sessions, request.cookies.get(SESSION_COOKIE, ""))
        response = RedirectResponse("/sign-in?signed_out=1", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return router
