"""Signed requests and answers: the scheme, as pure functions over a register snapshot.

A request carries ``SingleView-Signature: <compact JWS>`` whose header is ``{"alg": "EdDSA",
"kid", "typ": "singleview-request+jwt"}`` and whose claims are ``iss`` (the requester's
register id), ``aud`` (the responder's), ``iat``, ``exp``, ``jti``, ``htm`` (HTTP method),
``htu`` (target URI) and ``bsh`` (base64url SHA-256 of the exact body bytes). An answer carries
the same header with ``typ`` ``singleview-answer+jwt`` and claims ``iss`` (responder), ``aud``
(requester), ``iat``, ``exp``, ``jti``, ``req`` (the request's ``jti``), ``sts`` (the HTTP
status) and ``bsh``. Replay of request ids is checked against the database by the verifier at
the HTTP edge; everything else is decided here.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from singleview.standards.organisation import Organisation, OrganisationRegister, PublicKey
from singleview.standards.person import Identifier
from singleview.trust.jose import (
    BadSignatureError,
    MalformedJwsError,
    peek,
    sign_compact,
    verify_compact,
)
from singleview.trust.keys import SigningKey

SIGNATURE_HEADER = "SingleView-Signature"
REQUEST_TYP = "singleview-request+jwt"
ANSWER_TYP = "singleview-answer+jwt"
CLOCK_SKEW = dt.timedelta(seconds=60)
DEFAULT_LIFETIME = dt.timedelta(minutes=2)
MAX_LIFETIME = dt.timedelta(minutes=5)


class TrustRefusalError(Exception):
    """A request the node will not serve: ``reason`` is the coded reason, ``status`` 401 or 403."""

    def __init__(
        self,
        reason: str,
        status: int,
        message: str,
        claimed_organisation: str | None = None,
        kid: str | None = None,
        request_jti: str | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status
        self.message = message
        self.claimed_organisation = claimed_organisation
        self.kid = kid
        self.request_jti = request_jti


class AnswerRejectedError(Exception):
    """An answer the requester must not believe; ``reason`` is a coded reason."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class SignedRequest:
    """The signature header value for one request, and the id the answer must refer back to."""

    token: str
    jti: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class VerifiedRequest:
    """Who sent a request, as proved by its signature (never as claimed in its body)."""

    organisation: Organisation
    kid: str
    jti: str
    issued_at: dt.datetime
    expires_at: dt.datetime
    token: str


@dataclass(frozen=True)
class VerifiedAnswer:
    """An answer whose signature, sender, addressee, request and body all check out."""

    organisation: Organisation
    kid: str
    jti: str
    status: int
    token: str


def body_digest(body: bytes) -> str:
    """base64url (unpadded) SHA-256 of the exact body bytes sent."""
    return base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=").decode("ascii")


def _seconds(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _moment(seconds: Any) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def sign_request(
    key: SigningKey,
    *,
    issuer: str,
    audience: str,
    method: str,
    uri: str,
    body: bytes,
    now: dt.datetime | None = None,
    lifetime: dt.timedelta = DEFAULT_LIFETIME,
) -> SignedRequest:
    """Sign a request from ``issuer`` to ``audience`` bound to its method, URI and body."""
    now = now or dt.datetime.now(dt.UTC)
    jti = str(uuid.uuid4())
    expires_at = now + lifetime
    claims = {
        "iss": issuer,
        "aud": audience,
        "iat": _seconds(now),
        "exp": _seconds(expires_at),
        "jti": jti,
        "htm": method.upper(),
        "htu": uri,
        "bsh": body_digest(body),
    }
    return SignedRequest(sign_compact(claims, key, REQUEST_TYP), jti, expires_at)


def sign_answer(
    key: SigningKey,
    *,
    responder: str,
    requester: str,
    request_jti: str | None,
    status: int,
    body: bytes,
    now: dt.datetime | None = None,
    lifetime: dt.timedelta = MAX_LIFETIME,
) -> str:
    """Sign an answer so the requester can later prove what ``responder`` told it."""
    now = now or dt.datetime.now(dt.UTC)
    claims = {
        "iss": responder,
        "aud": requester,
        "iat": _seconds(now),
        "exp": _seconds(now + lifetime),
        "jti": str(uuid.uuid4()),
        "req": request_jti,
        "sts": status,
        "bsh": body_digest(body),
    }
    return sign_compact(claims, key, ANSWER_TYP)


def _signer(
    register: OrganisationRegister, header: dict[str, Any], claims: dict[str, Any]
) -> tuple[Organisation | None, PublicKey | None, str]:
    """Find the claimed issuer and the key it names; returns a reason code when either is wrong."""
    issuer = claims.get("iss")
    organisation = register.find(issuer) if isinstance(issuer, str) else None
    if organisation is None:
        return None, None, "organisation-unknown"
    key = organisation.jwks.find(header["kid"])
    if key is None:
        owner = register.owner_of(header["kid"])
        return organisation, None, "key-of-another-organisation" if owner else "key-unknown"
    return organisation, key, ""


#: The longest request id (``jti``) taken; ours are UUIDs, 36 characters.
MAX_JTI_LENGTH = 128
_REQUIRED_REQUEST_CLAIMS = {
    "iss": str, "aud": str, "iat": int, "exp": int, "jti": str, "htm": str, "htu": str, "bsh": str
}  # fmt: skip


def verify_request(
    token: str | None,
    *,
    method: str,
    uri: str,
    body: bytes,
    register: OrganisationRegister,
    node_id: str,
    now: dt.datetime,
    skew: dt.timedelta = CLOCK_SKEW,
    max_lifetime: dt.timedelta = MAX_LIFETIME,
) -> VerifiedRequest:
    """Who signed this request, if everything about it holds; raises :class:`TrustRefusalError`."""
    if not token:
        raise TrustRefusalError(
            "signature-missing", 401, f"the request has no {SIGNATURE_HEADER} header"
        )
    try:
        header, claims = peek(token, REQUEST_TYP)
    except MalformedJwsError as error:
        raise TrustRefusalError(
            "signature-malformed", 401, f"{SIGNATURE_HEADER}: {error}"
        ) from error
    kid: str = header["kid"]
    claimed = claims.get("iss") if isinstance(claims.get("iss"), str) else None
    jti = claims.get("jti") if isinstance(claims.get("jti"), str) else None

    def refuse(reason: str, message: str, status: int = 401) -> TrustRefusalError:
        return TrustRefusalError(reason, status, message, claimed, kid, jti)

    organisation, key, problem = _signer(register, header, claims)
    if problem == "organisation-unknown":
        raise refuse(problem, f"issuer {claimed!r} is not in the organisation register")
    if problem == "key-of-another-organisation":
        raise refuse(problem, f"key {kid!r} belongs to another organisation, not {claimed!r}")
    if problem or organisation is None or key is None:
        raise refuse("key-unknown", f"key {kid!r} is not among {claimed!r}'s registered keys")
    try:
        verify_compact(token, key)
    except BadSignatureError as error:
        raise refuse("signature-invalid", str(error)) from error
    for name, kind in _REQUIRED_REQUEST_CLAIMS.items():
        if not isinstance(claims.get(name), kind) or isinstance(claims.get(name), bool):
            raise refuse(
                "signature-malformed", f"claim {name!r} is missing or not a {kind.__name__}"
            )
    if len(claims["jti"]) > MAX_JTI_LENGTH:
        # The replay cache keeps request ids in this many characters (PostgreSQL refused more).
        raise refuse("signature-malformed", f"claim 'jti' is over {MAX_JTI_LENGTH} characters")
    issued_at, expires_at = _moment(claims["iat"]), _moment(claims["exp"])
    if issued_at > now + skew:
        raise refuse(
            "signature-not-yet-valid", f"signed for {issued_at.isoformat()}, in the future"
        )
    if expires_at <= now - skew:
        raise refuse("signature-expired", f"the signature expired at {expires_at.isoformat()}")
    if expires_at - issued_at > max_lifetime:
        raise refuse("signature-lifetime-too-long", f"lifetime over {max_lifetime} is not accepted")
    if not key.valid_at(issued_at):
        raise refuse("key-not-valid", f"key {kid!r} is not valid at {issued_at.isoformat()}")
    if claims["aud"] != node_id:
        raise refuse("audience-mismatch", f"signed for {claims['aud']!r}, not for {node_id!r}")
    if claims["htm"] != method.upper():
        raise refuse("method-mismatch", f"signed for method {claims['htm']}, sent as {method}")
    if claims["htu"] != uri:
        raise refuse("uri-mismatch", f"signed for {claims['htu']}, sent to {uri}")
    if claims["bsh"] != body_digest(body):
        raise refuse("body-digest-mismatch", "the body is not the one that was signed")
    if organisation.register_status == "suspended":
        raise refuse("organisation-suspended", f"{claimed!r} is suspended from the register", 403)
    if organisation.operational_status != "active":
        raise refuse("organisation-inactive", f"{claimed!r} is not operational", 403)
    return VerifiedRequest(organisation, kid, claims["jti"], issued_at, expires_at, token)


def ensure_requester_matches(
    authenticated: VerifiedRequest | str, claimed_requester: Identifier | str | None
) -> None:
    """Refuse (403 ``requester-mismatch``) a body whose ``requester`` is not the signer."""
    signer = authenticated if isinstance(authenticated, str) else authenticated.organisation.id
    claimed = (
        claimed_requester.value if isinstance(claimed_requester, Identifier) else claimed_requester
    )
    if claimed != signer:
        raise TrustRefusalError(
            "requester-mismatch",
            403,
            f"the body names requester {claimed!r} but the request was signed by {signer!r}",
            signer,
            None if isinstance(authenticated, str) else authenticated.kid,
            None if isinstance(authenticated, str) else authenticated.jti,
        )


def verify_answer(
    token: str | None,
    *,
    body: bytes,
    status: int,
    register: OrganisationRegister,
    responder: str,
    requester: str,
    request_jti: str,
    now: dt.datetime,
    skew: dt.timedelta = CLOCK_SKEW,
) -> VerifiedAnswer:
    """Check that ``responder`` signed exactly this answer to this request for ``requester``."""
    if not token:
        raise AnswerRejectedError("answer-unsigned", f"the answer has no {SIGNATURE_HEADER} header")
    try:
        header, claims = peek(token, ANSWER_TYP)
    except MalformedJwsError as error:
        raise AnswerRejectedError("answer-malformed", str(error)) from error
    if claims.get("iss") != responder:
        raise AnswerRejectedError(
            "answer-wrong-signer", f"signed by {claims.get('iss')!r}, not {responder!r}"
        )
    organisation, key, problem = _signer(register, header, claims)
    if problem or organisation is None or key is None:
        raise AnswerRejectedError(
            problem or "key-unknown", f"key {header['kid']!r} is not {responder!r}'s"
        )
    try:
        verify_compact(token, key)
    except BadSignatureError as error:
        raise AnswerRejectedError("answer-signature-invalid", str(error)) from error
    checks = (
        (claims.get("aud") == requester, "answer-wrong-audience", "not addressed to us"),
        (claims.get("req") == request_jti, "answer-wrong-request", "answers another request"),
        (claims.get("sts") == status, "answer-status-mismatch", "the HTTP status was changed"),
        (claims.get("bsh") == body_digest(body), "answer-body-mismatch", "the body was changed"),
        (isinstance(claims.get("iat"), int), "answer-malformed", "no iat claim"),
        (isinstance(claims.get("exp"), int), "answer-malformed", "no exp claim"),
    )
    for holds, reason, message in checks:
        if not holds:
            raise AnswerRejectedError(reason, f"answer from {responder}: {message}")
    issued_at, expires_at = _moment(claims["iat"]), _moment(claims["exp"])
    if issued_at > now + skew or expires_at <= now - skew or not key.valid_at(issued_at):
        raise AnswerRejectedError(
            "answer-time-invalid",
            f"answer dated {issued_at.isoformat()}, expiring {expires_at.isoformat()}",
        )
    if organisation.register_status == "suspended":
        raise AnswerRejectedError("organisation-suspended", f"{responder!r} is suspended")
    return VerifiedAnswer(organisation, header["kid"], str(claims.get("jti")), status, token)
