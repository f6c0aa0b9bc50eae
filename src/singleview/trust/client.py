"""The requester's side: an httpx auth that signs each request and verifies the signed answer.

One instance per partner (the audience differs)::

    auth = SignedExchangeAuth(key, issuer="lbx-csc", responder="met-police", register=cache)
    response = await client.post(url, content=body, auth=auth)
    answer = verified_answer(response)   # who said it, and the token to keep as proof

Works with ``httpx.Client`` and ``httpx.AsyncClient`` alike: signing and checking are CPU work
on values already in memory. An answer that fails its checks raises :class:`AnswerRejectedError`
from the send call, so no code path can use an unverified answer by accident.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator

import httpx

from singleview.trust.cache import Clock, RegisterCache, utc_now
from singleview.trust.keys import SigningKey
from singleview.trust.signing import (
    SIGNATURE_HEADER,
    AnswerRejectedError,
    VerifiedAnswer,
    sign_request,
    verify_answer,
)

ANSWER_EXTENSION = "singleview.verified_answer"

__all__ = ["AnswerRejectedError", "SignedExchangeAuth", "verified_answer"]


class SignedExchangeAuth(httpx.Auth):
    """Signs requests from ``issuer`` to ``responder`` and verifies ``responder``'s answers."""

    requires_request_body = True
    requires_response_body = True

    def __init__(
        self,
        key: SigningKey,
        *,
        issuer: str,
        responder: str,
        register: RegisterCache,
        lifetime: dt.timedelta = dt.timedelta(minutes=2),
        clock: Clock = utc_now,
    ) -> None:
        self._key = key
        self._issuer = issuer
        self._responder = responder
        self._register = register
        self._lifetime = lifetime
        self._clock = clock

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign, send, then check the answer before anyone reads it."""
        signed = sign_request(
            self._key,
            issuer=self._issuer,
            audience=self._responder,
            method=request.method,
            uri=str(request.url),
            body=request.content,
            now=self._clock(),
            lifetime=self._lifetime,
        )
        request.headers[SIGNATURE_HEADER] = signed.token
        response = yield request
        answer = verify_answer(
            response.headers.get(SIGNATURE_HEADER),
            body=response.content,
            status=response.status_code,
            register=self._register.current(),
            responder=self._responder,
            requester=self._issuer,
            request_jti=signed.jti,
            now=self._clock(),
        )
        response.extensions[ANSWER_EXTENSION] = answer


def verified_answer(response: httpx.Response) -> VerifiedAnswer:
    """The verified signature of a response sent with :class:`SignedExchangeAuth`."""
    answer = response.extensions.get(ANSWER_EXTENSION)
    if not isinstance(answer, VerifiedAnswer):
        raise AnswerRejectedError(
            "answer-unsigned", "this response was not verified as a signed answer"
        )
    return answer
