"""Each role's main journey in a real headless Chromium against five real node processes.

Every page visited is checked with axe-core (from npm) for serious or critical WCAG 2.2 AA
problems, checked to use the system's fonts rather than GDS Transport, and photographed into
``docs/screenshots/``. The practitioner's single view is left open while IG officers at the
partners settle their reviews: it must fill in without a reload.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from singleview.exchange.network import AGREEMENT_ID
from tests.web.browsing import check, chromium, signed_in
from tests.web.live import LiveNetwork, build, running

pytestmark = pytest.mark.slow

WAIT_MS = 45_000
GP_PASSWORD = "another long enough password"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveNetwork]:
    """The five-node network, running, with one account per role on every node."""
    network = build(tmp_path_factory.mktemp("web-network"))
    with running(network) as started:
        yield started


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """The system Chromium, headless, talking only to loopback."""
    with chromium() as launched:
        yield launched


def add_practitioner(admin: Page, username: str, name: str, job: str, password: str) -> None:
    """The administrator adds a practitioner with ``job`` from the users page."""
    admin.get_by_role("link", name="Users").click()
    admin.get_by_label("Username").fill(username)
    admin.get_by_label("Full name").fill(name)
    admin.get_by_label("Practitioner", exact=True).check()
    admin.get_by_label("Job (practitioners only)").select_option(job)
    admin.get_by_label("Password").fill(password)
    admin.get_by_role("button", name="Add user").click()
    expect(admin.get_by_text(f"Account {username} added")).to_be_visible()


def fill_child(page: Page, first: str, last: str, born: str) -> None:
    """The enquiry form's child: names, and the date of birth given as day/month/year."""
    day, month, year = born.split("/")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Day").fill(day)
    page.get_by_label("Month").fill(month)
    page.get_by_label("Year").fill(year)


def expect_line(partner: Locator, state: str, words: str, behind: tuple[str, str]) -> None:
    """A partner's line in the single view: its state, the words the practitioner reads, and
    ``behind``: the link that opens the detail, and what the detail, hidden till then, says."""
    expect(partner).to_have_attribute("data-state", state, timeout=WAIT_MS)
    expect(partner.locator("p.govuk-body")).to_have_text(words)
    opened_by, detail = behind
    hidden = partner.locator(".govuk-details__text")
    expect(hidden).to_be_hidden()
    partner.get_by_text(opened_by).click()
    expect(hidden).to_contain_text(detail)


def settle(page: Page, decision: str, reason: str) -> None:
    """An IG officer settles the one enquiry waiting in their queue."""
    page.goto("/ig/review")
    page.get_by_role("link", name=re.compile("^Review the enquiry")).first.click()
    page.get_by_label(re.compile(f"^{decision}")).check()
    page.get_by_label("Reason for your decision").fill(reason)
    page.get_by_role("button", name="Confirm decision").click()
    expect(page.get_by_text(f"The enquiry was {decision.lower()}d")).to_be_visible()


def test_sign_in_page(browser: Browser, live: LiveNetwork) -> None:
    page = browser.new_page()
    page.goto(live.endpoints["council-csc"] + "/enquiries")
    expect(page.get_by_role("heading", name="Sign in to Singleview")).to_be_visible()
    check(page, "sign-in")
    page.get_by_label("Username").fill("practitioner")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    check(page, "sign-in-error")
    page.context.close()


def test_administrator_sees_the_register_and_adds_a_user(
    browser: Browser, live: LiveNetwork
) -> None:
    page = signed_in(browser, live.endpoints["council-csc"], "admin")
    expect(page.get_by_role("heading", name="Partners in the register")).to_be_visible()
    for name in ("Northmoor Police", "Northmoor NHS Trust", "Northmoor Academies"):
        expect(page.get_by_role("rowheader", name=re.compile(name))).to_be_visible()
    expect(page.get_by_role("cell", name="Local authority children's social care")).to_be_visible()
    check(page, "admin-register")
    add_practitioner(page, "priya", "Priya Patel", "health-visitor", "a long enough password")
    check(page, "admin-users")
    # The administrator has no business in the review queue.
    page.goto("/ig/review")
    expect(page.get_by_role("heading", name="You cannot see this page")).to_be_visible()
    page.context.close()


def test_an_approval_in_the_review_queue_completes_a_waiting_enquiry(
    browser: Browser, live: LiveNetwork
) -> None:
    social_worker = signed_in(browser, live.endpoints["council-csc"], "practitioner")
    expect(social_worker.get_by_role("heading", name="Ask partners about a child")).to_be_visible()
    social_worker.get_by_role("button", name="Ask every partner").click()
    expect(social_worker.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(social_worker.get_by_role("link", name="Enter the child's first name")).to_be_visible()
    check(social_worker, "enquiry-form-errors")
    fill_child(social_worker, "Jane", "Smith", "1/5/2015")
    social_worker.get_by_label("Early help").check()
    social_worker.get_by_label("Yes, consent was given").check()
    social_worker.get_by_label("Case reference").fill("EH-2026-7")
    social_worker.get_by_role("button", name="Ask every partner").click()
    expect(
        social_worker.get_by_role("heading", name=re.compile("What partners know"))
    ).to_be_visible()
    # Early help is outside the agreement, so every partner holds it for their IG officer.
    police = social_worker.locator('[data-partner="police"]')
    expect(police).to_have_attribute("data-state", "waiting-for-review", timeout=WAIT_MS)
    expect(social_worker.locator('[data-state="waiting-for-review"]')).to_have_count(4)
    expect(police.get_by_text("Still waiting: in review")).to_be_visible()
    check(social_worker, "single-view-waiting")
    social_worker.evaluate("window.notReloaded = true")

    officer = signed_in(browser, live.endpoints["police"], "ig-officer")
    expect(officer.get_by_role("heading", name="Review queue")).to_be_visible()
    check(officer, "ig-review-queue")
    officer.get_by_role("link", name=re.compile("^Review the enquiry")).first.click()
    expect(officer.get_by_role("heading", name="Why it needs a decision")).to_be_visible()
    # The officer cannot judge an enquiry without seeing who it is about.
    expect(officer.get_by_role("heading", name="Who the enquiry is about")).to_be_visible()
    expect(officer.get_by_text("Jane Smith", exact=True)).to_be_visible()
    expect(officer.get_by_text("2015-05-01")).to_be_visible()
    # Conditions in plain English: one that held carries no reason code.
    held = officer.locator('#conditions [data-status="satisfied"]').first
    expect(held.locator("dt")).to_have_text("Is the organisation asking active in the register?")
    expect(held.locator("dd")).to_contain_text("Yes. council-csc is active")
    expect(held).not_to_contain_text("requester-suspended")
    check(officer, "ig-review-item")
    officer.get_by_role("button", name="Confirm decision").click()
    expect(officer.get_by_role("link", name="Select whether to approve")).to_be_visible()
    check(officer, "ig-review-item-errors")
    officer.get_by_label(re.compile("^Approve")).check()
    officer.get_by_label("Reason for your decision").fill("Early help with consent: share")
    officer.get_by_role("button", name="Confirm decision").click()
    expect(officer.get_by_text("The enquiry was approved")).to_be_visible()

    # The police answer arrives on the open page without a reload.
    expect(police).to_have_attribute("data-state", "known", timeout=WAIT_MS)
    assert social_worker.evaluate("window.notReloaded") is True
    expect(social_worker.get_by_role("heading", name="Who to call first")).to_be_visible()
    # The police's contact is the force itself, so its name is not said twice.
    expect(social_worker.locator("ol.govuk-list--number > li").first).to_have_text(
        re.compile(r"^Northmoor Police: [0-9 ]+$")
    )

    for organisation, decision in (
        ("nhs-trust", "Approve"),
        ("academy-trust", "Refuse"),
        ("youth-justice", "Approve"),
    ):
        other = signed_in(browser, live.endpoints[organisation], "ig-officer")
        settle(other, decision, f"{decision} at {organisation}")
        other.context.close()
    expect(social_worker.locator("#update-status")).to_have_text(
        "All 4 partners have answered or timed out.", timeout=WAIT_MS
    )
    academy = social_worker.locator('[data-partner="academy-trust"]')
    expect(academy).to_have_attribute("data-state", "refused")
    # The social worker reads who refused and why, in words, not the agreement's route.
    expect(academy).to_contain_text(
        re.compile(r"An information governance officer, .+, refused on .+ UTC\. Reason given: ")
    )
    expect(academy).to_contain_text("Refuse at academy-trust")
    expect(academy).not_to_contain_text("sv-professional-judgement")
    # The academy's officer finds the refusal among their alerts, with why and who asked.
    academy_officer = signed_in(browser, live.endpoints["academy-trust"], "ig-officer")
    academy_officer.goto("/ig/alerts")
    refusals = academy_officer.locator("#refused")
    expect(refusals).to_contain_text("Has an IG officer approved it? No.")
    expect(refusals).to_contain_text("at Northmoor Council Children's Services (council-csc)")
    check(academy_officer, "ig-alerts-refused")
    academy_officer.context.close()
    assert social_worker.evaluate("window.notReloaded") is True
    check(social_worker, "single-view-complete")
    social_worker.get_by_role("link", name="Your enquiries").first.click()
    expect(social_worker.get_by_role("link", name="Jane Smith")).to_be_visible()
    check(social_worker, "enquiry-history")
    social_worker.context.close()

    check_ig_pages(officer, live)
    officer.context.close()


def check_ig_pages(officer: Page, live: LiveNetwork) -> None:
    """The police IG officer's other pages, after the approval above."""
    # An unsigned request is refused by the node and shows up among the alerts.
    refused = httpx.post(
        live.endpoints["police"] + "/fhir/Patient/$person-info-query", content=b"{}"
    )
    assert refused.status_code in (400, 401)
    officer.get_by_role("link", name="Alerts").click()
    expect(officer.get_by_text("Nobody: no signature")).to_be_visible()
    check(officer, "ig-alerts")

    officer.get_by_role("link", name="Audit log").click()
    expect(officer.get_by_role("link", name="Entry 0")).to_be_visible()
    officer.get_by_label("Kind of entry").select_option("answer-sent")
    officer.get_by_role("button", name="Search").click()
    expect(officer.get_by_role("cell", name="Enquiry received")).to_have_count(0)
    check(officer, "ig-audit")
    officer.get_by_role("link", name=re.compile("^Entry")).first.click()
    expect(officer.get_by_text("Proof checked")).to_be_visible()
    expect(officer.get_by_text("Imran IG Officer (ig-officer)", exact=True)).to_be_visible()
    asked_by = "(Social worker) at Northmoor Council Children's Services (council-csc)"
    expect(officer.get_by_text(asked_by)).to_be_visible()
    check(officer, "ig-audit-entry")
    officer.goto("/ig/audit/verify")
    expect(officer.get_by_role("heading", name="The log is as it was written")).to_be_visible()
    check(officer, "ig-audit-verify")

    officer.get_by_role("link", name="Insights").click()
    expect(officer.get_by_role("img", name="Enquiries each day by purpose")).to_be_visible()
    # The key names the purpose, the partner and the outcome in words, not the log's codes.
    key = officer.locator("figcaption")
    for words in ("Early help", "Northmoor Council Children's Services", "Permitted (PERMIT)"):
        expect(key.filter(has_text=words)).to_have_count(1)
    check(officer, "ig-insights")

    officer.get_by_role("link", name="Agreements").click()
    check(officer, "ig-agreements")
    officer.get_by_role("link", name="Northmoor multi-agency safeguarding").click()
    expect(officer.get_by_role("heading", name="What it says")).to_be_visible()
    check(officer, "ig-agreement")
    officer.get_by_role("button", name="Create a new version").click()
    document = officer.get_by_label("The agreement (YAML)")
    text = document.input_value()
    assert "version: 2" in text
    document.fill(text.replace("version: 2", "version: 1"))
    officer.get_by_role("button", name="Put this version in force").click()
    expect(officer.get_by_role("link", name=re.compile("must be higher than 1"))).to_be_visible()
    check(officer, "ig-agreement-new-version")
    document.fill(text.replace("mash-triage", "early-help"))
    officer.get_by_role("button", name="Put this version in force").click()
    expect(officer.get_by_text("Version 2 is now in force")).to_be_visible()
    officer.get_by_role("button", name="Suspend this agreement").click()
    expect(officer.get_by_text("The agreement is suspended")).to_be_visible()


def test_a_partner_that_is_down_did_not_answer(browser: Browser, live: LiveNetwork) -> None:
    live.stop("youth-justice")
    social_worker = signed_in(browser, live.endpoints["council-csc"], "practitioner")
    fill_child(social_worker, "Omar", "Khan", "14/9/2012")
    social_worker.get_by_label("Section 47 child protection enquiry").check()
    social_worker.get_by_label("Case reference").fill("S47-2026-9")
    social_worker.get_by_role("button", name="Ask every partner").click()
    youth_justice = social_worker.locator('[data-partner="youth-justice"]')
    # The social worker reads what it means and what to do; the error is for the IT team.
    expect_line(
        youth_justice,
        "no-answer",
        "Did not answer, so we cannot say whether they know this child. "
        "Call them if you need to know.",
        ("What went wrong, for your IT team", "could not connect"),
    )
    expect(youth_justice.get_by_text("Did not answer").first).to_be_visible()
    expect(social_worker.locator('[data-partner="academy-trust"]')).to_have_attribute(
        "data-state", "known", timeout=WAIT_MS
    )
    check(social_worker, "single-view-did-not-answer")
    social_worker.context.close()


def test_a_partner_refusal_reads_as_what_it_means(browser: Browser, live: LiveNetwork) -> None:
    """A GP at the council asks under the agreement, which does not name GPs: every partner
    that answers refuses by policy, and the GP reads what that means, not the agreement's
    codes; the council's IG officer finds the refusals among their alerts. (Last in the
    module: the police have suspended the agreement by now and the youth justice service is
    down, so the academy trust and the NHS trust answer by the agreement.)"""
    admin = signed_in(browser, live.endpoints["council-csc"], "admin")
    add_practitioner(admin, "dr-grey", "Dr Grey", "gp", GP_PASSWORD)
    # The users list names the job in words, as the form offered it.
    expect(admin.get_by_role("row", name=re.compile("dr-grey"))).to_contain_text(
        "Practitioner (General practitioner)"
    )
    admin.context.close()

    gp = signed_in(browser, live.endpoints["council-csc"], "dr-grey", GP_PASSWORD)
    fill_child(gp, "Jane", "Smith", "1/5/2015")
    gp.get_by_label("Section 17 child in need assessment").check()
    gp.get_by_label("Yes, consent was given").check()
    gp.get_by_role("button", name="Ask every partner").click()
    for organisation_id in ("academy-trust", "nhs-trust"):
        partner = gp.locator(f'[data-partner="{organisation_id}"]')
        # What the partner said, naming its agreement, waits behind a click.
        expect_line(
            partner,
            "refused",
            "Refused to answer. Their agreement does not let your role ask. "
            "Your information governance team can take it up with theirs.",
            ("What they said", f"{AGREEMENT_ID} does not let a gp ask"),
        )
        # A refusal gives nothing about the child: no involvements, no one to call.
        expect(partner.locator("table")).to_have_count(0)
    expect(gp.get_by_role("heading", name="Who to call first")).to_have_count(0)
    check(gp, "single-view-refused")
    gp.context.close()
    # The council's IG officer, whom the GP was told to go to, finds the refusals in the alerts.
    officer = signed_in(browser, live.endpoints["council-csc"], "ig-officer")
    officer.goto("/ig/alerts")
    refused_us = officer.locator("#refused-us")
    # (The academy's officer refused Sam's early-help enquiry earlier: that row is there too.)
    gp_rows = refused_us.get_by_role("row").filter(has_text="dr-grey (General practitioner)")
    for partner in ("Northmoor Academies (academy-trust)", "Northmoor NHS Trust (nhs-trust)"):
        row = gp_rows.filter(has_text=partner)
        expect(row).to_contain_text("Does the agreement let the practitioner's role ask? No.")
    check(officer, "ig-alerts-refused-by-partners")
    officer.context.close()
