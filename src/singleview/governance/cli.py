"""``singleview policy ...``: tools for IG officers (validate, explain, test, check, what-if,
and the review queue). Thin: every command calls the governance functions and prints."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
import yaml
from sqlalchemy.orm import Session, sessionmaker

from singleview.db import create_engine, session_factory
from singleview.governance.cases import CaseFileError, load_cases, load_request, run_case
from singleview.governance.checks import check_policies
from singleview.governance.documents import (
    POLICY_SUFFIXES,
    PolicyDocumentError,
    PolicyFolderError,
    PolicyVersion,
    load_policy_file,
    load_policy_folder,
    starter_policies,
)
from singleview.governance.explain import explain_decision, explain_policy, missing_for_permit
from singleview.governance.odrl import export_odrl, import_odrl
from singleview.governance.pdp import PolicyIndex, compile_policies
from singleview.governance.review import (
    ReviewAlreadySettledError,
    ReviewNotFoundError,
    approve_review,
    pending_reviews,
    refuse_review,
)
from singleview.settings import get_settings

policy_app = typer.Typer(help="Sharing policies and the review queue.", no_args_is_help=True)
review_app = typer.Typer(help="Enquiries waiting for an IG officer.", no_args_is_help=True)
policy_app.add_typer(review_app, name="review")

POLICIES_OPTION = typer.Option(None, "--policies", help="A folder of policy files.")
STARTERS_OPTION = typer.Option(True, "--starters/--no-starters", help="Include starter policies.")


def _read(paths: list[Path]) -> list[PolicyVersion]:
    versions: list[PolicyVersion] = []
    for path in paths:
        if path.is_dir():
            versions.extend(load_policy_folder(path))
        else:
            versions.append(load_policy_file(path))
    return versions


def _policies(folder: Path | None, starters: bool) -> list[PolicyVersion]:
    try:
        return (starter_policies() if starters else []) + (_read([folder]) if folder else [])
    except (PolicyDocumentError, PolicyFolderError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc


def _index(folder: Path | None, starters: bool) -> PolicyIndex:
    return compile_policies(_policies(folder, starters))


@policy_app.command("validate")
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Policy files or folders.")],
) -> None:
    """Check policy documents; print each one's id, version and digest, or every error."""
    failed = False
    files: list[Path] = []
    for path in paths:
        files.extend(
            sorted(p for p in path.iterdir() if p.suffix in POLICY_SUFFIXES)
            if path.is_dir()
            else [path]
        )
    for file in files:
        try:
            v = load_policy_file(file)
        except PolicyDocumentError as exc:
            failed = True
            typer.echo(str(exc), err=True)
            continue
        typer.echo(f"ok {file}: {v.policy_id} version {v.version} sha256:{v.digest}")
    if failed:
        raise typer.Exit(1)


@policy_app.command("explain")
def explain(path: Annotated[Path, typer.Argument(help="A policy file.")]) -> None:
    """Print a policy in plain English."""
    try:
        typer.echo(explain_policy(load_policy_file(path)))
    except PolicyDocumentError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc


@policy_app.command("export-odrl")
def export_odrl_command(path: Annotated[Path, typer.Argument(help="A policy file.")]) -> None:
    """Print a policy as W3C ODRL 2.2 JSON-LD (purposes and legal bases as DPV terms)."""
    try:
        typer.echo(json.dumps(export_odrl(load_policy_file(path).policy), indent=2))
    except PolicyDocumentError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc


@policy_app.command("import-odrl")
def import_odrl_command(
    path: Annotated[Path, typer.Argument(help="An ODRL JSON-LD file.")],
) -> None:
    """Read ODRL 2.2 JSON-LD (our profile) and print it as a SharingPolicy YAML document."""
    try:
        policy = import_odrl(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        typer.echo(f"{path}: {exc}", err=True)
        raise typer.Exit(1) from exc
    document = policy.model_dump(mode="json", by_alias=True, exclude_none=True)
    typer.echo(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))


@policy_app.command("test")
def run_tests(
    cases: Annotated[Path, typer.Argument(help="A YAML file of cases.")],
    policies: Path | None = POLICIES_OPTION,
    starters: bool = STARTERS_OPTION,
) -> None:
    """Run YAML test cases (request in, expected outcome and reasons out), like ``opa test``."""
    index = _index(policies, starters)
    try:
        case_file = load_cases(cases)
    except CaseFileError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    results = [run_case(case, index) for case in case_file.cases]
    for result in results:
        status = "PASS" if result.passed else "FAIL"
        typer.echo(f"{status} {result.name}")
        for problem in result.problems:
            typer.echo(f"     {problem}")
    failures = sum(not r.passed for r in results)
    typer.echo(f"{len(results) - failures}/{len(results)} passed")
    if failures:
        raise typer.Exit(1)


@policy_app.command("check")
def check(
    policies: Path | None = POLICIES_OPTION,
    starters: bool = STARTERS_OPTION,
    today: str | None = typer.Option(None, help="Check as at this date (YYYY-MM-DD)."),
) -> None:
    """Find conflicts, unreachable permissions and agreements ending within 60 days."""
    day = dt.date.fromisoformat(today) if today else dt.datetime.now(dt.UTC).date()
    findings = check_policies(_policies(policies, starters), day)
    for f in findings:
        typer.echo(f"{f.severity.upper():7} {f.kind:11} {f.policy_id}: {f.message}")
    if not findings:
        typer.echo("no findings")
    if any(f.severity == "error" for f in findings):
        raise typer.Exit(1)


@policy_app.command("what-if")
def what_if(
    request: Annotated[Path, typer.Argument(help="A YAML request.")],
    policies: Path | None = POLICIES_OPTION,
    starters: bool = STARTERS_OPTION,
) -> None:
    """Decide a request and say what is missing for a PERMIT."""
    index = _index(policies, starters)
    try:
        spec = load_request(request)
    except CaseFileError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    decision = index.decide(spec.to_context(index))
    typer.echo(explain_decision(decision))
    missing = missing_for_permit(decision)
    if missing:
        typer.echo("For a PERMIT:")
        for line in missing:
            typer.echo(f"  - {line}")


def _sessions(database_url: str | None) -> sessionmaker[Session]:
    return session_factory(create_engine(database_url or get_settings().database_url))


DATABASE_OPTION = typer.Option(None, "--database-url", help="Defaults to the node's.")


@review_app.command("list")
def review_list(database_url: str | None = DATABASE_OPTION) -> None:
    """List the enquiries waiting for an IG officer."""
    items = pending_reviews(_sessions(database_url))
    for item in items:
        policy = item.decision.policy.policy_id if item.decision.policy else "-"
        typer.echo(
            f"{item.id}  {item.created_at:%Y-%m-%d %H:%M}  {item.requester_org_id}  "
            f"{item.purpose}  {policy}  enquiry {item.enquiry_id}"
        )
    typer.echo(f"{len(items)} pending")


def _settle(approve: bool, item_id: str, officer: str, reason: str, url: str | None) -> None:
    action = approve_review if approve else refuse_review
    try:
        item = action(
            _sessions(url),
            item_id,
            officer=officer,
            reason=reason,
            decided_at=dt.datetime.now(dt.UTC),
        )
    except (ReviewNotFoundError, ReviewAlreadySettledError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    assert item.final_decision is not None
    typer.echo(f"{item.id} {item.status} by {item.decided_by} at {item.decided_at:%Y-%m-%d %H:%M}")
    typer.echo(explain_decision(item.final_decision))


@review_app.command("approve")
def review_approve(
    item_id: str,
    officer: str = typer.Option(..., "--officer", help="Who is approving."),
    reason: str = typer.Option(..., "--reason", help="Why."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Approve a pending enquiry on the terms the PDP set out."""
    _settle(True, item_id, officer, reason, database_url)


@review_app.command("refuse")
def review_refuse(
    item_id: str,
    officer: str = typer.Option(..., "--officer", help="Who is refusing."),
    reason: str = typer.Option(..., "--reason", help="Why."),
    database_url: str | None = DATABASE_OPTION,
) -> None:
    """Refuse a pending enquiry."""
    _settle(False, item_id, officer, reason, database_url)
