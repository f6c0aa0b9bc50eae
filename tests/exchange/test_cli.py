"""``singleview node init`` writes a configuration the node can read; bad ones are named."""

from __future__ import annotations

import socket
from pathlib import Path

from typer.testing import CliRunner

from singleview.cli import app
from singleview.exchange.config import load_config
from singleview.exchange.network import Network

runner = CliRunner()


def test_node_init_makes_keys_secret_token_and_a_readable_configuration(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "node", "init", "--id", "met-police", "--base-url", "https://met.example.org/sv/",
            "--register-source", "https://register.example.org/register.jws",
            "--trust-anchor", "anchor.jwks.json", "--folder", str(tmp_path),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    config = load_config(tmp_path / "node.yaml")
    assert config.organisation_id == "met-police"
    assert config.public_base_url == "https://met.example.org/sv"
    assert config.signing_key.exists()
    assert config.audit_subject_secret is not None
    assert len(config.audit_subject_secret.read_bytes()) == 32
    token = result.output.split("API token (shown once; only its hash is kept): ")[1].split()[0]
    assert config.accepts_token(token)
    assert not config.accepts_token(token + "x")
    again = runner.invoke(app, ["node", "init", "--id", "met-police", "--base-url",
                                "https://x.example.org", "--register-source", "r",
                                "--trust-anchor", "a", "--folder", str(tmp_path)])  # fmt: skip
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_serve_names_the_file_and_key_of_a_bad_configuration(tmp_path: Path) -> None:
    path = tmp_path / "node.yaml"
    path.write_text("organisation_id: police\npartner_deadline_seconds: fast\n")
    result = runner.invoke(app, ["node", "serve", "--config", str(path)])
    assert result.exit_code == 1
    assert "partner_deadline_seconds" in result.output
    assert "node.yaml" in result.output


def test_serve_with_workers_says_when_its_port_is_taken(network: Network) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(
            app,
            ["node", "serve", "--config", str(network.configs["police"]),
             "--port", str(port), "--workers", "2"],
        )  # fmt: skip
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_serve_names_a_database_it_cannot_open(tmp_path: Path) -> None:
    missing = tmp_path / "absent" / "node.db"
    made = runner.invoke(
        app,
        [
            "node", "init", "--id", "police", "--base-url", "http://127.0.0.1:1",
            "--register-source", "register.jws", "--trust-anchor", "anchor.jwks.json",
            "--folder", str(tmp_path), "--database-url", f"sqlite:///{missing}",
        ],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["node", "serve", "--config", str(tmp_path / "node.yaml")])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert f"cannot open the database at sqlite:///{missing}: unable to open database file" in said
    assert "Traceback" not in result.output
