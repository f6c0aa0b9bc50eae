"""What the audit log records about an exchange, and the tree heads it signs.

One ``AuditEntry`` per step either side takes, following the MAIS information-governance
logging table: the requester logs the request it sent, the policy it relied on and the answer
it received; the responder logs the request it received, the policy, its decision (with
reasons) and the answer it sent. Entries carry references and digests, never the person's
details: see ``docs/audit.md`` for what is stored and why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any, Literal

from pydantic import Field, field_validator

from singleview.standards.person import Person, StandardModel

EntryKind = Literal[
    "enquiry-sent",  # requester: the request it signed and sent
    "enquiry-received",  # responder: the request it authenticated
    "answer-sent",  # responder: the decision and what it released
    "answer-received",  # requester: what a partner answered
    "review-decided",  # responder: a person decided an enquiry held for review
]
DecisionOutcome = Literal["PERMIT", "DENY", "REVIEW"]
HEX_SHA256 = r"^[0-9a-f]{64}$"


class Practitioner(StandardModel):
    """Who asked or decided: an identifier their organisation can resolve, and their role."""

    id: str = Field(min_length=1)
    role: str = Field(min_length=1)


class PolicyReference(StandardModel):
    """A sharing policy as both sides name it: the digest shows they hold the same text."""

    id: str = Field(min_length=1)
    version: str = Field(min_length=1)
    digest: str = Field(pattern=HEX_SHA256)


class DecisionRecord(StandardModel):
    """The Policy Decision Point's outcome, the reason for each condition, and obligations."""

    outcome: DecisionOutcome
    reasons: tuple[str, ...] = ()
    policy_id: str | None = None
    policy_version: str | None = None
    obligations: tuple[str, ...] = ()


class MatchRecord(StandardModel):
    """How the responder matched the person, without the person's details."""

    matched: bool
    grade: Literal["certain", "probable", "possible"] | None = None
    score: float | None = None
    multiple_matches: bool = False
    explanation: tuple[str, ...] = ()


class ReleaseRecord(StandardModel):
    """The answer sent or received: its digest and the categories of data it released."""

    digest: str = Field(pattern=HEX_SHA256)
    data_categories: tuple[str, ...] = ()
    http_status: int | None = None


class SubjectReference(StandardModel):
    """Who the exchange was about, without copying their details into the log.

    ``record_id`` is the responder's own record id (it already holds the record).
    ``enquiry_key`` is a keyed hash of the enquiry's identifying details, so the requester can
    answer a subject access request by recomputing it from the person's details.
    """

    record_id: str | None = None
    enquiry_key: str | None = Field(default=None, pattern=HEX_SHA256)


class AuditEntry(StandardModel):
    """One step of one exchange, as either side logs it."""

    kind: EntryKind
    request_id: str = Field(min_length=1)
    requester_org_id: str = Field(min_length=1)
    responder_org_id: str = Field(min_length=1)
    practitioner: Practitioner
    purpose: str = Field(min_length=1)
    case_reference: str | None = None
    policies: tuple[PolicyReference, ...] = ()
    decision: DecisionRecord | None = None
    match: MatchRecord | None = None
    release: ReleaseRecord | None = None
    subject: SubjectReference = SubjectReference()
    reviewer: Practitioner | None = None
    occurred_at: dt.datetime

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError("must carry a time zone (UTC is expected)")
        return value.astimezone(dt.UTC)


class LoggedEntry(StandardModel):
    """An entry as the log holds it: its position and the time it was logged are in the leaf.

    Putting the index inside the hashed record means a row moved to another position no
    longer matches its own leaf, so ``audit verify`` names it exactly.
    """

    index: int = Field(ge=0)
    logged_at: dt.datetime
    entry: AuditEntry

    def canonical_bytes(self) -> bytes:
        """The exact bytes the leaf hash covers: JSON, sorted keys, no spaces, ASCII only."""
        return canonical_json(self.model_dump(mode="json", by_alias=True, exclude_none=True))

    @classmethod
    def from_bytes(cls, data: bytes) -> LoggedEntry:
        """Parse the stored record back."""
        return cls.model_validate_json(data)


class TreeHead(StandardModel):
    """What a signed tree head states: this log had this root at this size at this time."""

    log_id: str = Field(min_length=1)
    tree_size: int = Field(ge=0)
    root_hash: str = Field(pattern=HEX_SHA256)
    timestamp: int = Field(ge=0, description="milliseconds since the Unix epoch, as RFC 9162")

    def payload(self) -> bytes:
        """The JWS payload, with the snake_case names the issue fixes."""
        return canonical_json(self.model_dump(mode="json", by_alias=False))


def canonical_json(value: Any) -> bytes:
    """A stable serialisation: the same value always hashes the same way."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def enquiry_subject_key(secret: bytes, person: Person) -> str:
    """A keyed hash (HMAC-SHA-256) of the identifying details an enquiry was made with.

    Keyed so that nobody without the node's secret can test guesses of a name and date of
    birth against the log; deterministic so a subject access request can find the entries.
    """
    if len(secret) < 32:
        raise ValueError("the subject key secret must be at least 32 bytes")
    details = {
        "identifiers": sorted(f"{i.system}|{i.value}" for i in person.identifiers),
        "names": sorted(
            " ".join([*(g.casefold() for g in name.given_names), name.family_name.casefold()])
            for name in person.names
        ),
        "birthDate": person.date_of_birth.date.isoformat() if person.date_of_birth else None,
    }
    return hmac.new(secret, canonical_json(details), hashlib.sha256).hexdigest()
