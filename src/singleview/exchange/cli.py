"""``singleview node serve|init``, ``singleview enquire`` and ``singleview demo``."""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from pydantic import ValidationError
from rich.console import Console

from singleview.db import DatabaseUnreachableError, migrate
from singleview.exchange.config import NodeConfig, NodeConfigError, load_config, write_config
from singleview.exchange.node import open_node
from singleview.exchange.requester import (
    NothingToAskError,
    background,
    get_enquiry,
    poll_due,
    start_enquiry,
    stop_background,
    wait_for_enquiry,
)
from singleview.exchange.show import single_view_table
from singleview.standards.enquiry import Practitioner
from singleview.standards.person import Person
from singleview.trust.keys import KEY_FILE_SUFFIX, create_keyring

node_app = typer.Typer(help="Run this organisation's node.", no_args_is_help=True)
console = Console()

ConfigOption = Annotated[Path, typer.Option("--config", help="The node's configuration file.")]


def _config(path: Path) -> NodeConfig:
    try:
        return load_config(path)
    except NodeConfigError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(code=1) from error


@node_app.command("serve")
def serve(
    config: ConfigOption,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[
        int | None, typer.Option(help="Defaults to the port of public_base_url.")
    ] = None,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes.")] = 1,
) -> None:
    """Migrate the node's database, then serve it with uvicorn (each worker builds its app)."""
    import uvicorn

    from singleview.exchange.serving import serve_workers

    settings = _config(config)
    try:
        migrate(settings.database_url)
    except DatabaseUnreachableError as error:
        Console(stderr=True, soft_wrap=True).print(
            f"[red]error:[/red] {config}: {error}", highlight=False
        )
        raise typer.Exit(code=1) from error
    if port is None:
        parts = urlsplit(settings.public_base_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    # Each worker process reads the file again: nothing is shared in memory between them.
    os.environ["SINGLEVIEW_NODE_CONFIG"] = str(config.resolve())
    app = "singleview.exchange.app:app_from_environment"
    if workers == 1:
        uvicorn.run(app, factory=True, host=host, port=port, log_level="warning")
        return
    try:
        status = serve_workers(app, host=host, port=port, workers=workers, log_level="warning")
    except OSError as error:
        console.print(f"[red]error:[/red] cannot listen on {host}:{port}: {error.strerror}")
        raise typer.Exit(code=1) from error
    raise typer.Exit(code=status)


@node_app.command("init")
def init(
    organisation_id: Annotated[str, typer.Option("--id", help="Your register id.")],
    base_url: Annotated[str, typer.Option(help="The URL partners will reach you at.")],
    register_source: Annotated[str, typer.Option(help="Signed register: path or URL.")],
    trust_anchor: Annotated[Path, typer.Option(help="The register authority's JWKS.")],
    folder: Annotated[Path, typer.Option(help="Where the node's files go.")] = Path("."),
    database_url: Annotated[str, typer.Option(help="SQLite file or PostgreSQL URL.")] = (
        "sqlite:///node.db"
    ),
) -> None:
    """Create a node's keys, audit secret, API token and configuration file."""
    target = folder / "node.yaml"
    if target.exists():
        console.print(f"[red]error:[/red] {target} already exists")
        raise typer.Exit(code=1)
    folder.mkdir(parents=True, exist_ok=True)
    key = create_keyring(folder / "keys", organisation_id)
    secret = folder / "audit-subject.secret"
    secret.write_bytes(secrets.token_bytes(32))
    secret.chmod(0o600)
    token = secrets.token_urlsafe(24)
    try:
        config = NodeConfig(
            organisation_id=organisation_id,
            database_url=database_url,
            signing_key=Path("keys") / f"{key.kid}{KEY_FILE_SUFFIX}",
            register_source=register_source,
            trust_anchor=trust_anchor,
            public_base_url=base_url,
            api_token_sha256=(hashlib.sha256(token.encode()).hexdigest(),),
            audit_subject_secret=Path("audit-subject.secret"),
        )
    except ValidationError as error:
        console.print(f"[red]error:[/red] {error}")
        raise typer.Exit(code=1) from error
    write_config(target, config)
    console.print(f"configuration: {target}")
    console.print(f"send {folder / 'keys' / 'keyring.json'} to the register authority")
    console.print(f"API token (shown once; only its hash is kept): {token}")


def _person(
    family: str,
    given: list[str],
    born: str | None,
    nhs_number: str | None,
    postcode: str | None,
) -> Person:
    data: dict[str, Any] = {"names": [{"familyName": family, "givenNames": given}]}
    if born:
        data["dateOfBirth"] = {"date": born}
    if nhs_number:
        data["identifiers"] = [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs_number}]
    if postcode:
        data["addresses"] = [{"postcode": postcode}]
    return Person.model_validate(data)


def enquire(
    config: ConfigOption,
    family: Annotated[str, typer.Option(help="Family name.")],
    given: Annotated[list[str], typer.Option(help="Given name; repeat for several.")],
    practitioner_id: Annotated[str, typer.Option(help="Your id at your organisation.")],
    practitioner_name: Annotated[str, typer.Option(help="Your name.")],
    role: Annotated[str, typer.Option(help="A practitioner-roles code.")] = "social-worker",
    born: Annotated[str | None, typer.Option(help="Date of birth, YYYY-MM-DD.")] = None,
    nhs_number: Annotated[str | None, typer.Option(help="NHS number.")] = None,
    postcode: Annotated[str | None, typer.Option(help="Home postcode.")] = None,
    purpose: Annotated[str, typer.Option(help="A purposes code.")] = "s47-enquiry",
    case_reference: Annotated[str | None, typer.Option(help="e.g. the s47 reference.")] = None,
    wait: Annotated[
        float, typer.Option(help="Seconds to keep polling partners holding a review.")
    ] = 0.0,
) -> None:
    """Ask every partner about a child and print the single view."""
    settings = _config(config)
    node = open_node(settings)
    try:
        try:
            enquiry_id = start_enquiry(
                node,
                practitioner=Practitioner(
                    identifier=practitioner_id, name=practitioner_name, role=role
                ),
                person=_person(family, given, born, nhs_number, postcode),
                purpose=purpose,
                case_reference=case_reference,
            )
        except (NothingToAskError, ValidationError) as error:
            console.print(f"[red]error:[/red] {error}")
            raise typer.Exit(code=1) from error
        wait_for_enquiry(node, enquiry_id)
        give_up = time.monotonic() + wait
        view = get_enquiry(node, enquiry_id)
        while view is not None and not view.complete and time.monotonic() < give_up:
            time.sleep(min(settings.review_poll_seconds, 1.0))
            background(node).submit(_poll_once(node)).result()
            view = get_enquiry(node, enquiry_id)
        assert view is not None
        console.print(single_view_table(view))
        console.print(f"[dim]enquiry {enquiry_id}[/dim]")
    finally:
        stop_background(node)
        node.close()


async def _poll_once(node: Any) -> None:
    await poll_due(node)


def demo(
    folder: Annotated[Path, typer.Option(help="Where the network is built.")] = Path("var/demo"),
    people: Annotated[int, typer.Option(help="Synthetic population size.")] = 3000,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic world.")] = 7,
) -> None:
    """Build and start a five-node demo network, run one s47 enquiry, keep running."""
    from singleview.exchange.demo import run

    run(folder, people, seed)
