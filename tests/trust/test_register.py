"""The signed register: issued, signed, verified against the anchor, and rejected when wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from singleview.standards.organisation import KeySet, Organisation, OrganisationRegister
from singleview.trust.keys import generate_signing_key
from singleview.trust.register import (
    RegisterDraft,
    RegisterRejectedError,
    issue,
    sign_register,
    verify_register,
    with_organisation,
)
from tests.trust.world import REQUESTER_ID, SUSPENDED_ID, anchor_of, build_world

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


def test_a_signed_register_verifies_against_the_anchor(tmp_path: Path) -> None:
    world = build_world(tmp_path, now=NOW)
    register = verify_register(world.register_path.read_text(), anchor_of(world), NOW)
    requester = register.find(REQUESTER_ID)
    suspended = register.find(SUSPENDED_ID)
    assert requester is not None
    assert requester.is_active_partner
    assert suspended is not None
    assert suspended.register_status == "suspended"
    assert not suspended.may_request


def test_a_register_signed_by_another_key_is_rejected(tmp_path: Path) -> None:
    world = build_world(tmp_path, now=NOW)
    register, _ = issue(world.draft, NOW, dt.timedelta(hours=1))
    impostor = generate_signing_key("impostor")
    with pytest.raises(RegisterRejectedError) as unknown:
        verify_register(sign_register(register, impostor), anchor_of(world), NOW)
    assert unknown.value.reason == "register-unknown-signer"
    forged_kid = type(impostor)(world.authority_key.kid, impostor.private_key)
    with pytest.raises(RegisterRejectedError) as forged:
        verify_register(sign_register(register, forged_kid), anchor_of(world), NOW)
    assert forged.value.reason == "register-bad-signature"


def test_a_tampered_register_is_rejected(tmp_path: Path) -> None:
    world = build_world(tmp_path, now=NOW)
    header, payload, signature = world.register_path.read_text().split(".")
    # Flip one character of the payload: the content no longer matches its signature.
    tampered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    with pytest.raises(RegisterRejectedError) as rejected:
        verify_register(f"{header}.{tampered}.{signature}", anchor_of(world), NOW)
    assert rejected.value.reason in {"register-bad-signature", "register-malformed"}


def test_an_expired_or_future_register_is_rejected(tmp_path: Path) -> None:
    world = build_world(tmp_path, now=NOW)
    token, register = world.issue_token(NOW, dt.timedelta(hours=1))
    assert verify_register(token, anchor_of(world), NOW).serial == register.serial
    with pytest.raises(RegisterRejectedError) as expired:
        verify_register(token, anchor_of(world), register.valid_until)
    assert expired.value.reason == "register-expired"
    with pytest.raises(RegisterRejectedError) as early:
        verify_register(token, anchor_of(world), NOW - dt.timedelta(minutes=5))
    assert early.value.reason == "register-not-yet-valid"


def test_garbage_is_rejected_as_malformed(tmp_path: Path) -> None:
    world = build_world(tmp_path, now=NOW)
    with pytest.raises(RegisterRejectedError) as rejected:
        verify_register("{not a jws}", anchor_of(world), NOW)
    assert rejected.value.reason == "register-malformed"


def test_serials_increase_with_every_issue() -> None:
    draft = RegisterDraft(authority="ra")
    first, draft = issue(draft, NOW, dt.timedelta(hours=1))
    second, draft = issue(draft, NOW, dt.timedelta(hours=1))
    assert (first.serial, second.serial, draft.last_serial) == (1, 2, 2)


def _organisation(organisation_id: str, keys: KeySet) -> Organisation:
    return Organisation.model_validate(
        {
            "id": organisation_id,
            "name": "x",
            "type": "school",
            "endpoint": "https://x.example/api/",
            "jwks": keys,
        }
    )


def test_one_kid_cannot_belong_to_two_organisations() -> None:
    key = generate_signing_key("shared").public_key(NOW)
    draft = RegisterDraft(authority="ra")
    draft = with_organisation(draft, _organisation("a", KeySet(keys=(key,))))
    draft = with_organisation(draft, _organisation("b", KeySet(keys=(key,))))
    with pytest.raises(ValidationError, match="listed for both a and b"):
        issue(draft, NOW, dt.timedelta(hours=1))


def test_organisation_entries_are_checked() -> None:
    organisation = _organisation("a", KeySet())
    assert organisation.endpoint == "https://x.example/api"
    with pytest.raises(ValidationError, match="unknown service type"):
        Organisation.model_validate({**organisation.model_dump(), "services": ["astrology"]})
    with pytest.raises(ValidationError):
        Organisation.model_validate({**organisation.model_dump(), "type": "bakery"})
    with pytest.raises(ValidationError, match="validUntil is not after issuedAt"):
        OrganisationRegister(authority="ra", serial=1, issued_at=NOW, valid_until=NOW)
