"""``POST /api/enquiries`` refuses what it cannot ask with a 422 naming the field, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.exchange import world
from tests.exchange.conftest import Responder


def body(**changes: Any) -> dict[str, Any]:
    """A valid request from a council social worker, changed as given."""
    request: dict[str, Any] = {
        "practitioner": {"identifier": "sw-1", "name": "Alex Social", "role": "social-worker"},
        "person": world.person(world.JANE).model_dump(mode="json", by_alias=True),
        "purpose": "s47-enquiry",
        "caseReference": "S47-2026-0042",
    }
    request.update(changes)
    return request


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"caseReference": "c" * 201}, "caseReference"),
        ({"caseReference": ""}, "caseReference"),
        (
            {"practitioner": {"identifier": "sw-1", "name": "n" * 201, "role": "social-worker"}},
            "practitioner",
        ),
        ({"dataCategories": ["shoe-size"]}, "dataCategories"),
        ({"purpose": "fishing"}, "purpose"),
    ],
    ids=[
        "case reference too long",
        "empty case reference",
        "practitioner's name too long",
        "unknown category",
        "unknown purpose",
    ],
)
def test_a_request_that_cannot_be_asked_is_a_422_naming_the_field(
    responders: dict[str, Responder], changes: dict[str, Any], field: str
) -> None:
    council = responders["council-csc"]
    answer = council.client.post(
        "/api/enquiries",
        json=body(**changes),
        headers={"Authorization": f"Bearer {council.network.api_token}"},
    )
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    if isinstance(detail, str):  # nobody can be asked for that purpose
        assert field in detail
    else:  # FastAPI's own shape, the field named as it was sent
        assert ["body", field] in [problem["loc"][:2] for problem in detail]


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("/api/enquiries?practitioner=sw%001", ["query", "practitioner"]),
        ("/api/enquiries?practitioner=" + "p" * 201, ["query", "practitioner"]),
        ("/api/enquiries/enq%00", ["path", "enquiry_id"]),
    ],
    ids=["NUL in a practitioner", "practitioner too long", "NUL in an enquiry id"],
)
def test_a_lookup_the_database_cannot_make_is_a_422_naming_the_parameter(
    responders: dict[str, Responder], path: str, where: list[str]
) -> None:
    # PostgreSQL cannot look up a NUL: these were 500s there (SQLite simply found nothing).
    council = responders["council-csc"]
    answer = council.client.get(
        path, headers={"Authorization": f"Bearer {council.network.api_token}"}
    )
    assert answer.status_code == 422, answer.text
    assert where in [problem["loc"] for problem in answer.json()["detail"]]
