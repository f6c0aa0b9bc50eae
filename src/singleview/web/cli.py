"""``singleview users``: the node's local accounts for its web pages."""

from __future__ import annotations

import datetime as dt
import getpass

import typer
from sqlalchemy.orm import Session, sessionmaker

from singleview.db import create_engine, session_factory
from singleview.settings import get_settings
from singleview.web.accounts import ROLES, AccountError, add_user, list_users

users_app = typer.Typer(help="Accounts for the node's web pages.", no_args_is_help=True)
DATABASE_OPTION = typer.Option(None, "--database-url", help="Defaults to the node's.")


def _sessions(database_url: str | None) -> sessionmaker[Session]:
    return session_factory(create_engine(database_url or get_settings().database_url))


@users_app.command("add")
def users_add(
    username: str = typer.Argument(..., help="What the person types to sign in."),
    name: str = typer.Option(..., "--name", help="The person's full name."),
    role: str = typer.Option(..., "--role", help=f"One of: {', '.join(ROLES)}."),
    job: str = typer.Option(
        None, "--job", help="For practitioners: their practitioner-roles code, e.g. social-worker."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input, not a prompt."
    ),
    database_url: str = DATABASE_OPTION,
) -> None:
    """Add an account; the password is asked for (never given on the command line)."""
    if password_stdin:
        password = typer.get_text_stream("stdin").readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            typer.echo("error: the passwords do not match", err=True)
            raise typer.Exit(2)
    try:
        user = add_user(
            _sessions(database_url),
            username=username,
            display_name=name,
            role=role,
            password=password,
            practitioner_role=job,
            now=dt.datetime.now(dt.UTC),
        )
    except AccountError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"added {user.username} ({user.role_name})")


@users_app.command("list")
def users_list(database_url: str = DATABASE_OPTION) -> None:
    """Every account: username, role and name."""
    for user in list_users(_sessions(database_url)):
        typer.echo(f"{user.username}\t{user.role}\t{user.display_name}")
