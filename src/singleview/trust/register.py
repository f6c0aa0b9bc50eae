"""The register authority's side: keep a draft, issue it, sign it; and anyone's side: verify it.

The signed register is a compact JWS (``typ`` ``singleview-register+json``, EdDSA) whose
payload is the :class:`OrganisationRegister` as canonical JSON. The trust anchor a node is
configured with is the authority's public key set (a JWKS file); a register verifies when its
``kid`` is in that set, its signature holds, and the moment of checking is within
``issuedAt`` (less a minute's skew) and ``validUntil``. Compare X-Road's signed global
configuration: one signed, dated document that every member checks before believing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import Field, ValidationError

from singleview.standards.organisation import (
    REGISTER_ID_PATTERN,
    KeySet,
    Organisation,
    OrganisationRegister,
)
from singleview.standards.person import StandardModel
from singleview.trust.jose import (
    BadSignatureError,
    MalformedJwsError,
    peek,
    sign_compact,
    verify_compact,
)
from singleview.trust.keys import SigningKey

REGISTER_TYP = "singleview-register+json"
CLOCK_SKEW = dt.timedelta(seconds=60)


class RegisterRejectedError(Exception):
    """A register copy that must not be believed; ``reason`` is a stable code for logs."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class RegisterDraft(StandardModel):
    """What the authority edits between issues: the organisations and the last serial used."""

    authority: str = Field(pattern=REGISTER_ID_PATTERN)
    last_serial: int = Field(default=0, ge=0)
    organisations: tuple[Organisation, ...] = ()


def with_organisation(draft: RegisterDraft, organisation: Organisation) -> RegisterDraft:
    """The draft with ``organisation`` added, or replacing the entry with the same id."""
    others = tuple(org for org in draft.organisations if org.id != organisation.id)
    return draft.model_copy(update={"organisations": (*others, organisation)})


def with_suspension(
    draft: RegisterDraft, organisation_id: str, reason: str, now: dt.datetime
) -> RegisterDraft:
    """The draft with ``organisation_id`` suspended from ``now``; unknown ids are an error."""
    found = next((org for org in draft.organisations if org.id == organisation_id), None)
    if found is None:
        raise KeyError(f"organisation {organisation_id!r} is not in the register")
    suspended = found.model_copy(
        update={"register_status": "suspended", "suspended_at": now, "suspension_reason": reason}
    )
    return with_organisation(draft, suspended)


def issue(
    draft: RegisterDraft, now: dt.datetime, validity: dt.timedelta
) -> tuple[OrganisationRegister, RegisterDraft]:
    """The next issue of the register (validated as a whole), and the draft with its serial."""
    serial = draft.last_serial + 1
    register = OrganisationRegister(
        authority=draft.authority,
        serial=serial,
        issued_at=now,
        valid_until=now + validity,
        organisations=draft.organisations,
    )
    return register, draft.model_copy(update={"last_serial": serial})


def sign_register(register: OrganisationRegister, authority_key: SigningKey) -> str:
    """The register as a compact JWS signed by the authority."""
    payload = register.model_dump(mode="json", by_alias=True)
    return sign_compact(payload, authority_key, REGISTER_TYP)


def verify_register(
    token: str, anchor: KeySet, now: dt.datetime, skew: dt.timedelta = CLOCK_SKEW
) -> OrganisationRegister:
    """The register in ``token`` if the anchor's key signed it and it is valid at ``now``."""
    try:
        header, payload = peek(token.strip(), REGISTER_TYP)
    except MalformedJwsError as error:
        raise RegisterRejectedError("register-malformed", f"register: {error}") from error
    key = anchor.find(header["kid"])
    if key is None:
        raise RegisterRejectedError(
            "register-unknown-signer",
            f"register signed with key {header['kid']!r}, which the trust anchor does not list",
        )
    try:
        verify_compact(token.strip(), key)
    except BadSignatureError as error:
        raise RegisterRejectedError("register-bad-signature", f"register: {error}") from error
    try:
        register = OrganisationRegister.model_validate(payload)
    except ValidationError as error:
        raise RegisterRejectedError("register-invalid", f"register content: {error}") from error
    if not key.valid_at(register.issued_at):
        raise RegisterRejectedError(
            "register-signer-not-valid",
            f"register issued {register.issued_at.isoformat()} outside key {key.kid}'s validity",
        )
    if now + skew < register.issued_at:
        raise RegisterRejectedError(
            "register-not-yet-valid",
            f"register serial {register.serial} is issued in the future "
            f"({register.issued_at.isoformat()})",
        )
    if now >= register.valid_until:
        raise RegisterRejectedError(
            "register-expired",
            f"register serial {register.serial} expired at {register.valid_until.isoformat()}",
        )
    return register


def read_draft(path: Path) -> RegisterDraft:
    """The draft register kept in ``path``."""
    try:
        return RegisterDraft.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FileNotFoundError(
            f"{path}: cannot read the draft register: {error.strerror}"
        ) from error


def write_json(path: Path, model: StandardModel) -> None:
    """Write ``model`` as JSON, replacing ``path`` in one step."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(model.model_dump_json(by_alias=True, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)


def read_anchor(path: Path) -> KeySet:
    """The trust anchor: the register authority's public key set (a JWKS file)."""
    try:
        return KeySet.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FileNotFoundError(
            f"{path}: cannot read the trust anchor: {error.strerror}"
        ) from error
