"""A refusing or silent partner in a practitioner's words, with what it said one click away."""

from __future__ import annotations

from singleview.exchange.views import PartnerView
from singleview.standards.vocabulary import load_vocabulary
from singleview.web.partner_words import (
    FOR_IG,
    NO_ANSWER_WORDS,
    REFUSAL_WORDS,
    Words,
    partner_words,
)

#: What a partner's policy refusal says: written for IG officers, naming agreements by id.
SAID = (
    "sv-statutory-s47 does not cover the purpose early-help; it covers s47-enquiry. "
    "sv-statutory-s47 needs a case reference and the request gives none."
)


def view(state: str, summary: str = "", **fields: object) -> PartnerView:
    return PartnerView(
        organisation_id="police",
        name="Northmoor Police",
        endpoint="http://police.example",
        state=state,
        summary=summary,
        **fields,  # type: ignore[arg-type]
    )


def test_a_policy_refusal_says_what_it_means_and_keeps_what_they_said() -> None:
    refused = view(
        "refused",
        f"Refused to answer: {SAID}",
        refusal_codes=("purpose-not-permitted", "case-reference-missing"),
        refusal_text=SAID,
    )
    assert partner_words(refused) == Words(
        "Refused to answer. Their agreements do not cover this reason for asking. "
        f"They need a case reference: ask again with one. {FOR_IG}",
        "What they said",
        SAID,
    )


def test_codes_that_mean_the_same_to_a_practitioner_say_it_once() -> None:
    refused = view(
        "refused",
        refusal_codes=("no-applicable-policy", "requester-not-party", "a-code-from-the-future"),
        refusal_text="...",
    )
    assert partner_words(refused).summary == (
        f"Refused to answer. None of their agreements covers this enquiry from us. {FOR_IG}"
    )


def test_an_officer_s_refusal_is_already_in_words() -> None:
    summary = (
        "Refused to answer: An information governance officer, Imran (ig-officer), refused on "
        "22 November 2026 at 07:36 UTC. Reason given: Not proportionate."
    )
    refused = view(
        "refused", summary, refusal_codes=("professional-judgement",), refusal_text=summary[19:]
    )
    assert partner_words(refused) == Words(summary)


def test_a_partner_that_did_not_answer_is_not_not_known() -> None:
    silent = view("no-answer", "Did not answer (could not connect)", problem="could not connect")
    assert partner_words(silent) == Words(
        NO_ANSWER_WORDS, "What went wrong, for your IT team", "could not connect"
    )
    assert "cannot say whether they know this child" in NO_ANSWER_WORDS


def test_other_answers_keep_their_summary() -> None:
    for state in ("known", "may-know", "not-known", "waiting-for-review", "asking"):
        assert partner_words(view(state, f"{state} words")) == Words(f"{state} words")


def test_every_refusal_code_has_words() -> None:
    codes = set(load_vocabulary("decision-reasons").codes)
    # An officer's refusal carries its own words; a suppressed service never refuses.
    assert set(REFUSAL_WORDS) == codes - {"professional-judgement", "service-suppressed"}
