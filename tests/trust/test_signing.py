"""The signing scheme as pure functions: requests, answers, rotation overlap, requester check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from singleview.standards.organisation import KeySet
from singleview.standards.person import Identifier
from singleview.trust.keys import SigningKey, load_signing_key, read_keyring, rotate_keyring
from singleview.trust.register import verify_register, with_organisation
from singleview.trust.signing import (
    AnswerRejectedError,
    TrustRefusalError,
    ensure_requester_matches,
    sign_answer,
    sign_request,
    verify_answer,
    verify_request,
)
from tests.trust.world import NODE_ID, REQUESTER_ID, World, anchor_of, build_world

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
URI = "https://node-a.example.org.uk/api/fhir/Patient/$person-info-query"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("signing"), now=NOW)


def _verify(world: World, token: str, body: bytes, now: dt.datetime = NOW) -> str:
    register = verify_register(world.register_path.read_text(), anchor_of(world), NOW)
    verified = verify_request(
        token, method="POST", uri=URI, body=body, register=register, node_id=NODE_ID, now=now
    )
    return verified.organisation.id


def _sign(key: SigningKey, body: bytes, now: dt.datetime = NOW) -> str:
    return sign_request(
        key, issuer=REQUESTER_ID, audience=NODE_ID, method="post", uri=URI, body=body, now=now
    ).token


@settings(max_examples=40, deadline=None)
@given(body=st.binary(max_size=256), flip=st.integers(min_value=1, max_value=255))
def test_any_change_to_the_body_is_caught(world: World, body: bytes, flip: int) -> None:
    token = _sign(world.keys[REQUESTER_ID], body)
    assert _verify(world, token, body) == REQUESTER_ID
    changed = body + b"x" if not body else body[:-1] + bytes([(body[-1] + flip) % 256])
    with pytest.raises(TrustRefusalError) as refused:
        _verify(world, token, changed)
    assert refused.value.reason == "body-digest-mismatch"


def test_a_lifetime_beyond_five_minutes_is_refused(world: World) -> None:
    token = sign_request(
        world.keys[REQUESTER_ID],
        issuer=REQUESTER_ID,
        audience=NODE_ID,
        method="POST",
        uri=URI,
        body=b"{}",
        now=NOW,
        lifetime=dt.timedelta(hours=1),
    ).token
    with pytest.raises(TrustRefusalError) as refused:
        _verify(world, token, b"{}")
    assert refused.value.reason == "signature-lifetime-too-long"


def test_a_rotated_key_verifies_during_the_overlap_only(tmp_path: Path) -> None:
    world = build_world(tmp_path, now=NOW)
    directory = tmp_path / "keys" / REQUESTER_ID
    old_key = world.keys[REQUESTER_ID]
    new_key, retire_at = rotate_keyring(directory, dt.timedelta(hours=1), now=NOW)
    organisation = verify_register(world.register_path.read_text(), anchor_of(world), NOW).find(
        REQUESTER_ID
    )
    assert organisation is not None
    updated = organisation.model_copy(update={"jwks": read_keyring(directory).jwks})
    world.publish(with_organisation(world.draft, updated), NOW, dt.timedelta(hours=3))
    assert _verify(world, _sign(new_key, b"{}"), b"{}") == REQUESTER_ID
    assert _verify(world, _sign(old_key, b"{}"), b"{}") == REQUESTER_ID
    after = retire_at + dt.timedelta(minutes=1)
    assert _verify(world, _sign(new_key, b"{}", after), b"{}", after) == REQUESTER_ID
    with pytest.raises(TrustRefusalError) as refused:
        _verify(world, _sign(old_key, b"{}", after), b"{}", after)
    assert refused.value.reason == "key-not-valid"
    assert load_signing_key(read_keyring(directory).current_key_path(directory)).kid == new_key.kid


def test_the_requester_in_the_body_must_be_the_signer(world: World) -> None:
    ensure_requester_matches(REQUESTER_ID, Identifier(system="any", value=REQUESTER_ID))
    for claimed in ("met-police", None, Identifier(system="x", value="met-police")):
        with pytest.raises(TrustRefusalError) as refused:
            ensure_requester_matches(REQUESTER_ID, claimed)
        assert (refused.value.reason, refused.value.status) == ("requester-mismatch", 403)


def _answer(world: World, status: int = 200, body: bytes = b'{"match":false}') -> str:
    return sign_answer(
        world.keys[NODE_ID],
        responder=NODE_ID,
        requester=REQUESTER_ID,
        request_jti="jti-1",
        status=status,
        body=body,
        now=NOW,
    )


def _check_answer(world: World, token: str | None, **changes: object) -> str:
    register = verify_register(world.register_path.read_text(), anchor_of(world), NOW)
    arguments: dict[str, object] = {
        "body": b'{"match":false}',
        "status": 200,
        "register": register,
        "responder": NODE_ID,
        "requester": REQUESTER_ID,
        "request_jti": "jti-1",
        "now": NOW,
        **changes,
    }
    try:
        verify_answer(token, **arguments)  # type: ignore[arg-type]
    except AnswerRejectedError as error:
        return error.reason
    return "accepted"


def test_answers_are_bound_to_responder_requester_request_status_and_body(world: World) -> None:
    token = _answer(world)
    assert _check_answer(world, token) == "accepted"
    assert _check_answer(world, None) == "answer-unsigned"
    assert _check_answer(world, token, body=b'{"match":true}') == "answer-body-mismatch"
    assert _check_answer(world, token, status=403) == "answer-status-mismatch"
    assert _check_answer(world, token, request_jti="jti-2") == "answer-wrong-request"
    assert _check_answer(world, token, requester="met-police") == "answer-wrong-audience"
    assert _check_answer(world, token, responder="met-police") == "answer-wrong-signer"
    late = NOW + dt.timedelta(hours=1)
    assert _check_answer(world, token, now=late) == "answer-time-invalid"


def test_an_anchor_without_the_authority_key_trusts_nothing(world: World) -> None:
    with pytest.raises(Exception, match="does not list"):
        verify_register(world.register_path.read_text(), KeySet(), NOW)
