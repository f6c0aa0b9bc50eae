"""The responder path, as plain function calls: decide, match, release, log, answer.

Only ``app.py`` speaks HTTP; here an authenticated, parsed enquiry goes in and a ``Prepared``
answer comes out, which becomes a ``Reply`` (status, FHIR JSON, headers) once its log entry
is committed. The decision is made before matching, so a refusal can never depend on, or
reveal, whether the person is known here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from singleview.audit import (
    AuditEntry,
    DecisionRecord,
    MatchRecord,
    PolicyReference,
    Practitioner,
    ReleaseRecord,
    SubjectReference,
    enquiry_subject_key,
)
from singleview.audit.models import canonical_json
from singleview.exchange import storage
from singleview.exchange.node import Node
from singleview.exchange.release import release, released_categories
from singleview.governance import (
    Decision,
    context_from_enquiry,
    get_review,
    submit_for_review,
)
from singleview.matching.result import MatchResult, waterfall_rows
from singleview.matching.service import match
from singleview.records.service import involvements_for
from singleview.standards.answer import Answer
from singleview.standards.enquiry import Enquiry
from singleview.standards.fhir import answer_to_json, refusal_outcome, to_json
from singleview.standards.fhir.answer_json import receipt_parameter_json
from singleview.standards.organisation import Organisation
from singleview.standards.receipt import Receipt

#: Seconds a requester is asked to wait between polls of a held enquiry.
RETRY_AFTER_SECONDS = 10


@dataclass(frozen=True)
class Reply:
    """What the HTTP edge sends back: a status, a FHIR JSON body and any extra headers."""

    status: int
    content: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Prepared:
    """An answer waiting only for its log entry: ``finish`` turns the entry's receipt into
    the reply. The HTTP edge logs many of these together (see ``singleview.group_commit``)."""

    entry: AuditEntry
    finish: Callable[[Receipt], Reply]

    def logged_by(self, node: Node) -> Reply:
        """Log the entry on its own and return the reply."""
        return self.finish(node.audit.append(self.entry))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def digest_of(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of a JSON body in canonical form (sorted keys, no spaces, ASCII)."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def _practitioner(enquiry: Enquiry) -> Practitioner:
    if enquiry.practitioner is None:
        # A v0.3 request names nobody; the log says so rather than inventing someone.
        return Practitioner(id="not-given", role="not-given")
    return Practitioner(id=enquiry.practitioner.identifier, role=enquiry.practitioner.role)


def _decision_record(decision: Decision) -> DecisionRecord:
    return DecisionRecord(
        outcome=decision.outcome,
        reasons=tuple(f"{r.code}:{r.status}" for r in decision.reasons),
        policy_id=decision.policy.policy_id if decision.policy else None,
        policy_version=str(decision.policy.version) if decision.policy else None,
        obligations=decision.obligations,
    )


def _match_record(result: MatchResult, answer: Answer) -> MatchRecord:
    # The explanation keeps the comparison levels and weights, not the values compared: the
    # log must not become a copy of the person's details.
    lines = [f"band {result.band.value}; {result.candidates_considered} candidates considered"]
    lines.extend(f"note: {note}" for note in result.notes)
    if result.waterfall is not None:
        lines.extend(
            f"{row['bar']}: {row['level']} ({row['bits']:+.2f} bits)"
            for row in waterfall_rows(result.waterfall)
        )
    return MatchRecord(
        matched=answer.match,
        grade=answer.match_grade,
        score=result.probability,
        multiple_matches=answer.multiple_matches,
        explanation=tuple(lines),
    )


@dataclass(frozen=True)
class _Exchange:
    """What every log entry about one enquiry shares."""

    node: Node
    requester_id: str
    request_id: str
    enquiry: Enquiry

    def entry(self, kind: str, **fields: Any) -> AuditEntry:
        decision: Decision | None = fields.pop("decision_value", None)
        policies: tuple[PolicyReference, ...] = ()
        if decision is not None and decision.policy is not None:
            ref = decision.policy
            policies = (
                PolicyReference(id=ref.policy_id, version=str(ref.version), digest=ref.digest),
            )
        return AuditEntry(
            kind=kind,
            request_id=self.request_id,
            requester_org_id=self.requester_id,
            responder_org_id=self.node.organisation_id,
            practitioner=_practitioner(self.enquiry),
            purpose=self.enquiry.purpose,
            case_reference=self.enquiry.case_reference,
            policies=policies,
            decision=None if decision is None else _decision_record(decision),
            occurred_at=fields.pop("occurred_at"),
            **fields,
        )

    def subject(self, record_id: str | None = None) -> SubjectReference:
        return SubjectReference(
            record_id=record_id,
            enquiry_key=enquiry_subject_key(self.node.subject_secret, self.enquiry.subject),
        )


def _refusal(exchange: _Exchange, decision: Decision, now: dt.datetime, **extra: Any) -> Prepared:
    content = to_json(refusal_outcome([(r.code, r.explanation) for r in decision.failed()]))
    entry = exchange.entry(
        "answer-sent",
        decision_value=decision,
        release=ReleaseRecord(digest=digest_of(content), http_status=403),
        subject=exchange.subject(),
        occurred_at=now,
        **extra,
    )
    # The profile's 403 is a bare OperationOutcome: the refusal is logged, but carries no receipt.
    return Prepared(entry, lambda _receipt: Reply(403, content))


def waiting_outcome(held_url: str) -> dict[str, Any]:
    """The 202 body: an informational OperationOutcome saying where to ask again."""
    text = (
        "This enquiry is held for a decision by our information governance officer. "
        f"Ask again at {held_url}."
    )
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": "information",
                "code": "informational",
                "details": {"text": text},
                "diagnostics": text,
            }
        ],
    }


def _waiting(held_url: str) -> Reply:
    return Reply(
        202,
        waiting_outcome(held_url),
        {"Content-Location": held_url, "Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _hold(
    exchange: _Exchange, decision: Decision, now: dt.datetime, held_url: Callable[[str], str]
) -> Prepared:
    node = exchange.node
    item = submit_for_review(
        node.sessions,
        enquiry_id=exchange.request_id,
        requester_org_id=exchange.requester_id,
        purpose=exchange.enquiry.purpose,
        decision=decision,
        created_at=now,
    )
    held_id = str(uuid.uuid4())
    with node.sessions.begin() as session:
        session.add(
            storage.HeldEnquiryRow(
                id=held_id,
                review_id=item.id,
                requester_org_id=exchange.requester_id,
                request_id=exchange.request_id,
                enquiry=exchange.enquiry.model_dump_json(by_alias=True),
                status="waiting",
                created_at=now,
            )
        )
    reply = _waiting(held_url(held_id))
    entry = exchange.entry(
        "answer-sent",
        decision_value=decision,
        release=ReleaseRecord(digest=digest_of(reply.content), http_status=202),
        subject=exchange.subject(),
        occurred_at=now,
    )
    return Prepared(entry, lambda _receipt: reply)


def _release(
    exchange: _Exchange,
    decision: Decision,
    now: dt.datetime,
    **extra: Any,
) -> Prepared:
    """Match and release what the decision allows; the receipt is added once it is logged."""
    node = exchange.node
    with node.sessions() as session:
        result = match(session, exchange.enquiry.subject, node.model)
        record_id = result.releasable_record_id
        involvements = involvements_for(session, record_id) if record_id else ()
    contact = node.contact()
    answer = release(decision, result, involvements, contact)
    unsigned = answer_to_json(answer)
    entry = exchange.entry(
        "answer-sent",
        decision_value=decision,
        match=_match_record(result, answer),
        release=ReleaseRecord(
            digest=digest_of(unsigned),
            data_categories=released_categories(answer),
            http_status=200,
        ),
        subject=exchange.subject(result.best_record_id),
        occurred_at=now,
        **extra,
    )
    return Prepared(entry, lambda receipt: Reply(200, with_receipt(unsigned, receipt)))


def with_receipt(parameters: dict[str, Any], receipt: Receipt) -> dict[str, Any]:
    """The answer Parameters with the receipt parameter added last.

    The answer is built once, before logging (its digest goes into the log entry), so the
    receipt is appended to that JSON rather than building the whole answer a second time.
    The digest in the log is therefore over exactly the answer minus its ``receipt``.
    """
    added = receipt_parameter_json(receipt)
    return {**parameters, "parameter": [*parameters["parameter"], added]}


def prepare_answer(
    node: Node,
    requester: Organisation,
    enquiry: Enquiry,
    *,
    request_id: str,
    held_url: Callable[[str], str],
    now: dt.datetime | None = None,
) -> Prepared:
    """Answer an authenticated enquiry from ``requester`` (whose body named no one else), all
    but the logging: decide, then hold it for review, refuse it, or match and release.

    ``held_url`` turns a held enquiry's id into the URL it can be polled at. The reply exists
    once the entry is logged: ``prepare_answer(...).logged_by(node)``, or the HTTP edge's
    group commit (``singleview.group_commit``)."""
    now = now or _now()
    context = context_from_enquiry(enquiry, requester, decided_at=now, local_rules=node.local_rules)
    decision = node.policies.decide(context)
    exchange = _Exchange(node, requester.id, request_id, enquiry)
    if decision.outcome == "DENY":
        return _refusal(exchange, decision, now)
    if decision.outcome == "REVIEW":
        return _hold(exchange, decision, now, held_url)
    return _release(exchange, decision, now)


def held_enquiry(node: Node, review_id: str) -> Enquiry | None:
    """The enquiry an IG officer is reviewing, while it waits; dropped once it is answered."""
    with node.sessions() as session:
        row = storage.held_for_review(session, review_id)
        kept = row.enquiry if row is not None else None
    return Enquiry.model_validate_json(kept) if kept else None


def not_held(held_id: str) -> Reply:
    """404 for a held enquiry that does not exist, or was not sent by this requester."""
    text = f"no enquiry {held_id} is held here for your organisation"
    return Reply(
        404,
        {
            "resourceType": "OperationOutcome",
            "issue": [
                {"severity": "error", "code": "not-found", "details": {"text": text}},
            ],
        },
    )


def answer_held(
    node: Node,
    requester_id: str,
    held_id: str,
    *,
    held_url: str,
    now: dt.datetime | None = None,
) -> Reply:
    """The poll of a held enquiry: 202 while the review waits, then the final 200 or 403.

    The final answer is computed once (one worker claims it), logged, and kept, so every poll
    after that gets the same answer; the person's details are dropped once it is answered.
    """
    now = now or _now()
    with node.sessions() as session:
        row = session.get(storage.HeldEnquiryRow, held_id)
        if row is None or row.requester_org_id != requester_id:
            return not_held(held_id)
        if row.status == "answered":
            assert row.answer_status is not None
            assert row.answer_body is not None
            return Reply(row.answer_status, json.loads(row.answer_body))
        status, review_id, request_id, enquiry_json = (
            row.status,
            row.review_id,
            row.request_id,
            row.enquiry,
        )
    review = get_review(node.sessions, review_id)
    if status != "waiting" or review.status == "pending" or enquiry_json is None:
        return _waiting(held_url)
    with node.sessions.begin() as session:
        claimed = storage.claim_held(session, held_id)
    if not claimed:
        return _waiting(held_url)
    try:
        enquiry = Enquiry.model_validate_json(enquiry_json)
        exchange = _Exchange(node, requester_id, request_id, enquiry)
        final = review.final_decision
        assert final is not None
        reviewer = Practitioner(id=review.decided_by or "unknown", role="ig-officer")
        if final.outcome == "PERMIT":
            prepared = _release(exchange, final, now, reviewer=reviewer)
        else:
            prepared = _refusal(exchange, final, now, reviewer=reviewer)
        reply = prepared.logged_by(node)
    except BaseException:
        with node.sessions.begin() as session:
            row = session.get(storage.HeldEnquiryRow, held_id)
            if row is not None:
                row.status = "waiting"
        raise
    with node.sessions.begin() as session:
        row = session.get(storage.HeldEnquiryRow, held_id)
        assert row is not None
        row.status = "answered"
        row.answer_status = reply.status
        row.answer_body = json.dumps(reply.content)
        row.enquiry = None
        row.answered_at = now
    return reply
