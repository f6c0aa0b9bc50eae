"""Known answers and properties of the RFC 9162 tree, independent of the code under test.

Expected values are computed here straight from the RFC's definitions (section 2.1.1 MTH,
2.1.3.1 PATH, 2.1.4.1 PROOF/SUBPROOF) with hashlib, by hand for the seven-leaf example tree of
RFC 9162 section 2.1.5, and from the published Certificate Transparency test vectors.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from singleview.audit import merkle


def H(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf(data: bytes) -> bytes:
    return H(b"\x00" + data)


def node(left: bytes, right: bytes) -> bytes:
    return H(b"\x01" + left + right)


# The seven-leaf tree drawn in RFC 9162 section 2.1.5, named as the RFC names its nodes.
D = [f"d{i}".encode() for i in range(7)]
a, b, c, d, e, f, j = (leaf(x) for x in D)
g, h, i = node(a, b), node(c, d), node(e, f)
k, l = node(g, h), node(i, j)  # noqa: E741 - the RFC's own name for the node
ROOT7 = node(k, l)

# The Certificate Transparency reference test vectors: eight leaves and the root after each.
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def tree_of(data: list[bytes]) -> merkle.MemoryTree:
    tree = merkle.MemoryTree()
    for item in data:
        tree.append(merkle.leaf_hash(item))
    return tree


# A second, deliberately naive statement of the RFC (recursion over lists) for the properties.
def mth(leaves: list[bytes]) -> bytes:
    if not leaves:
        return H(b"")
    if len(leaves) == 1:
        return leaves[0]
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    return node(mth(leaves[:split]), mth(leaves[split:]))


def path(m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    if m < split:
        return [*path(m, leaves[:split]), mth(leaves[split:])]
    return [*path(m - split, leaves[split:]), mth(leaves[:split])]


def subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    split = 1
    while split * 2 < n:
        split *= 2
    if m <= split:
        return [*subproof(m, leaves[:split], whole), mth(leaves[split:])]
    return [*subproof(m - split, leaves[split:], False), mth(leaves[:split])]


def test_empty_tree_and_domain_separation() -> None:
    assert H(b"") == merkle.EMPTY_ROOT
    assert merkle.MemoryTree().root() == H(b"")
    assert merkle.leaf_hash(b"x") == H(b"\x00x")
    assert merkle.node_hash(b"l", b"r") == H(b"\x01lr")


def test_ct_reference_roots() -> None:
    tree = merkle.MemoryTree()
    for data, expected in zip(CT_LEAVES, CT_ROOTS, strict=True):
        tree.append(merkle.leaf_hash(data))
        assert tree.root().hex() == expected
    for size, expected in enumerate(CT_ROOTS, start=1):
        assert tree.root(size).hex() == expected


def test_rfc_example_tree_by_hand() -> None:
    tree = tree_of(D)
    assert tree.root() == ROOT7
    assert tree.root(3) == node(g, c)
    assert tree.root(4) == k
    assert tree.root(6) == node(k, i)


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (0, [b, h, l]),
        (3, [c, g, l]),
        (4, [f, j, k]),
        (6, [i, k]),
    ],
)
def test_rfc_example_inclusion_proofs(index: int, expected: list[bytes]) -> None:
    tree = tree_of(D)
    proof = merkle.inclusion_proof(index, 7, tree.fetch)
    assert proof == expected
    merkle.verify_inclusion(tree.levels[0][index], index, 7, proof, ROOT7)


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        (3, [c, d, g, l]),  # the RFC's own example: PROOF(3, D[7])
        (4, [l]),
        (6, [i, j, k]),
        (1, [b, h, l]),
    ],
)
def test_rfc_example_consistency_proofs(first: int, expected: list[bytes]) -> None:
    tree = tree_of(D)
    proof = merkle.consistency_proof(first, 7, tree.fetch)
    assert proof == expected
    merkle.verify_consistency(first, 7, tree.root(first), ROOT7, proof)


def test_proofs_for_impossible_sizes_are_refused() -> None:
    tree = tree_of(D)
    with pytest.raises(merkle.ProofError, match="leaf index 7"):
        merkle.inclusion_proof(7, 7, tree.fetch)
    with pytest.raises(merkle.ProofError, match="from size 0"):
        merkle.consistency_proof(0, 7, tree.fetch)
    with pytest.raises(merkle.ProofError, match="from size 5 to size 4"):
        merkle.verify_consistency(5, 4, ROOT7, ROOT7, [])
    with pytest.raises(merkle.ProofError, match="two different trees"):
        merkle.verify_consistency(7, 7, ROOT7, k, [])


leaf_lists = st.lists(st.binary(max_size=8), min_size=1, max_size=70)
# Log entries carry their own index, so no two leaves are ever equal; with equal leaves a proof
# cannot tell them apart, which is true of any Merkle tree and not what these tests are about.
distinct_leaf_lists = st.lists(st.binary(max_size=8), min_size=1, max_size=70, unique=True)


@given(leaf_lists, st.data())
def test_every_inclusion_proof_matches_the_rfc_and_verifies(
    data: list[bytes], draw: st.DataObject
) -> None:
    leaves = [leaf(x) for x in data]
    tree = tree_of(data)
    assert tree.root() == mth(leaves)
    size = draw.draw(st.integers(1, len(leaves)), label="size")
    index = draw.draw(st.integers(0, size - 1), label="index")
    proof = merkle.inclusion_proof(index, size, tree.fetch)
    assert proof == path(index, leaves[:size])
    merkle.verify_inclusion(leaves[index], index, size, proof, mth(leaves[:size]))


@given(leaf_lists, st.data())
def test_every_consistency_proof_matches_the_rfc_and_verifies(
    data: list[bytes], draw: st.DataObject
) -> None:
    leaves = [leaf(x) for x in data]
    tree = tree_of(data)
    second = draw.draw(st.integers(1, len(leaves)), label="second")
    first = draw.draw(st.integers(1, second), label="first")
    proof = merkle.consistency_proof(first, second, tree.fetch)
    assert proof == subproof(first, leaves[:second], True)
    merkle.verify_consistency(first, second, mth(leaves[:first]), mth(leaves[:second]), proof)


def _flip(value: bytes, bit: int) -> bytes:
    position = bit % (len(value) * 8)
    changed = bytearray(value)
    changed[position // 8] ^= 1 << (position % 8)
    return bytes(changed)


@given(distinct_leaf_lists, st.data())
def test_any_change_to_an_inclusion_claim_fails(data: list[bytes], draw: st.DataObject) -> None:
    tree = tree_of(data)
    size = len(data)
    index = draw.draw(st.integers(0, size - 1), label="index")
    proof = merkle.inclusion_proof(index, size, tree.fetch)
    claim = {
        "leaf": tree.levels[0][index],
        "index": index,
        "size": size,
        "proof": proof,
        "root": tree.root(),
    }
    # The tree size alone is not checked here: RFC 9162's verifier only checks it against the
    # proof's shape (leaf 0 of 9 and of 10 have the same shape); the signed tree head binds it,
    # which test_receipts checks.
    what = draw.draw(st.sampled_from(["leaf", "index", "proof", "extra", "short", "root"]))
    bit = draw.draw(st.integers(0, 255), label="bit")
    if what in ("leaf", "root"):
        claim[what] = _flip(claim[what], bit)  # type: ignore[arg-type]
    elif what == "index":
        claim["index"] = draw.draw(st.integers(0, size).filter(lambda n: n != index))
    elif what == "proof":
        if not proof:
            return
        at = draw.draw(st.integers(0, len(proof) - 1))
        claim["proof"] = [*proof[:at], _flip(proof[at], bit), *proof[at + 1 :]]
    elif what == "extra":
        claim["proof"] = [*proof, H(b"extra")]
    else:
        if not proof:
            return
        claim["proof"] = proof[:-1]
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(
            claim["leaf"],
            claim["index"],
            claim["size"],
            claim["proof"],
            claim["root"],  # type: ignore[arg-type]
        )


@given(distinct_leaf_lists, st.data())
def test_any_change_to_a_consistency_claim_fails(data: list[bytes], draw: st.DataObject) -> None:
    tree = tree_of(data)
    second = len(data)
    first = draw.draw(st.integers(1, second), label="first")
    proof = merkle.consistency_proof(first, second, tree.fetch)
    roots = [tree.root(first), tree.root(second)]
    what = draw.draw(st.sampled_from(["first_root", "second_root", "proof", "extra", "short"]))
    bit = draw.draw(st.integers(0, 255), label="bit")
    if what == "first_root":
        roots[0] = _flip(roots[0], bit)
    elif what == "second_root":
        roots[1] = _flip(roots[1], bit)
    elif what == "proof":
        if not proof:
            return
        at = draw.draw(st.integers(0, len(proof) - 1))
        proof = [*proof[:at], _flip(proof[at], bit), *proof[at + 1 :]]
    elif what == "extra":
        proof = [*proof, H(b"extra")]
    else:
        if not proof:
            return
        proof = proof[:-1]
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(first, second, roots[0], roots[1], proof)


def test_a_rewritten_history_is_not_consistent() -> None:
    honest = tree_of(D)
    rewritten = tree_of([D[0], D[1], b"changed", *D[3:]])
    proof = merkle.consistency_proof(2, 7, rewritten.fetch)
    merkle.verify_consistency(2, 7, honest.root(2), rewritten.root(), proof)  # prefix untouched
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(
            3, 7, honest.root(3), rewritten.root(), merkle.consistency_proof(3, 7, rewritten.fetch)
        )
