"""Group commit: entries appended at the same moment share a transaction and a signed head,
and each caller still gets a receipt that proves its own entry."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from anyio import CapacityLimiter
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from singleview.audit import AuditEntry, AuditLog, merkle, verify_receipt
from singleview.audit.storage import AuditSignedHeadRow
from singleview.audit.verify import verify_log
from singleview.group_commit import GroupCommit
from singleview.standards.receipt import Receipt
from tests.audit.conftest import LOG_ID, make_entry


def _signed_heads(log: AuditLog) -> int:
    with log.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditSignedHeadRow)).scalar_one())


def test_entries_arriving_together_share_one_signed_head(
    audit_log: AuditLog, signing_key: Ed25519PrivateKey
) -> None:
    audit_log.append(make_entry(0))  # a log that already has a head
    heads_before = _signed_heads(audit_log)
    entries = [make_entry(n) for n in range(1, 21)]

    async def append_all() -> list[Receipt]:
        group = GroupCommit(audit_log.append_batch, CapacityLimiter(1))
        return list(await asyncio.gather(*(group.submit(entry) for entry in entries)))

    receipts = asyncio.run(append_all())

    # Twenty callers, one write: all queued before the first write could start.
    assert _signed_heads(audit_log) - heads_before == 1
    assert sorted(r.leaf_index for r in receipts) == list(range(1, 21))
    for entry, receipt in zip(entries, receipts, strict=True):
        verify_receipt(receipt, signing_key.public_key(), log_id=LOG_ID)
        logged = audit_log.entry(receipt.leaf_index)
        assert logged.entry == entry  # each caller's receipt proves its own entry
        assert merkle.leaf_hash(logged.canonical_bytes()).hex() == receipt.leaf_hash
    assert verify_log(audit_log.engine, LOG_ID, signing_key.public_key()).ok


def test_entries_arriving_during_a_write_join_the_next_one(audit_log: AuditLog) -> None:
    async def waves() -> list[Receipt]:
        group = GroupCommit(audit_log.append_batch)
        first = asyncio.ensure_future(group.submit(make_entry(0)))
        await asyncio.sleep(0)  # the first write is under way
        rest = [asyncio.ensure_future(group.submit(make_entry(n))) for n in range(1, 6)]
        return [await first, *[await r for r in rest]]

    receipts = asyncio.run(waves())
    assert [r.tree_size for r in receipts] == [1, 6, 6, 6, 6, 6]
    assert _signed_heads(audit_log) == 2


class _FailsOnce(AuditLog):
    """A real log whose next write fails, as a full disk or a lost connection would."""

    failures = 1

    def append_batch(self, entries: Sequence[AuditEntry]) -> list[Receipt]:
        if self.failures:
            self.failures -= 1
            raise OSError("disk full")
        return super().append_batch(entries)


def test_a_failed_write_fails_every_caller_in_it_and_logs_none_of_them(
    audit_log: AuditLog,
) -> None:
    log = _FailsOnce(audit_log.engine, audit_log.log_id, audit_log.signer)

    async def run() -> tuple[list[BaseException | Receipt], Receipt]:
        group = GroupCommit(log.append_batch)
        failed = await asyncio.gather(
            *(group.submit(make_entry(n)) for n in range(3)), return_exceptions=True
        )
        # The group carries on: the next caller is logged.
        return failed, await group.submit(make_entry(3))

    failed, later = asyncio.run(run())
    assert all(isinstance(outcome, OSError) for outcome in failed)
    assert later.leaf_index == 0
    assert log.size() == 1


def test_a_caller_that_stops_waiting_does_not_hold_up_the_others(audit_log: AuditLog) -> None:
    async def run() -> list[Receipt]:
        group = GroupCommit(audit_log.append_batch)
        given_up = asyncio.ensure_future(group.submit(make_entry(0)))
        others = [asyncio.ensure_future(group.submit(make_entry(n))) for n in (1, 2)]
        await asyncio.sleep(0)  # all three are queued
        given_up.cancel()
        with pytest.raises(asyncio.CancelledError):
            await given_up
        return [await other for other in others]

    receipts = asyncio.run(run())
    assert len({r.leaf_index for r in receipts}) == 2
    # The entry of the caller that gave up (say, its requester hung up) was queued and is
    # logged too: the log may hold an answer its requester never read, never the reverse.
    assert audit_log.size() == 3
