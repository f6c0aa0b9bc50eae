"""The audit page's pages, in Chromium: older entries and back, checked with axe-core."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from playwright.sync_api import expect

from singleview.audit import AuditLog, TreeHeadSigner
from singleview.web import WebNode, mount
from tests.audit.conftest import make_entry
from tests.serving import served
from tests.web import browsing
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.slow


@pytest.fixture
def pages(node: WebNode) -> Iterator[str]:
    """The node's pages over real HTTP, its log holding 130 answers (more than a page)."""
    signer = TreeHeadSigner(kid="node-key-1", private_key=Ed25519PrivateKey.generate())
    node.audit_log = AuditLog(node.engine, "council-a", signer)
    node.audit_log.extend([make_entry(n) for n in range(130)])
    app = FastAPI()
    mount(app, node)
    with served(app, "the pages") as base:
        yield base
    node.engine.dispose()


def test_the_officer_reads_older_entries_and_comes_back(pages: str) -> None:
    with browsing.chromium() as browser:
        page = browser.new_context(base_url=pages).new_page()
        page.goto("/sign-in")
        page.get_by_label("Username").fill("imran")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto("/ig/audit")
        expect(page.locator("caption")).to_have_text("130 entries, newest 100 shown")
        expect(page.get_by_role("link", name="Entry 129", exact=True)).to_be_visible()
        page.get_by_role("link", name="Older entries").click()
        expect(page.locator("caption")).to_have_text("130 entries, 30 from before entry 30 shown")
        expect(page.get_by_role("link", name="Entry 0", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="Older entries")).to_have_count(0)
        browsing.check(page, "ig-audit-older")
        page.get_by_role("link", name="Newest entries").click()
        expect(page.get_by_role("link", name="Entry 129", exact=True)).to_be_visible()
