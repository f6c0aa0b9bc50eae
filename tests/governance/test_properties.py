"""Properties every decision must have, over generated requests and generated prohibitions."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st

from singleview.governance.documents import starter_policies
from singleview.governance.models import (
    Consent,
    DecisionContext,
    LocalRules,
    PolicyClaim,
    Suppression,
)
from singleview.governance.pdp import compile_policies
from singleview.standards.vocabulary import load_vocabulary

from .conftest import LA, NHS, POLICE, SCHOOL, agreement_document, claim, version_of

PURPOSES = ("s47-enquiry", "s17-child-in-need", "early-help", "missing-child", "research")
ROLES = ("social-worker", "health-visitor", "police-officer", "ig-officer", None)
CATEGORIES = ("identity", "contact-details", "involvements", "health", "sexual-health")
ORG_TYPE_CODES = ("local-authority-childrens-social-care", "nhs-trust", "police-force", "school")

DSA = version_of(agreement_document())
BASE = [*starter_policies(), DSA]
BASE_INDEX = compile_policies(BASE)

claims = st.sampled_from(
    [
        (),
        (claim(DSA),),
        (PolicyClaim(DSA.policy_id, DSA.version, "f" * 64),),
        (PolicyClaim("dsa-unknown", 1, "e" * 64),),
    ]
)
consents = st.one_of(
    st.none(),
    st.builds(
        Consent,
        status=st.sampled_from(["given", "refused", "withdrawn"]),
        scope=st.lists(st.sampled_from(PURPOSES), max_size=2, unique=True).map(tuple),
        expires=st.one_of(st.none(), st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31))),
    ),
)
contexts = st.builds(
    DecisionContext,
    requester_org_id=st.sampled_from([LA, NHS, POLICE, SCHOOL, "la-bradford"]),
    requester_org_type=st.sampled_from(ORG_TYPE_CODES),
    requester_status=st.sampled_from(["active", "active", "active", "suspended"]),
    practitioner_role=st.sampled_from(ROLES),
    purpose=st.sampled_from(PURPOSES),
    decided_at=st.datetimes(
        dt.datetime(2023, 6, 1), dt.datetime(2028, 1, 1), timezones=st.just(dt.UTC)
    ),
    claimed_policies=claims,
    data_categories=st.lists(st.sampled_from(CATEGORIES), max_size=3, unique=True).map(tuple),
    case_reference=st.sampled_from([None, "S47-2026-1"]),
    consent=consents,
    local_rules=st.builds(
        LocalRules,
        suppressions=st.lists(
            st.builds(
                Suppression,
                service_type=st.sampled_from(["sexual-health", "domestic-abuse-refuge", "camhs"]),
                action=st.sampled_from(["withhold", "review"]),
            ),
            max_size=2,
        ).map(tuple),
    ),
)

# Requests that mostly meet a route, so PERMITs and REVIEWs are common, not rare accidents.
favourable = st.builds(
    DecisionContext,
    requester_org_id=st.sampled_from([LA, NHS]),
    requester_org_type=st.sampled_from(ORG_TYPE_CODES[:2]),
    requester_status=st.just("active"),
    practitioner_role=st.sampled_from(["social-worker", "health-visitor"]),
    purpose=st.sampled_from(PURPOSES[:2]),
    decided_at=st.datetimes(
        dt.datetime(2025, 6, 1), dt.datetime(2027, 3, 1), timezones=st.just(dt.UTC)
    ),
    claimed_policies=st.sampled_from([(), (claim(DSA),)]),
    data_categories=st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True).map(tuple),
    case_reference=st.just("S47-2026-1"),
    consent=st.just(Consent(status="given", scope=PURPOSES[:2])),
    local_rules=contexts.map(lambda c: c.local_rules),
)
requests = st.one_of(contexts, favourable)


def _maybe(values):
    return st.one_of(
        st.none(), st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True)
    )


prohibitions = st.fixed_dictionaries(
    {"description": st.just("Generated prohibition")},
    optional={
        "purposes": _maybe(PURPOSES[:4]),
        "requesterOrganisations": _maybe([LA, NHS, POLICE, SCHOOL]),
        "requesterOrganisationTypes": _maybe(ORG_TYPE_CODES),
        "practitionerRoles": _maybe([r for r in ROLES if r]),
        "dataCategories": _maybe(CATEGORIES),
    },
).map(lambda d: {k: v for k, v in d.items() if v is not None})


def _rule(prohibition: dict) -> dict:
    return {
        "identifier": {"value": "generated-rule", "system": "https://example.org"},
        "uri": "https://example.org/rule",
        "version": 1,
        "name": "Generated refusal",
        "contact": "dpo@example.org",
        "route": "node-rule",
        "data": ["everything"],
        "purposes": ["s47-enquiry"],
        "startDate": "2020-01-01",
        "endDate": "2099-12-31",
        "prohibitions": [prohibition],
    }


REASON_CODES = set(load_vocabulary("decision-reasons").codes)
RANK = {"DENY": 0, "REVIEW": 1, "PERMIT": 2}


# Found by this test: a review rule fired only when involvements would be released, so a
# prohibition on involvements turned REVIEW into PERMIT.
REVIEWED_S47 = DecisionContext(
    requester_org_id=LA,
    requester_org_type="local-authority-childrens-social-care",
    requester_status="active",
    practitioner_role="social-worker",
    purpose="s47-enquiry",
    decided_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
    claimed_policies=(),
    data_categories=(),
    case_reference="S47-2026-1",
    consent=None,
    local_rules=LocalRules(
        suppressions=(Suppression(service_type="sexual-health", action="review"),)
    ),
)


@settings(max_examples=400, deadline=None)
@given(ctx=requests, prohibition=prohibitions)
@example(
    ctx=REVIEWED_S47,
    prohibition={"description": "No involvements", "dataCategories": ["involvements"]},
)
def test_adding_a_prohibition_never_loosens_a_decision(ctx, prohibition):
    if not any(k != "description" for k in prohibition):
        return  # a prohibition without a condition is invalid, and refused at load
    stricter = compile_policies([*BASE, version_of(_rule(prohibition))])
    before, after = BASE_INDEX.decide(ctx), stricter.decide(ctx)
    assert RANK[after.outcome] <= RANK[before.outcome]
    if before.outcome == "DENY":
        assert after.outcome == "DENY"
    if after.outcome == before.outcome:
        assert set(after.data_categories) <= set(before.data_categories)


@settings(max_examples=300, deadline=None)
@given(ctx=requests)
def test_a_decision_is_a_pure_function_of_its_inputs(ctx):
    again = compile_policies(list(reversed(BASE)))
    decision = BASE_INDEX.decide(ctx)
    assert decision == BASE_INDEX.decide(ctx) == again.decide(ctx)
    # ... and every reason it gives is an agreed decision-reason code.
    assert {r.code for r in decision.reasons} <= REASON_CODES


@settings(max_examples=400, deadline=None)
@given(ctx=requests)
def test_every_permit_names_the_policy_version_and_its_obligations(ctx):
    decision = BASE_INDEX.decide(ctx)
    if decision.outcome != "PERMIT":
        assert decision.outcome == "REVIEW" or decision.refusal_codes()
        return
    assert decision.policy is not None
    held = BASE_INDEX.versions[decision.policy.policy_id]
    assert (decision.policy.version, decision.policy.digest) == (held.version, held.digest)
    permission = held.policy.permission
    assert permission is not None
    expected = set(permission.obligations) | set(held.policy.data_recipient_responsibilities)
    assert set(decision.obligations) == expected
    assert decision.obligations
    assert set(decision.data_categories) <= set(permission.data_categories)
    # Other routes checked on the way may have failed; the one applied never has.
    applied = [r for r in decision.reasons if r.policy_id == decision.policy.policy_id]
    assert applied
    assert all(r.status == "satisfied" for r in applied)
