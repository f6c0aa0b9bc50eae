"""The IG officer's tools, run through the real command-line app."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from singleview.cli import app
from singleview.db import create_engine, session_factory
from singleview.governance.policies import load_node_policies
from singleview.governance.review import submit_for_review

from .conftest import NOW, POLICE, agreement_document, context, version_of

runner = CliRunner()


def _write(folder: Path, name: str, doc: dict) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_validate_names_the_file_line_and_field(tmp_path):
    doc = agreement_document()
    doc["purposes"] = ["s17-child-in-need", "knitting"]
    path = _write(tmp_path, "dsa.yaml", doc)
    result = runner.invoke(app, ["policy", "validate", str(path)])
    assert result.exit_code == 1
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "knitting" in text)
    assert f"{path}:{line}: purposes[1]" in result.output
    assert "'knitting' is not a code in the purposes vocabulary" in result.output


def test_validate_prints_the_digest(tmp_path):
    _write(tmp_path, "dsa.yaml", agreement_document())
    result = runner.invoke(app, ["policy", "validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"sha256:{version_of(agreement_document()).digest}" in result.output


def test_explain_reads_like_an_agreement(tmp_path):
    path = _write(tmp_path, "dsa.yaml", agreement_document())
    result = runner.invoke(app, ["policy", "explain", str(path)])
    assert result.exit_code == 0, result.output
    assert "a data sharing agreement between the parties" in result.output
    assert "In force from 1 April 2025 to 31 March 2027." in result.output
    assert "through a social worker; team manager or health visitor" in result.output
    assert "if it does not, the enquiry is refused" in result.output


def _request(**overrides) -> dict:
    request = {
        "requester": {"id": "nhs-leeds-community", "type": "nhs-trust"},
        "role": "health-visitor",
        "purpose": "s17-child-in-need",
        "at": "2026-01-15T10:30:00Z",
        "claims": ["dsa-leeds-early-help"],
        "consent": {"status": "given", "scope": ["s17-child-in-need"]},
    }
    request.update(overrides)
    return request


def test_policy_test_runs_cases_and_fails_on_a_wrong_expectation(tmp_path):
    folder = tmp_path / "policies"
    folder.mkdir()
    _write(folder, "dsa.yaml", agreement_document())
    cases = {
        "cases": [
            {
                "name": "health visitor with consent",
                "request": _request(),
                "expect": {
                    "outcome": "PERMIT",
                    "policy": "dsa-leeds-early-help",
                    "obligations": [
                        "retain-max-30-days",
                        "no-onward-sharing",
                        "use-only-for-stated-purpose",
                    ],
                },
            },
            {
                "name": "no consent",
                "request": _request(consent=None),
                "expect": {"outcome": "DENY", "reasons": ["consent-missing"]},
            },
        ]
    }
    good = _write(tmp_path, "cases.yaml", cases)
    result = runner.invoke(app, ["policy", "test", str(good), "--policies", str(folder)])
    assert result.exit_code == 0, result.output
    assert "2/2 passed" in result.output

    cases["cases"][1]["expect"] = {"outcome": "PERMIT"}
    bad = _write(tmp_path, "bad-cases.yaml", cases)
    result = runner.invoke(app, ["policy", "test", str(bad), "--policies", str(folder)])
    assert result.exit_code == 1
    assert "FAIL no consent" in result.output
    assert "outcome DENY, expected PERMIT" in result.output


def test_what_if_says_what_is_missing(tmp_path):
    folder = tmp_path / "policies"
    folder.mkdir()
    _write(folder, "dsa.yaml", agreement_document())
    request = _write(tmp_path, "request.yaml", _request(consent=None, role="gp"))
    result = runner.invoke(app, ["policy", "what-if", str(request), "--policies", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Outcome: DENY" in result.output
    assert "For a PERMIT:" in result.output
    assert "role-not-permitted" in result.output
    assert "Record the consent the agreement needs" in result.output


def test_check_finds_conflicts_unreachable_permissions_and_expiring_agreements(tmp_path):
    folder = tmp_path / "policies"
    folder.mkdir()
    _write(folder, "dsa.yaml", agreement_document(endDate="2026-02-20"))
    rule = {
        "identifier": {"value": "no-health-to-schools", "system": "https://leeds.example"},
        "uri": "https://leeds.example/rules/1",
        "version": 1,
        "name": "Rule",
        "contact": "dpo@leeds.example",
        "route": "node-rule",
        "data": ["all"],
        "purposes": ["early-help"],
        "startDate": "2024-01-01",
        "endDate": "2099-12-31",
        "prohibitions": [
            {"description": "No health data to anyone", "dataCategories": ["health"]},
            {
                "description": "No s47 by team managers",
                "purposes": ["s47-enquiry"],
                "practitionerRoles": ["team-manager", "social-worker"],
            },
        ],
    }
    _write(folder, "rule.yaml", rule)
    result = runner.invoke(
        app, ["policy", "check", "--policies", str(folder), "--today", "2026-01-15"]
    )
    assert result.exit_code == 1, result.output
    assert "expiring" in result.output
    assert "in 36 days" in result.output
    assert "CONFLICT" not in result.output  # kinds are lower case, severities upper
    assert "conflict    dsa-leeds-early-help" in result.output
    assert "unreachable sv-statutory-s47" in result.output


def test_review_list_and_approve(tmp_path):
    url = f"sqlite:///{tmp_path / 'node.db'}"
    assert runner.invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    sessions = session_factory(create_engine(url))
    index = load_node_policies(sessions, folder=None, recorded_at=NOW)
    decision = index.decide(
        context(POLICE, practitioner_role="police-officer", purpose="missing-child")
    )
    item = submit_for_review(
        sessions,
        enquiry_id="enq-9",
        requester_org_id=POLICE,
        purpose="missing-child",
        decision=decision,
        created_at=NOW,
    )
    listed = runner.invoke(app, ["policy", "review", "list", "--database-url", url])
    assert item.id in listed.output
    assert "1 pending" in listed.output
    approved = runner.invoke(
        app,
        [
            "policy",
            "review",
            "approve",
            item.id,
            "--officer",
            "ig.jones",
            "--reason",
            "Missing overnight",
            "--database-url",
            url,
        ],
    )
    assert approved.exit_code == 0, approved.output
    assert "approved by ig.jones" in approved.output
    assert "Outcome: PERMIT" in approved.output
    again = runner.invoke(
        app,
        [
            "policy",
            "review",
            "refuse",
            item.id,
            "--officer",
            "x",
            "--reason",
            "y",
            "--database-url",
            url,
        ],
    )
    assert again.exit_code == 1
    assert "already approved by ig.jones" in again.output


def test_odrl_export_then_import_gives_the_same_digest(tmp_path):
    path = _write(tmp_path, "dsa.yaml", agreement_document())
    exported = runner.invoke(app, ["policy", "export-odrl", str(path)])
    assert exported.exit_code == 0, exported.output
    odrl = tmp_path / "dsa.jsonld"
    odrl.write_text(exported.output)
    imported = runner.invoke(app, ["policy", "import-odrl", str(odrl)])
    assert imported.exit_code == 0, imported.output
    back = _write(tmp_path, "back.yaml", yaml.safe_load(imported.output))
    validated = runner.invoke(app, ["policy", "validate", str(back)])
    assert f"sha256:{version_of(agreement_document()).digest}" in validated.output


def test_the_starter_cases_file_passes():
    cases = Path(__file__).parent / "cases" / "starter-policies.yaml"
    result = runner.invoke(app, ["policy", "test", str(cases)])
    assert result.exit_code == 0, result.output
    assert "6/6 passed" in result.output
