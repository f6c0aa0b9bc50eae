"""Asking one partner over HTTP: sign, send, retry only what is safe, verify, interpret.

What is safe to retry: a connection that was refused or timed out before anything was sent,
and a 503 (the partner says it cannot answer now). Nothing else is retried: a request that may
have reached the partner is never sent twice. Every answer is believed only after its
signature and its audit receipt check out; anything else is "did not answer", with the reason.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from singleview.audit import ReceiptError, TreeHeadSignatureError, verify_receipt
from singleview.exchange.single_view import Partner, PartnerResult, PartnerState, state_of_answer
from singleview.exchange.transport import (
    AiohttpTransport,
    ConnectionFailedError,
    CouldNotConnectError,
    HttpxTransport,
    NoAnswerInTimeError,
    Reply,
    Transport,
)
from singleview.standards.fhir import parse_answer
from singleview.standards.issues import InvalidInput
from singleview.standards.organisation import Organisation
from singleview.trust.cache import RegisterCache
from singleview.trust.keys import SigningKey
from singleview.trust.signing import (
    SIGNATURE_HEADER,
    AnswerRejectedError,
    sign_request,
    verify_answer,
)

FHIR_JSON = "application/fhir+json"
OPERATION_PATH = "/fhir/Patient/$person-info-query"
#: The longest address to poll a held enquiry at that is kept (the column's size): a partner
#: chooses it, and PostgreSQL refuses a longer one.
MAX_POLL_URL_LENGTH = 1000
#: Pause before retrying a refused connection or a 503, doubled each time.
FIRST_BACKOFF = 0.05


@dataclass(frozen=True)
class Exchanged:
    """One partner's answer as received: the result, and what the requester's log keeps."""

    result: PartnerResult
    http_status: int | None = None
    body_digest: str | None = None


def partner_of(organisation: Organisation) -> Partner:
    """The fan-out's view of a register entry."""
    return Partner(organisation.id, organisation.name, organisation.endpoint)


def public_keys(organisation: Organisation) -> dict[str, Ed25519PublicKey]:
    """The organisation's registered Ed25519 keys by kid (to check its receipts)."""
    keys = {}
    for key in organisation.jwks.keys:
        raw = base64.urlsafe_b64decode(key.x + "=" * (-len(key.x) % 4))
        keys[key.kid] = Ed25519PublicKey.from_public_bytes(raw)
    return keys


def _issue_texts(body: bytes) -> tuple[tuple[str, ...], str]:
    """Coded reasons and readable text from an OperationOutcome body (best effort)."""
    try:
        outcome = json.loads(body)
        issues = outcome.get("issue") or []
    except (ValueError, AttributeError):
        return (), body[:200].decode("utf-8", "replace")
    codes: list[str] = []
    texts: list[str] = []
    for issue in issues if isinstance(issues, list) else []:
        if not isinstance(issue, dict):
            continue
        details = issue.get("details") or {}
        for coding in details.get("coding") or []:
            if isinstance(coding, dict) and coding.get("code"):
                codes.append(str(coding["code"]))
        text = details.get("text") or issue.get("diagnostics")
        if text:
            texts.append(str(text))
    return tuple(dict.fromkeys(codes)), " ".join(texts)


class PartnerClient:
    """Sends this node's signed requests and reads its partners' signed answers."""

    def __init__(
        self,
        http: httpx.AsyncClient | None = None,
        *,
        key: SigningKey,
        organisation_id: str,
        register: RegisterCache,
    ) -> None:
        """With ``http``, every request goes through that httpx client (tests give one with a
        mock transport); without, through aiohttp, one small pool per partner."""
        self._transport: Transport = (
            HttpxTransport(http) if http is not None else AiohttpTransport()
        )
        self.key = key
        self.organisation_id = organisation_id
        self.register = register

    async def aclose(self) -> None:
        """Close every connection this client opened."""
        await self._transport.aclose()

    async def exchange(
        self, partner: Partner, method: str, url: str, body: bytes, deadline: float
    ) -> Exchanged:
        """Send one request to ``partner`` (retrying only what is safe) and interpret it."""
        started = time.perf_counter()
        give_up_at = time.monotonic() + deadline
        backoff = FIRST_BACKOFF

        def elapsed() -> float:
            return (time.perf_counter() - started) * 1000

        def no_answer(problem: str, status: int | None = None) -> Exchanged:
            result = PartnerResult(partner, PartnerState.NO_ANSWER, elapsed(), problem=problem)
            return Exchanged(result, status)

        while True:
            signed = sign_request(
                self.key,
                issuer=self.organisation_id,
                audience=partner.organisation_id,
                method=method,
                uri=url,
                body=body,
            )
            headers = {SIGNATURE_HEADER: signed.token, "Accept": FHIR_JSON}
            if body:
                headers["Content-Type"] = FHIR_JSON
            remaining = give_up_at - time.monotonic()
            try:
                response = await self._transport.send(
                    partner.organisation_id, method, url, body, headers, max(remaining, 0.001)
                )
            except CouldNotConnectError as error:
                # Nothing reached the partner: safe to try again while time remains.
                if give_up_at - time.monotonic() > backoff * 2:
                    await asyncio.sleep(backoff)
                    backoff *= 2
                    continue
                return no_answer(f"could not connect: {error}")
            except NoAnswerInTimeError:
                return no_answer(f"no answer within {deadline:g} s")
            except ConnectionFailedError as error:
                return no_answer(f"the connection failed: {error}")
            if response.status == 503 and give_up_at - time.monotonic() > backoff * 2:
                await asyncio.sleep(backoff)
                backoff *= 2
                continue
            return self._interpret(partner, response, signed.jti, elapsed())

    def _interpret(
        self, partner: Partner, response: Reply, request_jti: str, elapsed_ms: float
    ) -> Exchanged:
        status = response.status
        digest = hashlib.sha256(response.content).hexdigest()

        def no_answer(problem: str) -> Exchanged:
            return Exchanged(
                PartnerResult(partner, PartnerState.NO_ANSWER, elapsed_ms, problem=problem),
                status,
                digest,
            )

        register = self.register.current()
        try:
            verify_answer(
                response.headers.get(SIGNATURE_HEADER),
                body=response.content,
                status=status,
                register=register,
                responder=partner.organisation_id,
                requester=self.organisation_id,
                request_jti=request_jti,
                now=dt.datetime.now(dt.UTC),
            )
        except AnswerRejectedError as error:
            return no_answer(f"its answer failed verification ({error.reason}): {error}")
        if status == 200:
            try:
                answer = parse_answer(response.content)
            except InvalidInput as error:
                return no_answer(f"its answer is not a valid answer: {error}")
            organisation = register.find(partner.organisation_id)
            if answer.receipt is None or organisation is None:
                return no_answer("its answer carries no audit receipt")
            try:
                verify_receipt(
                    answer.receipt, public_keys(organisation), log_id=partner.organisation_id
                )
            except (ReceiptError, TreeHeadSignatureError) as error:
                return no_answer(f"its audit receipt does not check out: {error}")
            state = state_of_answer(answer)
            return Exchanged(PartnerResult(partner, state, elapsed_ms, answer=answer), 200, digest)
        codes, text = _issue_texts(response.content)
        if status == 202:
            location = response.headers.get("Content-Location", "")
            usable = location.startswith(partner.endpoint + "/")
            if not usable or len(location) > MAX_POLL_URL_LENGTH:
                return no_answer(f"it asked us to wait but gave no usable address ({location!r})")
            result = PartnerResult(
                partner, PartnerState.WAITING_FOR_REVIEW, elapsed_ms, poll_url=location
            )
            return Exchanged(result, status, digest)
        if status == 403:
            result = PartnerResult(
                partner,
                PartnerState.REFUSED,
                elapsed_ms,
                refusal_codes=codes,
                refusal_text=text or "no reason given",
            )
            return Exchanged(result, status, digest)
        detail = f": {text}" if text else ""
        return no_answer(f"it answered HTTP {status}{detail}")


def describe_body(content: Any) -> bytes:
    """Compact JSON bytes, as sent on the wire."""
    return json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
