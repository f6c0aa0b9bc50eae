"""Acceptance: every attack on a real running node is refused with a clear 401/403, and logged.

The node is a real uvicorn process on a loopback port serving the real verifier in front of an
exchange route, with a real signed register and real keys on disk; the database is SQLite and
PostgreSQL in turn (the replay cache and the refusal log live there).
"""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from joserfc.jws import extract_compact
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from singleview.db import create_engine, migrate
from singleview.trust.cache import RegisterCache
from singleview.trust.client import SignedExchangeAuth, verified_answer
from singleview.trust.jose import sign_compact
from singleview.trust.keys import SigningKey
from singleview.trust.register import read_anchor
from singleview.trust.signing import (
    REQUEST_TYP,
    SIGNATURE_HEADER,
    body_digest,
    sign_request,
    verify_answer,
)
from singleview.trust.storage import list_refusals
from tests.conftest import postgres_admin_url
from tests.trust.conftest import outcome_code, running_node
from tests.trust.world import NODE_ID, OTHER_ID, REQUESTER_ID, SUSPENDED_ID, World, build_world

PATH = "/fhir/Patient/$person-info-query"
pytestmark = pytest.mark.slow  # starts a real node process


def enquiry(requester: str) -> bytes:
    """A FHIR Parameters body whose ``request.requester`` names ``requester``."""
    body = {
        "resourceType": "Parameters",
        "parameter": [
            {
                "name": "request",
                "part": [
                    {"name": "identifier", "valueIdentifier": {"value": str(uuid.uuid4())}},
                    {
                        "name": "requester",
                        "valueIdentifier": {
                            "system": "https://singleview.org.uk/register",
                            "value": requester,
                        },
                    },
                ],
            }
        ],
    }
    return json.dumps(body).encode()


@dataclass
class Node:
    """A running node and what the tests need to talk to it and inspect it."""

    base: str
    world: World
    engine: Engine
    register: RegisterCache

    def post(self, body: bytes, token: str | None, path: str = PATH) -> httpx.Response:
        """POST ``body`` with ``token`` as the signature header (none if ``None``)."""
        headers = {"Content-Type": "application/fhir+json"}
        if token is not None:
            headers[SIGNATURE_HEADER] = token
        return httpx.post(f"{self.base}{path}", content=body, headers=headers, timeout=10)

    def sign(
        self,
        body: bytes,
        key: SigningKey | None = None,
        issuer: str = REQUESTER_ID,
        audience: str = NODE_ID,
        method: str = "POST",
        path: str = PATH,
        now: dt.datetime | None = None,
    ) -> str:
        """A request signature, by default a correct one from the requester."""
        return sign_request(
            key or self.world.keys[REQUESTER_ID],
            issuer=issuer,
            audience=audience,
            method=method,
            uri=f"{self.base}{path}",
            body=body,
            now=now,
        ).token

    def assert_refused(self, response: httpx.Response, status: int, reason: str) -> None:
        """Refused with ``status`` and coded ``reason``, signed by the node, and logged."""
        assert response.status_code == status, response.text
        assert outcome_code(response) == reason
        latest = list_refusals(self.engine, limit=1)[0]
        assert (latest.reason, latest.status, latest.path) == (reason, status, PATH)
        # The refusal itself is signed by the node, so the requester can prove it was refused.
        claimed = latest.claimed_organisation or "unknown"
        header, _, _ = response.headers[SIGNATURE_HEADER].partition(".")
        assert header
        if claimed == REQUESTER_ID and latest.kid == self.world.keys[REQUESTER_ID].kid:
            token = response.headers[SIGNATURE_HEADER]
            request_jti = json.loads(extract_compact(token.encode()).payload)["req"]
            verify_answer(
                token,
                body=response.content,
                status=response.status_code,
                register=self.register.current(),
                responder=NODE_ID,
                requester=REQUESTER_ID,
                request_jti=request_jti,
                now=dt.datetime.now(dt.UTC),
            )


def _database(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'node.db'}"
        migrate(url)
        yield url
        return
    admin_url = postgres_admin_url()
    name = f"test_trust_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    migrate(url)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def node(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Node]:
    """One real node per backend, shared by the attacks in this module."""
    tmp = tmp_path_factory.mktemp(f"node-{request.param}")
    world = build_world(tmp)
    for url in _database(request.param, tmp):
        engine = create_engine(url)
        register = RegisterCache(read_anchor(world.anchor_path), world.register_path)
        register.refresh()
        with running_node(world, url) as base:
            yield Node(base, world, engine, register)
        engine.dispose()


def test_a_correctly_signed_request_is_answered_and_the_answer_verifies(node: Node) -> None:
    auth = SignedExchangeAuth(
        node.world.keys[REQUESTER_ID],
        issuer=REQUESTER_ID,
        responder=NODE_ID,
        register=node.register,
    )
    with httpx.Client(auth=auth, timeout=10) as client:
        response = client.post(f"{node.base}{PATH}", content=enquiry(REQUESTER_ID))
    assert response.status_code == 200, response.text
    answer = verified_answer(response)
    assert (answer.organisation.id, answer.status) == (NODE_ID, 200)


def test_no_signature(node: Node) -> None:
    node.assert_refused(node.post(enquiry(REQUESTER_ID), None), 401, "signature-missing")


def test_wrong_signature(node: Node) -> None:
    body = enquiry(REQUESTER_ID)
    # The requester's kid, but a signature made with some other private key.
    forged = SigningKey(node.world.keys[REQUESTER_ID].kid, node.world.stray_key.private_key)
    node.assert_refused(node.post(body, node.sign(body, key=forged)), 401, "signature-invalid")


def test_garbage_signature(node: Node) -> None:
    node.assert_refused(node.post(enquiry(REQUESTER_ID), "not.a-jws"), 401, "signature-malformed")


def test_body_changed_after_signing(node: Node) -> None:
    signed_body = enquiry(REQUESTER_ID)
    token = node.sign(signed_body)
    tampered = signed_body.replace(b"Parameters", b"Parameters ", 1)
    node.assert_refused(node.post(tampered, token), 401, "body-digest-mismatch")


def test_url_changed(node: Node) -> None:
    body = enquiry(REQUESTER_ID)
    token = node.sign(body, path="/fhir/Patient/$match")
    node.assert_refused(node.post(body, token), 401, "uri-mismatch")


def test_method_changed(node: Node) -> None:
    body = enquiry(REQUESTER_ID)
    node.assert_refused(node.post(body, node.sign(body, method="PUT")), 401, "method-mismatch")


def test_the_same_request_twice(node: Node) -> None:
    body = enquiry(REQUESTER_ID)
    token = node.sign(body)
    assert node.post(body, token).status_code == 200
    node.assert_refused(node.post(body, token), 401, "replayed")


def test_expired(node: Node) -> None:
    body = enquiry(REQUESTER_ID)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    node.assert_refused(node.post(body, node.sign(body, now=long_ago)), 401, "signature-expired")


def test_dated_in_the_future(node: Node) -> None:
    body = enquiry(REQUESTER_ID)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    node.assert_refused(node.post(body, node.sign(body, now=later)), 401, "signature-not-yet-valid")


def test_within_a_minute_of_skew_is_accepted(node: Node) -> None:
    body = enquiry(REQUESTER_ID)
    slightly_ahead = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    assert node.post(body, node.sign(body, now=slightly_ahead)).status_code == 200


def test_unknown_organisation(node: Node) -> None:
    body = enquiry("nobody")
    token = node.sign(body, key=node.world.stray_key, issuer="nobody")
    node.assert_refused(node.post(body, token), 401, "organisation-unknown")


def test_suspended_organisation(node: Node) -> None:
    body = enquiry(SUSPENDED_ID)
    token = node.sign(body, key=node.world.keys[SUSPENDED_ID], issuer=SUSPENDED_ID)
    node.assert_refused(node.post(body, token), 403, "organisation-suspended")


def test_a_key_not_in_the_register(node: Node) -> None:
    body = enquiry(REQUESTER_ID)
    node.assert_refused(
        node.post(body, node.sign(body, key=node.world.stray_key)), 401, "key-unknown"
    )


def test_a_key_of_another_organisation(node: Node) -> None:
    body = enquiry(REQUESTER_ID)
    token = node.sign(body, key=node.world.keys[OTHER_ID])
    node.assert_refused(node.post(body, token), 401, "key-of-another-organisation")


def test_audience_is_another_organisation(node: Node) -> None:
    body = enquiry(REQUESTER_ID)
    node.assert_refused(
        node.post(body, node.sign(body, audience=OTHER_ID)), 401, "audience-mismatch"
    )


def test_the_bodys_requester_differs_from_the_signer(node: Node) -> None:
    body = enquiry(OTHER_ID)
    node.assert_refused(node.post(body, node.sign(body)), 403, "requester-mismatch")


def test_suspension_takes_effect_from_the_next_refresh(node: Node) -> None:
    body = enquiry(OTHER_ID)
    key = node.world.keys[OTHER_ID]
    assert node.post(body, node.sign(body, key=key, issuer=OTHER_ID)).status_code == 200
    now = dt.datetime.now(dt.UTC)
    node.world.publish(node.world.suspend(OTHER_ID, now), now, dt.timedelta(hours=1))
    deadline = time.monotonic() + 20
    while True:
        body = enquiry(OTHER_ID)
        response = node.post(body, node.sign(body, key=key, issuer=OTHER_ID))
        if response.status_code != 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    node.assert_refused(response, 403, "organisation-suspended")


def test_an_issuer_and_key_id_longer_than_any_in_the_register(node: Node) -> None:
    # Unauthenticated, so anyone can send them: refused and logged like any other, cut to the
    # log's columns, never a 500 that leaves no trace.
    body = enquiry("nobody")
    long_kid = SigningKey("k" * 300, node.world.stray_key.private_key)
    token = node.sign(body, key=long_kid, issuer="n" * 300)
    node.assert_refused(node.post(body, token), 401, "organisation-unknown")
    latest = list_refusals(node.engine, limit=1)[0]
    assert latest.claimed_organisation is not None
    assert latest.kid is not None
    assert latest.claimed_organisation.startswith("nnnn")
    assert latest.kid.startswith("kkkk")


def test_a_request_id_longer_than_the_replay_cache_keeps(node: Node) -> None:
    body = enquiry(REQUESTER_ID)
    now = dt.datetime.now(dt.UTC)
    claims = {
        "iss": REQUESTER_ID,
        "aud": NODE_ID,
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + 60,
        "jti": "j" * 129,
        "htm": "POST",
        "htu": f"{node.base}{PATH}",
        "bsh": body_digest(body),
    }
    token = sign_compact(claims, node.world.keys[REQUESTER_ID], REQUEST_TYP)
    node.assert_refused(node.post(body, token), 401, "signature-malformed")
