"""Checking a receipt on the requester's side, with nothing but the responder's public key."""

from __future__ import annotations

from singleview.audit import merkle
from singleview.audit.models import TreeHead
from singleview.audit.signing import PublicKeys, verify_tree_head
from singleview.standards.receipt import Receipt


class ReceiptError(ValueError):
    """A receipt does not prove what it claims: the field named says which part is wrong."""


def verify_receipt(
    receipt: Receipt, public_keys: PublicKeys, *, log_id: str | None = None
) -> TreeHead:
    """Check that ``receipt`` proves its leaf is in the log its signed tree head describes.

    ``public_keys`` are the responder's (from the register); ``log_id``, when given, is the
    organisation the requester asked, so a receipt from another log is refused. Returns the
    verified tree head, worth keeping to witness the responder's log later.
    """
    head = verify_tree_head(receipt.signed_tree_head, public_keys)
    if log_id is not None and receipt.log_id != log_id:
        raise ReceiptError(f"receipt.log_id is {receipt.log_id!r}, expected {log_id!r}")
    for name, stated in (
        ("log_id", head.log_id),
        ("tree_size", head.tree_size),
        ("root_hash", head.root_hash),
    ):
        if getattr(receipt, name) != stated:
            raise ReceiptError(
                f"receipt.{name} is {getattr(receipt, name)!r} but its signed tree head says "
                f"{stated!r}"
            )
    try:
        merkle.verify_inclusion(
            bytes.fromhex(receipt.leaf_hash),
            receipt.leaf_index,
            receipt.tree_size,
            [bytes.fromhex(h) for h in receipt.inclusion_proof],
            bytes.fromhex(receipt.root_hash),
        )
    except merkle.ProofError as error:
        raise ReceiptError(f"receipt.inclusion_proof: {error}") from error
    return head
