"""One running node: its configuration opened into the things both paths need.

A ``Node`` holds only what may differ between worker processes without harm: an engine, the
compiled policies, the match model, the key and a register cache (each worker refreshes its
own copy and they converge through the database). Everything that must be shared is in the
database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from singleview.audit import AuditLog, TreeHeadSigner
from singleview.db import create_engine, session_factory
from singleview.exchange.config import NodeConfig
from singleview.governance import LivePolicies, PolicyIndex, live_policies, load_live_policies
from singleview.governance.models import LocalRules
from singleview.matching.model import MatchModel, load_default_model, load_model
from singleview.records.service import organisation_contact
from singleview.standards.involvement import OrganisationContact
from singleview.trust.cache import RegisterCache
from singleview.trust.keys import SigningKey, load_signing_key
from singleview.trust.register import read_anchor
from singleview.wal import WalCheckpointer

#: Seconds a worker keeps its copy of the organisation's contact details.
CONTACT_TTL = 30.0


@dataclass
class Node:
    """A node opened from its configuration, ready to answer and to ask."""

    config: NodeConfig
    engine: Engine
    sessions: sessionmaker[Session]
    key: SigningKey
    register: RegisterCache
    live_policies: LivePolicies
    model: MatchModel
    audit: AuditLog
    subject_secret: bytes
    checkpoints: WalCheckpointer | None = field(default=None, repr=False)
    _contact: OrganisationContact | None = field(default=None, repr=False)
    _contact_read_at: float | None = field(default=None, repr=False)

    @property
    def organisation_id(self) -> str:
        """This node's register id."""
        return self.config.organisation_id

    @property
    def policies(self) -> PolicyIndex:
        """The policies in force; every worker re-checks the database at most once a second."""
        return self.live_policies.current()

    @policies.setter
    def policies(self, index: PolicyIndex) -> None:
        # This worker has just recorded a change itself: decide with it at once.
        self.live_policies.replace(index)

    @property
    def local_rules(self) -> LocalRules:
        """The node's suppressions."""
        return self.config.local_rules

    def contact(self) -> OrganisationContact | None:
        """The organisation's front door, re-read at most every ``CONTACT_TTL`` seconds.

        It changes rarely and is read on every answer; a short-lived copy per process is
        harmless (another worker sees a change at most that much later).
        """
        now = time.monotonic()
        if self._contact_read_at is None or now - self._contact_read_at > CONTACT_TTL:
            with self.sessions() as session:
                self._contact = organisation_contact(session)
            self._contact_read_at = now
        return self._contact

    def close(self) -> None:
        """Stop the checkpoints and release the database connections."""
        if self.checkpoints is not None:
            self.checkpoints.stop()
        self.engine.dispose()


def _subject_secret(config: NodeConfig, key: SigningKey) -> bytes:
    if config.audit_subject_secret is not None:
        secret = config.audit_subject_secret.read_bytes()
        if len(secret) < 32:
            raise ValueError(f"{config.audit_subject_secret}: needs at least 32 random bytes")
        return secret
    # Derived from the private key when no secret file is configured: still unguessable, but
    # it changes when the key rotates, so production nodes should configure a file.
    raw = key.private_key.private_bytes_raw()
    return hmac.new(raw, b"singleview audit subject key", hashlib.sha256).digest()


def _policies(config: NodeConfig, sessions: sessionmaker[Session]) -> LivePolicies:
    try:
        return load_live_policies(
            sessions, folder=config.policies, recorded_at=dt.datetime.now(dt.UTC)
        )
    except IntegrityError:
        # Another worker recorded the same versions at the same moment: read what it stored.
        return live_policies(sessions)


def open_node(config: NodeConfig, *, refresh_register: bool = True) -> Node:
    """Open the database, key, register copy, policies and model the configuration names.

    The database must already be migrated (``singleview node serve`` does that once, before
    starting its workers).
    """
    # Checkpoints run in a thread of their own, not inside an enquiry's commit (see wal.py).
    engine = create_engine(config.database_url, wal_autocheckpoint=False)
    sessions = session_factory(engine)
    key = load_signing_key(config.signing_key, config.passphrase())
    register = RegisterCache(read_anchor(config.trust_anchor), config.register_source, engine)
    if refresh_register:
        register.refresh()
    model = load_model(config.matching_model) if config.matching_model else load_default_model()
    audit = AuditLog(engine, config.organisation_id, TreeHeadSigner(key.kid, key.private_key))
    return Node(
        config=config,
        engine=engine,
        sessions=sessions,
        key=key,
        register=register,
        live_policies=_policies(config, sessions),
        model=model,
        audit=audit,
        subject_secret=_subject_secret(config, key),
        checkpoints=WalCheckpointer(engine).start(),
    )


def open_node_from_file(path: Path, *, refresh_register: bool = True) -> Node:
    """Read the configuration file at ``path`` and open the node it describes."""
    from singleview.exchange.config import load_config

    return open_node(load_config(path), refresh_register=refresh_register)
