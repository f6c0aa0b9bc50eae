"""The browser tests' shared parts: the system Chromium, and the check every page gets.

Each page checked is run through axe-core (from npm) for serious or critical WCAG 2.2 AA
problems, checked to use the system's fonts rather than GDS Transport, and photographed into
``docs/screenshots/``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.web.live import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Machines running the whole suite are busy: give each page more than Playwright's 5 s default.
expect.set_options(timeout=15_000)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """The system Chromium, headless, talking only to loopback."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def check(page: Page, name: str) -> None:
    """No serious or critical accessibility problem on the page; then photograph it."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes[0].target}`);
        }""",
        AXE_TAGS,
    )
    assert found == [], f"{name}: {found}"
    # GDS Transport is for gov.uk only: the page declares no web font and uses the system's.
    fonts = page.evaluate(
        "() => [document.fonts.size, getComputedStyle(document.querySelector('h1')).fontFamily]"
    )
    assert fonts[0] == 0, f"{name}: the page declares web fonts"
    assert fonts[1].startswith("-apple-system"), f"{name}: {fonts[1]}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def signed_in(browser: Browser, base: str, username: str, password: str = PASSWORD) -> Page:
    """A fresh browser context signed in as ``username`` on the node at ``base``."""
    page = browser.new_context(base_url=base).new_page()
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    return page
