"""Unusual volumes reach the IG officer's alerts page through the real path.

Five real node processes (the browser tests' network) with the alert's floor set low through
the node's settings. Practitioners sign in to their own node's pages over HTTP and ask; their
node sends each enquiry, signed, to every partner; the police node decides and logs it. The
police IG officer, signed in over HTTP, then reads the alerts page, which counts the log; the
same page is then checked in Chromium with axe-core and photographed.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.web import browsing
from tests.web.conftest import table_rows
from tests.web.live import LiveNetwork, ask, build, running, signed_in, wait_for

pytestmark = pytest.mark.slow

#: Enquiries from one requester in 24 hours before an alert (the node's default is 10).
FLOOR = 4
WAIT_SECONDS = 60.0
COUNCIL = "Northmoor Council Children's Services"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveNetwork]:
    """The five-node network, every node started with the low floor."""
    network = build(tmp_path_factory.mktemp("volume-network"))
    with running(network, env={"SINGLEVIEW_VOLUME_ALERT_FLOOR": str(FLOOR)}) as started:
        yield started


def police_has_answered(client: httpx.Client, enquiry_id: str) -> None:
    """Wait until the police node has received (and logged) the enquiry and answered it."""
    # Early help goes to the police IG officer: the police node logged it and holds it.
    wait_for(client, enquiry_id, "police", "waiting-for-review", WAIT_SECONDS)


def volume_rows(officer: httpx.Client) -> list[list[str]]:
    """The rows of the alerts page's unusual-volume table, as the officer reads them."""
    nothing = "No organisation or practitioner has asked unusually often"
    return table_rows(officer, "/ig/alerts", "volumes", nothing)


def test_one_organisation_and_practitioner_asking_far_more_than_usual(
    live: LiveNetwork,
) -> None:
    officer, _ = signed_in(live.endpoints["police"], "ig-officer")
    health, health_token = signed_in(live.endpoints["nhs-trust"], "practitioner")
    council, council_token = signed_in(live.endpoints["council-csc"], "practitioner")
    # The usual: the NHS trust's practitioner asks the police once.
    police_has_answered(health, ask(health, health_token))
    # The council's practitioner asks one short of the floor: nothing unusual yet.
    for _ in range(FLOOR - 1):
        police_has_answered(council, ask(council, council_token))
    assert volume_rows(officer) == []

    police_has_answered(council, ask(council, council_token))
    rows = volume_rows(officer)
    assert rows == [
        [f"{COUNCIL} (council-csc)", "Organisation", str(FLOOR), "0.0", "1.0"],
        [f"practitioner at {COUNCIL} (council-csc)", "Practitioner", str(FLOOR), "0.0", "1.0"],
    ]
    for client in (officer, health, council):
        client.close()

    # The same page in a real browser: accessible, and photographed with the alert showing.
    with browsing.chromium() as browser:
        page = browsing.signed_in(browser, live.endpoints["police"], "ig-officer")
        page.goto("/ig/alerts")
        expect(
            page.get_by_role("cell", name=f"{COUNCIL} (council-csc)", exact=True)
        ).to_be_visible()
        browsing.check(page, "ig-alerts-unusual-volume")
        page.context.close()
