"""``singleview audit ...``: verify the log, prove an entry, export PROV-O, report, witness."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
import typer
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from sqlalchemy.engine import Engine

from singleview.audit.prov import export_prov
from singleview.audit.receipts import verify_receipt
from singleview.audit.report import report_lines
from singleview.audit.storage import AuditLog, EntryNotFoundError, LogEmptyError, stored_log_id
from singleview.audit.verify import verify_log
from singleview.audit.witness import WitnessError, load_partners, witness_all
from singleview.db import create_engine
from singleview.settings import get_settings
from singleview.trust.keys import KeyFileError, load_signing_key, read_keyring

app = typer.Typer(help="The node's tamper-evident audit log.", no_args_is_help=True)

DatabaseOption = typer.Option(None, "--database-url", help="Defaults to the node's.")
KeyOption = typer.Option(
    ..., "--key", help="The node's keyring directory, a .key.json key file, or a PEM key."
)
CheckKeyOption = typer.Option(None, "--key", help="Also check the proof with this key.")
OutputOption = typer.Option(None, "--output", "-o", help="Write here, not to stdout.")
PartnersOption = typer.Option(..., "--partners", help="YAML: org_id, base_url, public_key.")


def _engine(database_url: str | None) -> Engine:
    return create_engine(database_url or get_settings().database_url)


def _open(engine: Engine, log_id: str | None) -> AuditLog:
    """The log, named by ``log_id`` or by the id its latest signed head carries."""
    if log_id is None:
        try:
            log_id = stored_log_id(engine)
        except LogEmptyError:
            typer.echo("the audit log is empty")
            raise typer.Exit(0) from None
    return AuditLog(engine, log_id)


def _public_keys(path: Path) -> dict[str, Ed25519PublicKey] | Ed25519PublicKey:
    """The node's verification keys from a keyring directory (every kid it lists, so heads
    signed before a rotation still verify), a ``*.key.json`` key file, or a PEM file."""
    try:
        if path.is_dir():
            keyring = read_keyring(path)
            return {
                key.kid: Ed25519PublicKey.from_public_bytes(
                    base64.urlsafe_b64decode(key.x + "=" * (-len(key.x) % 4))
                )
                for key in keyring.every_key()
            }
        if path.suffix == ".json":
            signing = load_signing_key(path)
            return {signing.kid: signing.private_key.public_key()}
    except KeyFileError as error:
        raise typer.BadParameter(str(error), param_hint="--key") from error
    data = path.read_bytes()
    key = (
        load_pem_private_key(data, password=None)
        if b"PRIVATE KEY" in data
        else load_pem_public_key(data)
    )
    if isinstance(key, Ed25519PrivateKey):
        return key.public_key()
    if isinstance(key, Ed25519PublicKey):
        return key
    raise typer.BadParameter(f"{path} is not an Ed25519 key", param_hint="--key")


@app.command("verify")
def verify_command(
    key: Path = KeyOption,
    log_id: str = typer.Option(None, "--log-id", help="Defaults to the id in the latest head."),
    database_url: str = DatabaseOption,
) -> None:
    """Recompute every leaf, stored hash and signed tree head; name the first bad entry."""
    engine = _engine(database_url)
    log = _open(engine, log_id)
    report = verify_log(engine, log.log_id, _public_keys(key))
    if report.ok:
        typer.echo(
            f"log {log.log_id}: {report.entries} entries, {report.subtrees} stored hashes and "
            f"{report.signed_heads} signed tree heads verified"
        )
        return
    first = report.first_bad_entry
    assert first is not None
    typer.echo(
        f"log {log.log_id}: FAILED, first bad entry {first.index}: {first.message}", err=True
    )
    for problem in sorted(report.problems):
        typer.echo(f"  entry {problem.index}: {problem.message}", err=True)
    raise typer.Exit(1)


@app.command("proof")
def proof_command(
    index: int = typer.Argument(..., help="The entry's index in the log."),
    key: Path = CheckKeyOption,
    database_url: str = DatabaseOption,
) -> None:
    """Print the receipt (inclusion proof and signed tree head) for one entry."""
    engine = _engine(database_url)
    log = _open(engine, None)
    try:
        receipt = log.receipt(index)
    except EntryNotFoundError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    if key is not None:
        verify_receipt(receipt, _public_keys(key), log_id=log.log_id)
    typer.echo(receipt.model_dump_json(by_alias=True, indent=2))


@app.command("export")
def export_command(
    prov: bool = typer.Option(False, "--prov", help="W3C PROV-O JSON-LD (the only format)."),
    output: Path = OutputOption,
    database_url: str = DatabaseOption,
) -> None:
    """Export the log's entries as W3C PROV-O JSON-LD."""
    if not prov:
        raise typer.BadParameter("only --prov is supported", param_hint="--prov")
    engine = _engine(database_url)
    document = json.dumps(export_prov(_open(engine, None).entries_where()), indent=2)
    if output is None:
        typer.echo(document)
    else:
        output.write_text(document + "\n")


@app.command("report")
def report_command(
    person: str = typer.Option(None, "--person", help="A local record id or enquiry key."),
    organisation: str = typer.Option(None, "--organisation", help="A partner's register id."),
    database_url: str = DatabaseOption,
) -> None:
    """What was shared about a person, or with an organisation: with whom, when, which policy."""
    if (person is None) == (organisation is None):
        raise typer.BadParameter("give exactly one of --person or --organisation")
    log = _open(_engine(database_url), None)
    lines = report_lines(log.entries_where(subject=person, organisation=organisation))
    if not lines:
        typer.echo("no entries")
        return
    for line in lines:
        typer.echo(
            f"{line.when}  #{line.index} {line.kind:<16} request {line.request_id}  "
            f"{line.requester} -> {line.responder}  by {line.practitioner}  "
            f"purpose {line.purpose}  policy {line.policy}  decision {line.outcome}  "
            f"released {line.released}"
        )


@app.command("witness")
def witness_command(
    partners: Path = PartnersOption,
    timeout: float = typer.Option(10.0, "--timeout", help="Seconds per request."),
    database_url: str = DatabaseOption,
) -> None:
    """Fetch partners' tree heads and check each extends the last one seen."""
    engine = _engine(database_url)
    failed = False
    with httpx.Client(timeout=timeout) as client:
        for outcome in witness_all(engine, load_partners(partners), client):
            if isinstance(outcome, WitnessError):
                failed = True
                typer.echo(f"FAILED {outcome}", err=True)
            else:
                typer.echo(outcome.describe())
    if failed:
        raise typer.Exit(1)
