"""One account per role for the demo network, with passwords printed for the person trying it."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from singleview.web.accounts import ROLE_NAMES, Role, add_user, list_users


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A demo sign-in: who, which role, and the password to type."""

    username: str
    display_name: str
    role: Role
    password: str

    @property
    def role_name(self) -> str:
        """The role in words."""
        return ROLE_NAMES[self.role]


_PEOPLE: tuple[tuple[str, str, Role, str | None], ...] = (
    ("practitioner", "Sam Social Worker", "practitioner", "social-worker"),
    ("ig-officer", "Imran IG Officer", "ig-officer", None),
    ("admin", "Alex Administrator", "administrator", None),
)


def demo_accounts(
    sessions: sessionmaker[Session], now: dt.datetime, password: str | None = None
) -> list[DemoAccount]:
    """Create the three demo accounts (skipping any that exist) and return their sign-ins.

    Each run gets fresh random passwords unless ``password`` is given (the browser tests do);
    an account that already exists keeps its password, reported as ``(unchanged)``.
    """
    existing = {user.username for user in list_users(sessions)}
    made: list[DemoAccount] = []
    for username, name, role, job in _PEOPLE:
        if username in existing:
            made.append(DemoAccount(username, name, role, "(unchanged)"))
            continue
        secret = password or secrets.token_urlsafe(9)
        add_user(
            sessions,
            username=username,
            display_name=name,
            role=role,
            password=secret,
            practitioner_role=job,
            now=now,
        )
        made.append(DemoAccount(username, name, role, secret))
    return made
