"""Putting a node of a built network on PostgreSQL instead of its SQLite file."""

from __future__ import annotations

from collections.abc import Iterable

import yaml

from singleview.exchange.network import Network, load_records
from singleview.records.models import StoredPerson
from singleview.standards.involvement import OrganisationContact


def move_to_postgres(
    network: Network,
    organisation_id: str,
    database_url: str,
    people: Iterable[StoredPerson],
    contact: OrganisationContact | None,
) -> None:
    """Point the node's configuration at ``database_url``, migrate it and load its records."""
    config = network.configs[organisation_id]
    data = yaml.safe_load(config.read_text())
    data["database_url"] = database_url
    config.write_text(yaml.safe_dump(data))
    load_records(database_url, people, contact)
