"""The responder's door: a FastAPI dependency that lets only signed, fresh, registered requests in.

Usage on an exchange route::

    verifier = RequestVerifier(node_id=..., register=cache, engine=engine, node_key=key)
    verifier.install(app)            # refusals become signed OperationOutcome answers, logged

    @app.post("/fhir/Patient/$person-info-query")
    async def query(request: Request, signer: VerifiedRequest = Depends(verifier)): ...

Every refusal (here, or :func:`ensure_requester_matches` raised inside a route) is answered
with a FHIR ``OperationOutcome`` carrying a coded reason, signed by this node, and recorded in
the refusal log (time, reason, claimed organisation, kid, method, path; never the body).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from typing import Any

from anyio import CapacityLimiter, to_thread
from fastapi import FastAPI, Request, Response
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from singleview.db import writer_turn
from singleview.trust.cache import Clock, RegisterCache, RegisterUnavailableError, utc_now
from singleview.trust.keys import SigningKey
from singleview.trust.signing import (
    CLOCK_SKEW,
    MAX_LIFETIME,
    SIGNATURE_HEADER,
    TrustRefusalError,
    VerifiedRequest,
    ensure_requester_matches,
    sign_answer,
    verify_request,
)
from singleview.trust.storage import (
    Refusal,
    forget_expired_requests,
    record_refusal,
    remember_request,
)

__all__ = ["REFUSAL_SYSTEM", "RequestVerifier", "TrustRefusalError", "ensure_requester_matches"]

#: Code system of the coded reasons in refusal OperationOutcomes.
REFUSAL_SYSTEM = "https://singleview.org.uk/vocab/trust-refusal-reasons"
FHIR_JSON = "application/fhir+json"
#: One purge of expired request ids per this many accepted requests keeps the table small.
PURGE_EVERY = 256

logger = logging.getLogger("singleview.trust")


def operation_outcome(reason: str, message: str, status: int) -> dict[str, Any]:
    """A FHIR R4 OperationOutcome for a refusal, with ``reason`` as a coded detail."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "error",
                "code": "transient" if status == 503 else "security",
                "details": {
                    "coding": [{"system": REFUSAL_SYSTEM, "code": reason}],
                    "text": message,
                },
                "diagnostics": message,
            }
        ],
    }


class RequestVerifier:
    """Authenticates exchange requests against the register, the clock and the replay cache."""

    def __init__(
        self,
        *,
        node_id: str,
        register: RegisterCache,
        engine: Engine,
        node_key: SigningKey,
        public_base_url: str | None = None,
        skew: dt.timedelta = CLOCK_SKEW,
        max_lifetime: dt.timedelta = MAX_LIFETIME,
        clock: Clock = utc_now,
        limiter: CapacityLimiter | None = None,
    ) -> None:
        """``limiter`` bounds how many replay-cache writes run at once in this process (the
        exchange routes share theirs with the enquiry work; None: the default thread pool)."""
        self.node_id = node_id
        self.register = register
        self.node_key = node_key
        self._engine = engine
        self._public_base_url = public_base_url.rstrip("/") if public_base_url else None
        self._skew = skew
        self._max_lifetime = max_lifetime
        self._clock = clock
        self._accepted = 0
        self._count_lock = threading.Lock()
        self._limiter = limiter

    def target_uri(self, request: Request) -> str:
        """The URI the requester must have signed: the public base URL (if set) + path + query."""
        if self._public_base_url is None:
            return str(request.url)
        query = f"?{request.url.query}" if request.url.query else ""
        return f"{self._public_base_url}{request.url.path}{query}"

    async def __call__(self, request: Request) -> VerifiedRequest:
        """FastAPI dependency: the verified signer, or a :class:`TrustRefusalError`."""
        verified = await self.authenticated(request)
        await to_thread.run_sync(self.first_use, verified, limiter=self._limiter)
        return verified

    async def authenticated(self, request: Request) -> VerifiedRequest:
        """FastAPI dependency for a route that checks for replays itself: everything the
        verifier checks except that. The route must call :meth:`first_use` (in a worker
        thread) before it acts on the request or answers it.

        The enquiry route does, in the same worker-thread turn as its answer, to save a
        second turn on a busy node."""
        body = await request.body()
        try:
            register = self.register.current()
        except RegisterUnavailableError as error:
            raise TrustRefusalError("register-unavailable", 503, str(error)) from error
        verified = verify_request(
            request.headers.get(SIGNATURE_HEADER),
            method=request.method,
            uri=self.target_uri(request),
            body=body,
            register=register,
            node_id=self.node_id,
            now=self._clock(),
            skew=self._skew,
            max_lifetime=self._max_lifetime,
        )
        request.state.verified_request = verified
        return verified

    def first_use(self, verified: VerifiedRequest) -> None:
        """Record the request's id; a :class:`TrustRefusalError` if it was used before."""
        if not self._remember(verified):
            raise TrustRefusalError(
                "replayed",
                401,
                f"request id {verified.jti} from {verified.organisation.id} was already used",
                verified.organisation.id,
                verified.kid,
                verified.jti,
            )

    def _remember(self, verified: VerifiedRequest) -> bool:
        with self._count_lock:
            self._accepted += 1
            purge = self._accepted % PURGE_EVERY == 0
        # One write transaction per accepted request: wait for the writer's turn rather than
        # in SQLite's busy handler (see singleview.db.writer_turn).
        with writer_turn(self._engine), Session(self._engine) as session, session.begin():
            if purge:
                forget_expired_requests(session, self._clock() - self._skew)
            # Kept until the token could no longer pass the expiry check, skew included.
            return remember_request(
                session, verified.organisation.id, verified.jti, verified.expires_at + self._skew
            )

    def answer(
        self,
        verified: VerifiedRequest,
        content: Any,
        status: int = 200,
        media_type: str = FHIR_JSON,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """A JSON response signed by this node for the verified requester."""
        body = json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return self.signed_response(
            body, status, verified.organisation.id, verified.jti, media_type, headers
        )

    def signed_response(
        self,
        body: bytes,
        status: int,
        requester: str,
        request_jti: str | None,
        media_type: str = FHIR_JSON,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """A response carrying this node's signature over ``status`` and ``body``."""
        token = sign_answer(
            self.node_key,
            responder=self.node_id,
            requester=requester,
            request_jti=request_jti,
            status=status,
            body=body,
            now=self._clock(),
        )
        return Response(
            body,
            status_code=status,
            media_type=media_type,
            headers={**(headers or {}), SIGNATURE_HEADER: token},
        )

    def _log_refusal(self, request: Request, refusal: TrustRefusalError) -> None:
        with Session(self._engine) as session, session.begin():
            record_refusal(
                session,
                Refusal(
                    occurred_at=self._clock(),
                    reason=refusal.reason,
                    status=refusal.status,
                    claimed_organisation=refusal.claimed_organisation,
                    kid=refusal.kid,
                    method=request.method,
                    # The path only: a query string could carry personal data.
                    path=request.url.path,
                ),
            )

    async def refusal_response(self, request: Request, refusal: TrustRefusalError) -> Response:
        """Log ``refusal`` and answer it with a signed OperationOutcome."""
        logger.warning(
            "refused %s %s: %s (claimed organisation %s, kid %s): %s",
            request.method,
            request.url.path,
            refusal.reason,
            refusal.claimed_organisation,
            refusal.kid,
            refusal.message,
        )
        await to_thread.run_sync(self._log_refusal, request, refusal)
        headers = {}
        if refusal.status == 401:
            headers["WWW-Authenticate"] = f'{SIGNATURE_HEADER} realm="{self.node_id}"'
        content = operation_outcome(refusal.reason, refusal.message, refusal.status)
        body = json.dumps(content, separators=(",", ":")).encode("utf-8")
        return self.signed_response(
            body,
            refusal.status,
            refusal.claimed_organisation or "unknown",
            refusal.request_jti,
            headers=headers,
        )

    def install(self, app: FastAPI) -> None:
        """Answer every :class:`TrustRefusalError` raised in ``app`` as a logged, signed refusal."""

        async def handler(request: Request, error: Exception) -> Response:
            assert isinstance(error, TrustRefusalError)
            return await self.refusal_response(request, error)

        app.add_exception_handler(TrustRefusalError, handler)
