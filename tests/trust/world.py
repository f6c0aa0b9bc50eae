"""A small trust world on disk: an authority, organisations with keyrings, a signed register.

Built with the real key files, the real signer and the real register format, so tests (and the
node process they start) see exactly what a deployment would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from singleview.standards.organisation import KeySet, Organisation, OrganisationRegister
from singleview.trust.keys import SigningKey, create_keyring, load_signing_key, read_keyring
from singleview.trust.register import (
    RegisterDraft,
    issue,
    sign_register,
    with_organisation,
    with_suspension,
    write_json,
)

NODE_ID = "node-a"
REQUESTER_ID = "lbx-csc"
OTHER_ID = "met-police"
SUSPENDED_ID = "rogue-trust"
AUTHORITY_ID = "register-authority"


@dataclass
class World:
    """Paths and keys of one trust world."""

    root: Path
    anchor_path: Path
    register_path: Path
    draft: RegisterDraft
    authority_key: SigningKey
    keys: dict[str, SigningKey]
    stray_key: SigningKey

    def key_path(self, organisation_id: str) -> Path:
        """The current private key file of ``organisation_id``."""
        directory = self.root / "keys" / organisation_id
        return read_keyring(directory).current_key_path(directory)

    def publish(self, draft: RegisterDraft, now: dt.datetime, validity: dt.timedelta) -> str:
        """Issue and sign ``draft`` and write it where nodes fetch the register from."""
        register, self.draft = issue(draft, now, validity)
        token = sign_register(register, self.authority_key)
        temporary = self.register_path.with_suffix(".tmp")
        temporary.write_text(token, encoding="utf-8")
        temporary.replace(self.register_path)
        return token

    def issue_token(
        self, now: dt.datetime, validity: dt.timedelta
    ) -> tuple[str, OrganisationRegister]:
        """A signed issue of the current draft, without writing it anywhere."""
        register, self.draft = issue(self.draft, now, validity)
        return sign_register(register, self.authority_key), register

    def suspend(self, organisation_id: str, now: dt.datetime) -> RegisterDraft:
        """The draft with ``organisation_id`` suspended."""
        return with_suspension(self.draft, organisation_id, "test suspension", now)


def build_world(root: Path, now: dt.datetime | None = None, validity_hours: float = 1.0) -> World:
    """Authority, four organisations (one suspended) and a stray key no register lists."""
    now = now or dt.datetime.now(dt.UTC)
    create_keyring(root / "authority", AUTHORITY_ID, now=now - dt.timedelta(days=1))
    authority_keyring = read_keyring(root / "authority")
    authority_key = load_signing_key(authority_keyring.current_key_path(root / "authority"))
    anchor_path = root / "anchor.jwks.json"
    write_json(anchor_path, authority_keyring.jwks)

    draft = RegisterDraft(authority=AUTHORITY_ID)
    keys: dict[str, SigningKey] = {}
    types = {
        NODE_ID: "local-authority-childrens-social-care",
        REQUESTER_ID: "local-authority-childrens-social-care",
        OTHER_ID: "police-force",
        SUSPENDED_ID: "nhs-trust",
    }
    for organisation_id, organisation_type in types.items():
        keys[organisation_id] = create_keyring(
            root / "keys" / organisation_id, organisation_id, now=now - dt.timedelta(days=1)
        )
        organisation = Organisation.model_validate(
            {
                "id": organisation_id,
                "name": f"{organisation_id} (test)",
                "type": organisation_type,
                "endpoint": f"https://{organisation_id}.example.org.uk/api",
                "jwks": read_keyring(root / "keys" / organisation_id).jwks,
                "agreements": ["test-dsa"],
            }
        )
        draft = with_organisation(draft, organisation)
    draft = with_suspension(draft, SUSPENDED_ID, "failed assurance", now - dt.timedelta(hours=1))
    create_keyring(root / "keys" / "stray", "stray", now=now - dt.timedelta(days=1))
    stray_key = load_signing_key(
        read_keyring(root / "keys" / "stray").current_key_path(root / "keys" / "stray")
    )

    world = World(
        root=root,
        anchor_path=anchor_path,
        register_path=root / "register.jws",
        draft=draft,
        authority_key=authority_key,
        keys=keys,
        stray_key=stray_key,
    )
    world.publish(draft, now - dt.timedelta(minutes=5), dt.timedelta(hours=validity_hours))
    return world


def anchor_of(world: World) -> KeySet:
    """The world's trust anchor."""
    return KeySet.model_validate_json(world.anchor_path.read_text(encoding="utf-8"))
