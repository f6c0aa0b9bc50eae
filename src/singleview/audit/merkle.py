"""The Merkle tree of RFC 9162 (Certificate Transparency 2.0, section 2.1), as pure functions.

Hand-written rather than taken from ``pymerkle`` for three reasons: the log lives in the node's
own database (SQLite or PostgreSQL) beside everything else the node commits, so appends share its
transactions and locks; the proofs must be exactly RFC 9162's ``PATH`` and ``SUBPROOF`` so any
CT-style verifier (ours, a partner's, an auditor's) accepts them; and pymerkle's storage model
(its own SQLite file, its own entry encoding) fits neither requirement.

The shape: a log of ``n`` leaves is described by *perfect subtrees* (``Subtree``), each the hash
of an aligned run of ``2**level`` leaves. Every hash the RFC asks for, ``MTH(D[a:b])``, is a fold
of at most ``log2(n)`` of them, so storage keeps each perfect subtree once and any proof costs
``O(log n)`` look-ups. Nothing here touches a database: callers pass a ``fetch`` function.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
#: MTH({}) = SHA-256 of the empty string (RFC 9162 section 2.1.1).
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof does not show what it claims (or cannot be built for the sizes asked)."""


def leaf_hash(data: bytes) -> bytes:
    """``MTH({d}) = SHA-256(0x00 || d)``: the hash of one log entry."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``: the hash of an interior node."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


class Subtree(NamedTuple):
    """The perfect subtree over leaves ``[index * 2**level, (index + 1) * 2**level)``.

    A named tuple rather than a dataclass: proofs create and hash many of them.
    """

    level: int
    position: int

    @property
    def start(self) -> int:
        """Index of the first leaf it covers."""
        return self.position << self.level

    @property
    def end(self) -> int:
        """Index one past the last leaf it covers."""
        return (self.position + 1) << self.level


#: Given perfect subtrees, return their hashes (a database look-up, or a dict in memory).
SubtreeFetcher = Callable[[Iterable[Subtree]], Mapping[Subtree, bytes]]


def split_point(size: int) -> int:
    """``k``: the largest power of two strictly smaller than ``size`` (``size >= 2``)."""
    return 1 << ((size - 1).bit_length() - 1)


def range_subtrees(start: int, end: int) -> tuple[Subtree, ...]:
    """The perfect subtrees, largest first, whose right fold is ``MTH(D[start:end])``.

    The RFC splits a tree at the largest power of two below its size, so the left part is
    always perfect and the recursion runs down the right edge: the parts are the binary digits
    of ``end - start``. Only ranges the RFC's recursion produces (suitably aligned) are valid.
    """
    if not 0 <= start < end:
        raise ValueError(f"empty or negative leaf range [{start}, {end})")
    parts: list[Subtree] = []
    position = start
    size = end - start
    for level in range(size.bit_length() - 1, -1, -1):
        if size & (1 << level):
            if position % (1 << level):
                raise ValueError(f"leaf range [{start}, {end}) is not aligned as RFC 9162 splits")
            parts.append(Subtree(level, position >> level))
            position += 1 << level
    return tuple(parts)


def fold(hashes: Sequence[bytes]) -> bytes:
    """Combine perfect-subtree hashes (largest first) into the hash of the range they cover."""
    if not hashes:
        raise ValueError("nothing to fold")
    acc = hashes[-1]
    for left in reversed(hashes[:-1]):
        acc = node_hash(left, acc)
    return acc


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes make up ``PATH(index, D[0:size])``, leaf end first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    ranges: list[tuple[int, int]] = []
    low, high = 0, size
    while high - low > 1:
        k = split_point(high - low)
        if index < low + k:
            ranges.append((low + k, high))
            high = low + k
        else:
            ranges.append((low, low + k))
            low += k
    # The recursion meets the root's sibling first; the proof lists the leaf's sibling first.
    return ranges[::-1]


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """The leaf ranges whose hashes make up ``PROOF(first, D[0:second])`` (RFC 9162 2.1.4.1)."""
    if not 0 < first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}")
    ranges: list[tuple[int, int]] = []
    low, high, m, whole = 0, second, first, True
    while True:
        n = high - low
        if m == n:
            if not whole:
                ranges.append((low, high))
            break
        k = split_point(n)
        if m <= k:
            ranges.append((low + k, high))
            high = low + k
        else:
            ranges.append((low, low + k))
            low += k
            m -= k
            whole = False
    return ranges[::-1]


def subtrees_for(ranges: Iterable[tuple[int, int]]) -> set[Subtree]:
    """Every perfect subtree needed to hash the given leaf ranges."""
    needed: set[Subtree] = set()
    for start, end in ranges:
        needed.update(range_subtrees(start, end))
    return needed


def range_hash(start: int, end: int, hashes: Mapping[Subtree, bytes]) -> bytes:
    """``MTH(D[start:end])`` from perfect-subtree hashes already fetched."""
    size = end - start
    if size > 0 and size & (size - 1) == 0 and start % size == 0:
        # Most proof hashes are whole perfect subtrees: one look-up, no fold.
        level = size.bit_length() - 1
        return hashes[Subtree(level, start >> level)]
    return fold([hashes[part] for part in range_subtrees(start, end)])


def root_hash(size: int, fetch: SubtreeFetcher) -> bytes:
    """``MTH(D[0:size])`` for a stored log of at least ``size`` leaves."""
    if size == 0:
        return EMPTY_ROOT
    return range_hash(0, size, fetch(range_subtrees(0, size)))


def _hashes_for(ranges: list[tuple[int, int]], fetch: SubtreeFetcher) -> list[bytes]:
    fetched = fetch(subtrees_for(ranges))
    return [range_hash(start, end, fetched) for start, end in ranges]


def inclusion_proof(index: int, size: int, fetch: SubtreeFetcher) -> list[bytes]:
    """RFC 9162 ``PATH(index, D[0:size])`` for a stored log."""
    return _hashes_for(inclusion_ranges(index, size), fetch)


def consistency_proof(first: int, second: int, fetch: SubtreeFetcher) -> list[bytes]:
    """RFC 9162 ``PROOF(first, D[0:second])`` for a stored log."""
    return _hashes_for(consistency_ranges(first, second), fetch)


def append_leaf(
    size: int, frontier: Sequence[bytes], leaf: bytes
) -> tuple[list[bytes], list[tuple[Subtree, bytes]]]:
    """Append one leaf to a log of ``size`` leaves whose frontier is ``frontier``.

    The frontier is the hashes of ``range_subtrees(0, size)``. Returns the new frontier and the
    perfect subtrees (above the leaf itself) the append completed, which storage must keep.
    """
    levels = [part.level for part in range_subtrees(0, size)] if size else []
    if len(levels) != len(frontier):
        raise ValueError(
            f"a log of size {size} has {len(levels)} frontier hashes, not {len(frontier)}"
        )
    hashes = [*frontier, leaf]
    levels.append(0)
    completed: list[tuple[Subtree, bytes]] = []
    new_size = size + 1
    while len(levels) >= 2 and levels[-1] == levels[-2]:
        right, left = hashes.pop(), hashes.pop()
        level = levels.pop() + 1
        levels[-1] = level
        merged = node_hash(left, right)
        hashes.append(merged)
        completed.append((Subtree(level, (new_size >> level) - 1), merged))
    return hashes, completed


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check an inclusion proof as RFC 9162 section 2.1.3.2 says; raise ``ProofError`` if not."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError(f"inclusion proof for leaf {index} is longer than a tree of {size}")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"inclusion proof for leaf {index} is too short for a tree of {size}")
    if r != root:
        raise ProofError(f"inclusion proof for leaf {index} does not lead to the root of {size}")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check a consistency proof as RFC 9162 section 2.1.4.2 says; raise ``ProofError`` if not.

    Equal sizes need an empty proof and equal roots (the RFC leaves that case to the caller).
    """
    if not 0 < first <= second:
        raise ProofError(f"no consistency proof from size {first} to size {second}")
    if first == second:
        if proof or first_root != second_root:
            raise ProofError(f"two different trees of size {first}")
        return
    path = list(proof)
    if not path:
        raise ProofError(f"empty consistency proof from size {first} to {second}")
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof from {first} to {second} is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"consistency proof from {first} to {second} is too short")
    if fr != first_root:
        raise ProofError(f"consistency proof does not lead to the tree head of size {first}")
    if sr != second_root:
        raise ProofError(f"consistency proof does not lead to the tree head of size {second}")


class MemoryTree:
    """A whole log held in memory: every perfect subtree, kept level by level.

    Used to re-derive a stored log from its entries when verifying it, and in tests.
    """

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = [[]]
        self._frontier: list[bytes] = []

    @property
    def size(self) -> int:
        """Number of leaves appended."""
        return len(self.levels[0])

    @property
    def frontier(self) -> tuple[bytes, ...]:
        """The hashes of ``range_subtrees(0, size)``: all an append needs."""
        return tuple(self._frontier)

    def append(self, leaf: bytes) -> list[tuple[Subtree, bytes]]:
        """Append a leaf hash; return the perfect subtrees it completed."""
        size = self.size
        self.levels[0].append(leaf)
        self._frontier, completed = append_leaf(size, self._frontier, leaf)
        for subtree, digest in completed:
            if subtree.level == len(self.levels):
                self.levels.append([])
            self.levels[subtree.level].append(digest)
        return completed

    def fetch(self, subtrees: Iterable[Subtree]) -> dict[Subtree, bytes]:
        """The ``SubtreeFetcher`` over this tree."""
        return {part: self.levels[part.level][part.position] for part in subtrees}

    def root(self, size: int | None = None) -> bytes:
        """``MTH`` of the first ``size`` leaves (all of them by default)."""
        if size is None:
            return fold(self._frontier) if self._frontier else EMPTY_ROOT
        return root_hash(size, self.fetch)
