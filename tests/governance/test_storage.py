"""Policy versions and the review queue on a real SQLite file and a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import update

from singleview.db import Base, create_engine, session_factory
from singleview.governance import storage
from singleview.governance.policies import load_node_policies, policy_index, record_policies
from singleview.governance.review import (
    ReviewAlreadySettledError,
    ReviewNotFoundError,
    approve_review,
    get_review,
    pending_reviews,
    refuse_review,
    submit_for_review,
)

from .conftest import NHS, NOW, POLICE, agreement_document, claim, context, version_of


@pytest.fixture
def sessions(database_url):
    engine = create_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


def test_migrated_schema_matches_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    ours = [d for d in diff if "governance_" in repr(d)]
    assert ours == []


def test_every_version_is_kept_and_past_decisions_replay(sessions):
    v1 = version_of(agreement_document())
    v2 = version_of(agreement_document(version=2, endDate="2026-01-10"))
    record_policies(sessions, [(v1, "dsa.yaml")], recorded_at=NOW - dt.timedelta(days=30))
    record_policies(sessions, [(v2, "dsa.yaml")], recorded_at=NOW - dt.timedelta(days=1))
    with sessions() as session:
        history = storage.policy_history(session, v1.policy_id)
    assert [(h.version, h.digest) for h in history] == [(1, v1.digest), (2, v2.digest)]

    request = context(
        NHS,
        practitioner_role="health-visitor",
        purpose="s17-child-in-need",
        consent=None,
        claimed_policies=(claim(v1),),
    )
    # Version 1 (no consent rule change, still in date) as it stood a week ago ...
    past = policy_index(sessions, as_of=NOW - dt.timedelta(days=7))
    assert past.versions[v1.policy_id].digest == v1.digest
    # ... and today version 2 is current, so the same claim of version 1 no longer matches.
    now = policy_index(sessions)
    assert now.versions[v1.policy_id].digest == v2.digest
    assert now.decide(request).refusal_codes() == ("policy-digest-mismatch",)
    assert past.decide(request).refusal_codes() == ("consent-missing",)


def test_recording_the_same_version_twice_is_a_no_op(sessions):
    v1 = version_of(agreement_document())
    assert record_policies(sessions, [(v1, "a")], recorded_at=NOW) == [v1]
    assert record_policies(sessions, [(v1, "a")], recorded_at=NOW) == []


def test_a_changed_text_without_a_new_version_is_refused(sessions):
    record_policies(sessions, [(version_of(agreement_document()), "a")], recorded_at=NOW)
    changed = version_of(agreement_document(name="Renamed without a new version"))
    with pytest.raises(storage.PolicyVersionConflictError, match="needs a new version number"):
        record_policies(sessions, [(changed, "dsa.yaml")], recorded_at=NOW)


def test_going_back_a_version_is_refused(sessions):
    record_policies(sessions, [(version_of(agreement_document(version=3)), "a")], recorded_at=NOW)
    with pytest.raises(storage.PolicyVersionConflictError, match="older than version 3"):
        record_policies(
            sessions, [(version_of(agreement_document(version=2)), "a")], recorded_at=NOW
        )


def test_a_tampered_stored_version_is_detected(sessions):
    v1 = version_of(agreement_document())
    record_policies(sessions, [(v1, "a")], recorded_at=NOW)
    with sessions.begin() as session:
        session.execute(
            update(storage.PolicyVersionRow).values(
                canonical=v1.canonical.replace("2027-03-31", "2099-03-31")
            )
        )
    with pytest.raises(storage.StoredPolicyCorruptError, match="hashes to"):
        policy_index(sessions)


def test_node_policies_load_the_starters_and_a_folder(sessions, tmp_path):
    (tmp_path / "dsa.json").write_text(version_of(agreement_document()).canonical)
    index = load_node_policies(sessions, folder=tmp_path, recorded_at=NOW)
    assert set(index.versions) == {
        "sv-statutory-s47",
        "sv-professional-judgement",
        "sv-non-safeguarding",
        "dsa-leeds-early-help",
    }
    assert index.inactive == {"sv-agreement-template": "draft"}
    again = load_node_policies(sessions, folder=tmp_path, recorded_at=NOW)
    assert again.versions.keys() == index.versions.keys()


def _queued(sessions, enquiry_id="enq-1"):
    decision = policy_index_with_starters(sessions).decide(
        context(POLICE, practitioner_role="police-officer", purpose="missing-child")
    )
    assert decision.outcome == "REVIEW"
    return submit_for_review(
        sessions,
        enquiry_id=enquiry_id,
        requester_org_id=POLICE,
        purpose="missing-child",
        decision=decision,
        created_at=NOW,
    )


def policy_index_with_starters(sessions):
    return load_node_policies(sessions, folder=None, recorded_at=NOW)


def test_review_items_are_queued_listed_and_fetched(sessions):
    first = _queued(sessions, "enq-1")
    second = _queued(sessions, "enq-2")
    assert [i.id for i in pending_reviews(sessions)] == sorted(
        [first.id, second.id], key=lambda i: (NOW, i)
    )
    fetched = get_review(sessions, first.id)
    assert fetched.status == "pending"
    assert fetched.decision == first.decision
    assert fetched.created_at == NOW
    with pytest.raises(ReviewNotFoundError):
        get_review(sessions, "no-such-item")


def test_an_approval_is_stored_with_who_when_and_why(sessions):
    item = _queued(sessions)
    when = NOW + dt.timedelta(minutes=42)
    settled = approve_review(
        sessions,
        item.id,
        officer="ig.officer@leeds.example",
        reason="Child missing overnight",
        decided_at=when,
    )
    assert settled.status == "approved"
    assert settled.decided_by == "ig.officer@leeds.example"
    assert settled.decided_at == when
    assert settled.note == "Child missing overnight"
    final = settled.final_decision
    assert final is not None
    assert final.outcome == "PERMIT"
    assert final.policy == item.decision.policy
    assert final.obligations == item.decision.obligations
    assert final.reasons[-1].explanation == (
        "An information governance officer, ig.officer@leeds.example, approved on "
        "15 January 2026 at 11:12 UTC. Reason given: Child missing overnight"
    )
    assert [r.status for r in final.reasons if r.code == "professional-judgement"] == ["satisfied"]
    assert pending_reviews(sessions) == []


def test_a_refusal_gives_a_final_deny_and_cannot_be_overturned(sessions):
    item = _queued(sessions)
    settled = refuse_review(
        sessions, item.id, officer="ig.officer", reason="Not proportionate", decided_at=NOW
    )
    assert settled.final_decision is not None
    assert settled.final_decision.outcome == "DENY"
    assert settled.final_decision.refusal_codes() == ("professional-judgement",)
    # What the partner who asked is told: the officer's refusal and reason, nothing else.
    assert [r.explanation for r in settled.final_decision.failed()] == [
        "An information governance officer, ig.officer, refused on 15 January 2026 at "
        "10:30 UTC. Reason given: Not proportionate"
    ]
    with pytest.raises(ReviewAlreadySettledError, match="already refused"):
        approve_review(sessions, item.id, officer="other", reason="x", decided_at=NOW)


def test_a_reason_and_an_officer_are_required(sessions):
    item = _queued(sessions)
    with pytest.raises(ValueError, match="reason"):
        approve_review(sessions, item.id, officer="ig.officer", reason=" ", decided_at=NOW)
    with pytest.raises(ValueError, match="officer"):
        refuse_review(sessions, item.id, officer="", reason="x", decided_at=NOW)


def test_only_review_decisions_are_queued(sessions):
    permit = policy_index_with_starters(sessions).decide(context(case_reference="S47-1"))
    with pytest.raises(ValueError, match="only REVIEW"):
        submit_for_review(
            sessions,
            enquiry_id="e",
            requester_org_id=NHS,
            purpose="s47-enquiry",
            decision=permit,
            created_at=NOW,
        )


def test_two_officers_settling_at_once_settle_it_once(sessions):
    item = _queued(sessions)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def settle(approve: bool) -> None:
        barrier.wait()
        try:
            action = approve_review if approve else refuse_review
            action(sessions, item.id, officer=f"officer-{approve}", reason="r", decided_at=NOW)
            outcomes.append("settled")
        except ReviewAlreadySettledError:
            outcomes.append("refused")

    threads = [threading.Thread(target=settle, args=(flag,)) for flag in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "settled"]


def test_workers_loading_the_same_policies_at_once_agree(sessions, tmp_path):
    (tmp_path / "dsa.json").write_text(version_of(agreement_document()).canonical)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []
    indexes = []

    def start_worker() -> None:
        barrier.wait()
        try:
            indexes.append(load_node_policies(sessions, folder=tmp_path, recorded_at=NOW))
        except BaseException as exc:  # reported below, with the failing worker's error
            errors.append(exc)

    workers = [threading.Thread(target=start_worker) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert len({tuple(sorted(i.refs.items())) for i in indexes}) == 1
    with sessions() as session:
        assert len(storage.policy_history(session, "dsa-leeds-early-help")) == 1
