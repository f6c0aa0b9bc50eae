"""The node configuration file: paths relative to the file, errors naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from singleview.exchange.config import NodeConfigError, load_config

GOOD = """\
organisation_id: police
database_url: sqlite:///node.db
signing_key: keys/police.key.json
register_source: ../register.jws
trust_anchor: ../authority/anchor.jwks.json
public_base_url: https://police.example.org/singleview/
suppressions:
  - service_type: sexual-health
"""


def test_paths_are_read_relative_to_the_file(tmp_path: Path) -> None:
    path = tmp_path / "node.yaml"
    path.write_text(GOOD)
    config = load_config(path)
    assert config.signing_key == tmp_path / "keys" / "police.key.json"
    assert config.database_url == f"sqlite:///{tmp_path / 'node.db'}"
    assert config.register_source == str(tmp_path / ".." / "register.jws")
    assert config.public_base_url == "https://police.example.org/singleview"
    assert config.local_rules.suppressions[0].action == "withhold"


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ("organisation_id: 'not an id!'", "organisation_id", "pattern"),
        ("partner_deadline_seconds: -1", "partner_deadline_seconds", "greater than 0"),
        ("colour: blue", "colour", "not a key"),
        ("suppressions: [{service_type: knitting}]", "suppressions.0.service_type", "knitting"),
    ],
)
def test_errors_name_the_file_and_the_key(
    tmp_path: Path, change: str, key: str, words: str
) -> None:
    path = tmp_path / "node.yaml"
    path.write_text(GOOD + change + "\n")
    with pytest.raises(NodeConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert f"{path}: {key}:" in message
    assert words in message


def test_missing_key_and_bad_yaml(tmp_path: Path) -> None:
    path = tmp_path / "node.yaml"
    path.write_text("organisation_id: police\n")
    with pytest.raises(NodeConfigError, match=r"node.yaml: signing_key: Field required"):
        load_config(path)
    path.write_text("organisation_id: [unclosed\n")
    with pytest.raises(NodeConfigError, match="not valid YAML"):
        load_config(path)
    with pytest.raises(NodeConfigError, match="cannot read"):
        load_config(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    ("extra", "width"),
    [
        ("", 1),
        ("database_url: postgresql://sv@db/sv", 4),
        ("enquiry_threads: 3", 3),
        ("database_url: postgresql://sv@db/sv\nenquiry_threads: 1", 1),
    ],
)
def test_a_worker_answers_one_enquiry_at_a_time_on_sqlite_and_a_few_on_postgresql(
    tmp_path: Path, extra: str, width: int
) -> None:
    path = tmp_path / "node.yaml"
    lines = [line for line in GOOD.splitlines() if not (extra and line.startswith(extra[:12]))]
    path.write_text("\n".join([*lines, extra]) + "\n")
    assert load_config(path).enquiry_lane_width() == width


def test_enquiry_threads_must_be_at_least_one(tmp_path: Path) -> None:
    path = tmp_path / "node.yaml"
    path.write_text(GOOD + "enquiry_threads: 0\n")
    with pytest.raises(NodeConfigError, match="enquiry_threads"):
        load_config(path)


def test_a_sqlite_durability_option_is_kept_and_a_wrong_one_named(tmp_path: Path) -> None:
    path = tmp_path / "node.yaml"
    lines = [line for line in GOOD.splitlines() if not line.startswith("database_url")]
    path.write_text("\n".join([*lines, "database_url: sqlite:///node.db?synchronous=full"]) + "\n")
    assert load_config(path).database_url == f"sqlite:///{tmp_path / 'node.db'}?synchronous=full"
    path.write_text("\n".join([*lines, "database_url: sqlite:///node.db?synchronous=off"]) + "\n")
    with pytest.raises(NodeConfigError, match=r"database_url.*synchronous= must be one of"):
        load_config(path)
    # PostgreSQL has no such option in its URL: said when the file is read, not at connection.
    postgres = "database_url: postgresql://sv@db.example/node?synchronous=full"
    path.write_text("\n".join([*lines, postgres]) + "\n")
    with pytest.raises(NodeConfigError, match=r"database_url.*synchronous= is for SQLite files"):
        load_config(path)
    # Not a URL at all: named, and its text (which may hold a password) not repeated.
    path.write_text("\n".join([*lines, 'database_url: "pw S3cret@ not a URL"']) + "\n")
    with pytest.raises(NodeConfigError, match=r"database_url: not a database URL") as refused:
        load_config(path)
    assert "S3cret" not in str(refused.value)
