"""What an administrator with database access (and, for a rewrite, the node's key) could do."""

from __future__ import annotations

from sqlalchemy import delete, insert, text, update
from sqlalchemy.engine import Engine

from singleview.audit import TreeHead, TreeHeadSigner, merkle
from singleview.audit.storage import (
    HEAD_ROW_ID,
    AuditEntryRow,
    AuditHeadRow,
    AuditSignedHeadRow,
    AuditSubtreeRow,
    stored_entries,
)


def edit_entry(engine: Engine, index: int) -> None:
    """Change who an entry says asked, in the record and the report column alike."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE audit_entry SET record = REPLACE(record, 'org-police-north', "
                "'org-police-south'), requester_org_id = 'org-police-south' WHERE \"index\" = :i"
            ),
            {"i": index},
        )


def delete_entry(engine: Engine, index: int) -> None:
    """Delete an entry and close the gap, as someone hiding it would."""
    with engine.begin() as conn:
        conn.execute(delete(AuditEntryRow).where(AuditEntryRow.index == index))
        # Two steps so no unique check sees two rows with one index mid-statement.
        conn.execute(
            update(AuditEntryRow)
            .where(AuditEntryRow.index > index)
            .values(index=-AuditEntryRow.index)
        )
        conn.execute(
            update(AuditEntryRow)
            .where(AuditEntryRow.index < 0)
            .values(index=-AuditEntryRow.index - 1)
        )


def swap_entries(engine: Engine, first: int, second: int) -> None:
    """Swap two rows' positions in the log."""
    with engine.begin() as conn:
        for old, new in ((first, -1), (second, first), (-1, second)):
            conn.execute(update(AuditEntryRow).where(AuditEntryRow.index == old).values(index=new))


def cover_tracks(engine: Engine, signer: TreeHeadSigner, log_id: str, timestamp: int) -> None:
    """Rebuild every hash from the rows as they now are and sign a fresh head: a full rewrite."""
    tree = merkle.MemoryTree()
    with engine.begin() as conn:
        rows = list(stored_entries(conn))
        for row in rows:
            leaf = merkle.leaf_hash(row.record.encode())
            tree.append(leaf)
            conn.execute(
                update(AuditEntryRow)
                .where(AuditEntryRow.index == row.index)
                .values(leaf_hash=leaf.hex())
            )
        conn.execute(delete(AuditSubtreeRow))
        conn.execute(delete(AuditSignedHeadRow))
        nodes = [
            {"level": level, "index": index, "hash": digest.hex()}
            for level in range(1, len(tree.levels))
            for index, digest in enumerate(tree.levels[level])
        ]
        if nodes:
            conn.execute(insert(AuditSubtreeRow), nodes)
        head = TreeHead(
            log_id=log_id, tree_size=tree.size, root_hash=tree.root().hex(), timestamp=timestamp
        )
        conn.execute(
            update(AuditHeadRow)
            .where(AuditHeadRow.id == HEAD_ROW_ID)
            .values(
                tree_size=tree.size,
                root_hash=head.root_hash,
                timestamp=timestamp,
                frontier=" ".join(digest.hex() for digest in tree.frontier),
            )
        )
        conn.execute(insert(AuditSignedHeadRow), [{**head.model_dump(), "jws": signer.sign(head)}])
