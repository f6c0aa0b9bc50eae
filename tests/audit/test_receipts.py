"""Receipts and signed tree heads: a requester with only the responder's public key can check
them, and any change to the receipt, its proof or its head is refused."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from singleview.audit import (
    AuditEntry,
    LoggedEntry,
    ReceiptError,
    TreeHead,
    TreeHeadSignatureError,
    TreeHeadSigner,
    merkle,
    verify_receipt,
    verify_tree_head,
)
from singleview.standards.receipt import Receipt
from tests.audit.conftest import LOG_ID, make_entry


def _receipts(signer: TreeHeadSigner, count: int) -> tuple[list[LoggedEntry], list[Receipt]]:
    """Receipts built the way the log builds them, from an in-memory tree (no database)."""
    tree = merkle.MemoryTree()
    logged = [
        LoggedEntry(index=n, logged_at=make_entry(n).occurred_at, entry=make_entry(n))
        for n in range(count)
    ]
    for item in logged:
        tree.append(merkle.leaf_hash(item.canonical_bytes()))
    head = TreeHead(log_id=LOG_ID, tree_size=count, root_hash=tree.root().hex(), timestamp=1)
    signed = signer.sign(head)
    receipts = [
        Receipt(
            log_id=LOG_ID,
            leaf_index=n,
            leaf_hash=tree.levels[0][n].hex(),
            tree_size=count,
            root_hash=head.root_hash,
            inclusion_proof=tuple(h.hex() for h in merkle.inclusion_proof(n, count, tree.fetch)),
            signed_tree_head=signed,
        )
        for n in range(count)
    ]
    return logged, receipts


def _flip_hex(value: str, position: int) -> str:
    position %= len(value)
    replacement = "0" if value[position] != "0" else "1"
    return value[:position] + replacement + value[position + 1 :]


@pytest.fixture(scope="module")
def module_signer() -> TreeHeadSigner:
    return TreeHeadSigner("node-key-1", Ed25519PrivateKey.generate())


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(count=st.integers(1, 40), data=st.data())
def test_every_receipt_verifies_and_any_change_fails(
    module_signer: TreeHeadSigner, count: int, data: st.DataObject
) -> None:
    _, receipts = _receipts(module_signer, count)
    public = module_signer.private_key.public_key()
    receipt = data.draw(st.sampled_from(receipts))
    assert verify_receipt(receipt, public, log_id=LOG_ID).tree_size == count

    field = data.draw(
        st.sampled_from(
            ["log_id", "leaf_index", "leaf_hash", "tree_size", "root_hash", "proof", "head"]
        )
    )
    position = data.draw(st.integers(0, 10_000))
    changes: dict[str, object]
    if field == "log_id":
        changes = {"log_id": "org-someone-else"}
    elif field == "leaf_index":
        changes = {
            "leaf_index": data.draw(st.integers(0, count).filter(lambda n: n != receipt.leaf_index))
        }
    elif field == "tree_size":
        changes = {"tree_size": data.draw(st.integers(1, count + 5).filter(lambda n: n != count))}
    elif field in ("leaf_hash", "root_hash"):
        changes = {field: _flip_hex(getattr(receipt, field), position)}
    elif field == "proof":
        if not receipt.inclusion_proof:
            changes = {"inclusion_proof": ("00" * 32,)}
        else:
            proof = list(receipt.inclusion_proof)
            at = position % len(proof)
            proof[at] = _flip_hex(proof[at], position)
            changes = {"inclusion_proof": tuple(proof)}
    else:
        header, payload, signature = receipt.signed_tree_head.split(".")
        part = data.draw(st.sampled_from(["payload", "signature"]))
        if part == "payload":
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            claims["tree_size"] += 1
            payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        else:
            signature = _flip_hex(signature, position % 40)
        changes = {"signed_tree_head": ".".join([header, payload, signature])}
    tampered = receipt.model_copy(update=changes)
    with pytest.raises((ReceiptError, TreeHeadSignatureError)):
        verify_receipt(tampered, public, log_id=LOG_ID)


def test_a_changed_entry_no_longer_matches_its_receipt(module_signer: TreeHeadSigner) -> None:
    logged, receipts = _receipts(module_signer, 5)
    changed = logged[2].model_copy(
        update={"entry": logged[2].entry.model_copy(update={"requester_org_id": "org-other"})}
    )
    assert merkle.leaf_hash(changed.canonical_bytes()).hex() != receipts[2].leaf_hash
    assert merkle.leaf_hash(logged[2].canonical_bytes()).hex() == receipts[2].leaf_hash


def test_a_head_signed_by_another_key_or_unknown_kid_is_refused(
    module_signer: TreeHeadSigner,
) -> None:
    _, receipts = _receipts(module_signer, 3)
    stranger = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(TreeHeadSignatureError, match="signature does not verify"):
        verify_receipt(receipts[0], stranger)
    with pytest.raises(TreeHeadSignatureError, match="unknown key id 'node-key-1'"):
        verify_tree_head(receipts[0].signed_tree_head, {"node-key-2": stranger})


def test_tree_head_payload_has_the_fixed_fields(module_signer: TreeHeadSigner) -> None:
    head = TreeHead(log_id=LOG_ID, tree_size=3, root_hash="ab" * 32, timestamp=1700000000000)
    signed = module_signer.sign(head)
    header = json.loads(base64.urlsafe_b64decode(signed.split(".")[0] + "=="))
    payload = json.loads(base64.urlsafe_b64decode(signed.split(".")[1] + "=="))
    assert header == {"alg": "EdDSA", "kid": "node-key-1", "typ": "tree-head+jws"}
    assert set(payload) == {"log_id", "tree_size", "root_hash", "timestamp"}
    assert verify_tree_head(signed, module_signer.private_key.public_key()) == head


def test_entries_refuse_naive_times() -> None:
    with pytest.raises(ValueError, match="time zone"):
        AuditEntry.model_validate(
            {**make_entry(1).model_dump(), "occurred_at": "2026-11-21T09:00:00"}
        )
