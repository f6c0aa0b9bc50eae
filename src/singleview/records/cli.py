"""``singleview records ...``: import, export and look at the node's people and its contact."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.orm import Session

from singleview.db import create_engine, migrate, session_factory
from singleview.records import service
from singleview.records.models import ImportRejectedError, ImportReport, UnsupportedFileError
from singleview.settings import get_settings
from singleview.standards.involvement import ContactAddress, OrganisationContact, Telecom

app = typer.Typer(help="The node's own people, their involvements and its contact details.")
contact_app = typer.Typer(help="The organisation's own contact details.", no_args_is_help=True)
app.add_typer(contact_app, name="contact")

DatabaseUrl = Annotated[
    str | None, typer.Option("--database-url", help="Defaults to the node's settings.")
]


@contextmanager
def _session(database_url: str | None) -> Iterator[Session]:
    url = database_url or get_settings().database_url
    migrate(url)
    engine = create_engine(url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _print_report(report: ImportReport) -> None:
    typer.echo(
        f"Imported {report.people} people ({report.involvements} involvements) from {report.file}."
    )
    if report.gap_counts:
        typer.echo("Data-quality warnings (imported, but incomplete):")
        for gap, count in report.gap_counts.most_common():
            typer.echo(f"  {gap}: {count}")
            for example in (e for e in report.gap_examples if e.gap == gap):
                typer.echo(f"    e.g. {example.file}:{example.line} record {example.record_id}")


@app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="A .csv or .jsonl file.")
    ],
    database_url: DatabaseUrl = None,
) -> None:
    """Import people from FILE all-or-nothing; re-importing the same file changes nothing."""
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    with progress, _session(database_url) as session:
        task = progress.add_task(f"Importing {file.name}", total=file.stat().st_size)
        try:
            report = service.import_file(
                session, file, on_progress=lambda done: progress.update(task, completed=done)
            )
        except UnsupportedFileError as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(2) from error
        except ImportRejectedError as error:
            problems = error.report.problems
            progress.stop()
            typer.echo(
                f"{file.name}: nothing was imported: {len(problems)} problem(s) in malformed rows:",
                err=True,
            )
            for problem in problems:
                typer.echo(f"  {problem}", err=True)
            raise typer.Exit(1) from error
    _print_report(report)


@app.command("export")
def export_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write here instead of standard output.")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Write every person as JSON Lines in the import format, so export then import round-trips."""
    with _session(database_url) as session:
        stream = out.open("w", encoding="utf-8") if out else sys.stdout
        try:
            for stored in service.iter_people(session, batch_size=2000):
                stream.write(stored.model_dump_json(by_alias=True, exclude_none=True) + "\n")
        finally:
            if out:
                stream.close()


@app.command("show")
def show_command(record_id: str, database_url: DatabaseUrl = None) -> None:
    """Show the person held under RECORD_ID, with their involvements, as JSON."""
    with _session(database_url) as session:
        stored = service.get_person(session, record_id)
    if stored is None:
        typer.echo(f"no person is held under record id {record_id!r}", err=True)
        raise typer.Exit(1)
    typer.echo(stored.model_dump_json(by_alias=True, exclude_none=True, indent=2))


@app.command("stats")
def stats_command(database_url: DatabaseUrl = None) -> None:
    """Count the people and involvements held, and the people missing key details."""
    with _session(database_url) as session:
        stats = service.record_statistics(session)
    typer.echo(f"people: {stats.people}")
    for detail, count in stats.people_missing.items():
        typer.echo(f"  without {detail}: {count}")
    typer.echo(f"involvements: {stats.involvements}")
    for service_type, episode_type, status, count in stats.involvements_by_kind:
        typer.echo(f"  {service_type} / {episode_type} / {status}: {count}")


@contact_app.command("set")
def contact_set(
    name: Annotated[str, typer.Option("--name", help="The team partners should call.")],
    phone: Annotated[
        list[str] | None, typer.Option("--phone", help="A work phone number (repeatable).")
    ] = None,
    email: Annotated[
        list[str] | None, typer.Option("--email", help="A work email address (repeatable).")
    ] = None,
    address_line: Annotated[
        list[str] | None, typer.Option("--address-line", help="Repeat for each line.")
    ] = None,
    city: Annotated[str | None, typer.Option("--city")] = None,
    postcode: Annotated[str | None, typer.Option("--postcode")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Set who a partner should call about a person this organisation knows."""
    telecom = [Telecom(system="phone", value=p, use="work") for p in phone or ()]
    telecom += [Telecom(system="email", value=e, use="work") for e in email or ()]
    has_address = address_line or city or postcode
    address = (
        (
            ContactAddress(
                lines=tuple(address_line or ()), city=city, postcode=postcode, country="GB"
            ),
        )
        if has_address
        else ()
    )
    contact = OrganisationContact(name=name, telecom=tuple(telecom), address=address)
    with _session(database_url) as session:
        service.set_organisation_contact(session, contact)
        session.commit()
    typer.echo(f"contact details set: {name}")


@contact_app.command("show")
def contact_show(database_url: DatabaseUrl = None) -> None:
    """Show the organisation's contact details as JSON."""
    with _session(database_url) as session:
        contact = service.organisation_contact(session)
    if contact is None:
        typer.echo("no contact details are set: use `singleview records contact set`", err=True)
        raise typer.Exit(1)
    typer.echo(contact.model_dump_json(by_alias=True, exclude_none=True, indent=2))


# The synthetic population generator lives in its own package; mounted here by name.
from singleview.records.synth.cli import synth_command  # noqa: E402

app.command("synth")(synth_command)
