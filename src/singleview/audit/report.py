"""Reports for subject access and for partners: what was shared, with whom, when, and under
which policy, read from the log's own entries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from singleview.audit.models import LoggedEntry


@dataclass(frozen=True)
class ReportLine:
    """One logged step, as a person reads it."""

    index: int
    when: str
    kind: str
    request_id: str
    requester: str
    responder: str
    practitioner: str
    purpose: str
    policy: str
    outcome: str
    released: str


def report_lines(entries: Iterable[LoggedEntry]) -> list[ReportLine]:
    """Flatten entries into report lines, oldest first."""
    lines = []
    for logged in entries:
        entry = logged.entry
        if entry.decision and entry.decision.policy_id:
            policy = f"{entry.decision.policy_id} v{entry.decision.policy_version or '?'}"
        else:
            policy = ", ".join(f"{p.id} v{p.version}" for p in entry.policies) or "-"
        lines.append(
            ReportLine(
                index=logged.index,
                when=entry.occurred_at.isoformat(timespec="seconds"),
                kind=entry.kind,
                request_id=entry.request_id,
                requester=entry.requester_org_id,
                responder=entry.responder_org_id,
                practitioner=f"{entry.practitioner.id} ({entry.practitioner.role})",
                purpose=entry.purpose,
                policy=policy,
                outcome=entry.decision.outcome if entry.decision else "-",
                released=", ".join(entry.release.data_categories) if entry.release else "-",
            )
        )
    return sorted(lines, key=lambda line: line.index)
