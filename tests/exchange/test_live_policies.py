"""Two workers of one node on one database: a policy change made by one reaches the other.

Each worker is a ``Node`` opened from the same configuration, as each uvicorn worker opens its
own; the second serves enquiries through the real app. The first records a new version of the
s47 route, then suspends the statutory routes, through the governance service (as the IG
page does), and at last suspends the local agreement on the IG page itself; the second decides with
each change within about a second, without a restart.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from singleview.exchange.app import create_app
from singleview.exchange.network import AGREEMENT_ID, V03_POLICY_ID, Network
from singleview.exchange.node import Node, open_node_from_file
from singleview.governance import policy_index
from singleview.governance.documents import PolicyVersion, policy_version
from singleview.governance.policies import record_policies
from singleview.standards.fhir import parse_answer
from singleview.web import add_user
from tests.exchange import world
from tests.exchange.conftest import Responder, s47_enquiry
from tests.web.conftest import PASSWORD, sign_in

S47 = "sv-statutory-s47"


@pytest.fixture
def workers(network: Network) -> Iterator[tuple[Node, Responder]]:
    """The police node opened twice: worker one, and worker two behind the app."""
    one = open_node_from_file(network.configs["police"])
    two = open_node_from_file(network.configs["police"])
    client = TestClient(create_app(two, manage_node=False), base_url=two.config.public_base_url)
    yield one, Responder(two, client, network)
    client.close()
    one.close()
    two.close()


def _publish(worker: Node, change: Callable[[PolicyVersion], PolicyVersion], *ids: str) -> None:
    """Record a new version of each policy in ``ids`` on ``worker``, as the IG page does."""
    versions = [change(worker.policies.versions[i]) for i in ids]
    now = dt.datetime.now(dt.UTC)
    record_policies(worker.sessions, [(v, "web:ig-1") for v in versions], recorded_at=now)
    worker.policies = policy_index(worker.sessions)


def _until(check: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    give_up = time.monotonic() + timeout
    while not check():
        if time.monotonic() > give_up:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_a_new_version_and_a_suspension_reach_the_other_worker(
    workers: tuple[Node, Responder],
) -> None:
    one, two = workers
    response = two.enquire("council-csc", s47_enquiry(world.JANE))
    assert response.status_code == 200, response.text
    decision = parse_answer(response.content).decision
    assert decision is not None
    assert (decision.policy_id, decision.policy_version) == (S47, 1)

    def newer(v: PolicyVersion) -> PolicyVersion:
        return policy_version(v.policy.model_copy(update={"version": v.version + 1}))

    _publish(one, newer, S47)
    assert one.policies.versions[S47].version == 2

    def holds_version_2() -> bool:
        held = two.node.policies.versions.get(S47)
        return held is not None and held.version == 2

    _until(holds_version_2, "worker two to hold version 2")
    response = two.enquire("council-csc", s47_enquiry(world.JANE))
    assert response.status_code == 200, response.text
    decision = parse_answer(response.content).decision
    assert decision is not None
    assert (decision.policy_id, decision.policy_version) == (S47, 2)

    def suspended(v: PolicyVersion) -> PolicyVersion:
        update = {"status": "withdrawn", "version": v.version + 1}
        return policy_version(v.policy.model_copy(update=update))

    _publish(one, suspended, S47, V03_POLICY_ID)
    _until(lambda: S47 in two.node.policies.inactive, "worker two to see the suspension")
    # With both statutory routes suspended, only professional judgement is left: a review.
    response = two.enquire("council-csc", s47_enquiry(world.JANE))
    assert response.status_code == 202, response.text


def test_a_suspension_on_the_ig_page_reaches_the_other_worker(
    workers: tuple[Node, Responder],
) -> None:
    one, two = workers
    add_user(
        one.sessions,
        username="imran",
        display_name="Imran",
        role="ig-officer",
        password=PASSWORD,
        now=dt.datetime.now(dt.UTC),
    )
    assert AGREEMENT_ID not in two.node.policies.inactive
    app = create_app(one, manage_node=False)
    with TestClient(app, base_url=one.config.public_base_url, follow_redirects=False) as page:
        csrf = sign_in(page, "imran")
        response = page.post(f"/ig/agreements/{AGREEMENT_ID}/suspend", data={"csrf_token": csrf})
        assert response.status_code == 303, response.text
    assert AGREEMENT_ID in one.policies.inactive  # the worker that served the page: at once
    _until(lambda: AGREEMENT_ID in two.node.policies.inactive, "worker two to see the suspension")
