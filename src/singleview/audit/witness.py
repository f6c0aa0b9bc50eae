"""Witnessing partners' logs: fetch each partner's signed tree head and check it extends the
last one this node saw, so a partner that rewrites or shortens its log is caught."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from singleview.audit import merkle
from singleview.audit.models import TreeHead
from singleview.audit.signing import TreeHeadSignatureError, verify_tree_head
from singleview.audit.storage import AuditWitnessedHeadRow


class WitnessError(RuntimeError):
    """A partner's log could not be checked (unreachable, bad signature, malformed answer)."""


class LogRewrittenError(WitnessError):
    """A partner's log no longer extends the tree head it published before."""


@dataclass(frozen=True)
class Partner:
    """A partner whose log this node witnesses: register id, base URL, its public key."""

    org_id: str
    base_url: str
    public_key: Ed25519PublicKey


@dataclass(frozen=True)
class WitnessResult:
    """What one check found: the size last seen (None the first time) and the size now."""

    partner_id: str
    previous_size: int | None
    tree_size: int

    def describe(self) -> str:
        """One line for a person."""
        if self.previous_size is None:
            return f"{self.partner_id}: first tree head seen, size {self.tree_size}"
        return f"{self.partner_id}: consistent, size {self.previous_size} -> {self.tree_size}"


def load_partners(path: Path) -> list[Partner]:
    """Read partners from YAML: a list of ``{org_id, base_url, public_key}`` where the key is
    an Ed25519 JWK (``{kty: OKP, crv: Ed25519, x: ...}``) as the register publishes it."""
    raw = yaml.safe_load(path.read_text())
    if not isinstance(raw, list):
        raise WitnessError(f"{path}: expected a list of partners")
    partners = []
    for position, item in enumerate(raw, start=1):
        try:
            jwk = item["public_key"]
            if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
                raise ValueError("public_key must be an Ed25519 JWK")
            raw_key = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
            partners.append(
                Partner(
                    org_id=str(item["org_id"]),
                    base_url=str(item["base_url"]).rstrip("/"),
                    public_key=Ed25519PublicKey.from_public_bytes(raw_key),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise WitnessError(f"{path}: partner {position}: {error}") from error
    return partners


def _get(client: httpx.Client, partner: Partner, path: str, **params: int) -> dict[str, Any]:
    try:
        response = client.get(f"{partner.base_url}{path}", params=params)
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise WitnessError(f"{partner.org_id}: GET {path} failed: {error}") from error
    if not isinstance(body, dict):
        raise WitnessError(f"{partner.org_id}: GET {path} did not return a JSON object")
    return body


def witness(engine: Engine, partner: Partner, client: httpx.Client) -> WitnessResult:
    """Check ``partner``'s current tree head against the last one seen, then remember it."""
    body = _get(client, partner, "/audit/tree-head")
    signed = body.get("signedTreeHead")
    if not isinstance(signed, str):
        raise WitnessError(f"{partner.org_id}: tree head answer has no signedTreeHead")
    try:
        head = verify_tree_head(signed, partner.public_key)
    except TreeHeadSignatureError as error:
        raise WitnessError(f"{partner.org_id}: {error}") from error
    if head.log_id != partner.org_id:
        raise WitnessError(f"{partner.org_id}: tree head is for log {head.log_id!r}")
    with engine.connect() as conn:
        last = conn.execute(
            select(AuditWitnessedHeadRow.tree_size, AuditWitnessedHeadRow.root_hash).where(
                AuditWitnessedHeadRow.partner_id == partner.org_id
            )
        ).one_or_none()
    previous_size = None
    if last is not None:
        previous_size = int(last[0])
        _check_extends(client, partner, previous_size, str(last[1]), head)
    _remember(engine, partner.org_id, head, signed)
    return WitnessResult(partner.org_id, previous_size, head.tree_size)


def _check_extends(
    client: httpx.Client, partner: Partner, size: int, root: str, head: TreeHead
) -> None:
    if head.tree_size < size:
        raise LogRewrittenError(
            f"{partner.org_id} rewrote its log: it published a tree of size {size} before and "
            f"now publishes size {head.tree_size}"
        )
    proof: list[str] = []
    if head.tree_size > size:
        body = _get(client, partner, "/audit/consistency", first=size, second=head.tree_size)
        proof_value = body.get("consistencyProof")
        if not isinstance(proof_value, list):
            raise WitnessError(f"{partner.org_id}: consistency answer has no consistencyProof")
        proof = [str(h) for h in proof_value]
    try:
        merkle.verify_consistency(
            size,
            head.tree_size,
            bytes.fromhex(root),
            bytes.fromhex(head.root_hash),
            [bytes.fromhex(h) for h in proof],
        )
    except (merkle.ProofError, ValueError) as error:
        raise LogRewrittenError(
            f"{partner.org_id} rewrote its log: its tree head at size {head.tree_size} is not "
            f"consistent with the one at size {size} it published before ({error})"
        ) from error


def _remember(engine: Engine, partner_id: str, head: TreeHead, signed: str) -> None:
    values = {
        "tree_size": head.tree_size,
        "root_hash": head.root_hash,
        "jws": signed,
        "checked_at": dt.datetime.now(dt.UTC),
    }
    with engine.begin() as conn:
        updated = conn.execute(
            update(AuditWitnessedHeadRow)
            .where(AuditWitnessedHeadRow.partner_id == partner_id)
            .values(**values)
        )
        if updated.rowcount == 0:
            conn.execute(insert(AuditWitnessedHeadRow).values(partner_id=partner_id, **values))


def witness_all(
    engine: Engine, partners: Sequence[Partner], client: httpx.Client
) -> list[WitnessResult | WitnessError]:
    """Witness every partner; one failing does not stop the others being checked."""
    outcomes: list[WitnessResult | WitnessError] = []
    for partner in partners:
        try:
            outcomes.append(witness(engine, partner, client))
        except WitnessError as error:
            outcomes.append(error)
    return outcomes
