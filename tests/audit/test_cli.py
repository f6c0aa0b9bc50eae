"""``singleview audit ...`` end to end on a real database: verify, proof, export, report,
witness."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import yaml
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from joserfc.jwk import OKPKey
from typer.testing import CliRunner

from singleview.audit import AuditLog, TreeHeadSigner, enquiry_subject_key, verify_receipt
from singleview.cli import app
from singleview.db import create_engine
from singleview.standards.person import Person
from singleview.standards.receipt import Receipt
from singleview.trust.keys import create_keyring, read_keyring, rotate_keyring
from tests.audit.conftest import LOG_ID, PARTNER, make_entry
from tests.audit.tampering import cover_tracks, edit_entry

runner = CliRunner()


def _keys(signer: TreeHeadSigner, tmp_path: Path) -> tuple[Path, Path]:
    private = tmp_path / "node.pem"
    private.write_bytes(
        signer.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    )
    public = tmp_path / "node.pub.pem"
    public.write_bytes(
        signer.private_key.public_key().public_bytes(
            Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


def test_verify_proof_and_a_tampered_row(
    audit_log: AuditLog, signer: TreeHeadSigner, database_url: str, tmp_path: Path
) -> None:
    for n in range(9):
        audit_log.append(make_entry(n))
    _, public = _keys(signer, tmp_path)
    ok = runner.invoke(
        app, ["audit", "verify", "--key", str(public), "--database-url", database_url]
    )
    assert ok.exit_code == 0, ok.output
    assert f"log {LOG_ID}: 9 entries" in ok.output

    proof = runner.invoke(
        app, ["audit", "proof", "6", "--key", str(public), "--database-url", database_url]
    )
    assert proof.exit_code == 0, proof.output
    receipt = Receipt.model_validate_json(proof.output)
    assert receipt.leaf_index == 6
    verify_receipt(receipt, signer.private_key.public_key(), log_id=LOG_ID)

    edit_entry(audit_log.engine, 5)
    bad = runner.invoke(
        app, ["audit", "verify", "--key", str(public), "--database-url", database_url]
    )
    assert bad.exit_code == 1
    assert "first bad entry 5: entry 5: its record does not match its leaf hash" in bad.output


def test_report_by_person_and_organisation(audit_log: AuditLog, database_url: str) -> None:
    for n in range(6):
        audit_log.append(make_entry(n, record_id="rec-42" if n in (1, 4) else None))
    audit_log.append(make_entry(6, requester="org-school-7"))
    person = runner.invoke(
        app, ["audit", "report", "--person", "rec-42", "--database-url", database_url]
    )
    assert person.exit_code == 0, person.output
    lines = person.output.strip().splitlines()
    assert len(lines) == 2
    assert "req-00001" in lines[0]
    assert "s47-statutory v1.0" in lines[0]
    assert "involvements, contacts" in lines[0]
    assert f"{PARTNER} -> {LOG_ID}" in lines[1]
    school = runner.invoke(
        app, ["audit", "report", "--organisation", "org-school-7", "--database-url", database_url]
    )
    assert school.output.count("\n") == 1
    assert "req-00006" in school.output


def test_requester_subject_key_finds_the_enquiry(audit_log: AuditLog, database_url: str) -> None:
    secret = b"s" * 32
    person = Person.model_validate(
        {
            "names": [{"familyName": "Smith", "givenNames": ["Ann"]}],
            "dateOfBirth": {"date": "2015-03-02"},
        }
    )
    same_person = Person.model_validate(
        {
            "names": [{"familyName": "SMITH", "givenNames": ["ann"]}],
            "dateOfBirth": {"date": "2015-03-02"},
        }
    )
    key = enquiry_subject_key(secret, person)
    assert key == enquiry_subject_key(secret, same_person)
    assert key != enquiry_subject_key(b"t" * 32, person)
    entry = make_entry(1).model_copy(
        update={
            "kind": "enquiry-sent",
            "subject": make_entry(1).subject.model_copy(
                update={"record_id": None, "enquiry_key": key}
            ),
        }
    )
    audit_log.append(entry)
    found = runner.invoke(app, ["audit", "report", "--person", key, "--database-url", database_url])
    assert "enquiry-sent" in found.output
    assert "Smith" not in audit_log.entry(0).canonical_bytes().decode()


def test_prov_export(audit_log: AuditLog, database_url: str, tmp_path: Path) -> None:
    audit_log.append(
        make_entry(1).model_copy(
            update={"kind": "enquiry-received", "decision": None, "release": None}
        )
    )
    audit_log.append(make_entry(1))
    out = tmp_path / "prov.jsonld"
    result = runner.invoke(
        app, ["audit", "export", "--prov", "--output", str(out), "--database-url", database_url]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert document["@context"]["prov"] == "http://www.w3.org/ns/prov#"
    nodes = {node["@id"]: node for node in document["@graph"]}
    request = "urn:singleview:request:req-00001"
    enquiry, decision, release = (
        nodes[f"{request}:{step}"] for step in ("enquiry", "decision", "release")
    )
    for activity in (enquiry, decision, release):
        assert activity["@type"] == "prov:Activity"
    assert nodes[request]["@type"] == "prov:Entity"
    assert "urn:singleview:policy:s47-statutory:1.0" in decision["used"]
    assert decision["sv:outcome"] == "PERMIT"
    data = nodes[f"urn:singleview:data:{1:064x}"]
    assert data["wasGeneratedBy"] == f"{request}:release"
    assert data["sv:dataCategories"] == ["involvements", "contacts"]
    practitioner = nodes[f"urn:singleview:org:{PARTNER}:practitioner:pc-1"]
    assert "prov:Person" in practitioner["@type"]
    assert practitioner["actedOnBehalfOf"] == f"urn:singleview:org:{PARTNER}"
    assert "prov:Organization" in nodes[f"urn:singleview:org:{LOG_ID}"]["@type"]


def test_witness_command_names_the_partner_and_sizes(
    audit_log: AuditLog,
    signer: TreeHeadSigner,
    served_log: str,
    sqlite_url: str,
    tmp_path: Path,
) -> None:
    for n in range(6):
        audit_log.append(make_entry(n))
    jwk = OKPKey.import_key(signer.private_key.public_key()).as_dict(private=False)
    partners = tmp_path / "partners.yaml"
    partners.write_text(
        yaml.safe_dump([{"org_id": LOG_ID, "base_url": served_log, "public_key": jwk}])
    )
    witness_db = sqlite_url.replace("node.db", "witness.db")
    runner.invoke(app, ["db", "upgrade", "--database-url", witness_db])
    args = ["audit", "witness", "--partners", str(partners), "--database-url", witness_db]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert f"{LOG_ID}: first tree head seen, size 6" in first.output
    audit_log.append(make_entry(6))
    second = runner.invoke(app, args)
    assert f"{LOG_ID}: consistent, size 6 -> 7" in second.output

    edit_entry(audit_log.engine, 2)
    cover_tracks(audit_log.engine, signer, LOG_ID, timestamp=int(time.time() * 1000))
    caught = runner.invoke(app, args)
    assert caught.exit_code == 1
    assert f"FAILED {LOG_ID} rewrote its log" in caught.output
    assert "size 7" in caught.output


def test_verify_with_the_nodes_keyring_across_a_rotation(database_url: str, tmp_path: Path) -> None:
    # The node's real key store (Trust's keyring): heads signed before a rotation must still
    # verify, so verify takes every kid the keyring lists.
    keyring = tmp_path / "keys"
    first = create_keyring(keyring, LOG_ID)
    log = AuditLog(
        create_engine(database_url), LOG_ID, TreeHeadSigner(first.kid, first.private_key)
    )
    for n in range(3):
        log.append(make_entry(n))
    second, _ = rotate_keyring(keyring, overlap=dt.timedelta(days=1))
    log = AuditLog(log.engine, LOG_ID, TreeHeadSigner(second.kid, second.private_key))
    for n in range(3, 6):
        log.append(make_entry(n))
    args = ["audit", "verify", "--database-url", database_url, "--key"]
    result = runner.invoke(app, [*args, str(keyring)])
    assert result.exit_code == 0, result.output
    assert "6 signed tree heads verified" in result.output
    only_new = runner.invoke(app, [*args, str(keyring / f"{second.kid}.key.json")])
    assert only_new.exit_code == 1
    assert f"unknown key id {first.kid!r}" in only_new.output
    # Long after the overlap a further rotation drops the first key from the public set (so
    # the register), yet the archive keeps it and the old heads still verify.
    rotate_keyring(
        keyring,
        overlap=dt.timedelta(days=1),
        now=dt.datetime.now(dt.UTC) + dt.timedelta(days=30),
    )
    assert first.kid not in {key.kid for key in read_keyring(keyring).jwks.keys}
    archived = runner.invoke(app, [*args, str(keyring)])
    assert archived.exit_code == 0, archived.output
    assert "6 signed tree heads verified" in archived.output
