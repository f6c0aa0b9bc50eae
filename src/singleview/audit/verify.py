"""``audit verify``: re-derive the whole log from its entries and hold every stored hash and
every signed tree head to it, naming the first entry that is not what was logged."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy.engine import Engine

from singleview.audit import merkle
from singleview.audit.models import LoggedEntry
from singleview.audit.signing import PublicKeys, TreeHeadSignatureError, verify_tree_head
from singleview.audit.storage import (
    StoredEntry,
    StoredHead,
    derived_columns,
    stored_entries,
    stored_head,
    stored_signed_heads,
    stored_subtrees,
)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing that is not as it was logged.

    ``index`` is the entry it names, or, when ``exact`` is false, the first of the entries it
    implicates (a stored hash or signed head covers a range, so it cannot say which one).
    """

    index: int
    message: str
    exact: bool = True


@dataclass
class VerificationReport:
    """What ``verify_log`` checked and what it found."""

    entries: int = 0
    subtrees: int = 0
    signed_heads: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was found wrong."""
        return not self.problems

    @property
    def first_bad_entry(self) -> Problem | None:
        """The problem naming the earliest entry; range-only problems if nothing is exact."""
        exact = [p for p in self.problems if p.exact]
        return min(exact or self.problems, default=None)


def verify_log(engine: Engine, log_id: str, public_keys: PublicKeys) -> VerificationReport:
    """Recompute every leaf, every stored subtree and every signed head of the log."""
    report = VerificationReport()
    tree = merkle.MemoryTree()
    # Once an entry is missing the tree can no longer be rebuilt as it was; content checks
    # on the remaining rows still run, so every edited row is named, not just the first.
    rebuilding = True
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # One snapshot for every query, so appends committed meanwhile (a signed head
            # whose entries this read cannot see) are not mistaken for missing entries.
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        heads = _peekable(stored_signed_heads(conn))
        last_timestamp = -1
        for row in stored_entries(conn):
            report.entries += 1
            if rebuilding and row.index != tree.size:
                if row.index > tree.size:
                    report.problems.append(
                        Problem(tree.size, f"entries {tree.size}..{row.index - 1} are missing")
                    )
                else:
                    report.problems.append(Problem(row.index, f"entry {row.index} appears twice"))
                rebuilding = False
            leaf = _check_entry(row, report)
            if not rebuilding:
                continue
            tree.append(leaf)
            while heads.peek() is not None and heads.peek().tree_size <= tree.size:  # type: ignore[union-attr]
                head = next(heads)
                last_timestamp = _check_head(
                    head, tree, log_id, public_keys, last_timestamp, report
                )
        for head in heads:
            if not rebuilding:
                report.signed_heads += 1
                continue
            report.problems.append(
                Problem(
                    tree.size,
                    f"a tree head was signed at size {head.tree_size} but the log holds only "
                    f"{tree.size} entries: entries {tree.size}..{head.tree_size - 1} are missing",
                )
            )
            report.signed_heads += 1
        if rebuilding:
            _check_head_row(stored_head(conn), tree, report)
            _check_subtrees(stored_subtrees(conn), tree, report)
    return report


def _check_entry(row: StoredEntry, report: VerificationReport) -> bytes:
    """Check one row against its own record; return the leaf hash of the record as stored."""
    data = row.record.encode()
    leaf = merkle.leaf_hash(data)
    if leaf.hex() != row.leaf_hash:
        report.problems.append(
            Problem(row.index, f"entry {row.index}: its record does not match its leaf hash")
        )
    try:
        logged = LoggedEntry.from_bytes(data)
    except ValidationError as error:
        report.problems.append(Problem(row.index, f"entry {row.index}: record unreadable: {error}"))
        return leaf
    if logged.index != row.index:
        report.problems.append(
            Problem(
                row.index,
                f"entry {row.index}: its record says it is entry {logged.index} (rows were moved)",
            )
        )
    if logged.canonical_bytes() != data:
        report.problems.append(
            Problem(row.index, f"entry {row.index}: record is not in canonical form")
        )
    for name, value in derived_columns(logged.entry).items():
        if row.columns[name] != value:
            report.problems.append(
                Problem(
                    row.index,
                    f"entry {row.index}: column {name} is {row.columns[name]!r} but the "
                    f"record says {value!r}",
                )
            )
    return leaf


def _check_head(
    head: StoredHead,
    tree: merkle.MemoryTree,
    log_id: str,
    public_keys: PublicKeys,
    last_timestamp: int,
    report: VerificationReport,
) -> int:
    report.signed_heads += 1
    size = head.tree_size

    def problem(detail: str) -> None:
        # A bad head at size n implicates some entry below n; the leaf checks usually name it.
        message = f"signed tree head at size {size}{detail}"
        report.problems.append(Problem(max(size - 1, 0), message, exact=False))

    try:
        signed = verify_tree_head(head.jws, public_keys)
    except TreeHeadSignatureError as error:
        problem(f": {error}")
        return last_timestamp
    stated = (signed.log_id, signed.tree_size, signed.root_hash, signed.timestamp)
    if stated != (head.log_id, head.tree_size, head.root_hash, head.timestamp):
        problem(": its row differs from its JWS")
    if signed.log_id != log_id:
        problem(f" is for log {signed.log_id!r}, not {log_id!r}")
    if signed.tree_size != tree.size or signed.root_hash != tree.root().hex():
        problem(
            f" does not match the entries: an entry before {size} was changed, removed or moved"
        )
    if signed.timestamp < last_timestamp:
        problem(" is older than the one before it")
    return max(last_timestamp, signed.timestamp)


def _check_head_row(
    head: tuple[int, str, str], tree: merkle.MemoryTree, report: VerificationReport
) -> None:
    size, root, frontier = head
    expected_frontier = " ".join(digest.hex() for digest in tree.frontier)
    if size != tree.size or root != tree.root().hex() or frontier != expected_frontier:
        report.problems.append(
            Problem(
                min(size, tree.size),
                f"the head row says size {size} root {root[:12]}…, the entries give size "
                f"{tree.size} root {tree.root().hex()[:12]}… (or its frontier differs); the "
                "next append would build on a wrong tree",
                exact=False,
            )
        )


def _check_subtrees(
    rows: Iterator[tuple[int, int, str]], tree: merkle.MemoryTree, report: VerificationReport
) -> None:
    seen = [0] * len(tree.levels)
    for level, index, digest in rows:
        report.subtrees += 1
        part = merkle.Subtree(level, index)
        if not 1 <= level < len(tree.levels) or index >= len(tree.levels[level]):
            report.problems.append(
                Problem(
                    part.start,
                    f"a stored hash covers entries {part.start}..{part.end - 1}, "
                    "which the log has not completed",
                )
            )
            continue
        seen[level] += 1
        if tree.levels[level][index].hex() != digest:
            report.problems.append(
                Problem(
                    part.start,
                    f"the stored hash of entries {part.start}..{part.end - 1} differs from the "
                    "entries' (the proofs served would not verify)",
                    exact=False,
                )
            )
    for level in range(1, len(tree.levels)):
        if seen[level] < len(tree.levels[level]):
            report.problems.append(
                Problem(
                    0,
                    f"{len(tree.levels[level]) - seen[level]} stored hashes at level "
                    f"{level} are missing",
                )
            )


class _peekable(Iterator[StoredHead]):  # noqa: N801 - reads as a function at the call site
    def __init__(self, items: Iterator[StoredHead]) -> None:
        self._items = items
        self._next: StoredHead | None = next(items, None)

    def peek(self) -> StoredHead | None:
        return self._next

    def __next__(self) -> StoredHead:
        if self._next is None:
            raise StopIteration
        item, self._next = self._next, next(self._items, None)
        return item
