"""Fuzz the JSON API from its own OpenAPI schema (schemathesis): whatever a case-management
system sends to ``/api/...`` with a valid token, never a 500.

The requests reach a real council node in-process, on SQLite and on PostgreSQL (whose columns,
unlike SQLite's, refuse a value longer than they hold); enquiries it accepts are sent on to
partners that are not listening, which only makes them "did not answer".
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
import yaml
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from singleview.db import migrate
from singleview.exchange.app import create_app
from singleview.exchange.network import build_network
from singleview.exchange.node import open_node_from_file
from singleview.exchange.requester import stop_background
from tests.exchange import world
from tests.exchange.conftest import PORTS, Responder

# schemathesis.pytest.from_fixture fails under pytest 9 ('Function' has no '_nodeid'), so each
# operation's strategy is driven by hypothesis directly.
OPERATIONS = [
    ("POST", "/api/enquiries"),
    ("GET", "/api/enquiries/{enquiry_id}"),
    ("GET", "/api/enquiries"),
]


def never_500(client: TestClient, token: str, method: str, path: str) -> None:
    """Sixty generated requests to one operation; none may be answered 5xx."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operation = schema[path][method]
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    check()


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_api_never_answers_500(
    responders: dict[str, Responder], method: str, path: str
) -> None:
    council = responders["council-csc"]
    never_500(council.client, council.network.api_token, method, path)


@pytest.mark.postgres
def test_starting_an_enquiry_never_answers_500_on_postgresql(
    tmp_path: Path, postgres_url: str
) -> None:
    specs = [s for s in world.specs(PORTS) if s.organisation_id in ("council-csc", "police")]
    network = build_network(tmp_path, specs, {})
    config = network.configs["council-csc"]
    data = yaml.safe_load(config.read_text())
    data["database_url"] = postgres_url
    config.write_text(yaml.safe_dump(data))
    migrate(postgres_url)
    node = open_node_from_file(config)
    try:
        with TestClient(create_app(node, manage_node=False)) as client:
            never_500(client, network.api_token, "POST", "/api/enquiries")
    finally:
        stop_background(node)
        node.close()
