"""The requester path: one enquiry out to every partner a policy covers, one single view back.

What the web pages, the JSON API and the CLI call:

- ``start_enquiry(node, practitioner=..., person=..., purpose=...)`` → enquiry id; the fan-out
  runs on the node's background loop and stores each partner's answer as it arrives;
- ``get_enquiry(node, enquiry_id)`` → ``EnquiryView`` (the single view so far);
- ``list_enquiries(node, practitioner_id)`` → the practitioner's enquiries, newest first;
- ``wait_for_enquiry(node, enquiry_id)`` → blocks until the fan-out (not the reviews) is done.

Partners that answered 202 are polled by ``poll_due`` (the node's background poller) until they
answer, so an IG officer's approval at a partner completes the practitioner's enquiry; a partner
whose polls keep failing for ``review_poll_give_up_seconds`` becomes "did not answer"
(the rule is in ``polling.py``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import json
import logging
import threading
import time
import uuid
from collections.abc import Coroutine, Sequence
from typing import Any

import uvloop
from sqlalchemy import select
from sqlalchemy.orm import Session

from singleview.audit import (
    AuditEntry,
    DecisionRecord,
    MatchRecord,
    PolicyReference,
    ReleaseRecord,
    SubjectReference,
    enquiry_subject_key,
)
from singleview.audit import Practitioner as AuditPractitioner
from singleview.exchange import storage
from singleview.exchange.client import (
    OPERATION_PATH,
    Exchanged,
    PartnerClient,
    describe_body,
    partner_of,
)
from singleview.exchange.fanout import CircuitBreakers, fan_out
from singleview.exchange.node import Node
from singleview.exchange.polling import FailedPoll, after_failed_poll, gave_up_reason
from singleview.exchange.single_view import (
    STATE_WORDS,
    Partner,
    PartnerResult,
    PartnerState,
)
from singleview.exchange.views import EnquirySummary, EnquiryView, enquiry_view
from singleview.governance.models import PolicyClaim
from singleview.group_commit import GroupCommit
from singleview.standards.enquiry import Consent, Enquiry, Practitioner
from singleview.standards.enquiry import PolicyReference as ClaimedPolicy
from singleview.standards.fhir import enquiry_to_json
from singleview.standards.organisation import Organisation
from singleview.standards.person import Person

__all__ = [
    "EnquirySummary",
    "EnquiryView",
    "NothingToAskError",
    "get_enquiry",
    "list_enquiries",
    "poll_due",
    "start_enquiry",
    "wait_for_enquiry",
]

logger = logging.getLogger("singleview.exchange")

#: State stored for a partner before its first answer arrives.
ASKING = "asking"
#: Why a partner did not answer when this node stopped in the middle of asking.
STOPPED_BEFORE_ANSWER = "this node stopped before they answered"


class NothingToAskError(ValueError):
    """No active partner is covered by any policy for this purpose: nobody may be asked."""


class _Background:
    """The node's own event loop in a thread: fan-outs and polls run here, whoever starts them.

    The web pages (sync or async), the JSON API and the CLI all hand work to this loop, so a
    fan-out outlives the request that started it. Circuit breakers live here too: per process.
    """

    def __init__(self, node: Node) -> None:
        # uvloop, as uvicorn uses for the node itself: 3-9 % less of the requester's CPU per
        # 50-partner fan-out than asyncio's own loop (measured with canned partners).
        self.loop = uvloop.new_event_loop()
        self.thread = threading.Thread(
            target=self.loop.run_forever, name=f"exchange-{node.organisation_id}", daemon=True
        )
        self.thread.start()
        self.breakers = CircuitBreakers()
        self.running: dict[str, concurrent.futures.Future[None]] = {}
        #: The fan-outs under way, as tasks of the loop (only touched on its thread).
        self.fan_outs: set[asyncio.Task[Any]] = set()
        self._client: PartnerClient | None = None
        self._node = node
        # One group commit for the partners' answers of every fan-out this loop runs, so
        # fan-outs under way at once share transactions too. Made on the loop's own thread
        # (its limiter needs the running loop) now, not inside the first fan-out.
        self.answers = asyncio.run_coroutine_threadsafe(self._answers(), self.loop).result()

    async def _answers(self) -> GroupCommit[_Answer, None]:
        return GroupCommit(functools.partial(_log_and_store, self._node))

    def client(self) -> PartnerClient:
        # Created on the loop's own thread (aiohttp binds its sessions to the running loop).
        if self._client is None:
            self._client = PartnerClient(
                key=self._node.key,
                organisation_id=self._node.organisation_id,
                register=self._node.register,
            )
        return self._client

    def submit(self, work: Coroutine[Any, Any, None]) -> concurrent.futures.Future[None]:
        return asyncio.run_coroutine_threadsafe(work, self.loop)

    def stop(self) -> None:
        """Let the fan-outs under way finish, so that every answer they get is recorded (each
        is bounded by the partners' deadline); then cancel the review poller and anything still
        going, and close the partners' connections and the loop. Stopped at once, the loop left
        those partners "asking" for good, and their coroutines to be torn down by the
        collector. Only fan-outs are waited for: waiting for every task waited out the whole
        grace for the poller, which never ends (6.0 s, not 0.0 s, with a 5 s deadline)."""
        grace = self._node.config.partner_deadline_seconds + 1

        async def wind_down() -> None:
            if self.fan_outs:
                _, late = await asyncio.wait(set(self.fan_outs), timeout=grace)
                # Each records its unanswered partners as stopped before it ends.
                for task in late:
                    task.cancel()
                await asyncio.gather(*late, return_exceptions=True)
            # The review poller, which never ends by itself.
            others = asyncio.all_tasks() - {asyncio.current_task()}
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)
            if self._client is not None:
                await self._client.aclose()

        if self.loop.is_running():
            asyncio.run_coroutine_threadsafe(wind_down(), self.loop).result(timeout=grace + 10)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=5)


_backgrounds: dict[int, _Background] = {}
_backgrounds_lock = threading.Lock()


def background(node: Node) -> _Background:
    """The node's background loop, started on first use."""
    with _backgrounds_lock:
        found = _backgrounds.get(id(node))
        if found is None:
            found = _Background(node)
            _backgrounds[id(node)] = found
        return found


def stop_background(node: Node) -> None:
    """Stop the node's background loop (at shutdown)."""
    with _backgrounds_lock:
        found = _backgrounds.pop(id(node), None)
    if found is not None:
        found.stop()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def partners_to_ask(
    node: Node, purpose: str, on: dt.date
) -> list[tuple[Organisation, tuple[PolicyClaim, ...]]]:
    """Active partners that some policy lets us ask for ``purpose``, with the claims to make."""
    policies = node.policies
    routes_for_anyone = purpose in policies.statutory or purpose in policies.judgement
    chosen = []
    for organisation in node.register.active_partners(excluding=node.organisation_id):
        claims = policies.claims_for(node.organisation_id, organisation.id, purpose, on)
        if claims or routes_for_anyone:
            chosen.append((organisation, claims))
    return chosen


def _enquiry_for(
    node: Node,
    enquiry_id: str,
    *,
    practitioner: Practitioner,
    person: Person,
    purpose: str,
    case_reference: str | None,
    consent: Consent | None,
    data_categories: Sequence[str],
    claims: Sequence[PolicyClaim],
    now: dt.datetime,
) -> Enquiry:
    return Enquiry(
        subject=person,
        request_id=enquiry_id,
        date_stamp=now,
        requester=node.organisation_id,
        practitioner=practitioner,
        asserted_purpose=purpose,
        sharing_policies=tuple(
            ClaimedPolicy(identifier=c.policy_id, version=c.version, digest=c.digest)
            for c in claims
        ),
        data_categories=tuple(data_categories),
        case_reference=case_reference,
        consent=consent,
    )


def _subject_key(node: Node, enquiry: Enquiry) -> str:
    """The log's keyed hash of the enquiry's subject: the same for every partner asked in one
    enquiry, so worked out once for each of its fan-outs, not once for each entry."""
    return enquiry_subject_key(node.subject_secret, enquiry.subject)


def _entry(
    node: Node, enquiry: Enquiry, partner_id: str, kind: str, subject_key: str, **fields: Any
) -> AuditEntry:
    assert enquiry.practitioner is not None
    assert enquiry.request_id is not None
    return AuditEntry(
        kind=kind,
        request_id=enquiry.request_id,
        requester_org_id=node.organisation_id,
        responder_org_id=partner_id,
        practitioner=AuditPractitioner(
            id=enquiry.practitioner.identifier, role=enquiry.practitioner.role
        ),
        purpose=enquiry.purpose,
        case_reference=enquiry.case_reference,
        policies=tuple(
            PolicyReference(id=p.identifier, version=str(p.version), digest=p.digest)
            for p in enquiry.sharing_policies
        ),
        subject=SubjectReference(enquiry_key=subject_key),
        occurred_at=_now(),
        **fields,
    )


def _received_entry(
    node: Node, enquiry: Enquiry, exchanged: Exchanged, subject_key: str
) -> AuditEntry:
    result = exchanged.result
    decision = None
    match = None
    if result.answer is not None:
        answer = result.answer
        if answer.decision is not None:
            decision = DecisionRecord(
                outcome=answer.decision.outcome,
                policy_id=answer.decision.policy_id,
                policy_version=None
                if answer.decision.policy_version is None
                else str(answer.decision.policy_version),
                obligations=answer.decision.obligations,
            )
        match = MatchRecord(
            matched=answer.match,
            grade=answer.match_grade,
            score=answer.score,
            multiple_matches=answer.multiple_matches,
        )
    elif result.state is PartnerState.REFUSED:
        decision = DecisionRecord(outcome="DENY", reasons=result.refusal_codes)
    elif result.state is PartnerState.WAITING_FOR_REVIEW:
        decision = DecisionRecord(outcome="REVIEW")
    release = None
    if exchanged.body_digest is not None:
        release = ReleaseRecord(
            digest=exchanged.body_digest,
            data_categories=_categories(result),
            http_status=exchanged.http_status,
        )
    return _entry(
        node,
        enquiry,
        result.partner.organisation_id,
        "answer-received",
        subject_key,
        decision=decision,
        match=match,
        release=release,
    )


def _categories(result: PartnerResult) -> tuple[str, ...]:
    from singleview.exchange.release import released_categories

    return released_categories(result.answer) if result.answer is not None else ()


def _answer_columns(result: PartnerResult, next_poll: float | None) -> dict[str, Any]:
    """The partner-answer columns a result sets (elapsed time apart: see ``_update_row``)."""
    now = _now()
    return {
        "state": result.state.value,
        "answer": None
        if result.answer is None
        else result.answer.model_dump_json(by_alias=True, exclude_none=True),
        "refusal_codes": json.dumps(list(result.refusal_codes)) if result.refusal_codes else None,
        "refusal_text": result.refusal_text,
        "problem": result.problem,
        "poll_url": result.poll_url,
        "next_poll_at": now + dt.timedelta(seconds=next_poll)
        if result.state is PartnerState.WAITING_FOR_REVIEW and next_poll is not None
        else None,
        "poll_failing_since": None,
        "updated_at": now,
    }


def _update_row(
    session: Session, enquiry_id: str, result: PartnerResult, next_poll: float | None
) -> None:
    row = session.get(storage.PartnerAnswerRow, (enquiry_id, result.partner.organisation_id))
    assert row is not None
    # A poll's 202 keeps the time the partner first took to say "held for review".
    if result.state is not PartnerState.WAITING_FOR_REVIEW or row.elapsed_ms is None:
        row.elapsed_ms = result.elapsed_ms
    for column, value in _answer_columns(result, next_poll).items():
        setattr(row, column, value)


def _store(node: Node, enquiry_id: str, result: PartnerResult, next_poll: float | None) -> None:
    with node.sessions.begin() as session:
        _update_row(session, enquiry_id, result, next_poll)


async def _record(node: Node, enquiry: Enquiry, exchanged: Exchanged) -> None:
    """Log the partner's answer, then store it so the single view shows it.

    Logged first: a crash between the two can leave an answer logged but not yet shown,
    never shown but not logged.
    """
    assert enquiry.request_id is not None
    entry = _received_entry(node, enquiry, exchanged, _subject_key(node, enquiry))
    await asyncio.to_thread(node.audit.append, entry)
    await asyncio.to_thread(
        _store, node, enquiry.request_id, exchanged.result, node.config.review_poll_seconds
    )


#: A partner's answer to record: the enquiry it answers, the exchange, the subject's key.
_Answer = tuple[Enquiry, Exchanged, str]


def _log_and_store(node: Node, group: list[_Answer]) -> list[None]:
    """Log several partners' answers in one append, then store them in one transaction."""
    # Our own entries need no receipts (those are for partners): extend skips the proofs.
    node.audit.extend([_received_entry(node, e, x, key) for e, x, key in group])
    next_poll = node.config.review_poll_seconds
    with node.sessions.begin() as session:
        # A fan-out's rows are still "asking": each is set outright, with no read first.
        storage.record_first_answers(
            session,
            [
                {
                    "row_enquiry_id": enquiry.request_id,
                    "row_partner_id": exchanged.result.partner.organisation_id,
                    "elapsed_ms": exchanged.result.elapsed_ms,
                    **_answer_columns(exchanged.result, next_poll),
                }
                for enquiry, exchanged, _ in group
            ],
        )
    return [None] * len(group)


class _Recorder:
    """One fan-out's answers, logged first and then stored, as ``_record`` does, through the
    background loop's group commit (``singleview.group_commit``): every answer that arrived
    while the last group was being written goes in one audit append (one signed tree head)
    and one transaction.

    Fifty partners answering within milliseconds of each other would otherwise queue for
    fifty appends and fifty transactions one after another.
    """

    def __init__(self, answers: GroupCommit[_Answer, None], subject_key: str) -> None:
        self._answers = answers
        self._subject_key = subject_key
        self._writes: list[asyncio.Future[None]] = []
        self.recorded: set[str] = set()

    def add(self, enquiry: Enquiry, exchanged: Exchanged) -> None:
        """Queue one partner's answer to be logged and stored (not awaited: writing our own
        log is not the partner's time)."""
        self.recorded.add(exchanged.result.partner.organisation_id)
        answer = (enquiry, exchanged, self._subject_key)
        self._writes.append(asyncio.ensure_future(self._answers.submit(answer)))

    async def close(self) -> None:
        """Wait until everything queued is written; a failed group is logged, not raised, so
        it cannot stop the rest being recorded."""
        outcomes = await asyncio.gather(*self._writes, return_exceptions=True)
        failures = {id(o): o for o in outcomes if isinstance(o, Exception)}
        for failure in failures.values():
            logger.error("recording partners' answers failed", exc_info=failure)


async def _fan_out(
    node: Node, enquiries: dict[str, Enquiry], partners: Sequence[Partner], subject_key: str
) -> tuple[PartnerResult, ...]:
    runner = background(node)
    client = runner.client()
    deadline = node.config.partner_deadline_seconds
    recorder = _Recorder(runner.answers, subject_key)

    # The same request body for every partner given the same claims: build each once.
    bodies: dict[tuple[Any, ...], bytes] = {}

    def body_for(enquiry: Enquiry) -> bytes:
        key = enquiry.sharing_policies
        if key not in bodies:
            bodies[key] = describe_body(enquiry_to_json(enquiry))
        return bodies[key]

    async def ask(partner: Partner) -> PartnerResult:
        enquiry = enquiries[partner.organisation_id]
        url = partner.endpoint + OPERATION_PATH
        exchanged = await client.exchange(partner, "POST", url, body_for(enquiry), deadline)
        recorder.add(enquiry, exchanged)
        return exchanged.result

    started = time.monotonic()
    try:
        results = await fan_out(partners, ask, deadline=deadline, breakers=runner.breakers)
        # A partner cut off by the deadline (or never asked) never reached ``ask``'s end.
        for result in results:
            if result.partner.organisation_id not in recorder.recorded:
                recorder.add(enquiries[result.partner.organisation_id], Exchanged(result))
    except asyncio.CancelledError:
        # The node is stopping and could not wait: say so of whoever has not answered, rather
        # than leave them "asking" for good.
        elapsed_ms = (time.monotonic() - started) * 1000
        for partner in partners:
            if partner.organisation_id not in recorder.recorded:
                stopped = PartnerResult(
                    partner, PartnerState.NO_ANSWER, elapsed_ms, problem=STOPPED_BEFORE_ANSWER
                )
                recorder.add(enquiries[partner.organisation_id], Exchanged(stopped))
        raise
    finally:
        await recorder.close()
    return results


def start_enquiry(
    node: Node,
    *,
    practitioner: Practitioner,
    person: Person,
    purpose: str,
    case_reference: str | None = None,
    consent: Consent | None = None,
    data_categories: Sequence[str] = (),
) -> str:
    """Record the enquiry, log it, and start asking every covered partner; returns its id.

    Raises ``NothingToAskError`` when no policy covers asking anyone for ``purpose``, and
    ``pydantic.ValidationError`` when the enquiry itself is not valid (e.g. an unknown code).
    """
    now = _now()
    enquiry_id = str(uuid.uuid4())
    chosen = partners_to_ask(node, purpose, now.date())
    if not chosen:
        raise NothingToAskError(
            f"purpose {purpose!r}: no policy here covers asking any active partner"
        )
    enquiries = {
        organisation.id: _enquiry_for(
            node,
            enquiry_id,
            practitioner=practitioner,
            person=person,
            purpose=purpose,
            case_reference=case_reference,
            consent=consent,
            data_categories=data_categories,
            claims=claims,
            now=now,
        )
        for organisation, claims in chosen
    }
    partners = [partner_of(organisation) for organisation, _ in chosen]
    first = next(iter(enquiries.values()))
    with node.sessions.begin() as session:
        session.add(
            storage.SentEnquiryRow(
                id=enquiry_id,
                practitioner_id=practitioner.identifier,
                practitioner_name=practitioner.name,
                practitioner_role=practitioner.role,
                purpose=purpose,
                case_reference=case_reference,
                enquiry=first.model_dump_json(by_alias=True, exclude_none=True),
                started_at=now,
                deadline_seconds=node.config.partner_deadline_seconds,
            )
        )
        session.flush()
        storage.add_partners_asked(
            session,
            [
                {
                    "enquiry_id": enquiry_id,
                    "partner_id": partner.organisation_id,
                    "position": position,
                    "partner_name": partner.name,
                    "endpoint": partner.endpoint,
                    "state": ASKING,
                    "updated_at": now,
                }
                for position, partner in enumerate(partners)
            ],
        )
    subject_key = _subject_key(node, first)
    node.audit.extend(
        [
            _entry(
                node, enquiries[p.organisation_id], p.organisation_id, "enquiry-sent", subject_key
            )
            for p in partners
        ]
    )
    runner = background(node)

    async def run() -> None:
        task = asyncio.current_task()
        assert task is not None  # a coroutine the loop runs is always in a task
        runner.fan_outs.add(task)
        try:
            await _fan_out(node, enquiries, partners, subject_key)
        finally:
            runner.fan_outs.discard(task)

    future = runner.submit(run())
    runner.running[enquiry_id] = future
    future.add_done_callback(lambda _: runner.running.pop(enquiry_id, None))
    return enquiry_id


def wait_for_enquiry(node: Node, enquiry_id: str, timeout: float | None = None) -> None:
    """Block until the fan-out for ``enquiry_id`` (started in this process) has finished."""
    future = background(node).running.get(enquiry_id)
    if future is not None:
        future.result(timeout=timeout)


async def _poll_one(node: Node, row: storage.PartnerAnswerRow) -> None:
    client = background(node).client()
    partner = Partner(row.partner_id, row.partner_name, row.endpoint)
    with node.sessions() as session:
        sent = session.get(storage.SentEnquiryRow, row.enquiry_id)
        assert sent is not None
        enquiry = Enquiry.model_validate_json(sent.enquiry)
    assert row.poll_url is not None
    exchanged = await client.exchange(
        partner, "GET", row.poll_url, b"", node.config.partner_deadline_seconds
    )
    result = exchanged.result
    if result.state is PartnerState.WAITING_FOR_REVIEW:
        # Still waiting, legitimately (the claim already set the next poll time): any failure
        # streak is over.
        if row.poll_failing_since is not None:
            await asyncio.to_thread(_clear_failures, node, row)
        return
    if result.state is PartnerState.NO_ANSWER:
        # A failed poll is not the partner's answer to the enquiry: keep waiting and try again,
        # unless the polls have been failing for longer than the node gives them.
        failed = await asyncio.to_thread(_note_failure, node, row, result.problem)
        if failed is None or not failed.give_up:
            return
        gave_up = PartnerResult(
            partner,
            PartnerState.NO_ANSWER,
            result.elapsed_ms,
            problem=gave_up_reason(result.problem),
        )
        logger.warning(
            "enquiry %s: giving up on %s after failed polls since %s: %s",
            row.enquiry_id,
            row.partner_id,
            failed.failing_since.isoformat(),
            result.problem,
        )
        exchanged = Exchanged(gave_up, exchanged.http_status, exchanged.body_digest)
    await _record(node, enquiry, exchanged)


def _note_failure(
    node: Node, row: storage.PartnerAnswerRow, problem: str | None
) -> FailedPoll | None:
    """Record one failed poll; None if the partner is no longer waiting for review."""
    now = _now()
    with node.sessions.begin() as session:
        since = storage.note_poll_failure(
            session, row.enquiry_id, row.partner_id, problem or "the poll failed", now
        )
    if since is None:
        return None
    return after_failed_poll(since, now, node.config.review_poll_give_up_seconds)


def _clear_failures(node: Node, row: storage.PartnerAnswerRow) -> None:
    with node.sessions.begin() as session:
        storage.clear_poll_failures(session, row.enquiry_id, row.partner_id)


async def poll_due(node: Node) -> int:
    """Poll every waiting partner whose turn has come; returns how many were polled."""
    now = _now()

    def claim() -> list[storage.PartnerAnswerRow]:
        claimed = []
        with node.sessions.begin() as session:
            for row in storage.due_polls(session, now):
                assert row.next_poll_at is not None
                next_at = now + dt.timedelta(seconds=node.config.review_poll_seconds)
                if storage.claim_poll(
                    session, row.enquiry_id, row.partner_id, row.next_poll_at, next_at
                ):
                    claimed.append(row)
        return claimed

    rows = await asyncio.to_thread(claim)
    await asyncio.gather(*(_poll_one(node, row) for row in rows), return_exceptions=True)
    return len(rows)


async def poll_forever(node: Node) -> None:
    """Keep polling waiting partners (run on the node's background loop)."""
    interval = min(node.config.review_poll_seconds, 5.0)
    while True:
        try:
            await poll_due(node)
        except Exception:  # the poller must outlive one bad round; say why it failed
            logger.exception("polling partners' reviews failed; trying again shortly")
        await asyncio.sleep(interval)


def start_poller(node: Node) -> None:
    """Start the background poller for reviews that partners are holding."""
    background(node).submit(poll_forever(node))


def _session_of(node_or_session: Node | Session) -> tuple[Session, bool]:
    if isinstance(node_or_session, Session):
        return node_or_session, False
    return node_or_session.sessions(), True


def get_enquiry(node_or_session: Node | Session, enquiry_id: str) -> EnquiryView | None:
    """The single view of ``enquiry_id`` so far, or None if there is no such enquiry."""
    session, owned = _session_of(node_or_session)
    try:
        sent = session.get(storage.SentEnquiryRow, enquiry_id)
        if sent is None:
            return None
        rows = list(
            session.scalars(
                select(storage.PartnerAnswerRow)
                .where(storage.PartnerAnswerRow.enquiry_id == enquiry_id)
                .order_by(storage.PartnerAnswerRow.position)
            )
        )
        return enquiry_view(sent, rows, _now())
    finally:
        if owned:
            session.close()


def list_enquiries(
    node_or_session: Node | Session, practitioner_id: str, limit: int = 50
) -> list[EnquirySummary]:
    """The practitioner's enquiries, newest first, each with where it stands."""
    session, owned = _session_of(node_or_session)
    try:
        sent_rows = list(
            session.scalars(
                select(storage.SentEnquiryRow)
                .where(storage.SentEnquiryRow.practitioner_id == practitioner_id)
                .order_by(storage.SentEnquiryRow.started_at.desc())
                .limit(limit)
            )
        )
        out = []
        for sent in sent_rows:
            view = get_enquiry(session, sent.id)
            assert view is not None
            out.append(EnquirySummary.of(view))
        return out
    finally:
        if owned:
            session.close()


def words_for(state: str) -> str:
    """Plain words for a stored state (``asking`` included)."""
    if state == ASKING:
        return "Still waiting for an answer"
    return STATE_WORDS[PartnerState(state)]
