"""The information governance officer's pages: agreements, review queue, alerts, audit, insights."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Unpack

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from singleview.audit import EntryNotFoundError, LogEmptyError, LoggedEntry, ReceiptError
from singleview.audit import verify_receipt as check_receipt
from singleview.audit.counts import exchanges_per_practitioner, exchanges_since
from singleview.audit.refused import PARTNERS_REFUSED, WE_REFUSED, refused_since
from singleview.audit.storage import Narrowing
from singleview.audit.verify import verify_log
from singleview.governance import (
    ReviewAlreadySettledError,
    ReviewNotFoundError,
    approve_review,
    get_review,
    pending_reviews,
    refuse_review,
)
from singleview.governance import storage as policy_store
from singleview.governance.documents import PolicyDocumentError, parse_policy, policy_version
from singleview.governance.explain import explain_policy, missing_for_permit
from singleview.governance.policies import record_policies
from singleview.governance.storage import PolicyVersionConflictError
from singleview.standards.vocabulary import label_of
from singleview.trust.storage import list_refusals
from singleview.web.auth import form_of, require
from singleview.web.charts import bar_chart_svg, legend
from singleview.web.insights import RESPONDER_KINDS, insight_charts, unusual_volumes
from singleview.web.pages import Pages
from singleview.web.reasons import (
    ReasonLine,
    logged_reason_lines,
    reason_lines,
    refusal_lines,
    without_code,
)

AUDIT_PAGE_SIZE = 100
#: The audit page counts matching entries up to this many, then says "more than".
AUDIT_COUNT_UP_TO = 10_000
ALERT_WINDOW = dt.timedelta(days=7)
#: The most refusals of each kind the alerts page lists, newest first.
ALERT_LIST_LIMIT = 200
#: How far back unusual volumes are counted, how far before that a requester's usual is taken
#: from, and how many days the insight charts show.
VOLUME_WINDOW = dt.timedelta(hours=24)
VOLUME_BASELINE = dt.timedelta(days=14)
INSIGHT_DAYS = 14


def policy_yaml(document: dict[str, Any]) -> str:
    """A policy document as YAML an officer can edit, keys in the order the model gives them."""
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=88)


def ig_router(pages: Pages) -> APIRouter:
    """The IG officer's routes."""
    node = pages.node
    router = APIRouter(prefix="/ig", include_in_schema=False)

    def not_found(request: Request, message: str) -> HTMLResponse:
        signed = require(node, request, "ig-officer")
        return pages.render(
            request, "not_found.html", signed=signed, message=message, status_code=404
        )

    def entries(**narrowed: Unpack[Narrowing]) -> list[LoggedEntry]:
        return [] if node.audit_log is None else node.audit_log.entries_where(**narrowed)

    # --- agreements ---------------------------------------------------------------------------

    @router.get("/agreements")
    def agreements(request: Request) -> HTMLResponse:
        signed = require(node, request, "ig-officer")
        with node.sessions() as session:
            current = policy_store.current_policy_versions(session)
        current.sort(key=lambda v: (v.policy.status != "active", v.policy.name))
        return pages.render(
            request,
            "ig/agreements.html",
            signed=signed,
            section="/ig/agreements",
            policies=current,
        )

    def history(policy_id: str) -> list[Any]:
        with node.sessions() as session:
            return policy_store.policy_history(session, policy_id)

    @router.get("/agreements/{policy_id}")
    def agreement(request: Request, policy_id: str, changed: str | None = None) -> HTMLResponse:
        signed = require(node, request, "ig-officer")
        versions = history(policy_id)
        if not versions:
            return not_found(request, f"This node holds no agreement called {policy_id}.")
        current = versions[-1]
        return pages.render(
            request,
            "ig/agreement.html",
            signed=signed,
            section="/ig/agreements",
            current=current,
            explanation=explain_policy(current).split("\n"),
            versions=list(reversed(versions)),
            changed=changed,
        )

    def new_version_page(
        request: Request, policy_id: str, text: str | None, errors: dict[str, str]
    ) -> HTMLResponse:
        signed = require(node, request, "ig-officer")
        versions = history(policy_id)
        if not versions:
            return not_found(request, f"This node holds no agreement called {policy_id}.")
        current = versions[-1]
        if text is None:
            document = current.policy.model_dump(mode="json", by_alias=True, exclude_none=True)
            document["version"] = current.version + 1
            text = policy_yaml(document)
        return pages.render(
            request,
            "ig/new_version.html",
            signed=signed,
            section="/ig/agreements",
            current=current,
            values={"document": text},
            errors=errors,
            status_code=400 if errors else 200,
        )

    @router.get("/agreements/{policy_id}/new-version")
    def new_version(request: Request, policy_id: str) -> HTMLResponse:
        return new_version_page(request, policy_id, None, {})

    def record(policy_id: str, text: str, officer: str) -> str | None:
        """Keep a new version; returns an error message, or None once it is recorded."""
        try:
            version = parse_policy(text, f"new version of {policy_id}")
        except PolicyDocumentError as error:
            first = error.problems[0] if error.problems else ("", None, str(error))
            field, line, message = first
            where = f"line {line}, " if line else ""
            return f"The document is not a valid agreement: {where}{field or 'document'}: {message}"
        if version.policy_id != policy_id:
            return f"The identifier must stay {policy_id}; a new agreement is added as a file"
        current = history(policy_id)[-1]
        if version.version <= current.version:
            return f"The version must be higher than {current.version}, the one in force"
        try:
            record_policies(node.sessions, [(version, f"web:{officer}")], recorded_at=node.clock())
        except PolicyVersionConflictError as error:
            return str(error)
        if node.on_policies_changed is not None:
            node.on_policies_changed()
        return None

    @router.post("/agreements/{policy_id}/new-version")
    async def new_version_post(request: Request, policy_id: str) -> Response:
        signed, form = await form_of(node, request, "ig-officer")
        text = str(form.get("document", ""))
        problem = (
            "Enter the agreement"
            if not text.strip()
            else record(policy_id, text, signed.user.username)
        )
        if problem:
            return new_version_page(request, policy_id, text, {"document": problem})
        return RedirectResponse(f"/ig/agreements/{policy_id}?changed=version", status_code=303)

    @router.post("/agreements/{policy_id}/suspend")
    async def suspend(request: Request, policy_id: str) -> Response:
        signed, _form = await form_of(node, request, "ig-officer")
        versions = history(policy_id)
        if not versions:
            return not_found(request, f"This node holds no agreement called {policy_id}.")
        current = versions[-1]
        # Suspending is a new version marked withdrawn, so the record of what was in force when
        # stays whole; bringing it back is another new version marked active.
        suspended = policy_version(
            current.policy.model_copy(
                update={"status": "withdrawn", "version": current.version + 1}
            )
        )
        record_policies(
            node.sessions, [(suspended, f"web:{signed.user.username}")], recorded_at=node.clock()
        )
        if node.on_policies_changed is not None:
            node.on_policies_changed()
        return RedirectResponse(f"/ig/agreements/{policy_id}?changed=suspended", status_code=303)

    # --- review queue -------------------------------------------------------------------------

    @router.get("/review")
    def review_queue(request: Request, settled: str | None = None) -> HTMLResponse:
        signed = require(node, request, "ig-officer")
        return pages.render(
            request,
            "ig/review_queue.html",
            signed=signed,
            section="/ig/review",
            items=pending_reviews(node.sessions),
            settled=settled,
            organisation=organisation_name,
        )

    def organisation_name(organisation_id: str) -> str:
        if node.register is not None:
            try:
                found = node.register.current().find(organisation_id)
            except Exception:  # an unusable register only costs the name
                found = None
            if found is not None:
                return found.name
        return organisation_id

    def name_and_id(organisation_id: str) -> str:
        name = organisation_name(organisation_id)
        return organisation_id if name == organisation_id else f"{name} ({organisation_id})"

    def review_page(
        request: Request, item_id: str, errors: dict[str, str], values: dict[str, str]
    ) -> HTMLResponse:
        signed = require(node, request, "ig-officer")
        try:
            item = get_review(node.sessions, item_id)
        except ReviewNotFoundError:
            return not_found(request, "There is no review with that reference.")
        related = entries(request_id=item.enquiry_id)
        held = node.held_enquiry(item.id) if node.held_enquiry is not None else None
        matches = [e.entry.match for e in related if e.entry.match is not None]
        policy = item.decision.policy
        agreement_name = None
        if policy is not None:
            named = [
                v.policy.name for v in history(policy.policy_id) if v.version == policy.version
            ]
            agreement_name = named[0] if named else None
        failed_codes = [r.code for r in item.decision.failed()]
        return pages.render(
            request,
            "ig/review_item.html",
            signed=signed,
            section="/ig/review",
            item=item,
            requester=organisation_name(item.requester_org_id),
            agreement_name=agreement_name,
            reasons=reason_lines(item.decision.reasons),
            missing=[
                without_code(line, failed_codes) for line in missing_for_permit(item.decision)
            ],
            match=matches[-1] if matches else None,
            related=related,
            subject=held.subject if held is not None else None,
            errors=errors,
            values=values,
            status_code=400 if errors else 200,
        )

    @router.get("/review/{item_id}")
    def review_item(request: Request, item_id: str) -> HTMLResponse:
        return review_page(request, item_id, {}, {})

    @router.post("/review/{item_id}")
    async def review_decide(request: Request, item_id: str) -> Response:
        signed, form = await form_of(node, request, "ig-officer")
        values = {"decision": str(form.get("decision", "")), "reason": str(form.get("reason", ""))}
        errors: dict[str, str] = {}
        if values["decision"] not in ("approve", "refuse"):
            errors["decision"] = "Select whether to approve or refuse the enquiry"
        if not values["reason"].strip():
            errors["reason"] = "Enter the reason for your decision"
        if errors:
            return review_page(request, item_id, errors, values)
        settle = approve_review if values["decision"] == "approve" else refuse_review
        try:
            settle(
                node.sessions,
                item_id,
                officer=f"{signed.user.display_name} ({signed.user.username})",
                reason=values["reason"],
                decided_at=node.clock(),
            )
        except ReviewNotFoundError:
            return not_found(request, "There is no review with that reference.")
        except ReviewAlreadySettledError as error:
            return review_page(request, item_id, {"decision": str(error)}, values)
        if node.on_review_settled is not None:
            node.on_review_settled(item_id)
        verdict = "approved" if values["decision"] == "approve" else "refused"
        return RedirectResponse(f"/ig/review?settled={verdict}", status_code=303)

    # --- alerts -------------------------------------------------------------------------------

    @router.get("/alerts")
    def alerts(request: Request) -> HTMLResponse:
        signed = require(node, request, "ig-officer")
        now = node.clock()
        refusals = list_refusals(node.engine, since=now - ALERT_WINDOW, limit=ALERT_LIST_LIMIT)

        def refused_of(kinds: tuple[str, ...]) -> list[tuple[LoggedEntry, list[ReasonLine]]]:
            found = refused_since(node.engine, now - ALERT_WINDOW, ALERT_LIST_LIMIT, kinds)
            return [(logged, refusal_lines(logged.entry.decision)) for logged in found]

        # Only what we answered counts, and a requester's own entries are most of its log.
        counts = exchanges_per_practitioner(
            node.engine,
            since=now - VOLUME_WINDOW - VOLUME_BASELINE,
            split_at=now - VOLUME_WINDOW,
            until=now,
            kinds=RESPONDER_KINDS,
        )
        volumes = unusual_volumes(
            counts,
            window=VOLUME_WINDOW,
            baseline=VOLUME_BASELINE,
            floor=node.volume_alert_floor,
            factor=node.volume_alert_factor,
        )
        return pages.render(
            request,
            "ig/alerts.html",
            signed=signed,
            section="/ig/alerts",
            refusals=refusals,
            refused=refused_of(WE_REFUSED),
            refused_us=refused_of(PARTNERS_REFUSED),
            list_limit=ALERT_LIST_LIMIT,
            named=name_and_id,
            volumes=volumes,
            baseline_days=VOLUME_BASELINE.days,
            days=ALERT_WINDOW.days,
        )

    # --- audit log ----------------------------------------------------------------------------

    @router.get("/audit")
    def audit(
        request: Request, q: str = "", organisation: str = "", kind: str = "", before: str = ""
    ) -> HTMLResponse:
        signed = require(node, request, "ig-officer")
        found: list[LoggedEntry] = []
        total = 0
        # A page further back starts before an entry; anything but an entry number (ASCII
        # digits that fit the column) in ``before`` is ignored.
        start = int(before) if re.fullmatch(r"[0-9]{1,18}", before) else None
        if node.audit_log is not None:
            # Narrowed and counted in the database: a log grows to millions of entries.
            narrowed = Narrowing(
                organisation=organisation.strip() or None,
                mentioning=q.strip() or None,
                kinds=(kind,) if kind else None,
            )
            # One more than a page, to know whether there are older ones to link to.
            this_page = narrowed | Narrowing(before=start)
            found = node.audit_log.entries_where(newest=AUDIT_PAGE_SIZE + 1, **this_page)
            found.reverse()
            total = node.audit_log.count_where(**narrowed, up_to=AUDIT_COUNT_UP_TO)
        shown = found[:AUDIT_PAGE_SIZE]
        return pages.render(
            request,
            "ig/audit.html",
            signed=signed,
            section="/ig/audit",
            entries=shown,
            total=total,
            count_up_to=AUDIT_COUNT_UP_TO,
            before=start,
            older=shown[-1].index if len(found) > AUDIT_PAGE_SIZE else None,
            values={"q": q, "organisation": organisation, "kind": kind},
            configured=node.audit_log is not None,
        )

    @router.get("/audit/verify")
    def audit_verify(request: Request) -> HTMLResponse:
        signed = require(node, request, "ig-officer")
        report = None
        if node.audit_log is not None and node.audit_public_keys is not None:
            report = verify_log(node.engine, node.audit_log.log_id, node.audit_public_keys)
        return pages.render(
            request, "ig/audit_verify.html", signed=signed, section="/ig/audit", report=report
        )

    @router.get("/audit/{index}")
    def audit_entry(request: Request, index: int) -> HTMLResponse:
        signed = require(node, request, "ig-officer")
        if node.audit_log is None:
            return not_found(request, "This node has no audit log configured.")
        try:
            logged = node.audit_log.entry(index)
            receipt = node.audit_log.receipt(index)
        except (EntryNotFoundError, LogEmptyError):
            return not_found(request, f"The audit log has no entry {index} signed yet.")
        proof_problem = None
        if node.audit_public_keys is not None:
            try:
                check_receipt(receipt, node.audit_public_keys, log_id=node.audit_log.log_id)
            except (ReceiptError, ValueError) as error:
                proof_problem = str(error)
        return pages.render(
            request,
            "ig/audit_entry.html",
            signed=signed,
            section="/ig/audit",
            logged=logged,
            receipt=receipt,
            checked=node.audit_public_keys is not None,
            proof_problem=proof_problem,
            named=name_and_id,
            reasons=logged_reason_lines(
                logged.entry.decision.reasons if logged.entry.decision else ()
            ),
            record=logged.canonical_bytes().decode("ascii"),
        )

    # --- insights -----------------------------------------------------------------------------

    @router.get("/insights")
    def insights(request: Request) -> HTMLResponse:
        signed = require(node, request, "ig-officer")
        today = node.clock().date()
        first = today - dt.timedelta(days=INSIGHT_DAYS - 1)
        since = dt.datetime.combine(first, dt.time(), dt.UTC)
        charts = insight_charts(
            exchanges_since(node.engine, since),
            node.organisation_id,
            today,
            days=INSIGHT_DAYS,
            purpose_name=lambda code: label_of("purposes", code),
            partner_name=organisation_name,
        )
        drawn = [(chart, bar_chart_svg(chart), legend(chart)) for chart in charts]
        return pages.render(
            request, "ig/insights.html", signed=signed, section="/ig/insights", charts=drawn
        )

    return router
