"""The routes the Exchange mounts, over real HTTP: tree head, proof, consistency, errors."""

from __future__ import annotations

import httpx

from singleview.audit import AuditLog, TreeHeadSigner, merkle, verify_receipt, verify_tree_head
from singleview.standards.receipt import Receipt
from tests.audit.conftest import LOG_ID, make_entry


def test_routes_serve_verifiable_heads_and_proofs(
    audit_log: AuditLog, signer: TreeHeadSigner, served_log: str
) -> None:
    client = httpx.Client(base_url=served_log, timeout=10)
    assert client.get("/audit/tree-head").status_code == 404  # nothing logged yet
    audit_log.extend([make_entry(n) for n in range(5)])
    for n in range(5, 12):
        audit_log.append(make_entry(n))
    public = signer.private_key.public_key()

    head = client.get("/audit/tree-head").json()
    assert head["treeSize"] == 12
    assert verify_tree_head(head["signedTreeHead"], public).root_hash == head["rootHash"]

    receipt = Receipt.model_validate(client.get("/audit/proof/3").json())
    verify_receipt(receipt, public, log_id=LOG_ID)
    older = Receipt.model_validate(client.get("/audit/proof/3", params={"treeSize": 5}).json())
    assert older.tree_size == 5
    verify_receipt(older, public)

    proof = client.get("/audit/consistency", params={"first": 5, "second": 12}).json()
    merkle.verify_consistency(
        5,
        12,
        bytes.fromhex(older.root_hash),
        bytes.fromhex(receipt.root_hash),
        [bytes.fromhex(h) for h in proof["consistencyProof"]],
    )
    assert client.get("/audit/proof/12").status_code == 404
    assert (
        client.get("/audit/proof/1", params={"treeSize": 3}).status_code == 404
    )  # extend signed only 5
    assert client.get("/audit/consistency", params={"first": 9, "second": 4}).status_code == 400
    assert client.get("/audit/consistency", params={"first": 1, "second": 40}).status_code == 404


def test_append_batch_of_nothing_logs_nothing(audit_log: AuditLog) -> None:
    assert audit_log.append_batch([]) == []
    assert audit_log.size() == 0
