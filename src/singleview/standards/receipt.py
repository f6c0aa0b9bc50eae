"""The receipt in every answer: proof that the exchange is in the responder's audit log.

Hashes are lower-case hex SHA-256 as in RFC 9162; ``signed_tree_head`` is the compact JWS
(EdDSA) over the tree head the inclusion proof leads to, so a requester can keep it and later
show what it was told, and a witness can check the log never rewrote it.
"""

from __future__ import annotations

from pydantic import Field

from singleview.standards.person import StandardModel

HexDigest = str
#: FHIR ``integer`` is 32-bit signed, and the answer carries these as ``valueInteger``.
FHIR_INTEGER_MAX = 2**31 - 1


class Receipt(StandardModel):
    """Where an exchange sits in a node's log, and the proof that it is there."""

    log_id: str = Field(min_length=1, description="register id of the organisation keeping the log")
    leaf_index: int = Field(ge=0, le=FHIR_INTEGER_MAX)
    leaf_hash: HexDigest = Field(pattern=r"^[0-9a-f]{64}$")
    tree_size: int = Field(ge=1, le=FHIR_INTEGER_MAX)
    root_hash: HexDigest = Field(pattern=r"^[0-9a-f]{64}$")
    inclusion_proof: tuple[HexDigest, ...] = ()
    signed_tree_head: str = Field(min_length=1, description="compact JWS over the tree head")
