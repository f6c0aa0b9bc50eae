"""``singleview register ...`` (the register authority's tools) and ``singleview keys ...``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from singleview.standards.organisation import KeySet, Organisation
from singleview.standards.person import Identifier
from singleview.trust.keys import (
    KeyFileError,
    create_keyring,
    load_signing_key,
    read_keyring,
    rotate_keyring,
)
from singleview.trust.register import (
    RegisterDraft,
    RegisterRejectedError,
    issue,
    read_anchor,
    read_draft,
    sign_register,
    verify_register,
    with_organisation,
    with_suspension,
    write_json,
)

register_app = typer.Typer(help="The signed organisation register.", no_args_is_help=True)
keys_app = typer.Typer(help="This node's Ed25519 signing keys.", no_args_is_help=True)
# Lines that name files are not wrapped: a wrapped path cannot be pasted or grepped, and a
# long temporary path once split "serial 1" over two lines.
console = Console(soft_wrap=True)

PASSPHRASE = typer.Option(
    "--passphrase",
    envvar="SINGLEVIEW_KEY_PASSPHRASE",
    help="Encrypt (or open) private keys with this passphrase.",
)
DRAFT = typer.Option("--draft", help="The authority's draft.")
ANCHOR_FILE = "anchor.jwks.json"


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(code=1)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@register_app.command("init")
def register_init(
    authority: Annotated[str, typer.Option(help="The register authority's id.")],
    key_dir: Annotated[Path, typer.Option(help="Where the authority's keys go.")] = Path(
        "authority-keys"
    ),
    draft: Annotated[Path, DRAFT] = Path("register.draft.json"),
    passphrase: Annotated[str | None, PASSPHRASE] = None,
) -> None:
    """Start a register: the authority's keyring, its trust anchor, an empty draft."""
    if draft.exists():
        raise _fail(f"{draft} already exists")
    try:
        create_keyring(key_dir, authority, passphrase, _now())
        anchor = read_keyring(key_dir).jwks
        write_json(draft, RegisterDraft(authority=authority))
    except (KeyFileError, ValidationError) as error:
        raise _fail(str(error)) from error
    write_json(key_dir / ANCHOR_FILE, anchor)
    console.print(f"draft {draft}; trust anchor for nodes: {key_dir / ANCHOR_FILE}")


@register_app.command("add")
def register_add(
    organisation_id: Annotated[str, typer.Option("--id", help="Register id (JWT iss/aud).")],
    name: Annotated[str, typer.Option(help="Legal name.")],
    organisation_type: Annotated[str, typer.Option("--type", help="An organisation-types code.")],
    endpoint: Annotated[str, typer.Option(help="API base URL.")],
    keys: Annotated[Path, typer.Option("--keys", help="The organisation's keyring.json or JWKS.")],
    service: Annotated[
        list[str] | None, typer.Option(help="A service-types code; repeat for several.")
    ] = None,
    agreement: Annotated[
        list[str] | None, typer.Option(help="A sharing policy id; repeat for several.")
    ] = None,
    identifier: Annotated[
        list[str] | None, typer.Option(help="Another identifier, as SYSTEM|VALUE.")
    ] = None,
    technical_status: Annotated[str, typer.Option(help="active or inactive.")] = "active",
    verified_on: Annotated[
        str | None, typer.Option(help="Date its system passed verification.")
    ] = None,
    draft: Annotated[Path, DRAFT] = Path("register.draft.json"),
) -> None:
    """Add an organisation to the draft, or replace its entry."""
    try:
        text = keys.read_text(encoding="utf-8")
        jwks = (
            read_keyring(keys.parent).jwks
            if keys.name == "keyring.json"
            else KeySet.model_validate_json(text)
        )
        pairs = [item.split("|", 1) for item in identifier or ()]
        organisation = Organisation.model_validate(
            {
                "id": organisation_id,
                "identifiers": [Identifier(system=p[0], value=p[-1]) for p in pairs],
                "name": name,
                "type": organisation_type,
                "services": service or [],
                "endpoint": endpoint,
                "jwks": jwks,
                "agreements": agreement or [],
                "technicalStatus": technical_status,
                "verificationStatus": "verified" if verified_on else "not-verified",
                "verificationDate": verified_on,
            }
        )
        write_json(draft, with_organisation(read_draft(draft), organisation))
    except (OSError, KeyFileError, ValidationError) as error:
        raise _fail(str(error)) from error
    console.print(f"{organisation_id} is in {draft}; sign it to publish")


@register_app.command("suspend")
def register_suspend(
    organisation_id: Annotated[str, typer.Option("--id")],
    reason: Annotated[str, typer.Option(help="Why, for the record.")],
    draft: Annotated[Path, DRAFT] = Path("register.draft.json"),
) -> None:
    """Suspend an organisation: nodes refuse it from their next refresh of the signed register."""
    try:
        write_json(draft, with_suspension(read_draft(draft), organisation_id, reason, _now()))
    except (OSError, KeyError) as error:
        raise _fail(str(error)) from error
    console.print(f"{organisation_id} suspended in {draft}; sign it to publish")


@register_app.command("sign")
def register_sign(
    out: Annotated[Path, typer.Option(help="Where the signed register goes.")] = Path(
        "register.jws"
    ),
    key_dir: Annotated[Path, typer.Option()] = Path("authority-keys"),
    valid_hours: Annotated[
        float, typer.Option(help="How long nodes may rely on this issue.")
    ] = 24.0,
    draft: Annotated[Path, DRAFT] = Path("register.draft.json"),
    passphrase: Annotated[str | None, PASSPHRASE] = None,
) -> None:
    """Issue the draft as the next signed register (serial + 1)."""
    try:
        keyring = read_keyring(key_dir)
        key = load_signing_key(keyring.current_key_path(key_dir), passphrase)
        register, updated = issue(read_draft(draft), _now(), dt.timedelta(hours=valid_hours))
    except (OSError, KeyFileError, ValidationError) as error:
        raise _fail(str(error)) from error
    temporary = out.with_name(out.name + ".tmp")
    temporary.write_text(sign_register(register, key) + "\n", encoding="utf-8")
    temporary.replace(out)
    write_json(draft, updated)
    console.print(
        f"{out}: serial {register.serial}, valid until {register.valid_until.isoformat()}"
    )


def _verified(register_file: Path, anchor: Path) -> tuple[str, KeySet]:
    try:
        return register_file.read_text(encoding="utf-8"), read_anchor(anchor)
    except (OSError, ValidationError) as error:
        raise _fail(str(error)) from error


@register_app.command("verify")
def register_verify(
    anchor: Annotated[Path, typer.Option(help="The authority's JWKS (trust anchor).")],
    register_file: Annotated[Path, typer.Argument()] = Path("register.jws"),
) -> None:
    """Check a signed register against the trust anchor and the clock (exit 1 if it fails)."""
    token, keys = _verified(register_file, anchor)
    try:
        register = verify_register(token, keys, _now())
    except RegisterRejectedError as error:
        raise _fail(f"{register_file}: {error.reason}: {error}") from error
    console.print(
        f"{register_file}: good; serial {register.serial} from {register.authority}, "
        f"{len(register.organisations)} organisations, "
        f"valid until {register.valid_until.isoformat()}"
    )


@register_app.command("show")
def register_show(
    anchor: Annotated[Path, typer.Option(help="The authority's JWKS (trust anchor).")],
    register_file: Annotated[Path, typer.Argument()] = Path("register.jws"),
) -> None:
    """List the organisations in a signed register (after verifying it)."""
    token, keys = _verified(register_file, anchor)
    try:
        register = verify_register(token, keys, _now())
    except RegisterRejectedError as error:
        raise _fail(f"{register_file}: {error.reason}: {error}") from error
    table = Table(title=f"register serial {register.serial}, valid until {register.valid_until}")
    for column in ("id", "name", "type", "status", "technical", "endpoint", "keys"):
        table.add_column(column)
    for org in register.organisations:
        status = (
            org.register_status if org.register_status == "suspended" else org.operational_status
        )
        table.add_row(
            org.id,
            org.name,
            org.type,
            status,
            org.technical_status,
            org.endpoint,
            ", ".join(key.kid for key in org.jwks.keys),
        )
    console.print(table)


@keys_app.command("generate")
def keys_generate(
    owner: Annotated[str, typer.Option(help="This node's register id.")],
    key_dir: Annotated[Path, typer.Option("--dir")] = Path("keys"),
    passphrase: Annotated[str | None, PASSPHRASE] = None,
) -> None:
    """Start this node's keyring with a fresh Ed25519 key (private file mode 0600)."""
    try:
        key = create_keyring(key_dir, owner, passphrase, _now())
    except KeyFileError as error:
        raise _fail(str(error)) from error
    console.print(
        f"new key {key.kid} in {key_dir}; give {key_dir / 'keyring.json'} to the authority"
    )


@keys_app.command("rotate")
def keys_rotate(
    key_dir: Annotated[Path, typer.Option("--dir")] = Path("keys"),
    overlap_hours: Annotated[
        float, typer.Option(help="How long the old key still verifies.")
    ] = 48.0,
    passphrase: Annotated[str | None, PASSPHRASE] = None,
) -> None:
    """Make a new current key; the old one stays valid for verification during the overlap."""
    try:
        key, retire_at = rotate_keyring(
            key_dir, dt.timedelta(hours=overlap_hours), passphrase, _now()
        )
    except KeyFileError as error:
        raise _fail(str(error)) from error
    console.print(
        f"new current key {key.kid}; the previous key verifies until {retire_at.isoformat()}. "
        "Send the new keyring.json to the register authority."
    )


@keys_app.command("list")
def keys_list(key_dir: Annotated[Path, typer.Option("--dir")] = Path("keys")) -> None:
    """Show the keyring: each key's validity and which one signs now."""
    try:
        keyring = read_keyring(key_dir)
    except KeyFileError as error:
        raise _fail(str(error)) from error
    table = Table(title=f"keys of {keyring.owner}")
    for column in ("kid", "valid from", "valid until", "current"):
        table.add_column(column)
    for key in keyring.jwks.keys:
        until = key.valid_until.isoformat() if key.valid_until else "-"
        table.add_row(
            key.kid, key.valid_from.isoformat(), until, "yes" if key.kid == keyring.current else ""
        )
    console.print(table)
