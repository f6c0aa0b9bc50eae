"""A decision's conditions in plain English, for the IG officer's review and audit pages.

Governance records each condition it checked as a decision-reason code, a status and an
explanation. The code names the way the condition *fails* (``requester-suspended``), so printed
beside a condition that held it reads as if something were wrong. The pages therefore say what
was checked, as a question, and answer it; the code is kept only where a condition failed or
could not be checked, as a small reference an officer can quote.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from singleview.audit import DecisionRecord
from singleview.governance import Reason
from singleview.standards.vocabulary import label_of

#: What each decision-reason code checks, asked as a question a "yes" answers.
CHECKS: dict[str, str] = {
    "requester-suspended": "Is the organisation asking active in the register?",
    "requester-not-party": "Is the organisation asking a party to the agreement?",
    "requester-type-not-permitted": "Does the agreement let this kind of organisation ask?",
    "role-not-permitted": "Does the agreement let the practitioner's role ask?",
    "purpose-not-permitted": "Does the agreement cover the purpose given?",
    "policy-expired": "Is the agreement in force?",
    "policy-not-yet-in-force": "Is the agreement in force?",
    "policy-unknown": "Does the organisation answering hold the agreement the enquiry names?",
    "policy-digest-mismatch": "Do both sides hold the same text of the agreement?",
    "no-applicable-policy": "Does an agreement cover this enquiry?",
    "case-reference-missing": "Does the enquiry give a case reference?",
    "data-category-not-permitted": "Does the agreement release the information asked for?",
    "consent-missing": "Was the person's consent recorded?",
    "consent-expired": "Is the consent still in date?",
    "consent-out-of-scope": "Does the consent cover this purpose?",
    "service-suppressed": (
        "Do the answering organisation's local rules let every service's records be shared?"
    ),
    # Unknown while the enquiry waits in the review queue; settled by the officer's verdict.
    "professional-judgement": "Has an IG officer approved it?",
}

#: The answer to the question, by condition status.
VERDICTS = {"satisfied": "Yes", "failed": "No", "unknown": "Could not be checked"}


@dataclass(frozen=True, slots=True)
class ReasonLine:
    """One condition as the page shows it."""

    check: str
    status: str
    #: "Yes", "No", "Could not be checked", or "Needs an IG officer's decision"
    verdict: str
    #: governance's explanation, empty when only the code was logged
    detail: str
    #: the decision-reason code, only for a condition that did not hold
    code: str | None


def check_for(code: str) -> str:
    """The question a decision-reason code answers (its vocabulary label if we have none)."""
    return CHECKS[code] if code in CHECKS else label_of("decision-reasons", code)


def reason_line(code: str, status: str, detail: str = "") -> ReasonLine:
    """One condition in plain English; the code is kept only when it did not hold."""
    verdict = VERDICTS.get(status, status)
    if code == "professional-judgement" and status == "unknown":
        verdict = "Needs an IG officer's decision"
    return ReasonLine(
        check=check_for(code),
        status=status,
        verdict=verdict,
        detail=detail,
        code=None if status == "satisfied" else code,
    )


def reason_lines(reasons: Iterable[Reason]) -> list[ReasonLine]:
    """A decision's conditions (``Decision.reasons``) in plain English, in the order checked."""
    return [reason_line(r.code, r.status, r.explanation) for r in reasons]


def logged_reason_lines(logged: Iterable[str]) -> list[ReasonLine]:
    """An audit entry's reasons in plain English.

    The responder logs ``code:status``; the requester logs a refusal's codes alone, which are
    the conditions that failed.
    """
    lines = []
    for text in logged:
        code, _, status = text.partition(":")
        lines.append(reason_line(code, status or "failed"))
    return lines


def refusal_lines(decision: DecisionRecord | None) -> list[ReasonLine]:
    """The conditions of a logged decision that did not hold: why it was refused. A condition
    several agreements failed alike is said once."""
    reasons = decision.reasons if decision is not None else ()
    lines = [line for line in logged_reason_lines(reasons) if line.status != "satisfied"]
    return list(dict.fromkeys(lines))


def without_code(line: str, codes: Iterable[str]) -> tuple[str, str | None]:
    """``"code: text"`` (as ``missing_for_permit`` writes it) split into the text and the code."""
    for code in codes:
        if line.startswith(f"{code}: "):
            return line[len(code) + 2 :], code
    return line, None
