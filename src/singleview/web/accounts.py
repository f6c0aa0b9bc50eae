"""Local accounts and sign-in sessions for the node's web pages.

Passwords are kept only as argon2id hashes. A session is a random token held in a cookie; the
database keeps only its SHA-256, so a copy of the database cannot be used to sign in. Sessions
live in the database (not in process memory) so every worker and every host sees the same ones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import DateTime, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from singleview.db import Base, as_utc
from singleview.standards.enquiry import REFERENCE_MAX_LENGTH, has_control_characters

Role = Literal["practitioner", "ig-officer", "administrator"]
ROLES: tuple[Role, ...] = get_args(Role)
ROLE_NAMES: dict[Role, str] = {
    "practitioner": "Practitioner",
    "ig-officer": "Information governance officer",
    "administrator": "Administrator",
}
SESSION_LIFETIME = dt.timedelta(hours=8)
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()
# Verifying against this when the username is unknown keeps the time taken the same either way,
# so the sign-in page does not tell an attacker which usernames exist.
_DUMMY_HASH = _hasher.hash("not a real password, only here to spend the same time")


class AccountError(ValueError):
    """An account that cannot be created as asked; the message names the field."""


class UserRow(Base):
    """A person who may sign in to the node's pages, with one role."""

    __tablename__ = "web_users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    #: The practitioner-roles code the node sends with this person's enquiries.
    practitioner_role: Mapped[str | None] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A signed-in session: the hash of its cookie token and its CSRF token."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


@dataclass(frozen=True, slots=True)
class User:
    """An account as the pages see it (never with its password hash)."""

    username: str
    display_name: str
    role: Role
    practitioner_role: str | None
    created_at: dt.datetime

    @property
    def role_name(self) -> str:
        """The role in words."""
        return ROLE_NAMES[self.role]


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The user behind a session, and the CSRF token every form they send must carry."""

    user: User
    csrf_token: str


def _user(row: UserRow) -> User:
    role: Role = next(r for r in ROLES if r == row.role)
    return User(
        username=row.username,
        display_name=row.display_name,
        role=role,
        practitioner_role=row.practitioner_role,
        created_at=as_utc(row.created_at),
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(
    sessions: sessionmaker[Session],
    *,
    username: str,
    display_name: str,
    role: str,
    password: str,
    now: dt.datetime,
    practitioner_role: str | None = None,
) -> User:
    """Create an account; ``AccountError`` names the field when one is not acceptable."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise AccountError(
            f"username: {username!r} must be 2 to 63 lower-case letters, digits, dots, "
            "hyphens or underscores"
        )
    if not display_name.strip():
        raise AccountError("display name: give the person's name")
    # It is the practitioner's name in every enquiry they send, held to the same rules.
    if len(display_name.strip()) > REFERENCE_MAX_LENGTH or has_control_characters(display_name):
        raise AccountError(
            f"display name: at most {REFERENCE_MAX_LENGTH} characters, with no tabs or other "
            "hidden characters"
        )
    if role not in ROLES:
        raise AccountError(f"role: {role!r} is not one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password: must be at least {MIN_PASSWORD_LENGTH} characters")
    row = UserRow(
        username=username,
        display_name=display_name.strip(),
        role=role,
        practitioner_role=practitioner_role,
        password_hash=_hasher.hash(password),
        created_at=as_utc(now),
    )
    with sessions.begin() as session:
        if session.get(UserRow, username) is not None:
            raise AccountError(f"username: {username!r} is already taken")
        session.add(row)
    return _user(row)


def list_users(sessions: sessionmaker[Session]) -> list[User]:
    """Every account, by username."""
    with sessions() as session:
        return [_user(row) for row in session.scalars(select(UserRow).order_by(UserRow.username))]


def authenticate(sessions: sessionmaker[Session], username: str, password: str) -> User | None:
    """The account when the password is right, otherwise None (no hint which part was wrong)."""
    key = username.strip().lower()
    with sessions.begin() as session:
        # No account name holds a NUL, and PostgreSQL refuses one even to look up (the sign-in
        # page answered 500): such a name is unknown, taking the same time as any other.
        row = None if "\x00" in key else session.get(UserRow, key)
        if row is None:
            with contextlib.suppress(VerificationError):
                _hasher.verify(_DUMMY_HASH, password)
            return None
        try:
            _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = _hasher.hash(password)
        return _user(row)


def start_session(sessions: sessionmaker[Session], user: User, now: dt.datetime) -> str:
    """Open a session for ``user``; returns the token for the cookie (kept only as a hash)."""
    token = secrets.token_urlsafe(32)
    with sessions.begin() as session:
        # Expired sessions are swept here, the one moment a write happens anyway.
        session.execute(delete(SessionRow).where(SessionRow.expires_at < as_utc(now)))
        session.add(
            SessionRow(
                token_hash=_token_hash(token),
                username=user.username,
                csrf_token=secrets.token_urlsafe(32),
                created_at=as_utc(now),
                expires_at=as_utc(now) + SESSION_LIFETIME,
            )
        )
    return token


def session_user(sessions: sessionmaker[Session], token: str, now: dt.datetime) -> SignedIn | None:
    """Who holds this session token now, or None when it is unknown or expired."""
    with sessions() as session:
        row = session.get(SessionRow, _token_hash(token))
        if row is None or as_utc(row.expires_at) <= as_utc(now):
            return None
        user = session.get(UserRow, row.username)
        if user is None:
            return None
        return SignedIn(user=_user(user), csrf_token=row.csrf_token)


def end_session(sessions: sessionmaker[Session], token: str) -> None:
    """Sign out: forget the session."""
    with sessions.begin() as session:
        session.execute(delete(SessionRow).where(SessionRow.token_hash == _token_hash(token)))
