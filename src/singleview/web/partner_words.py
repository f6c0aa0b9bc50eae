"""What a practitioner reads for a partner that refused or did not answer.

The exchange keeps what each partner said (a refusal's codes and text, written for information
governance officers and naming agreements by id) and what went wrong with one that said
nothing (a refused connection, a bad signature). A social worker needs neither to act: they
need to know what the answer means and what to do next. Those words are here; what the partner
said, or what went wrong, stays one click away.
"""

from __future__ import annotations

from dataclasses import dataclass

from singleview.exchange.views import PartnerView

NO_ANSWER_WORDS = (
    "Did not answer, so we cannot say whether they know this child. Call them if you need to know."
)

#: A refusal's decision-reason codes in a practitioner's words, saying what to do where there
#: is something to do. A code not here is covered by the closing sentence.
REFUSAL_WORDS: dict[str, str] = {
    "no-applicable-policy": "None of their agreements covers this enquiry from us.",
    "requester-not-party": "None of their agreements covers this enquiry from us.",
    "requester-type-not-permitted": "None of their agreements covers this enquiry from us.",
    "purpose-not-permitted": "Their agreements do not cover this reason for asking.",
    "non-safeguarding-purpose": "They answer only safeguarding enquiries.",
    "role-not-permitted": "Their agreement does not let your role ask.",
    "case-reference-missing": "They need a case reference: ask again with one.",
    "consent-missing": "They need the family's consent for this reason for asking.",
    "consent-expired": "The consent given has expired.",
    "consent-out-of-scope": "The consent given does not cover this reason for asking.",
    "data-category-not-permitted": "Their agreement does not let them share what was asked for.",
    "requester-suspended": "Our organisation is not active in the register they hold.",
    "policy-expired": "The agreement this enquiry relies on is not in force for them.",
    "policy-not-yet-in-force": "The agreement this enquiry relies on is not in force for them.",
    "policy-unknown": "They do not hold the agreement this enquiry relies on.",
    "policy-digest-mismatch": "They hold a different version of the agreement.",
    "prohibited": "Their agreements forbid sharing this.",
}
FOR_IG = "Your information governance team can take it up with theirs."


@dataclass(frozen=True, slots=True)
class Words:
    """A partner's line, and what stays behind a click (None when nothing does)."""

    summary: str
    detail_title: str | None = None
    detail: str | None = None


def partner_words(view: PartnerView) -> Words:
    """How the practitioner's single view words ``view``."""
    if view.state == "no-answer":
        return Words(NO_ANSWER_WORDS, "What went wrong, for your IT team", view.problem)
    if view.state != "refused":
        return Words(view.summary)
    if "professional-judgement" in view.refusal_codes:
        # An officer's refusal is already in words: who, when, and the reason they gave.
        return Words(view.summary)
    said = dict.fromkeys(REFUSAL_WORDS[c] for c in view.refusal_codes if c in REFUSAL_WORDS)
    summary = " ".join(["Refused to answer.", *said, FOR_IG])
    return Words(summary, "What they said", view.refusal_text)
