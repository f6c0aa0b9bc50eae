"""Editing, deleting or reordering rows directly in the database is caught by ``audit verify``
and, when the administrator rewrites the hashes and re-signs to hide it, by a witness."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from singleview.audit import AuditLog, TreeHeadSigner
from singleview.audit.verify import verify_log
from singleview.audit.witness import LogRewrittenError, Partner, witness
from singleview.db import create_engine, migrate
from tests.audit.conftest import LOG_ID, make_entry
from tests.audit.tampering import cover_tracks, delete_entry, edit_entry, swap_entries

Tamper = Callable[[AuditLog], None]
TAMPERINGS: dict[str, tuple[Tamper, int, str]] = {
    "edit": (lambda log: edit_entry(log.engine, 4), 4, "does not match its leaf hash"),
    "delete": (lambda log: delete_entry(log.engine, 4), 4, "its record says it is entry 5"),
    "reorder": (lambda log: swap_entries(log.engine, 2, 6), 2, "its record says it is entry 6"),
}


@pytest.mark.parametrize("how", sorted(TAMPERINGS))
def test_verify_names_the_first_bad_entry(
    audit_log: AuditLog, signer: TreeHeadSigner, how: str
) -> None:
    audit_log.append_batch([make_entry(n) for n in range(3)])
    for n in range(3, 10):
        audit_log.append(make_entry(n))
    public = signer.private_key.public_key()
    assert verify_log(audit_log.engine, LOG_ID, public).ok
    tamper, index, reason = TAMPERINGS[how]
    tamper(audit_log)
    report = verify_log(audit_log.engine, LOG_ID, public)
    first = report.first_bad_entry
    assert first is not None
    assert first.index == index
    assert reason in first.message
    # The signed heads from before the change no longer match the entries either.
    assert any("signed tree head" in p.message for p in report.problems)


def test_verify_catches_a_changed_stored_hash_and_a_forged_head(
    audit_log: AuditLog, signer: TreeHeadSigner
) -> None:
    for n in range(8):
        audit_log.append(make_entry(n))
    with audit_log.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE audit_subtree SET hash = '" + "0" * 64 + '\' WHERE level = 2 AND "index" = 1'
        )
        conn.exec_driver_sql(
            "UPDATE audit_signed_head SET root_hash = '" + "1" * 64 + "' WHERE tree_size = 3"
        )
    report = verify_log(audit_log.engine, LOG_ID, signer.private_key.public_key())
    messages = [p.message for p in report.problems]
    assert any("stored hash of entries 4..7" in m for m in messages)
    assert any("size 3: its row differs from its JWS" in m for m in messages)


@pytest.mark.parametrize("how", sorted(TAMPERINGS))
def test_a_witness_catches_a_rewritten_log(
    audit_log: AuditLog, signer: TreeHeadSigner, served_log: str, sqlite_url: str, how: str
) -> None:
    for n in range(10):
        audit_log.append(make_entry(n))
    witness_db = create_engine(sqlite_url.replace("node.db", "witness.db"))
    migrate(str(witness_db.url))
    partner = Partner(LOG_ID, served_log, signer.private_key.public_key())
    with httpx.Client(timeout=10) as client:
        assert witness(witness_db, partner, client).tree_size == 10
        audit_log.append(make_entry(10))
        assert witness(witness_db, partner, client).previous_size == 10  # honest growth is fine

        tamper, _, _ = TAMPERINGS[how]
        tamper(audit_log)
        cover_tracks(audit_log.engine, signer, LOG_ID, timestamp=int(time.time() * 1000))
        if how == "reorder":
            audit_log.append(make_entry(11))  # the node carries on appending after the rewrite
        with pytest.raises(LogRewrittenError) as caught:
            witness(witness_db, partner, client)
    message = str(caught.value)
    assert message.startswith(f"{LOG_ID} rewrote its log")
    assert "size 11" in message
