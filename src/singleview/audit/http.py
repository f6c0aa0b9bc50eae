"""The log's public face: the latest signed tree head, inclusion and consistency proofs.

The Exchange mounts ``audit_router(log)`` on the node's app. Nothing here reveals an entry's
content: only hashes, sizes and signatures, which say nothing about any person.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query

from singleview.audit import merkle
from singleview.audit.storage import AuditLog, EntryNotFoundError, LogEmptyError


def audit_router(log: AuditLog) -> APIRouter:
    """Routes ``GET /audit/tree-head``, ``/audit/proof/{index}`` and ``/audit/consistency``."""
    router = APIRouter(prefix="/audit", tags=["audit"])

    @router.get("/tree-head")
    def tree_head() -> dict[str, Any]:
        """The latest signed tree head."""
        try:
            signed = log.signed_tree_head()
        except LogEmptyError as error:
            raise HTTPException(status_code=404, detail=str(error)) from error
        return {**signed.head.model_dump(by_alias=True), "signedTreeHead": signed.jws}

    @router.get("/proof/{index}")
    def proof(
        index: int, tree_size: int | None = Query(default=None, alias="treeSize", ge=1)
    ) -> dict[str, Any]:
        """A receipt for entry ``index`` against the latest (or the given) signed tree head."""
        try:
            return log.receipt(index, tree_size).model_dump(by_alias=True)
        except (LogEmptyError, EntryNotFoundError) as error:
            raise HTTPException(status_code=404, detail=str(error)) from error

    @router.get("/consistency")
    def consistency(first: int = Query(ge=1), second: int = Query(ge=1)) -> dict[str, Any]:
        """RFC 9162 consistency proof from the tree of size ``first`` to that of ``second``."""
        try:
            path = log.consistency_proof(first, second)
        except merkle.ProofError as error:
            raise HTTPException(status_code=400, detail=str(error)) from error
        except EntryNotFoundError as error:
            raise HTTPException(status_code=404, detail=str(error)) from error
        return {"first": first, "second": second, "consistencyProof": path}

    return router
