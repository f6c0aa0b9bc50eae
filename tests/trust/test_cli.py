"""``singleview register`` and ``singleview keys`` end to end on real files."""

from __future__ import annotations

import stat
from pathlib import Path

from typer.testing import CliRunner

from singleview.trust.cli import keys_app, register_app
from singleview.trust.keys import read_keyring

runner = CliRunner()


def _ok(app: object, *args: str) -> str:
    result = runner.invoke(app, list(args))  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    return result.output


def test_an_authority_publishes_a_register_and_a_node_verifies_it(tmp_path: Path) -> None:
    authority, draft, signed = tmp_path / "authority", tmp_path / "draft.json", tmp_path / "r.jws"
    _ok(
        register_app,
        "init",
        "--authority",
        "ra",
        "--key-dir",
        str(authority),
        "--draft",
        str(draft),
    )
    for owner in ("lbx-csc", "met-police"):
        _ok(
            keys_app,
            "generate",
            "--owner",
            owner,
            "--dir",
            str(tmp_path / owner),
            "--passphrase",
            "pw",
        )
        key_files = list((tmp_path / owner).glob("*.key.json"))
        assert [stat.S_IMODE(p.stat().st_mode) for p in key_files] == [0o600]
    _ok(
        register_app, "add", "--id", "lbx-csc", "--name", "London Borough of X",
        "--type", "local-authority-childrens-social-care", "--endpoint", "https://lbx.example/api",
        "--keys", str(tmp_path / "lbx-csc" / "keyring.json"), "--service", "childrens-social-care",
        "--agreement", "lbx-met-dsa", "--identifier", "https://ods.nhs.uk|LBX01",
        "--verified-on", "2026-11-01", "--draft", str(draft),
    )  # fmt: skip
    _ok(
        register_app, "add", "--id", "met-police", "--name", "Metropolitan Police Service",
        "--type", "police-force", "--endpoint", "https://met.example/api",
        "--keys", str(tmp_path / "met-police" / "keyring.json"), "--draft", str(draft),
    )  # fmt: skip
    anchor = str(authority / "anchor.jwks.json")
    _ok(
        register_app,
        "sign",
        "--out",
        str(signed),
        "--key-dir",
        str(authority),
        "--draft",
        str(draft),
    )
    assert "serial 1 from ra, 2 organisations" in _ok(
        register_app, "verify", str(signed), "--anchor", anchor
    )
    _ok(register_app, "suspend", "--id", "met-police", "--reason", "breach", "--draft", str(draft))
    _ok(
        register_app,
        "sign",
        "--out",
        str(signed),
        "--key-dir",
        str(authority),
        "--draft",
        str(draft),
    )
    shown = _ok(register_app, "show", str(signed), "--anchor", anchor)
    assert "serial 2" in shown
    assert "suspended" in shown
    assert "lbx-csc" in shown

    # A register changed after signing fails verification with exit code 1.
    header, payload, signature = signed.read_text().strip().split(".")
    signed.write_text(f"{header}.{payload[:-4]}AAAA.{signature}")
    result = runner.invoke(register_app, ["verify", str(signed), "--anchor", anchor])
    assert result.exit_code == 1
    assert "register-" in result.output


def test_keys_rotate_and_list(tmp_path: Path) -> None:
    _ok(keys_app, "generate", "--owner", "lbx-csc", "--dir", str(tmp_path))
    first = read_keyring(tmp_path).current
    output = _ok(keys_app, "rotate", "--dir", str(tmp_path), "--overlap-hours", "24")
    assert "verifies until" in output
    keyring = read_keyring(tmp_path)
    assert keyring.current != first
    listing = _ok(keys_app, "list", "--dir", str(tmp_path))
    assert first[:12] in listing
    assert keyring.current[:12] in listing


def test_an_encrypted_authority_key_needs_the_passphrase_to_sign(tmp_path: Path) -> None:
    authority, draft = tmp_path / "authority", tmp_path / "draft.json"
    _ok(
        register_app,
        "init",
        "--authority",
        "ra",
        "--key-dir",
        str(authority),
        "--draft",
        str(draft),
        "--passphrase",
        "s3cret",
    )
    result = runner.invoke(
        register_app,
        [
            "sign",
            "--key-dir",
            str(authority),
            "--draft",
            str(draft),
            "--out",
            str(tmp_path / "r.jws"),
        ],
    )
    assert result.exit_code == 1
    assert "passphrase" in result.output
    _ok(
        register_app,
        "sign",
        "--key-dir",
        str(authority),
        "--draft",
        str(draft),
        "--out",
        str(tmp_path / "r.jws"),
        "--passphrase",
        "s3cret",
    )
