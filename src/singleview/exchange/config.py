"""A node's configuration file (YAML): who the node is, where its keys, register and rules are.

Relative paths in the file are read relative to the file's own folder, so a node's folder can
be moved as a whole. Secrets never go in the file: the key passphrase comes from the
environment variable the file names, and the API token is stored only as its SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from singleview.db import sqlite_synchronous
from singleview.governance.models import LocalRules, Suppression
from singleview.standards.organisation import REGISTER_ID_PATTERN
from singleview.standards.vocabulary import load_vocabulary


class NodeConfigError(ValueError):
    """The configuration file cannot be used; the message names the file and the key."""


class SuppressionRule(BaseModel):
    """A local rule: withhold one service's involvements, or send them to an IG officer."""

    model_config = ConfigDict(extra="forbid")

    service_type: str
    action: Literal["withhold", "review"] = "withhold"

    @field_validator("service_type")
    @classmethod
    def _known_service(cls, code: str) -> str:
        load_vocabulary("service-types").require(code)
        return code


class NodeConfig(BaseModel):
    """Everything one node is configured with (the keys of the YAML file)."""

    model_config = ConfigDict(extra="forbid")

    organisation_id: str = Field(pattern=REGISTER_ID_PATTERN)
    database_url: str = "sqlite:///singleview.db"
    signing_key: Path
    #: Name of the environment variable holding the key's passphrase (never the passphrase).
    signing_key_passphrase_env: str = "SINGLEVIEW_KEY_PASSPHRASE"  # noqa: S105 - a name
    register_source: str = Field(min_length=1, description="file path or http(s) URL")
    trust_anchor: Path
    register_refresh_seconds: float = Field(default=300.0, gt=0)
    policies: Path | None = None
    matching_model: Path | None = None
    suppressions: tuple[SuppressionRule, ...] = ()
    public_base_url: str = Field(pattern=r"^https?://[^\s/]+(/\S*)?$")
    partner_deadline_seconds: float = Field(default=5.0, gt=0, le=120)
    #: How often a waiting partner's review is polled for its final answer.
    review_poll_seconds: float = Field(default=10.0, gt=0)
    #: How long the polls of a held review may keep failing (unreachable, 404, garbage, a bad
    #: signature, 5xx) before the partner is shown as "did not answer". A poll that answers
    #: 202 is not a failure: a review may rightly take days.
    review_poll_give_up_seconds: float = Field(default=3600.0, gt=0)
    #: Enquiries one worker process works on at once (None: 1 on SQLite, 4 on PostgreSQL).
    enquiry_threads: int | None = Field(default=None, ge=1, le=64)
    #: SHA-256 (hex) of each bearer token allowed to call ``/api`` (case-management systems).
    api_token_sha256: tuple[str, ...] = ()
    #: A file of at least 32 random bytes that keys the audit log's subject references.
    audit_subject_secret: Path | None = None

    @field_validator("database_url")
    @classmethod
    def _known_sqlite_options(cls, url: str) -> str:
        sqlite_synchronous(url)
        return url

    @field_validator("public_base_url")
    @classmethod
    def _no_trailing_slash(cls, url: str) -> str:
        return url.rstrip("/")

    @field_validator("api_token_sha256")
    @classmethod
    def _hex_digests(cls, digests: tuple[str, ...]) -> tuple[str, ...]:
        for digest in digests:
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ValueError("each entry must be a lower-case hex SHA-256 of a token")
        return digests

    @property
    def local_rules(self) -> LocalRules:
        """The suppressions as the Policy Decision Point takes them."""
        return LocalRules(
            suppressions=tuple(Suppression(s.service_type, s.action) for s in self.suppressions)
        )

    def enquiry_lane_width(self) -> int:
        """How many enquiries one worker answers at once.

        Answering is CPU work in Python: threads of one process only take turns on the
        interpreter lock, and with the default forty they spent much of the time handing it
        over (measured: 175 enquiries/s with many threads, 246 with one, two workers on
        SQLite). PostgreSQL's round trips release the lock, so a few threads overlap them.
        """
        if self.enquiry_threads is not None:
            return self.enquiry_threads
        return 1 if self.database_url.startswith("sqlite") else 4

    def passphrase(self) -> str | None:
        """The signing key's passphrase from the environment, if set."""
        return os.environ.get(self.signing_key_passphrase_env) or None

    def accepts_token(self, token: str) -> bool:
        """Whether ``token`` is one of the node's API tokens."""
        digest = hashlib.sha256(token.encode("utf-8")).hexdigest()
        # Constant-time comparison: a timing difference must not hint at a valid token.
        return any(hmac.compare_digest(digest, known) for known in self.api_token_sha256)


_PATH_KEYS = ("signing_key", "trust_anchor", "policies", "matching_model", "audit_subject_secret")


def _resolve(data: dict[str, Any], folder: Path) -> dict[str, Any]:
    resolved = dict(data)
    for key in _PATH_KEYS:
        value = resolved.get(key)
        if isinstance(value, str) and value and not Path(value).is_absolute():
            resolved[key] = str(folder / value)
    source = resolved.get("register_source")
    if (
        isinstance(source, str)
        and not source.startswith(("http://", "https://"))
        and not Path(source).is_absolute()
    ):
        resolved["register_source"] = str(folder / source)
    url = resolved.get("database_url")
    if isinstance(url, str) and url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        relative = url.removeprefix("sqlite:///")
        resolved["database_url"] = f"sqlite:///{folder / relative}"
    return resolved


def parse_config(text: str, source: str, folder: Path) -> NodeConfig:
    """The configuration in ``text`` (YAML) read from ``source``; errors name file and key."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise NodeConfigError(f"{source}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise NodeConfigError(f"{source}: must be a mapping of keys to values")
    try:
        return NodeConfig.model_validate(_resolve(data, folder))
    except ValidationError as error:
        problems = []
        for detail in error.errors():
            key = ".".join(str(step) for step in detail["loc"]) or "(file)"
            message = str(detail["msg"]).removeprefix("Value error, ")
            if detail["type"] == "extra_forbidden":
                message = "is not a key this configuration knows"
            problems.append(f"{source}: {key}: {message}")
        raise NodeConfigError("\n".join(problems)) from error


def load_config(path: Path) -> NodeConfig:
    """Read and check the node configuration file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise NodeConfigError(f"{path}: cannot read the configuration: {error}") from error
    return parse_config(text, str(path), path.resolve().parent)


def write_config(path: Path, config: NodeConfig) -> None:
    """Write ``config`` as YAML (paths as given), for ``singleview node init`` and the demo."""
    data = config.model_dump(mode="json", exclude_none=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
