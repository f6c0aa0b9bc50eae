"""Fixtures for the web pages: a node's app with the pages mounted on a real migrated database."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from singleview.db import create_engine, migrate, session_factory
from singleview.web import WebNode, add_user, mount
from tests.conftest import postgres_database

PASSWORD = "correct horse battery"
NOW = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)


def make_node(database_url: str, **kwargs: object) -> WebNode:
    """A node with just a database, as the pages see it."""
    engine = create_engine(database_url)
    return WebNode(
        organisation_id="council-a",
        organisation_name="Example Council Children's Services",
        engine=engine,
        sessions=session_factory(engine),
        **kwargs,  # type: ignore[arg-type]
    )


def add_people(node: WebNode) -> None:
    """One account per role, all with ``PASSWORD``."""
    for username, role, job in (
        ("sam", "practitioner", "social-worker"),
        ("imran", "ig-officer", None),
        ("alex", "administrator", None),
    ):
        add_user(
            node.sessions,
            username=username,
            display_name=username.title(),
            role=role,
            password=PASSWORD,
            practitioner_role=job,
            now=NOW,
        )


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the three accounts, made once: hashing is slow on purpose."""
    path = tmp_path_factory.mktemp("seed") / "node.db"
    url = f"sqlite:///{path}"
    migrate(url)
    seed = make_node(url)
    add_people(seed)
    seed.engine.dispose()
    return path


@pytest.fixture(scope="session")
def seeded_postgres() -> Iterator[str]:
    """A migrated PostgreSQL database with the three accounts, made once and used only as a
    template: ``CREATE DATABASE ... TEMPLATE`` copies it for each test."""
    with postgres_database() as url:
        migrate(url)
        seed = make_node(url)
        add_people(seed)
        seed.engine.dispose()
        yield make_url(url).database or ""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def node(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WebNode]:
    """A node on its own copy of the seeded database, on each backend in turn."""
    if request.param == "sqlite":
        copy = tmp_path / "node.db"
        shutil.copyfile(request.getfixturevalue("seeded_sqlite"), copy)
        yield make_node(f"sqlite:///{copy}")
        return
    with postgres_database(template=request.getfixturevalue("seeded_postgres")) as url:
        web_node = make_node(url)
        yield web_node
        web_node.engine.dispose()


@pytest.fixture
def client(node: WebNode) -> Iterator[TestClient]:
    """An HTTP client for the node's pages (no redirects followed, so tests see them)."""
    app = FastAPI()
    mount(app, node)
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client
    node.engine.dispose()


def hidden(html: str, name: str) -> str:
    """The value of a hidden input in a page."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden {name} in the page"
    return found.group(1)


def page_text(page: str) -> str:
    """What a reader sees: the page without tags, whitespace collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def table_rows(
    client: httpx.Client | TestClient, path: str, table_id: str, otherwise: str
) -> list[list[str]]:
    """The data cells of the table ``table_id`` on the page at ``path``, row by row, as a
    reader sees them; when the page has no such table, it must say ``otherwise``."""
    page = client.get(path)
    assert page.status_code == 200
    table = re.search(rf'<table class="govuk-table" id="{table_id}">(.*?)</table>', page.text, re.S)
    if table is None:
        assert otherwise in page_text(page.text)
        return []
    return [
        [page_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table.group(1), re.S)
        if "<td" in row
    ]


def sign_in(client: httpx.Client, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token, read from the next page."""
    page = client.get("/sign-in")
    token = hidden(page.text, "csrf_token")
    response = client.post(
        "/sign-in",
        data={"csrf_token": token, "username": username, "password": password, "next": "/"},
    )
    assert response.status_code == 303, response.text
    landing = client.get(response.headers["location"])
    return hidden(landing.text, "csrf_token")
