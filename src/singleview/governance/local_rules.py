"""The responder's local rules: services whose involvements it withholds or reviews first.

A node keeps them in a small YAML file an IG officer edits, e.g.::

    suppressions:
      - service: domestic-abuse-refuge
        action: withhold
      - service: sexual-health
        action: review
"""

from __future__ import annotations

from pathlib import Path

import yaml

from singleview.governance.models import LocalRules, Suppression
from singleview.standards.vocabulary import load_vocabulary


class LocalRulesError(ValueError):
    """A local rules file that cannot be read; the message names the file and entry."""


def parse_local_rules(data: object, source: str) -> LocalRules:
    """Local rules from parsed YAML/JSON; every service must be a service-types code."""
    if data is None:
        return LocalRules()
    if not isinstance(data, dict) or set(data) - {"suppressions"}:
        raise LocalRulesError(f"{source}: expected a mapping with only 'suppressions'")
    entries = data.get("suppressions") or []
    if not isinstance(entries, list):
        raise LocalRulesError(f"{source}: suppressions must be a list")
    services = load_vocabulary("service-types")
    suppressions = []
    for i, entry in enumerate(entries):
        where = f"{source}: suppressions[{i}]"
        if not isinstance(entry, dict) or set(entry) != {"service", "action"}:
            raise LocalRulesError(f"{where}: needs exactly 'service' and 'action'")
        service, action = entry["service"], entry["action"]
        if service not in services:
            raise LocalRulesError(f"{where}.service: {service!r} is not a service-types code")
        if action not in ("withhold", "review"):
            raise LocalRulesError(f"{where}.action: {action!r} is not 'withhold' or 'review'")
        suppressions.append(Suppression(service, action))
    return LocalRules(tuple(suppressions))


def load_local_rules(path: Path | None) -> LocalRules:
    """The node's local rules from ``path`` (none when no file is configured)."""
    if path is None:
        return LocalRules()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LocalRulesError(f"{path}: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise LocalRulesError(f"{path}: {str(exc).splitlines()[0]}") from exc
    return parse_local_rules(data, str(path))
