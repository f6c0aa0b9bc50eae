"""The one place that speaks JOSE (through joserfc): compact JWS with EdDSA over JSON payloads.

The profile fixes ``alg`` = ``EdDSA`` with Ed25519 keys. RFC 9864 deprecates the polymorphic
name ``EdDSA`` in favour of ``Ed25519``; joserfc warns on every use. The curve is pinned by
the key checks here (only Ed25519 OKP keys are ever imported), which is exactly what RFC 9864
is after, so the warning is silenced in this module's registry and ``Ed25519`` is accepted on
verification too, ready for the day the profile switches name.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError, UnsupportedAlgorithmError
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry

from singleview.standards.organisation import PublicKey
from singleview.trust.keys import SigningKey

SIGNING_ALGORITHM = "EdDSA"
ACCEPTED_ALGORITHMS = ("EdDSA", "Ed25519")


class _Registry(JWSRegistry):
    """joserfc's registry, minus the per-call RFC 9864 warning (see the module docstring)."""

    def get_alg(self, name: str) -> Any:
        # catch_warnings would not be thread-safe, so the allow-list check is done here instead.
        if name not in ACCEPTED_ALGORITHMS or name not in self.algorithms:
            raise UnsupportedAlgorithmError(f"algorithm {name!r} is not accepted")
        return self.algorithms[name]


# strict_check_header off: our headers carry only registered members, but being strict would
# turn a future extra member into an opaque error instead of a signature check.
_REGISTRY = _Registry(algorithms=ACCEPTED_ALGORITHMS, strict_check_header=False)


class MalformedJwsError(ValueError):
    """The value is not a compact JWS with a JSON object payload and the expected header."""


class BadSignatureError(ValueError):
    """The JWS does not verify under the key it names."""


def canonical_json(document: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes that get signed for JSON documents."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sign_compact(payload: dict[str, Any], key: SigningKey, typ: str) -> str:
    """A compact JWS over ``payload`` signed with ``key``, naming its ``kid`` and ``typ``."""
    header = {"alg": SIGNING_ALGORITHM, "kid": key.kid, "typ": typ}
    return jws.serialize_compact(
        header, canonical_json(payload), key.jose_key(), registry=_REGISTRY
    )


def peek(token: str, typ: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of ``token`` *without* checking the signature, to find the key."""
    try:
        obj = jws.extract_compact(token.encode("ascii"), registry=_REGISTRY)
        header = obj.headers()
        payload = json.loads(obj.payload) if obj.payload is not None else None
    except (JoseError, ValueError, UnicodeError) as error:
        raise MalformedJwsError(f"not a compact JWS: {error}") from error
    if not isinstance(payload, dict):
        raise MalformedJwsError("the JWS payload is not a JSON object")
    if header.get("alg") not in ACCEPTED_ALGORITHMS:
        raise MalformedJwsError(
            f"alg {header.get('alg')!r} is not one of {', '.join(ACCEPTED_ALGORITHMS)}"
        )
    if header.get("typ") != typ:
        raise MalformedJwsError(f"typ {header.get('typ')!r} is not {typ!r}")
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise MalformedJwsError("the JWS header has no kid")
    return dict(header), payload


@lru_cache(maxsize=1024)
def _public_jose_key(kid: str, x: str) -> OKPKey:
    # Importing a JWK costs more than the Ed25519 check itself, so imported keys are kept.
    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid})


def verify_compact(token: str, key: PublicKey) -> None:
    """Check ``token``'s signature under ``key``; raises :class:`BadSignatureError` if it fails."""
    try:
        jose_key = _public_jose_key(key.kid, key.x)
        jws.deserialize_compact(token.encode("ascii"), jose_key, registry=_REGISTRY)
    except JoseError as error:
        raise BadSignatureError(
            f"signature does not verify under key {key.kid}: {error}"
        ) from error
