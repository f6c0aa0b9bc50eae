"""Signed tree heads: a compact JWS (EdDSA, Ed25519) over ``{log_id, tree_size, root_hash,
timestamp}``, made with the node's own key so a partner can hold the log to what it said."""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from pydantic import ValidationError

from singleview.audit.models import TreeHead

ALGORITHM = "EdDSA"
MEDIA_TYPE = "tree-head+jws"


class TreeHeadSignatureError(ValueError):
    """A signed tree head is malformed, signed by an unknown key, or its signature is wrong."""


@dataclass(frozen=True)
class TreeHeadSigner:
    """The node's Ed25519 key and its ``kid``, as the Trust capability hands them out."""

    kid: str
    private_key: Ed25519PrivateKey

    @cached_property
    def _jose_key(self) -> OKPKey:
        # Imported once per signer, not once per append: every enquiry signs a tree head.
        return OKPKey.import_key(self.private_key)

    def sign(self, head: TreeHead) -> str:
        """Sign ``head`` as a compact JWS."""
        header = {"alg": ALGORITHM, "kid": self.kid, "typ": MEDIA_TYPE}
        with warnings.catch_warnings():
            # joserfc flags "EdDSA" since RFC 9864 named "Ed25519"; the profile fixes EdDSA.
            warnings.simplefilter("ignore")
            return jws.serialize_compact(
                header, head.payload(), self._jose_key, algorithms=[ALGORITHM]
            )


PublicKeys = Ed25519PublicKey | Mapping[str, Ed25519PublicKey]


def verify_tree_head(signed: str, public_keys: PublicKeys) -> TreeHead:
    """Check a signed tree head's signature and return what it states.

    ``public_keys`` is the signer's key, or its keys by ``kid`` (for rotation).
    """
    try:
        header = jws.extract_compact(signed.encode()).headers()
    except (JoseError, ValueError) as error:
        raise TreeHeadSignatureError(f"signed tree head is not a compact JWS: {error}") from error
    if header.get("alg") != ALGORITHM:
        raise TreeHeadSignatureError(f"signed tree head uses alg {header.get('alg')!r}, not EdDSA")
    if isinstance(public_keys, Ed25519PublicKey):
        key = public_keys
    else:
        kid = str(header.get("kid"))
        if kid not in public_keys:
            raise TreeHeadSignatureError(f"signed tree head names unknown key id {kid!r}")
        key = public_keys[kid]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            verified = jws.deserialize_compact(
                signed, OKPKey.import_key(key), algorithms=[ALGORITHM]
            )
    except (JoseError, ValueError) as error:
        raise TreeHeadSignatureError(
            f"signed tree head signature does not verify: {error}"
        ) from error
    try:
        return TreeHead.model_validate(json.loads(verified.payload))
    except (ValueError, ValidationError) as error:
        raise TreeHeadSignatureError(f"signed tree head payload is malformed: {error}") from error
