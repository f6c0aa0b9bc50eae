"""A fault no rule foresaw still reaches a FHIR client as an OperationOutcome, telling nothing."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from singleview.exchange.app import create_app
from singleview.exchange.network import build_network
from singleview.exchange.node import open_node_from_file
from singleview.standards.fhir import enquiry_to_json
from singleview.trust.keys import load_signing_key
from singleview.trust.signing import SIGNATURE_HEADER, sign_request
from tests.exchange import world
from tests.exchange.conftest import PORTS, s47_enquiry


def test_a_broken_audit_log_is_a_500_operation_outcome_naming_nothing(tmp_path: Path) -> None:
    specs = [s for s in world.specs(PORTS) if s.organisation_id in ("council-csc", "police")]
    network = build_network(tmp_path, specs, {"police": world.records()["police"]})
    police = open_node_from_file(network.configs["police"])
    try:
        # A real fault: the audit log's table is gone, so the answer cannot be logged.
        with police.engine.begin() as conn:
            conn.execute(text("DROP TABLE audit_entry"))
        url = police.config.public_base_url + "/fhir/Patient/$person-info-query"
        body = json.dumps(enquiry_to_json(s47_enquiry(world.JANE))).encode()
        token = sign_request(
            load_signing_key(network.key_files["council-csc"]),
            issuer="council-csc", audience="police", method="POST", uri=url, body=body,
        ).token  # fmt: skip
        app = create_app(police, manage_node=False)
        with TestClient(app, raise_server_exceptions=False) as client:
            answer = client.post(
                url,
                content=body,
                headers={SIGNATURE_HEADER: token, "Content-Type": "application/fhir+json"},
            )
            elsewhere = client.get("/health-of-nothing-that-fails")
    finally:
        police.close()
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith("application/fhir+json")
    outcome = answer.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert [(i["severity"], i["code"]) for i in outcome["issue"]] == [("fatal", "exception")]
    # Neither the fault nor anything about the person.
    for secret in ("audit_entry", "sqlite", "Jane", "POL-", "Traceback"):
        assert secret.lower() not in answer.text.lower()
    assert elsewhere.status_code == 404
