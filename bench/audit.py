"""Benchmark the audit log against pymerkle, in one run, on this machine.

    uv run python bench/audit.py [--entries 1000000] [--appends 1000] [--proofs 500]

Measures, for our log (SQLite file, the embedded default) and for pymerkle 7 (its SqliteTree,
and its InmemoryTree where that is the fairer peer):
  * appends per second, one committed append at a time (ours also signs a tree head and
    returns a receipt with an inclusion proof for every append; pymerkle does neither);
  * the same in batches of 10,000 (our ``extend``: one transaction and one signed head per
    batch, no receipts; pymerkle's ``append_entries``), which is also how the big log is built;
  * inclusion and consistency proof time at ``--entries`` entries;
  * a search by time alone for the last batch of the big log, against the same records read
    in index order as the search used to;
  * the alerts page's count of exchanges per practitioner, and the insights page's summary of
    each exchange, over the whole big log, against reading and parsing those entries, as both
    pages did before;
  * full verification at ``--entries`` entries: ours re-derives every leaf from the stored
    record, every stored subtree hash and every signed head (``verify_log``); pymerkle has no
    such check, so its row is the nearest thing: re-read every entry from its database and
    rebuild the root in memory.
Prints a markdown table. Peers are timed in the same process, one after the other.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pymerkle
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Select, select

from singleview.audit import (
    AuditEntry,
    AuditLog,
    DecisionRecord,
    PolicyReference,
    Practitioner,
    ReleaseRecord,
    SubjectReference,
    TreeHeadSigner,
    verify_receipt,
    verify_tree_head,
)
from singleview.audit.counts import exchanges_per_practitioner, exchanges_since
from singleview.audit.storage import AuditEntryRow, entries_query
from singleview.audit.verify import verify_log
from singleview.db import create_engine, migrate

BATCH = 10_000
TEMPLATE = AuditEntry(
    kind="answer-sent",
    request_id="req-0",
    requester_org_id="org-police-north",
    responder_org_id="org-la-children",
    practitioner=Practitioner(id="pc-1", role="police-officer"),
    purpose="https://w3id.org/singleview/purpose/s47-enquiry",
    case_reference="S47/1",
    policies=(PolicyReference(id="s47-statutory", version="1.0", digest="ab" * 32),),
    decision=DecisionRecord(
        outcome="PERMIT",
        reasons=("requester-is-party",),
        policy_id="s47-statutory",
        policy_version="1.0",
    ),
    release=ReleaseRecord(digest="cd" * 32, data_categories=("involvements", "contacts")),
    subject=SubjectReference(record_id="rec-1"),
    occurred_at=dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC),
)


def entries(start: int, count: int) -> Iterator[AuditEntry]:
    for n in range(start, start + count):
        yield TEMPLATE.model_copy(
            update={
                "request_id": f"req-{n}",
                "subject": SubjectReference(record_id=f"rec-{n % 9973}"),
            }
        )


def seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def median_ms(action: Callable[[int], object], arguments: list[int]) -> str:
    """Median wall-clock milliseconds, and mean CPU milliseconds (the machine is shared)."""
    timings = []
    cpu_started = time.process_time()
    for argument in arguments:
        started = time.perf_counter()
        action(argument)
        timings.append((time.perf_counter() - started) * 1000)
    cpu = (time.process_time() - cpu_started) * 1000 / len(arguments)
    return f"{statistics.median(timings):.2f} (mean cpu {cpu:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=1000)
    parser.add_argument("--proofs", type=int, default=500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    rows: list[tuple[str, str, str]] = []
    key = Ed25519PrivateKey.generate()

    # --- appends, one committed append at a time --------------------------------------
    url = f"sqlite:///{work / 'appends.db'}"
    migrate(url)
    log = AuditLog(create_engine(url), "org-la-children", TreeHeadSigner("k1", key))
    batch = list(entries(0, args.appends))
    ours = args.appends / seconds(lambda: [log.append(e) for e in batch])
    payloads = [e.model_dump_json().encode() for e in batch]
    peer_tree = pymerkle.SqliteTree(str(work / "pymerkle-appends.db"))
    peer = args.appends / seconds(lambda: [peer_tree.append_entry(p) for p in payloads])
    peer_tree.close()
    rows.append(("appends/s, one commit each", f"{ours:,.0f}", f"{peer:,.0f} (SqliteTree)"))

    # --- the big log: batches of 10,000 ------------------------------------------------
    url = f"sqlite:///{work / 'log.db'}"
    migrate(url)
    log = AuditLog(create_engine(url), "org-la-children", TreeHeadSigner("k1", key))
    started = time.perf_counter()
    last_batch_since = dt.datetime.now(dt.UTC)
    for start in range(0, args.entries, BATCH):
        last_batch_since = dt.datetime.now(dt.UTC)
        log.extend(list(entries(start, min(BATCH, args.entries - start))))
    ours_bulk = args.entries / (time.perf_counter() - started)
    peer_tree = pymerkle.SqliteTree(str(work / "pymerkle.db"))
    started = time.perf_counter()
    for start in range(0, args.entries, BATCH):
        peer_tree.append_entries(
            [e.model_dump_json().encode() for e in entries(start, min(BATCH, args.entries - start))]
        )
    peer_bulk = args.entries / (time.perf_counter() - started)
    rows.append(
        (f"appends/s, batches of {BATCH:,}", f"{ours_bulk:,.0f}", f"{peer_bulk:,.0f} (SqliteTree)")
    )

    # --- proofs at full size -----------------------------------------------------------
    n = args.entries
    picks = [random.randrange(n) for _ in range(args.proofs)]
    public = key.public_key()
    ours_proof = median_ms(lambda i: log.receipt(i), picks)
    ours_check = median_ms(lambda i: verify_receipt(log.receipt(i), public), picks[:100])
    peer_proof = median_ms(lambda i: peer_tree.prove_inclusion(i + 1, n), picks)
    rows.append(
        (
            f"inclusion proof at {n:,} (median ms)",
            f"{ours_proof} receipt with signed head; {ours_check} built and verified",
            f"{peer_proof} SqliteTree.prove_inclusion",
        )
    )
    firsts = [random.randrange(1, n) for _ in range(args.proofs)]
    ours_cons = median_ms(lambda m: log.consistency_proof(m, n), firsts)
    peer_cons = median_ms(lambda m: peer_tree.prove_consistency(m, n), firsts)
    rows.append(
        (
            f"consistency proof to {n:,} (median ms)",
            ours_cons,
            f"{peer_cons} SqliteTree",
        )
    )

    # --- full verification ---------------------------------------------------------------
    report = None

    def run_verify() -> None:
        nonlocal report
        report = verify_log(log.engine, "org-la-children", public)

    ours_verify = seconds(run_verify)
    assert report is not None
    assert report.ok, report.problems[:3]

    def peer_rebuild() -> None:
        rebuilt = pymerkle.InmemoryTree()
        for row in peer_tree.con.execute("SELECT entry FROM leaf ORDER BY id"):
            rebuilt.append_entry(row if isinstance(row, bytes) else row[0])
        assert rebuilt.get_root() == peer_tree.get_root()

    peer_verify = seconds(peer_rebuild)
    rows.append(
        (
            f"full verification at {n:,} (s)",
            f"{ours_verify:.1f} ({report.entries:,} leaves, {report.subtrees:,} stored hashes, "
            f"{report.signed_heads} signed heads)",
            f"{peer_verify:.1f} (re-read entries, rebuild root in InmemoryTree; no stored-hash or "
            "signature checks)",
        )
    )
    heads = [log.signed_tree_head(size).jws for size in range(BATCH, n + 1, BATCH)][:100]

    per_head = seconds(lambda: [verify_tree_head(h, public) for h in heads]) / len(heads) * 1e6
    rows.append(
        (
            "signed-head check (µs each)",
            f"{per_head:.0f}: a log signing one head per append adds {per_head * n / 1e6:.0f} s "
            f"to verification at {n:,}",
            "n/a (pymerkle does not sign)",
        )
    )
    # --- a search by time alone (the IG insights page's) -------------------------------------
    since_last_batch = entries_query(since=last_batch_since)
    # The same records read in index order, as the search did before it used logged_at.
    in_index_order = (
        select(AuditEntryRow.record)
        .where(AuditEntryRow.logged_at >= last_batch_since)
        .order_by(AuditEntryRow.index)
    )

    def read(query: Select[str]) -> Callable[[int], object]:
        def run(_: int) -> object:
            with log.engine.connect() as conn:
                return conn.execute(query).scalars().all()

        return run

    found = len(log.entries_where(since=last_batch_since))
    rows.append(
        (
            f"search by time alone: the last {found:,} entries of {n:,} (median ms of 5)",
            f"{median_ms(read(since_last_batch), [0] * 5)} reading them through the logged_at "
            f"index; {median_ms(lambda _: log.entries_where(since=last_batch_since), [0] * 5)} "
            "read and parsed (entries_where)",
            f"n/a (pymerkle has no search); {median_ms(read(in_index_order), [0] * 5)} reading "
            "the same in index order, as before 83f5245",
        )
    )

    # --- the IG audit page's search: the newest 100 matches and a count up to 10,000 -------
    def page(term: str) -> Callable[[int], object]:
        def run(_: int) -> object:
            return log.entries_where(mentioning=term, newest=100), log.count_where(
                mentioning=term, up_to=10_000
            )

        return run

    searches = {"a request id": "req-4242", "a record id": "rec-42", "a practitioner": "pc-1"}
    cells = []
    for what, term in searches.items():
        counted = log.count_where(mentioning=term, up_to=10_000)
        matches = f"{counted:,}" if counted <= 10_000 else "more than 10,000"
        cells.append(f"{what} ({matches} matches): {median_ms(page(term), [0] * 5)}")
    rows.append(
        (
            f"audit page search in {n:,} entries: newest 100 and the count (median ms of 5)",
            "; ".join(cells),
            "n/a (pymerkle has no search). Before 2c2429d the page parsed the whole log: "
            "49.8 s and 3.2 GB for 468,240 entries (scratch run)",
        )
    )

    # --- the IG alerts page's unusual volumes: exchanges per practitioner ----------------
    # Every entry here is its own exchange, all logged in the last minutes: the worst case for
    # the count's grouping, and every entry falls in the page's window.
    now = dt.datetime.now(dt.UTC)
    window = {"since": now - dt.timedelta(days=15), "kinds": ("answer-sent",)}

    def volumes(_: int) -> object:
        return exchanges_per_practitioner(
            log.engine, split_at=now - dt.timedelta(days=1), until=now, **window
        )

    started = time.process_time()
    parsed = seconds(lambda: log.entries_where(**window))
    parsed_cpu = time.process_time() - started
    before = (
        "n/a (pymerkle has no search). Before session 8 the page read and parsed every entry "
        f"in its window (entries_where), which alone takes {parsed:.1f} s here (cpu "
        f"{parsed_cpu:.1f} s; once)"
    )
    rows.append(
        (
            f"alerts page's unusual volumes: {n:,} exchanges counted by practitioner "
            "(median ms of 3)",
            f"{median_ms(volumes, [0] * 3)} grouped in SQL",
            before,
        )
    )
    rows.append(
        (
            f"insights page: {n:,} exchanges summed up for its charts (median ms of 3)",
            f"{median_ms(lambda _: exchanges_since(log.engine, window['since']), [0] * 3)} "
            "grouped in SQL, one summary each read back",
            before,
        )
    )

    size_mb = (work / "log.db").stat().st_size / 1e6
    peer_mb = (work / "pymerkle.db").stat().st_size / 1e6
    rows.append(("database size (MB)", f"{size_mb:,.0f}", f"{peer_mb:,.0f} (SqliteTree)"))

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the end: {load} on {os.cpu_count()} cores\n")
    print("| measure | singleview audit (SQLite) | pymerkle 7.0.0 |")
    print("|---|---|---|")
    for measure, ours_cell, peer_cell in rows:
        print(f"| {measure} | {ours_cell} | {peer_cell} |")
    peer_tree.close()
    log.engine.dispose()
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
