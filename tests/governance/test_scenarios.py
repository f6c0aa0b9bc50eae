"""Scenarios from the statutory guidance, one per route and one per refusal reason.

Working Together to Safeguard Children 2023 (WT) and the ICO's data sharing code and 10-step
guide to sharing information to safeguard children (ICO) are cited per test.
"""

from __future__ import annotations

import datetime as dt

from singleview.governance.documents import starter_policies
from singleview.governance.models import Consent, LocalRules, PolicyClaim, PolicyRef, Suppression

from .conftest import (
    LA,
    NHS,
    NOW,
    POLICE,
    SCHOOL,
    agreement_document,
    claim,
    context,
    index_with,
    version_of,
)

GOOD_CONSENT = Consent(status="given", scope=("s17-child-in-need",), expires=dt.date(2026, 6, 1))


def test_s47_enquiry_with_case_reference_is_permitted_on_the_statutory_route(starter_index):
    # WT ch. 4: a local authority making s47 enquiries; partners must help it.
    decision = starter_index.decide(context(case_reference="S47-2026-0113"))
    assert decision.outcome == "PERMIT"
    assert decision.route == "statutory"
    assert decision.policy is not None
    assert decision.policy.policy_id == "sv-statutory-s47"
    assert "notify-safeguarding-lead" in decision.obligations
    assert set(decision.data_categories) == {
        "identity",
        "contact-details",
        "involvements",
        "professional-contact",
    }
    assert all(r.status == "satisfied" for r in decision.reasons)


def test_s47_enquiry_without_case_reference_is_refused(starter_index):
    decision = starter_index.decide(context())
    assert decision.outcome == "DENY"
    assert decision.refusal_codes() == ("case-reference-missing",)
    assert "needs a case reference" in decision.failed()[0].explanation


def test_s47_enquiry_by_a_role_outside_the_route_is_refused(starter_index):
    decision = starter_index.decide(context(practitioner_role="ig-officer", case_reference="X1"))
    assert decision.refusal_codes() == ("role-not-permitted",)


def test_s47_enquiry_with_no_role_given_is_unknown_and_refused(starter_index):
    decision = starter_index.decide(context(practitioner_role=None, case_reference="X1"))
    assert decision.outcome == "DENY"
    assert [r.status for r in decision.failed()] == ["unknown"]
    # The refusal still says why: an IG officer's case expecting it, and the 403, name it.
    assert decision.refusal_codes() == ("role-not-permitted",)


def test_ad_hoc_enquiry_outside_any_agreement_goes_to_review(starter_index):
    # WT: no practitioner should assume someone else will share; ICO step 3: sharing
    # outside an agreement is a recorded professional judgement, never automatic.
    decision = starter_index.decide(
        context(POLICE, practitioner_role="police-officer", purpose="missing-child")
    )
    assert decision.outcome == "REVIEW"
    assert decision.route == "professional-judgement"
    assert decision.failed()[-1].code == "professional-judgement"
    assert decision.obligations  # what an approval would bind the requester to


def test_agreement_route_permits_a_party_with_consent_in_scope():
    # ICO data sharing code: a DSA sets purpose, parties, lawful basis and duties.
    dsa = agreement_document()
    index = index_with(dsa)
    decision = index.decide(
        context(
            NHS,
            practitioner_role="health-visitor",
            purpose="s17-child-in-need",
            claimed_policies=(claim(version_of(dsa)),),
            consent=GOOD_CONSENT,
            data_categories=("identity", "health"),
        )
    )
    assert decision.outcome == "PERMIT"
    assert decision.policy == claim_ref(dsa)
    assert decision.obligations == (
        "no-onward-sharing",
        "retain-max-30-days",
        "use-only-for-stated-purpose",
    )
    assert decision.data_categories == ("health", "identity")


def claim_ref(doc):
    version = version_of(doc)
    return PolicyRef(version.policy_id, version.version, version.digest)


def _agreement_request(**overrides):
    dsa = overrides.pop("dsa", agreement_document())
    values = {
        "practitioner_role": "health-visitor",
        "purpose": "s17-child-in-need",
        "claimed_policies": (claim(version_of(dsa)),),
        "consent": GOOD_CONSENT,
    }
    org = overrides.pop("org", NHS)
    values.update(overrides)
    return index_with(dsa).decide(context(org, **values))


def test_requester_not_a_party_is_refused():
    decision = _agreement_request(org="la-bradford", practitioner_role="social-worker")
    assert decision.refusal_codes() == ("requester-not-party",)


def test_party_of_a_type_the_agreement_does_not_let_ask_is_refused():
    decision = _agreement_request(org=SCHOOL, practitioner_role="designated-safeguarding-lead")
    assert "requester-type-not-permitted" in decision.refusal_codes()


def test_agreement_out_of_date_is_refused():
    lasting = Consent(status="given", scope=("s17-child-in-need",))
    late = dt.datetime(2027, 4, 1, 9, tzinfo=dt.UTC)
    decision = _agreement_request(decided_at=late, consent=lasting)
    assert decision.refusal_codes() == ("policy-expired",)
    early = _agreement_request(decided_at=dt.datetime(2025, 3, 31, 9, tzinfo=dt.UTC))
    assert early.refusal_codes() == ("policy-not-yet-in-force",)


def test_purpose_the_agreement_does_not_cover_is_refused():
    decision = _agreement_request(purpose="missing-child")
    assert decision.outcome == "DENY"
    assert "purpose-not-permitted" in decision.refusal_codes()


def test_data_category_beyond_the_agreement_is_refused():
    decision = _agreement_request(data_categories=("identity", "police-information"))
    assert decision.refusal_codes() == ("data-category-not-permitted",)


def test_claimed_policy_with_a_different_digest_is_refused():
    dsa = agreement_document()
    stale = PolicyClaim("dsa-leeds-early-help", 1, "0" * 64)
    decision = _agreement_request(dsa=dsa, claimed_policies=(stale,))
    assert decision.refusal_codes() == ("policy-digest-mismatch",)


def test_claiming_a_superseded_version_is_refused_as_a_mismatch():
    old = agreement_document()
    new = agreement_document(version=2, endDate="2028-03-31")
    index = index_with(old, new)
    decision = index.decide(
        context(
            NHS,
            practitioner_role="health-visitor",
            purpose="s17-child-in-need",
            claimed_policies=(claim(version_of(old)),),
            consent=GOOD_CONSENT,
        )
    )
    assert decision.refusal_codes() == ("policy-digest-mismatch",)
    assert "we hold version 2" in decision.failed()[0].explanation


def test_claimed_policy_we_do_not_hold_is_refused():
    decision = _agreement_request(claimed_policies=(PolicyClaim("dsa-elsewhere", 1, "a" * 64),))
    assert decision.refusal_codes() == ("policy-unknown",)


def test_draft_template_cannot_be_claimed(starter_index):
    draft = next(v for v in starter_policies() if v.policy_id == "sv-agreement-template")
    decision = starter_index.decide(context(claimed_policies=(claim(draft),)))
    assert decision.refusal_codes() == ("policy-unknown",)
    assert "is draft here" in decision.failed()[0].explanation


def test_suspended_requester_is_refused_whatever_it_claims():
    decision = _agreement_request(requester_status="suspended")
    assert decision.outcome == "DENY"
    assert decision.refusal_codes() == ("requester-suspended",)


def test_non_safeguarding_purpose_is_refused_even_under_an_agreement():
    dsa = agreement_document(purposes=["s17-child-in-need", "research"])
    decision = _agreement_request(dsa=dsa, purpose="research")
    assert decision.refusal_codes() == ("non-safeguarding-purpose",)


def test_consent_missing_expired_or_out_of_scope_refuses_where_the_agreement_says_deny():
    assert _agreement_request(consent=None).refusal_codes() == ("consent-missing",)
    withdrawn = Consent(status="withdrawn", scope=("s17-child-in-need",))
    assert _agreement_request(consent=withdrawn).refusal_codes() == ("consent-missing",)
    expired = Consent(status="given", scope=("s17-child-in-need",), expires=dt.date(2026, 1, 14))
    assert _agreement_request(consent=expired).refusal_codes() == ("consent-expired",)
    other = Consent(status="given", scope=("early-help",))
    assert _agreement_request(consent=other).refusal_codes() == ("consent-out-of-scope",)


def test_consent_failure_goes_to_review_where_the_agreement_says_review():
    permission = dict(agreement_document()["permission"])
    permission["consent"] = {"required": True, "onFailure": "review"}
    dsa = agreement_document(permission=permission)
    decision = _agreement_request(dsa=dsa, consent=None)
    assert decision.outcome == "REVIEW"
    assert decision.refusal_codes() == ("consent-missing",)
    assert decision.policy is not None
    assert decision.policy.policy_id == "dsa-leeds-early-help"


def test_statutory_s47_needs_no_consent(starter_index):
    # WT: consent is not needed where there is reasonable cause to suspect significant harm.
    decision = starter_index.decide(context(case_reference="S47-1", consent=None))
    assert decision.outcome == "PERMIT"


def test_explicit_prohibition_beats_the_statutory_permission():
    rule = {
        "identifier": {"value": "no-sexual-health-to-anyone", "system": "https://leeds.example"},
        "uri": "https://leeds.example/rules/sexual-health",
        "version": 1,
        "name": "Sexual health records are never shared through the exchange",
        "contact": "dpo@leeds.example",
        "route": "node-rule",
        "data": ["Sexual health clinic records"],
        "purposes": ["s47-enquiry"],
        "startDate": "2024-01-01",
        "endDate": "2099-12-31",
        "prohibitions": [
            {
                "description": "Sexual health records are shared only by a clinician by phone",
                "dataCategories": ["sexual-health"],
            }
        ],
    }
    index = index_with(rule)
    asked = context(case_reference="S47-9", data_categories=("identity", "sexual-health"))
    decision = index.decide(asked)
    assert decision.outcome == "DENY"
    assert decision.refusal_codes() == ("prohibited",)
    # Asking for nothing in particular: permitted, minus what is prohibited.
    decision = index.decide(context(case_reference="S47-9"))
    assert decision.outcome == "PERMIT"
    assert "sexual-health" not in decision.data_categories


def test_no_applicable_policy_without_the_professional_judgement_route():
    dsa = agreement_document()
    index = index_with(dsa, starters=False)
    decision = index.decide(context(POLICE, practitioner_role="police-officer"))
    assert decision.refusal_codes() == ("no-applicable-policy",)


def test_local_suppressions_withhold_or_reserve_services(starter_index):
    rules = LocalRules(
        suppressions=(
            Suppression("domestic-abuse-refuge", "withhold"),
            Suppression("sexual-health", "review"),
        )
    )
    decision = starter_index.decide(context(case_reference="S47-3", local_rules=rules))
    # Reserved services send the enquiry to review before matching, held person or not, so
    # a 202 can never tell the requester that the person is known and uses the service.
    assert decision.outcome == "REVIEW"
    assert decision.services_withheld == ("domestic-abuse-refuge",)
    assert decision.services_for_review == ("sexual-health",)
    assert decision.reasons[-1].code == "service-suppressed"
    withhold_only = LocalRules(suppressions=(Suppression("domestic-abuse-refuge", "withhold"),))
    permitted = starter_index.decide(context(case_reference="S47-3", local_rules=withhold_only))
    assert permitted.outcome == "PERMIT"
    assert permitted.services_withheld == ("domestic-abuse-refuge",)


def test_the_clock_is_never_read(starter_index):
    # The same request decided "in" 2023 falls before the statutory route came into force.
    decision = starter_index.decide(
        context(case_reference="S47-1", decided_at=dt.datetime(2023, 6, 1, tzinfo=dt.UTC))
    )
    assert decision.outcome == "DENY"
    assert decision.refusal_codes() == ("policy-not-yet-in-force",)
    assert starter_index.decide(context(case_reference="S47-1", decided_at=NOW)).outcome == "PERMIT"


def test_a_requester_finds_what_to_claim_when_asking_a_partner():
    current = agreement_document()
    ended = agreement_document(
        identifier={"value": "dsa-old", "system": "https://leeds.example/dsa"},
        startDate="2022-04-01",
        endDate="2025-03-31",
    )
    index = index_with(current, ended)
    claims = index.claims_for(NHS, LA, "s17-child-in-need", NOW.date())
    assert claims == (claim(version_of(current)),)
    assert index.claims_for(NHS, LA, "missing-child", NOW.date()) == ()
    assert index.claims_for(NHS, "la-bradford", "s17-child-in-need", NOW.date()) == ()
    decision = index.decide(
        context(
            NHS,
            practitioner_role="health-visitor",
            purpose="s17-child-in-need",
            claimed_policies=claims,
            consent=GOOD_CONSENT,
        )
    )
    assert decision.outcome == "PERMIT"
