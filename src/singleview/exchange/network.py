"""Build a whole network of nodes in one folder: authority, keys, register, policies, records.

Used by ``make demo``, by the end-to-end tests and by the benchmark, so all three run the very
same set-up a real area would do by hand (``docs/running-a-node.md``): one register authority,
one keyring per organisation, a signed register listing every endpoint, a multi-agency sharing
agreement held by every party, each node's configuration file, and a migrated database with the
node's records indexed for matching and its front-door contact set.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from singleview.db import create_engine, migrate, session_factory
from singleview.exchange.config import NodeConfig, SuppressionRule, write_config
from singleview.matching.service import index_callback
from singleview.records.models import StoredPerson
from singleview.records.service import import_records, set_organisation_contact
from singleview.standards.involvement import OrganisationContact
from singleview.standards.organisation import Organisation
from singleview.trust.keys import KEY_FILE_SUFFIX, create_keyring, load_signing_key, read_keyring
from singleview.trust.register import RegisterDraft, issue, sign_register, write_json

AUTHORITY_ID = "register-authority"
AGREEMENT_ID = "local-multi-agency-agreement"
REGISTER_FILE = "register.jws"
ANCHOR_FILE = "anchor.jwks.json"


@dataclass(frozen=True)
class NodeSpec:
    """One organisation of the network and how its node is set up."""

    organisation_id: str
    name: str
    organisation_type: str
    services: tuple[str, ...]
    port: int
    contact: OrganisationContact | None = None
    suppressions: tuple[SuppressionRule, ...] = ()
    #: Listed in the register as technically live (a node that will be asked).
    technical_status: str = "active"
    #: Endpoint to register, when it is not this node's own loopback port (test doubles).
    endpoint: str | None = None


@dataclass(frozen=True)
class Network:
    """What ``build_network`` made: where each node's configuration is, and the API token."""

    folder: Path
    configs: dict[str, Path]
    endpoints: dict[str, str]
    api_token: str
    key_files: dict[str, Path] = field(default_factory=dict)


def agreement_policy(parties: Sequence[NodeSpec], today: dt.date) -> dict[str, Any]:
    """The local multi-agency agreement every party holds (the same text, so the same digest)."""
    return {
        "identifier": {"value": AGREEMENT_ID, "system": "https://singleview.org.uk/policy"},
        "uri": f"https://singleview.org.uk/policy/{AGREEMENT_ID}",
        "version": 1,
        "name": "Northmoor multi-agency safeguarding data sharing agreement",
        "contact": "Northmoor Safeguarding Children Partnership information governance group",
        "status": "active",
        "route": "agreement",
        "parties": [{"name": p.name, "catalogueIds": [p.organisation_id]} for p in parties],
        "data": ["Records of the person and of each party's involvement with them"],
        "purposes": ["s17-child-in-need", "strategy-discussion", "mash-triage", "missing-child"],
        "startDate": (today - dt.timedelta(days=365)).isoformat(),
        "endDate": (today + dt.timedelta(days=365)).isoformat(),
        "permittedUses": ["read"],
        "restrictions": ["distribute", "sell"],
        "dataRecipientResponsibilities": ["use-only-for-stated-purpose", "record-in-case-file"],
        "securityMeasures": ["Signed requests and answers between organisations in the register"],
        "legalCompliance": ["uk-gdpr-6-1-e", "uk-gdpr-9-2-g", "dpa-2018-sch1-para18"],
        "permission": {
            "practitionerRoles": [
                "social-worker",
                "team-manager",
                "police-officer",
                "health-visitor",
                "designated-safeguarding-lead",
                "youth-justice-officer",
            ],
            "dataCategories": [
                "identity",
                "contact-details",
                "involvements",
                "professional-contact",
            ],
            "obligations": ["retain-max-30-days", "no-onward-sharing"],
        },
    }


#: A node-local statutory policy for v0.3 clients, which send only a ``reason``: no
#: practitioner, no case reference, so the starter s47 route refuses them. This one gives them
#: what v0.3 itself offered (a match and who to call, never involvements). Its id sorts after
#: ``sv-statutory-s47``, so an enquiry that satisfies the full route is decided by that first.
V03_POLICY_ID = "v03-s47-contact-only"


def v03_policy(today: dt.date) -> dict[str, Any]:
    """The v0.3 compatibility route: s47 from a local authority, contact details only."""
    return {
        "identifier": {"value": V03_POLICY_ID, "system": "https://singleview.org.uk/policy"},
        "uri": f"https://singleview.org.uk/policy/{V03_POLICY_ID}",
        "version": 1,
        "name": "Statutory route for v0.3 clients - s47, match and contact only",
        "contact": "The organisation's Data Protection Officer",
        "status": "active",
        "route": "statutory",
        "data": ["Whether this organisation knows the person, and who to call"],
        "purposes": ["s47-enquiry"],
        "startDate": (today - dt.timedelta(days=365)).isoformat(),
        "endDate": (today + dt.timedelta(days=365)).isoformat(),
        "permittedUses": ["read"],
        "restrictions": ["distribute", "sell"],
        "dataRecipientResponsibilities": ["use-only-for-stated-purpose", "record-in-case-file"],
        "legalCompliance": ["children-act-1989-s47", "uk-gdpr-6-1-e"],
        "permission": {
            "requesterOrganisationTypes": ["local-authority-childrens-social-care"],
            "dataCategories": ["identity", "contact-details"],
            "obligations": ["retain-max-30-days", "record-in-case-file"],
        },
    }


def _node_config(spec: NodeSpec, key_path: Path, token_digest: str, **options: Any) -> NodeConfig:
    return NodeConfig(
        organisation_id=spec.organisation_id,
        database_url="sqlite:///node.db",
        signing_key=key_path,
        register_source=f"../{REGISTER_FILE}",
        trust_anchor=Path(f"../authority/{ANCHOR_FILE}"),
        register_refresh_seconds=options.get("register_refresh_seconds", 60.0),
        policies=Path("policies"),
        suppressions=spec.suppressions,
        public_base_url=f"http://127.0.0.1:{spec.port}",
        partner_deadline_seconds=options.get("deadline", 5.0),
        review_poll_seconds=options.get("review_poll_seconds", 2.0),
        api_token_sha256=(token_digest,),
        audit_subject_secret=Path("audit-subject.secret"),
    )


def write_register(folder: Path, organisations: Sequence[Organisation], hours: float) -> None:
    """Sign (again) the register listing ``organisations`` with the authority's key."""
    authority = folder / "authority"
    keyring = read_keyring(authority)
    key = load_signing_key(keyring.current_key_path(authority))
    draft_path = folder / "register.draft.json"
    draft = (
        RegisterDraft.model_validate_json(draft_path.read_text(encoding="utf-8"))
        if draft_path.exists()
        else RegisterDraft(authority=AUTHORITY_ID)
    )
    draft = draft.model_copy(update={"organisations": tuple(organisations)})
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    register, updated = issue(draft, now, dt.timedelta(hours=hours))
    temporary = folder / (REGISTER_FILE + ".tmp")
    temporary.write_text(sign_register(register, key) + "\n", encoding="utf-8")
    temporary.replace(folder / REGISTER_FILE)
    write_json(draft_path, updated)


def load_records(
    database_url: str,
    people: Iterable[StoredPerson],
    contact: OrganisationContact | None,
    *,
    migrated: bool = False,
) -> int:
    """Migrate the node's database (unless ``migrated``), import ``people`` (indexed for
    matching) and set the contact."""
    if not migrated:
        migrate(database_url)
    engine = create_engine(database_url)
    try:
        with session_factory(engine)() as session:
            count = import_records(session, people, on_people_changed=index_callback(session))
            if contact is not None:
                set_organisation_contact(session, contact)
            session.commit()
        return count
    finally:
        engine.dispose()


def build_network(
    folder: Path,
    nodes: Sequence[NodeSpec],
    records: Mapping[str, Iterable[StoredPerson]],
    *,
    deadline: float = 5.0,
    review_poll_seconds: float = 2.0,
    register_hours: float = 24.0 * 7,
) -> Network:
    """Create the authority, every node's keys, configuration and database, and the register."""
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=2)
    create_keyring(folder / "authority", AUTHORITY_ID, now=now)
    write_json(folder / "authority" / ANCHOR_FILE, read_keyring(folder / "authority").jwks)
    token = secrets.token_urlsafe(24)
    (folder / "api-token.txt").write_text(token + "\n", encoding="utf-8")
    digest = hashlib.sha256(token.encode()).hexdigest()
    agreement = agreement_policy(nodes, now.date())
    organisations = []
    configs: dict[str, Path] = {}
    endpoints: dict[str, str] = {}
    key_files: dict[str, Path] = {}
    # Migrating once and copying the empty database keeps a fifty-node build quick.
    template = folder / "template.db"
    migrate(f"sqlite:///{template}")
    for spec in nodes:
        home = folder / spec.organisation_id
        (home / "policies").mkdir(parents=True, exist_ok=True)
        key = create_keyring(home / "keys", spec.organisation_id, now=now)
        key_path = Path("keys") / f"{key.kid}{KEY_FILE_SUFFIX}"
        key_files[spec.organisation_id] = home / key_path
        (home / "policies" / f"{AGREEMENT_ID}.yaml").write_text(
            yaml.safe_dump(agreement, sort_keys=False), encoding="utf-8"
        )
        (home / "policies" / f"{V03_POLICY_ID}.yaml").write_text(
            yaml.safe_dump(v03_policy(now.date()), sort_keys=False), encoding="utf-8"
        )
        secret = home / "audit-subject.secret"
        secret.write_bytes(secrets.token_bytes(32))
        secret.chmod(0o600)
        config = _node_config(
            spec, key_path, digest, deadline=deadline, review_poll_seconds=review_poll_seconds
        )
        write_config(home / "node.yaml", config)
        configs[spec.organisation_id] = home / "node.yaml"
        endpoint = spec.endpoint or f"http://127.0.0.1:{spec.port}"
        endpoints[spec.organisation_id] = endpoint
        organisations.append(
            Organisation.model_validate(
                {
                    "id": spec.organisation_id,
                    "name": spec.name,
                    "type": spec.organisation_type,
                    "services": list(spec.services),
                    "endpoint": endpoint,
                    "technicalStatus": spec.technical_status,
                    "jwks": read_keyring(home / "keys").jwks,
                    "agreements": [AGREEMENT_ID],
                    "verificationStatus": "verified",
                    "verificationDate": now.date(),
                }
            )
        )
        shutil.copyfile(template, home / "node.db")
        load_records(
            f"sqlite:///{home / 'node.db'}",
            records.get(spec.organisation_id, ()),
            spec.contact,
            migrated=True,
        )
    template.unlink()
    write_register(folder, organisations, register_hours)
    return Network(folder, configs, endpoints, token, key_files)


def serve_command(config: Path, *, port: int | None = None, workers: int = 1) -> list[str]:
    """``singleview node serve`` for ``config``, run by this interpreter as its own process."""
    command = [sys.executable, "-c", "from singleview.cli import app; app()", "node", "serve"]
    command += ["--config", str(config), "--workers", str(workers)]
    return command + (["--port", str(port)] if port is not None else [])


def stop_nodes(processes: Iterable[subprocess.Popen[bytes]], timeout: float = 15.0) -> None:
    """Ask every node process to stop as Ctrl-C would, then kill any that will not."""
    running = list(processes)
    for process in running:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    for process in running:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(
    network: Network,
    timeout: float = 300.0,
    processes: Iterable[subprocess.Popen[bytes]] = (),
) -> None:
    """Wait until every node answers ``/health`` with a usable register.

    With the nodes' ``processes`` (in the order of ``network.configs``), a node that exits
    while starting is reported at once with the end of its log, not after the timeout.
    """
    give_up = time.monotonic() + timeout
    pending = dict(network.endpoints)
    watched = list(zip(processes, network.configs.values(), strict=False))
    while pending:
        for organisation_id, endpoint in list(pending.items()):
            with contextlib.suppress(httpx.HTTPError, ValueError):
                if httpx.get(f"{endpoint}/health", timeout=1.0).json().get("registerUsable"):
                    del pending[organisation_id]
        for process, config in watched:
            if process.poll() is not None:
                log = (config.parent / "node.log").read_text(errors="replace")
                raise RuntimeError(f"node {config.parent.name} exited:\n{log[-3000:]}")
        if pending and time.monotonic() > give_up:
            raise RuntimeError(f"nodes did not start: {', '.join(pending)} (see node.log)")
        time.sleep(0.2)
