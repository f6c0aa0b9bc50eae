"""Account and session storage on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from singleview.db import create_engine, migrate, session_factory
from singleview.web.accounts import (
    SESSION_LIFETIME,
    AccountError,
    add_user,
    authenticate,
    end_session,
    session_user,
    start_session,
)

NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)


def test_account_and_session_lifecycle(database_url: str) -> None:
    engine = create_engine(database_url)
    sessions = session_factory(engine)
    user = add_user(
        sessions,
        username="Sam",
        display_name="Sam Smith",
        role="practitioner",
        password="a long password",
        practitioner_role="social-worker",
        now=NOW,
    )
    assert user.username == "sam"
    with pytest.raises(AccountError, match="username: 'sam' is already taken"):
        add_user(
            sessions,
            username="sam",
            display_name="x",
            role="practitioner",
            password="a long password",
            now=NOW,
        )
    assert authenticate(sessions, "sam", "wrong password") is None
    assert authenticate(sessions, "nobody", "a long password") is None
    # Whatever the sign-in form is sent (PostgreSQL refused even to look up a NUL).
    assert authenticate(sessions, "sam\x00", "a long password") is None
    assert authenticate(sessions, "s" * 300, "a long password") is None
    signed_user = authenticate(sessions, " SAM ", "a long password")
    assert signed_user == user
    token = start_session(sessions, user, NOW)
    signed = session_user(sessions, token, NOW + dt.timedelta(minutes=5))
    assert signed is not None
    assert signed.user == user
    assert len(signed.csrf_token) >= 32
    assert session_user(sessions, token, NOW + SESSION_LIFETIME) is None
    assert session_user(sessions, "not a token", NOW) is None
    end_session(sessions, token)
    assert session_user(sessions, token, NOW) is None
    engine.dispose()


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("username", {"username": "a b"}),
        ("display name", {"display_name": " "}),
        ("display name", {"display_name": "n" * 201}),
        ("display name", {"display_name": "Sam\tSmith"}),
        ("role", {"role": "boss"}),
        ("password", {"password": "short"}),
    ],
)
def test_refused_accounts_name_the_field(
    sqlite_url: str, field: str, kwargs: dict[str, str]
) -> None:
    migrate(sqlite_url)
    sessions = session_factory(create_engine(sqlite_url))
    values = {
        "username": "sam",
        "display_name": "Sam",
        "role": "practitioner",
        "password": "a long password",
        **kwargs,
    }
    with pytest.raises(AccountError, match=f"^{field}: "):
        add_user(sessions, now=NOW, **values)
