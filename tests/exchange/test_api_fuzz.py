"""Fuzz the JSON API from its own OpenAPI schema (schemathesis): whatever a case-management
system sends to ``/api/...`` with a valid token, never a 500.

The requests reach a real council node in-process; enquiries it accepts are sent on to
partners that are not listening, which only makes them "did not answer".
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.exchange.conftest import Responder

# schemathesis.pytest.from_fixture fails under pytest 9 ('Function' has no '_nodeid'), so each
# operation's strategy is driven by hypothesis directly.
OPERATIONS = [
    ("POST", "/api/enquiries"),
    ("GET", "/api/enquiries/{enquiry_id}"),
    ("GET", "/api/enquiries"),
]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_api_never_answers_500(
    responders: dict[str, Responder], method: str, path: str
) -> None:
    council = responders["council-csc"]
    schema = schemathesis.openapi.from_asgi("/openapi.json", council.client.app)
    operation = schema[path][method]
    headers = {"Authorization": f"Bearer {council.network.api_token}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    def never_500(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    never_500()
