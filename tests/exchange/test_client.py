"""Retry only what is safe: refused connections and 503s inside the deadline; never a timeout.

The network is replaced by httpx's MockTransport (our code is all real: signing, the register,
verification); the handler plays the partner and counts what reached it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import httpx

from singleview.exchange.client import PartnerClient
from singleview.exchange.network import Network
from singleview.exchange.node import open_node_from_file
from singleview.exchange.single_view import Partner, PartnerState
from singleview.trust.jose import peek
from singleview.trust.keys import load_signing_key
from singleview.trust.signing import REQUEST_TYP, SIGNATURE_HEADER, sign_answer

REFUSAL = {
    "resourceType": "OperationOutcome",
    "issue": [{"severity": "error", "code": "forbidden", "details": {"text": "no"}}],
}


def _run(network: Network, handler: httpx.MockTransport, deadline: float) -> PartnerState:
    node = open_node_from_file(network.configs["council-csc"])
    partner = Partner("police", "Northmoor Police", network.endpoints["police"])

    async def go() -> PartnerState:
        async with httpx.AsyncClient(transport=handler) as http:
            client = PartnerClient(
                http, key=node.key, organisation_id="council-csc", register=node.register
            )
            url = partner.endpoint + "/fhir/Patient/$person-info-query"
            exchanged = await client.exchange(partner, "POST", url, b"{}", deadline)
            return exchanged.result.state

    try:
        return asyncio.run(go())
    finally:
        node.close()


def _signed(
    network: Network,
    request: httpx.Request,
    status: int,
    content: object,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """The police's signed answer to ``request``."""
    _, claims = peek(request.headers[SIGNATURE_HEADER], REQUEST_TYP)
    body = json.dumps(content).encode()
    token = sign_answer(
        load_signing_key(network.key_files["police"]),
        responder="police",
        requester=claims["iss"],
        request_jti=claims["jti"],
        status=status,
        body=body,
        now=dt.datetime.now(dt.UTC),
    )
    return httpx.Response(
        status, content=body, headers={**(headers or {}), SIGNATURE_HEADER: token}
    )


def _signed_refusal(network: Network, request: httpx.Request) -> httpx.Response:
    return _signed(network, request, 403, REFUSAL)


def test_refused_connections_and_503s_are_retried_then_the_answer_is_read(
    network: Network,
) -> None:
    seen: list[str] = []

    def partner(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers[SIGNATURE_HEADER])
        if len(seen) == 1:
            raise httpx.ConnectError("connection refused", request=request)
        if len(seen) == 2:
            return httpx.Response(503, json={"resourceType": "OperationOutcome", "issue": []})
        return _signed_refusal(network, request)

    assert _run(network, httpx.MockTransport(partner), deadline=5.0) is PartnerState.REFUSED
    assert len(seen) == 3
    assert len(set(seen)) == 3  # each attempt is freshly signed (a new request id)


def test_a_timeout_is_never_retried(network: Network) -> None:
    seen = []

    def partner(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise httpx.ReadTimeout("no answer", request=request)

    assert _run(network, httpx.MockTransport(partner), deadline=5.0) is PartnerState.NO_ANSWER
    assert len(seen) == 1


def test_retries_stop_at_the_deadline(network: Network) -> None:
    seen = []

    def partner(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise httpx.ConnectError("connection refused", request=request)

    assert _run(network, httpx.MockTransport(partner), deadline=0.5) is PartnerState.NO_ANSWER
    # 50, 100, 200 ms back-offs fit in half a second; a fourth would not.
    assert 2 <= len(seen) <= 4


def test_a_wait_is_taken_only_with_a_usable_address_to_poll(network: Network) -> None:
    held = {"resourceType": "OperationOutcome", "issue": []}

    def waiting_at(path: str) -> httpx.MockTransport:
        where = network.endpoints["police"] + path
        return httpx.MockTransport(
            lambda request: _signed(network, request, 202, held, {"Content-Location": where})
        )

    waiting = _run(network, waiting_at("/fhir/enquiry/abc"), deadline=5.0)
    assert waiting is PartnerState.WAITING_FOR_REVIEW
    # Longer than the requester keeps (PostgreSQL would refuse the row), or somewhere else.
    too_long = _run(network, waiting_at("/fhir/enquiry/" + "a" * 1000), deadline=5.0)
    assert too_long is PartnerState.NO_ANSWER
    elsewhere = _run(network, httpx.MockTransport(
        lambda request: _signed(network, request, 202, held, {"Content-Location": "https://x/"})
    ), deadline=5.0)  # fmt: skip
    assert elsewhere is PartnerState.NO_ANSWER
