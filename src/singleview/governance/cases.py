"""Requests and test cases written by IG officers (YAML), for ``policy test`` and ``what-if``.

A request names the claimed policies by id; unless a version and digest are given, the claim
is taken to be faithful to the policy held (the common case when testing one's own policies).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from singleview.governance.models import (
    Consent,
    Decision,
    DecisionContext,
    LocalRules,
    Outcome,
    PolicyClaim,
    Suppression,
)
from singleview.governance.pdp import PolicyIndex

_M = TypeVar("_M", bound=BaseModel)


class CaseFileError(ValueError):
    """A request or case file that cannot be read; the message names the file and field."""


class _Spec(BaseModel):
    model_config = ConfigDict(
        extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True
    )


class RequesterSpec(_Spec):
    """The requesting organisation as the register would describe it."""

    id: str
    type: str | None = None
    status: str = "active"


class ClaimSpec(_Spec):
    """A claimed policy; version and digest default to the ones held."""

    policy: str
    version: int | None = None
    digest: str | None = None


class ConsentSpec(_Spec):
    """Consent recorded with the request."""

    status: Literal["given", "refused", "withdrawn"]
    scope: tuple[str, ...] = ()
    expires: dt.date | None = None


class SuppressionSpec(_Spec):
    """A local rule of the responder."""

    service: str
    action: Literal["withhold", "review"]


class RequestSpec(_Spec):
    """A request as an IG officer writes it."""

    requester: RequesterSpec
    role: str | None = None
    purpose: str
    at: dt.datetime
    claims: tuple[str | ClaimSpec, ...] = ()
    data_categories: tuple[str, ...] = ()
    case_reference: str | None = None
    consent: ConsentSpec | None = None
    suppressions: tuple[SuppressionSpec, ...] = ()

    def to_context(self, index: PolicyIndex) -> DecisionContext:
        """The PDP context, filling faithful claims from the policies held."""
        claims = []
        for c in self.claims:
            spec = ClaimSpec(policy=c) if isinstance(c, str) else c
            held = index.versions.get(spec.policy)
            claims.append(
                PolicyClaim(
                    spec.policy,
                    spec.version if spec.version is not None else (held.version if held else 1),
                    spec.digest if spec.digest is not None else (held.digest if held else ""),
                )
            )
        at = self.at if self.at.tzinfo else self.at.replace(tzinfo=dt.UTC)
        return DecisionContext(
            requester_org_id=self.requester.id,
            requester_org_type=self.requester.type,
            requester_status=self.requester.status,
            practitioner_role=self.role,
            purpose=self.purpose,
            decided_at=at,
            claimed_policies=tuple(claims),
            data_categories=self.data_categories,
            case_reference=self.case_reference,
            consent=None
            if self.consent is None
            else Consent(self.consent.status, self.consent.scope, self.consent.expires),
            local_rules=LocalRules(
                tuple(Suppression(s.service, s.action) for s in self.suppressions)
            ),
        )


class ExpectSpec(_Spec):
    """What a case expects: the outcome, and optionally the failed reasons, policy, duties."""

    outcome: Literal["PERMIT", "DENY", "REVIEW"]
    reasons: tuple[str, ...] | None = None
    policy: str | None = None
    obligations: tuple[str, ...] | None = None


class CaseSpec(_Spec):
    """One test case."""

    name: str = Field(min_length=1)
    request: RequestSpec
    expect: ExpectSpec


class CaseFile(_Spec):
    """A file of test cases."""

    cases: tuple[CaseSpec, ...] = Field(min_length=1)


def _load(path: Path, model: type[_M]) -> _M:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.model_validate(data)
    except OSError as exc:
        raise CaseFileError(f"{path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise CaseFileError(f"{path}: {str(exc).splitlines()[0]}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(document)'}: {e['msg']}"
            for e in exc.errors()
        )
        raise CaseFileError(f"{path}: {problems}") from exc


def load_request(path: Path) -> RequestSpec:
    """Read one request (for ``what-if``)."""
    return _load(path, RequestSpec)


def load_cases(path: Path) -> CaseFile:
    """Read a file of test cases (for ``policy test``)."""
    return _load(path, CaseFile)


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One case run: the decision and any way it differed from what was expected."""

    name: str
    decision: Decision
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """True when the decision is what the case expected."""
        return not self.problems


def run_case(case: CaseSpec, index: PolicyIndex) -> CaseResult:
    """Decide one case and compare with its expectation."""
    decision = index.decide(case.request.to_context(index))
    want = case.expect
    problems: list[str] = []
    outcome: Outcome = want.outcome
    if decision.outcome != outcome:
        problems.append(f"outcome {decision.outcome}, expected {outcome}")
    if want.reasons is not None and set(decision.refusal_codes()) != set(want.reasons):
        problems.append(
            f"failed reasons {sorted(decision.refusal_codes())}, expected {sorted(want.reasons)}"
        )
    got_policy = decision.policy.policy_id if decision.policy else None
    if want.policy is not None and got_policy != want.policy:
        problems.append(f"policy {got_policy}, expected {want.policy}")
    if want.obligations is not None and set(decision.obligations) != set(want.obligations):
        problems.append(
            f"obligations {sorted(decision.obligations)}, expected {sorted(want.obligations)}"
        )
    return CaseResult(case.name, decision, tuple(problems))
