"""The log as W3C PROV-O (JSON-LD), as the MAIS information-governance draft suggests:
the enquiry, decision and release are Activities; the two organisations and the practitioner
are Agents; the request, the policy and the data released are Entities."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from singleview.audit.models import LoggedEntry

CONTEXT: dict[str, Any] = {
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sv": "urn:singleview:audit#",
    "startedAtTime": {"@id": "prov:startedAtTime", "@type": "xsd:dateTime"},
    "generatedAtTime": {"@id": "prov:generatedAtTime", "@type": "xsd:dateTime"},
    "used": {"@id": "prov:used", "@type": "@id"},
    "wasAssociatedWith": {"@id": "prov:wasAssociatedWith", "@type": "@id"},
    "actedOnBehalfOf": {"@id": "prov:actedOnBehalfOf", "@type": "@id"},
    "wasGeneratedBy": {"@id": "prov:wasGeneratedBy", "@type": "@id"},
    "wasInformedBy": {"@id": "prov:wasInformedBy", "@type": "@id"},
    "wasAttributedTo": {"@id": "prov:wasAttributedTo", "@type": "@id"},
}


def _org(org_id: str) -> str:
    return f"urn:singleview:org:{org_id}"


def _node(nodes: dict[str, dict[str, Any]], node_id: str, **properties: Any) -> None:
    """Add a node, or merge properties into the one already there (lists accumulate)."""
    node = nodes.setdefault(node_id, {"@id": node_id})
    for key, value in properties.items():
        if key in node and node[key] != value:
            existing = node[key] if isinstance(node[key], list) else [node[key]]
            additions = value if isinstance(value, list) else [value]
            node[key] = existing + [v for v in additions if v not in existing]
        else:
            node[key] = value


def export_prov(entries: Iterable[LoggedEntry]) -> dict[str, Any]:
    """A PROV-O JSON-LD document for the given log entries."""
    nodes: dict[str, dict[str, Any]] = {}
    for logged in entries:
        entry = logged.entry
        when = entry.occurred_at.isoformat()
        request = f"urn:singleview:request:{entry.request_id}"
        requester, responder = _org(entry.requester_org_id), _org(entry.responder_org_id)
        practitioner = f"{requester}:practitioner:{entry.practitioner.id}"
        _node(nodes, requester, **{"@type": ["prov:Agent", "prov:Organization"]})
        _node(nodes, responder, **{"@type": ["prov:Agent", "prov:Organization"]})
        _node(
            nodes,
            practitioner,
            **{"@type": ["prov:Agent", "prov:Person"], "sv:role": entry.practitioner.role},
            actedOnBehalfOf=requester,
        )
        _node(
            nodes,
            request,
            **{"@type": "prov:Entity", "sv:purpose": entry.purpose},
            wasAttributedTo=practitioner,
        )
        policies = []
        for policy in entry.policies:
            policy_id = f"urn:singleview:policy:{policy.id}:{policy.version}"
            policies.append(policy_id)
            _node(nodes, policy_id, **{"@type": "prov:Entity", "sv:digest": policy.digest})
        activity = f"urn:singleview:log:{logged.index}"
        base = {"sv:logIndex": logged.index, "startedAtTime": when}
        if entry.kind in ("enquiry-sent", "enquiry-received"):
            enquiry = f"{request}:enquiry"
            _node(
                nodes,
                enquiry,
                **{"@type": "prov:Activity", "sv:loggedBy": [activity]},
                used=[request, *policies],
                wasAssociatedWith=[practitioner, requester],
            )
            _node(nodes, activity, **{"@type": "sv:LogEntry", "sv:kind": entry.kind, **base})
        if entry.decision is not None:
            decision = f"{request}:decision"
            _node(
                nodes,
                decision,
                **{
                    "@type": "prov:Activity",
                    "sv:outcome": entry.decision.outcome,
                    "sv:reasons": list(entry.decision.reasons),
                    "startedAtTime": when,
                },
                used=[request, *policies],
                wasAssociatedWith=[
                    responder,
                    *([f"{responder}:practitioner:{entry.reviewer.id}"] if entry.reviewer else []),
                ],
                wasInformedBy=f"{request}:enquiry",
            )
        if entry.release is not None:
            release = f"{request}:release"
            data = f"urn:singleview:data:{entry.release.digest}"
            _node(
                nodes,
                release,
                **{"@type": "prov:Activity", "startedAtTime": when},
                used=[request],
                wasAssociatedWith=[responder],
                wasInformedBy=f"{request}:decision",
            )
            _node(
                nodes,
                data,
                **{
                    "@type": "prov:Entity",
                    "sv:dataCategories": list(entry.release.data_categories),
                    "generatedAtTime": when,
                },
                wasGeneratedBy=release,
                wasAttributedTo=responder,
            )
        if entry.kind not in ("enquiry-sent", "enquiry-received"):
            _node(nodes, activity, **{"@type": "sv:LogEntry", "sv:kind": entry.kind, **base})
    return {"@context": CONTEXT, "@graph": list(nodes.values())}
