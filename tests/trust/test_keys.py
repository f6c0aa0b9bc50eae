"""Keys on disk: 0600 files, passphrase encryption, rotation with an overlap window."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from singleview.trust.keys import (
    KeyFileError,
    create_keyring,
    generate_signing_key,
    load_signing_key,
    read_keyring,
    rotate_keyring,
    save_signing_key,
)

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


def test_a_saved_key_is_owner_only_and_loads_back(tmp_path: Path) -> None:
    key = generate_signing_key("lbx-csc")
    path = tmp_path / "k.key.json"
    save_signing_key(path, key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_signing_key(path)
    assert loaded.kid == key.kid
    assert loaded.public_x == key.public_x
    assert isinstance(loaded.private_key, Ed25519PrivateKey)


def test_a_key_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "k.key.json"
    save_signing_key(path, generate_signing_key("a"))
    with pytest.raises(FileExistsError):
        save_signing_key(path, generate_signing_key("a"))


def test_an_encrypted_key_needs_its_passphrase(tmp_path: Path) -> None:
    key = generate_signing_key("lbx-csc")
    path = tmp_path / "k.key.json"
    save_signing_key(path, key, passphrase="correct horse")
    assert "PRIVATE KEY-----" in path.read_text()
    assert "ENCRYPTED" in path.read_text()
    with pytest.raises(KeyFileError, match="encrypted; give its passphrase"):
        load_signing_key(path)
    with pytest.raises(KeyFileError, match="cannot open key"):
        load_signing_key(path, passphrase="wrong")
    assert load_signing_key(path, passphrase="correct horse").public_x == key.public_x


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.key.json"
    save_signing_key(path, generate_signing_key("a"))
    path.chmod(0o644)
    with pytest.raises(KeyFileError, match="permissions 644"):
        load_signing_key(path)


def test_rotation_keeps_the_old_key_valid_for_the_overlap(tmp_path: Path) -> None:
    first = create_keyring(tmp_path, "lbx-csc", now=NOW)
    later = NOW + dt.timedelta(days=30)
    second, retire_at = rotate_keyring(tmp_path, dt.timedelta(hours=48), now=later)
    keyring = read_keyring(tmp_path)
    assert keyring.current == second.kid != first.kid
    old, new = keyring.jwks.find(first.kid), keyring.jwks.find(second.kid)
    assert old is not None
    assert new is not None
    assert retire_at == later + dt.timedelta(hours=48)
    assert old.valid_at(later + dt.timedelta(hours=47))
    assert not old.valid_at(retire_at)
    assert new.valid_at(later)
    assert new.valid_until is None
    assert load_signing_key(keyring.current_key_path(tmp_path)).kid == second.kid


def test_a_key_past_its_overlap_leaves_the_public_set_at_the_next_rotation(tmp_path: Path) -> None:
    first = create_keyring(tmp_path, "lbx-csc", now=NOW)
    rotate_keyring(tmp_path, dt.timedelta(hours=1), now=NOW + dt.timedelta(days=1))
    rotate_keyring(tmp_path, dt.timedelta(hours=1), now=NOW + dt.timedelta(days=2))
    keyring = read_keyring(tmp_path)
    kids = [key.kid for key in keyring.jwks.keys]
    assert first.kid not in kids
    assert len(kids) == 2
    # Archived, not forgotten: heads and answers it signed must stay checkable.
    assert [key.kid for key in keyring.retired.keys] == [first.kid]
    assert first.kid in {key.kid for key in keyring.every_key()}


def test_a_second_keyring_in_the_same_place_is_refused(tmp_path: Path) -> None:
    create_keyring(tmp_path, "a", now=NOW)
    with pytest.raises(KeyFileError, match="already exists"):
        create_keyring(tmp_path, "a", now=NOW)
