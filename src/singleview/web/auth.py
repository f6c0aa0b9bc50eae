"""Sign-in sessions, role checks and CSRF protection for every page.

Every page handler starts with ``require(request, role...)``: a visitor who is not signed in is
sent to the sign-in page, one signed in with another role gets "You cannot see this page".
Every form a signed-in person posts carries the session's CSRF token, checked in ``form_of``;
the sign-in form itself is protected by a double-submit cookie, since there is no session yet.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

from fastapi import Request
from starlette.datastructures import FormData
from starlette.responses import Response

from singleview.web.accounts import Role, SignedIn, session_user
from singleview.web.node import WebNode

SESSION_COOKIE = "singleview_session"
SIGN_IN_CSRF_COOKIE = "singleview_sign_in"
CSRF_FIELD = "csrf_token"


class SignInRequiredError(Exception):
    """The page needs a signed-in person; carries where to come back to."""

    def __init__(self, next_path: str) -> None:
        super().__init__(f"sign in to see {next_path}")
        self.next_path = next_path


class WrongRoleError(Exception):
    """The signed-in person's role may not see this page."""

    def __init__(self, signed: SignedIn, path: str) -> None:
        super().__init__(f"{signed.user.username} ({signed.user.role}) may not see {path}")
        self.signed = signed


class CsrfError(Exception):
    """A form arrived without the CSRF token of the session that sent it."""


class UnstorableInputError(Exception):
    """The address or a form held a NUL, which PostgreSQL can neither store nor look up."""


def refuse_unstorable(request: Request) -> None:
    """Every page's first check: a NUL anywhere in its address (path or query) is refused,
    before it reaches a query and PostgreSQL answers with an error (a 500)."""
    if "\x00" in request.url.path or any("\x00" in v for v in request.query_params.values()):
        raise UnstorableInputError(request.url.path)


def signed_in(node: WebNode, request: Request) -> SignedIn | None:
    """Who is signed in on this request, if anyone."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    return session_user(node.sessions, token, node.clock())


def require(node: WebNode, request: Request, *roles: Role) -> SignedIn:
    """The signed-in person, when their role is one of ``roles``; otherwise raise."""
    signed = signed_in(node, request)
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if signed is None:
        raise SignInRequiredError(path)
    if signed.user.role not in roles:
        raise WrongRoleError(signed, path)
    return signed


async def form_of(node: WebNode, request: Request, *roles: Role) -> tuple[SignedIn, FormData]:
    """The signed-in person and their posted form, after the role and the CSRF token are checked."""
    signed = require(node, request, *roles)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not secrets.compare_digest(sent, signed.csrf_token):
        raise CsrfError(f"{request.url.path}: the form's {CSRF_FIELD} does not match the session")
    if any(isinstance(value, str) and "\x00" in value for value in form.values()):
        raise UnstorableInputError(request.url.path)
    return signed, form


def sign_in_url(next_path: str) -> str:
    """The sign-in page, coming back to ``next_path`` afterwards."""
    return f"/sign-in?next={quote(next_path, safe='')}"


def safe_next(value: Any) -> str:
    """A local path to go to after sign-in; anything else (another site) becomes the home page."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
        return value
    return "/"


def set_cookie(node: WebNode, response: Response, name: str, value: str) -> None:
    """Set a cookie the way every cookie here is set: HTTP only, same-site lax, path /."""
    response.set_cookie(
        name, value, httponly=True, samesite="lax", secure=node.secure_cookies, path="/"
    )
