"""The node's tamper-evident audit log (RFC 9162 Merkle tree, signed tree heads, receipts).

Public functions for other capabilities:
``AuditLog(engine, log_id, TreeHeadSigner(kid, key)).append(entry) -> Receipt``,
``verify_receipt(receipt, responder_public_key, log_id=...)``, ``audit_router(log)``,
and the ``AuditEntry`` model with ``enquiry_subject_key`` for the requester's subject reference.
"""

from singleview.audit.models import (
    AuditEntry,
    DecisionRecord,
    LoggedEntry,
    MatchRecord,
    PolicyReference,
    Practitioner,
    ReleaseRecord,
    SubjectReference,
    TreeHead,
    enquiry_subject_key,
)
from singleview.audit.receipts import ReceiptError, verify_receipt
from singleview.audit.signing import TreeHeadSignatureError, TreeHeadSigner, verify_tree_head
from singleview.audit.storage import AuditLog, EntryNotFoundError, LogEmptyError

__all__ = [
    "AuditEntry",
    "AuditLog",
    "DecisionRecord",
    "EntryNotFoundError",
    "LogEmptyError",
    "LoggedEntry",
    "MatchRecord",
    "PolicyReference",
    "Practitioner",
    "ReceiptError",
    "ReleaseRecord",
    "SubjectReference",
    "TreeHead",
    "TreeHeadSignatureError",
    "TreeHeadSigner",
    "enquiry_subject_key",
    "verify_receipt",
    "verify_tree_head",
]
