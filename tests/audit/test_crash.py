"""An acknowledged entry survives the node being killed with SIGKILL in the middle of appending."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from singleview.audit import AuditLog, merkle, verify_receipt
from singleview.audit.verify import verify_log
from singleview.db import create_engine
from singleview.standards.receipt import Receipt
from tests.audit.conftest import LOG_ID

REPO = Path(__file__).resolve().parents[2]


def _start(url: str, key: Path, worker: int, count: int | None = None) -> subprocess.Popen[str]:
    args = [sys.executable, "-m", "tests.audit.appender", url, str(key), str(worker)]
    if count is not None:
        args.append(str(count))
    return subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, text=True)


def _read_lines(process: subprocess.Popen[str], into: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        into.append(line)


@pytest.mark.slow
def test_receipts_printed_before_sigkill_are_still_provable(
    database_url: str, signing_key: Ed25519PrivateKey, tmp_path: Path
) -> None:
    key = tmp_path / "node.pem"
    key.write_bytes(signing_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    # Two appenders at once, so each is killed while the other holds or waits for the lock.
    processes = [_start(database_url, key, worker) for worker in (1, 2)]
    outputs: list[list[str]] = [[], []]
    readers = [
        threading.Thread(target=_read_lines, args=(p, out), daemon=True)
        for p, out in zip(processes, outputs, strict=True)
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + 120
    # Count receipts, not lines: each appender prints "ready" before its first receipt.
    while min(sum(line.startswith("{") for line in out) for out in outputs) < 25:
        assert time.monotonic() < deadline, f"appenders too slow: {[len(o) for o in outputs]}"
        assert all(p.poll() is None for p in processes), "an appender died on its own"
        time.sleep(0.01)
    for process in processes:
        os.kill(process.pid, signal.SIGKILL)
    for process, reader in zip(processes, readers, strict=True):
        process.wait(30)
        assert process.returncode == -signal.SIGKILL
        reader.join(30)
    # Only whole lines count: a line cut short by the kill was never an acknowledgement.
    receipts = [
        Receipt.model_validate_json(line)
        for out in outputs
        for line in out
        if line.endswith("\n") and line.startswith("{")
    ]
    assert len(receipts) >= 50

    # Restart the node: it must carry on appending after the crash.
    restarted = _start(database_url, key, 3, count=5)
    assert restarted.wait(120) == 0

    log = AuditLog(create_engine(database_url), LOG_ID)
    public = signing_key.public_key()
    current = log.signed_tree_head()
    assert current.head.tree_size >= len(receipts) + 5
    for receipt in receipts:
        verify_receipt(receipt, public, log_id=LOG_ID)
        assert merkle.leaf_hash(log.entry(receipt.leaf_index).canonical_bytes()).hex() == (
            receipt.leaf_hash
        )
        fresh = log.receipt(receipt.leaf_index)
        assert fresh.leaf_hash == receipt.leaf_hash
        verify_receipt(fresh, public, log_id=LOG_ID)
        merkle.verify_consistency(
            receipt.tree_size,
            current.head.tree_size,
            bytes.fromhex(receipt.root_hash),
            bytes.fromhex(current.head.root_hash),
            [
                bytes.fromhex(h)
                for h in log.consistency_proof(receipt.tree_size, current.head.tree_size)
            ],
        )
    report = verify_log(log.engine, LOG_ID, public)
    assert report.ok, report.problems
