"""``singleview users add`` and ``list``, through the real command line."""

from __future__ import annotations

from typer.testing import CliRunner

from singleview.cli import app
from singleview.db import create_engine, session_factory
from singleview.web.accounts import authenticate


def test_users_add_then_sign_in(database_url: str) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "users",
            "add",
            "jo",
            "--name",
            "Jo Bloggs",
            "--role",
            "ig-officer",
            "--password-stdin",
            "--database-url",
            database_url,
        ],
        input="a very long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "added jo (Information governance officer)" in result.output
    listed = runner.invoke(app, ["users", "list", "--database-url", database_url])
    assert "jo\tig-officer\tJo Bloggs" in listed.output
    engine = create_engine(database_url)
    assert authenticate(session_factory(engine), "jo", "a very long password") is not None
    engine.dispose()


def test_users_add_names_the_bad_field(database_url: str) -> None:
    result = CliRunner().invoke(
        app,
        [
            "users",
            "add",
            "jo",
            "--name",
            "Jo",
            "--role",
            "boss",
            "--password-stdin",
            "--database-url",
            database_url,
        ],
        input="a very long password\n",
    )
    assert result.exit_code == 2
    assert "role: 'boss' is not one of practitioner, ig-officer, administrator" in result.output
