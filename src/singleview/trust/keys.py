"""Ed25519 signing keys: generate, store with 0600 permissions (optionally encrypted), rotate.

A private key file is JSON: ``{"kid", "alg": "EdDSA", "crv": "Ed25519", "created",
"encrypted", "pkcs8": "<PEM>"}``, the PEM being PKCS#8, encrypted with the passphrase when one
is given. A node's keys live in one directory, its *keyring*: one ``<kid>.key.json`` per key
and ``keyring.json``, the public side (a JWKS with validity windows) plus which key is current.
Rotation makes a new current key and gives the old one a ``validUntil`` after an overlap
window, so answers and requests signed just before the switch still verify.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc.jwk import OKPKey
from pydantic import Field, ValidationError

from singleview.standards.organisation import KeySet, PublicKey
from singleview.standards.person import StandardModel

KEYRING_FILE = "keyring.json"
KEY_FILE_SUFFIX = ".key.json"


class KeyFileError(Exception):
    """A key file or keyring is missing, unreadable, of the wrong kind or wrongly protected."""


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class SigningKey:
    """A private Ed25519 key with the ``kid`` the register lists its public half under."""

    kid: str
    private_key: Ed25519PrivateKey
    _jose: OKPKey | None = field(default=None, repr=False, compare=False)

    @property
    def public_x(self) -> str:
        """The public key as the JWK ``x`` member (base64url, 32 bytes)."""
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return _b64url(raw)

    def public_key(
        self, valid_from: dt.datetime, valid_until: dt.datetime | None = None
    ) -> PublicKey:
        """The register entry for this key, usable from ``valid_from`` until ``valid_until``."""
        return PublicKey(
            x=self.public_x, kid=self.kid, valid_from=valid_from, valid_until=valid_until
        )

    def jose_key(self) -> OKPKey:
        """The key as joserfc signs with it (built once per key, then reused)."""
        if self._jose is None:
            pem = self.private_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            key = OKPKey.import_key(pem, parameters={"kid": self.kid})
            object.__setattr__(self, "_jose", key)
            return key
        return self._jose


def new_kid(owner: str, private_key: Ed25519PrivateKey, today: dt.date) -> str:
    """A readable, unique ``kid``: owner, date made, and the start of the RFC 7638 thumbprint."""
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    thumbprint = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)})
    return f"{owner}-{today:%Y%m%d}-{thumbprint.thumbprint()[:8]}"


def generate_signing_key(owner: str, today: dt.date | None = None) -> SigningKey:
    """A fresh Ed25519 key whose ``kid`` names its owner."""
    private_key = Ed25519PrivateKey.generate()
    return SigningKey(
        new_kid(owner, private_key, today or dt.datetime.now(dt.UTC).date()), private_key
    )


def _write_private(path: Path, content: str) -> None:
    # O_EXCL: never overwrite a key; the mode is set at creation so no moment is world-readable.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.chmod(path, 0o600)


def save_signing_key(path: Path, key: SigningKey, passphrase: str | None = None) -> None:
    """Write ``key`` to a new file only its owner can read, encrypted if given a passphrase."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode("ascii")
    document = {
        "kid": key.kid,
        "alg": "EdDSA",
        "crv": "Ed25519",
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "encrypted": bool(passphrase),
        "pkcs8": pem,
    }
    _write_private(path, json.dumps(document, indent=2) + "\n")


def load_signing_key(path: str | Path, passphrase: str | None = None) -> SigningKey:
    """Read a private key file; refuses files others can read and wrong or missing passphrases."""
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o777
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise KeyFileError(f"{path}: cannot read key file: {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise KeyFileError(f"{path}: not a key file (line {error.lineno}: {error.msg})") from error
    if mode & 0o077:
        raise KeyFileError(f"{path}: permissions {mode:o} let others read it; expected 600")
    if not isinstance(document, dict) or not {"kid", "pkcs8"} <= document.keys():
        raise KeyFileError(f"{path}: not a key file (needs 'kid' and 'pkcs8')")
    if document.get("encrypted") and not passphrase:
        raise KeyFileError(f"{path}: key {document['kid']} is encrypted; give its passphrase")
    try:
        private_key = serialization.load_pem_private_key(
            str(document["pkcs8"]).encode("ascii"),
            password=passphrase.encode("utf-8")
            if document.get("encrypted") and passphrase
            else None,
        )
    except (ValueError, TypeError) as error:
        raise KeyFileError(f"{path}: cannot open key {document['kid']}: {error}") from error
    if not isinstance(private_key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: key {document['kid']} is not an Ed25519 key")
    return SigningKey(str(document["kid"]), private_key)


class Keyring(StandardModel):
    """The public side of a node's keys: every key still in use, and which one signs now."""

    owner: str = Field(min_length=1)
    current: str = Field(min_length=1)
    jwks: KeySet
    #: Keys whose window has closed: never again accepted on a request, but kept for good so
    #: that what they signed (audit tree heads, answers a partner kept) can still be checked.
    retired: KeySet = KeySet()

    def every_key(self) -> tuple[PublicKey, ...]:
        """Every public key this node has ever signed with, current and retired."""
        return (*self.jwks.keys, *self.retired.keys)

    def current_key_path(self, directory: Path) -> Path:
        """Where the current private key file lives."""
        return directory / f"{self.current}{KEY_FILE_SUFFIX}"


def read_keyring(directory: Path) -> Keyring:
    """The keyring in ``directory``."""
    path = directory / KEYRING_FILE
    try:
        return Keyring.model_validate_json(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise KeyFileError(f"{path}: cannot read keyring: {error.strerror}") from error
    except ValidationError as error:
        raise KeyFileError(f"{path}: not a valid keyring: {error}") from error


def _write_keyring(directory: Path, keyring: Keyring) -> None:
    path = directory / KEYRING_FILE
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(keyring.model_dump_json(by_alias=True, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)


def create_keyring(
    directory: Path, owner: str, passphrase: str | None = None, now: dt.datetime | None = None
) -> SigningKey:
    """Start a keyring for ``owner`` in ``directory`` with one fresh current key."""
    # Whole seconds: signatures carry JWT NumericDate times, so a key must be valid from one.
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    if (directory / KEYRING_FILE).exists():
        raise KeyFileError(f"{directory / KEYRING_FILE}: a keyring already exists; rotate instead")
    directory.mkdir(parents=True, exist_ok=True)
    key = generate_signing_key(owner, now.date())
    save_signing_key(directory / f"{key.kid}{KEY_FILE_SUFFIX}", key, passphrase)
    _write_keyring(
        directory,
        Keyring(owner=owner, current=key.kid, jwks=KeySet(keys=(key.public_key(now),))),
    )
    return key


def rotate_keyring(
    directory: Path,
    overlap: dt.timedelta,
    passphrase: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[SigningKey, dt.datetime]:
    """Make a new current key; the old one verifies until ``now + overlap``, which is returned."""
    # Whole seconds: signatures carry JWT NumericDate times, so a key must be valid from one.
    now = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    keyring = read_keyring(directory)
    retire_at = now + overlap
    key = generate_signing_key(keyring.owner, now.date())
    if keyring.jwks.find(key.kid) is not None:
        raise KeyFileError(f"{directory}: generated kid {key.kid} is already in the keyring")
    save_signing_key(directory / f"{key.kid}{KEY_FILE_SUFFIX}", key, passphrase)
    kept = tuple(
        old.model_copy(update={"valid_until": retire_at})
        if old.kid == keyring.current and (old.valid_until is None or old.valid_until > retire_at)
        else old
        for old in keyring.jwks.keys
        # Keys whose window closed long ago leave the public set (and so the register)...
        if old.valid_until is None or old.valid_until > now
    )
    # ... but are archived, never deleted: the audit log's old tree heads need them.
    kept_kids = {k.kid for k in kept}
    closed = tuple(old for old in keyring.jwks.keys if old.kid not in kept_kids)
    _write_keyring(
        directory,
        Keyring(
            owner=keyring.owner,
            current=key.kid,
            jwks=KeySet(keys=(*kept, key.public_key(now))),
            retired=KeySet(keys=(*keyring.retired.keys, *closed)),
        ),
    )
    return key, retire_at
