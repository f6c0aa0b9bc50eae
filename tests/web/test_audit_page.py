"""The IG officer's audit log page: searched and counted in the database, newest first."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from singleview.audit import AuditLog, TreeHeadSigner
from singleview.web import WebNode, ig
from tests.audit.conftest import make_entry
from tests.web.conftest import page_text, sign_in


@pytest.fixture
def officer(node: WebNode, client: TestClient) -> TestClient:
    """The IG officer signed in to a node whose log holds twelve answers (see make_entry)."""
    signer = TreeHeadSigner(kid="node-key-1", private_key=Ed25519PrivateKey.generate())
    node.audit_log = AuditLog(node.engine, "council-a", signer)
    node.audit_log.extend([make_entry(n) for n in range(12)])
    sign_in(client, "imran")
    return client


def shown(officer: TestClient, **query: str) -> tuple[str, list[int]]:
    """The table's caption and the entries it lists, in order."""
    page = officer.get("/ig/audit", params=query)
    assert page.status_code == 200
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", page.text, re.S)
    listed = [int(i) for i in re.findall(r'href="/ig/audit/(\d+)"', page.text)]
    return (page_text(caption.group(1)) if caption else page_text(page.text)), listed


def test_the_officer_finds_entries_by_any_reference_they_are_given(officer: TestClient) -> None:
    assert shown(officer, q="S47/3") == ("1 entry", [3])  # a case reference
    assert shown(officer, q=" pc-2 ") == ("2 entries", [9, 2])  # a practitioner, newest first
    assert shown(officer, q="req-00005") == ("1 entry", [5])  # a request id
    assert shown(officer, q="rec-1", kind="answer-sent") == ("3 entries", [11, 6, 1])
    caption, listed = shown(officer, q="rec-1", kind="enquiry-sent")
    assert listed == []
    assert "No entries match" in caption


def test_a_big_answer_is_counted_only_so_far(
    officer: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ig, "AUDIT_PAGE_SIZE", 3)
    monkeypatch.setattr(ig, "AUDIT_COUNT_UP_TO", 5)
    assert shown(officer) == ("More than 5 entries, newest 3 shown", [11, 10, 9])
    assert shown(officer, q="pc-0") == ("2 entries", [7, 0])


def test_the_officer_pages_back_through_the_log_keeping_the_search(
    officer: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ig, "AUDIT_PAGE_SIZE", 5)
    pages, captions = [], []
    url: str | None = "/ig/audit?organisation=org-police-north"
    while url is not None:
        caption, listed = shown(officer, **dict(parse_qsl(urlsplit(url).query)))
        pages.append(listed)
        captions.append(caption)
        page = officer.get(url)
        older = re.search(r'href="([^"]*)" rel="next"', page.text)
        url = html.unescape(older.group(1)) if older else None
        assert url is None or "organisation=org-police-north" in url
    assert pages == [[11, 10, 9, 8, 7], [6, 5, 4, 3, 2], [1, 0]]
    assert captions == [
        "12 entries, newest 5 shown",
        "12 entries, 5 from before entry 7 shown",
        "12 entries, 2 from before entry 2 shown",
    ]
    assert 'rel="prev"' in page.text  # and back to the newest
    for junk in ("not-a-number", "²", "9" * 30, "-1"):
        assert shown(officer, before=junk)[1] == [11, 10, 9, 8, 7]


def test_an_entry_reads_in_words_with_the_codes_it_keeps(officer: TestClient) -> None:
    page = officer.get("/ig/audit/3")
    assert page.status_code == 200
    text = page_text(page.text)
    # This node has no register, so organisations keep their ids; roles and what was
    # released read as the vocabularies name them.
    assert "Asked by pc-3 (Police officer) at org-police-north" in text
    assert "Asked of org-la-children" in text
    assert "Released Service involvements, contacts" in text  # "contacts" is no code of ours
