"""The one command-line app: ``singleview <capability> <command>``.

Each capability keeps its commands in its own ``cli.py`` and is mounted here by name.
"""

from __future__ import annotations

import typer
from rich.console import Console

from singleview.db import DatabaseUnreachableError, migrate, revisions, shown
from singleview.settings import get_settings

app = typer.Typer(
    name="singleview",
    help="Answer multi-agency safeguarding enquiries lawfully and accountably (MAIS profile).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

db_app = typer.Typer(help="The node's database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(
    database_url: str = typer.Option(None, "--database-url", help="Defaults to the node's."),
) -> None:
    """Create or migrate every table the node needs (one transaction: stopped part way, it
    leaves the database as it was)."""
    url = database_url or get_settings().database_url
    try:
        before = revisions(url)
    except DatabaseUnreachableError as error:
        Console(stderr=True, soft_wrap=True).print(f"[red]error:[/red] {error}", highlight=False)
        raise typer.Exit(code=1) from error
    migrate(url)
    moved = sorted(revisions(url) - before)
    if moved:
        typer.echo(f"database at {shown(url)} is up to date; now at {', '.join(moved)}")
    else:
        typer.echo(f"database at {shown(url)} was already up to date")


# Each capability mounts its own sub-app below, one line each:
# app.add_typer(<capability>_app, name="<name>")

from singleview.standards.cli import vocab_app  # noqa: E402

app.add_typer(vocab_app, name="vocab")

from singleview.records.cli import app as records_app  # noqa: E402

app.add_typer(records_app, name="records")

from singleview.trust.cli import keys_app, register_app  # noqa: E402

app.add_typer(register_app, name="register")
app.add_typer(keys_app, name="keys")

from singleview.matching.cli import match_app  # noqa: E402

app.add_typer(match_app, name="match")

from singleview.governance.cli import policy_app  # noqa: E402

app.add_typer(policy_app, name="policy")

from singleview.audit.cli import app as audit_app  # noqa: E402

app.add_typer(audit_app, name="audit")

from singleview.web.cli import users_app  # noqa: E402

app.add_typer(users_app, name="users")

from singleview.exchange.cli import demo, enquire, node_app  # noqa: E402

app.add_typer(node_app, name="node")
app.command("enquire")(enquire)
app.command("demo")(demo)
