"""A node process that does nothing but log: appends in a loop and prints each receipt (one
JSON line) only once ``append`` has returned, i.e. after the commit. Used by the crash test.

    python -m tests.audit.appender DATABASE_URL KEY.pem WORKER [COUNT]
"""

from __future__ import annotations

import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from singleview.audit import AuditLog, TreeHeadSigner
from singleview.db import create_engine
from tests.audit.conftest import LOG_ID, make_entry


def main() -> None:
    url, key_path, worker = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 10**9
    key = load_pem_private_key(key_path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    log = AuditLog(create_engine(url), LOG_ID, TreeHeadSigner("node-key-1", key))
    print("ready", flush=True)
    for n in range(count):
        receipt = log.append(make_entry(worker * 1_000_000 + n))
        print(receipt.model_dump_json(), flush=True)


if __name__ == "__main__":
    main()
