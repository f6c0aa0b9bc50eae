"""Sign-in, sessions, roles and CSRF, over HTTP against a real database on both backends."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from singleview.web import WebNode
from singleview.web.accounts import SessionRow, UserRow, authenticate
from tests.web.conftest import PASSWORD, hidden, sign_in

ROLE_PAGES = {
    "sam": ("/enquiries/new", "/enquiries"),
    "imran": ("/ig/review", "/ig/agreements", "/ig/alerts", "/ig/audit", "/ig/insights"),
    "alex": ("/admin/register", "/admin/users"),
}


def test_every_page_sends_a_stranger_to_sign_in(client: TestClient) -> None:
    for pages in ROLE_PAGES.values():
        for path in pages:
            response = client.get(path)
            assert response.status_code == 303
            assert response.headers["location"].startswith("/sign-in?next=")


def test_each_role_sees_its_pages_and_no_others(client: TestClient) -> None:
    for username, own in ROLE_PAGES.items():
        client.cookies.clear()
        sign_in(client, username)
        for owner, pages in ROLE_PAGES.items():
            for path in pages:
                response = client.get(path)
                expected = 200 if owner == username else 403
                assert response.status_code == expected, (username, path)
        assert own


def test_wrong_password_is_refused_without_saying_which_part(client: TestClient) -> None:
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"csrf_token": hidden(page.text, "csrf_token"), "username": "sam", "password": "no"},
    )
    assert response.status_code == 400
    assert "Enter a username and password that match an account" in response.text
    assert "govuk-error-summary" in response.text
    assert "singleview_session" not in response.cookies


def test_sign_in_form_needs_its_own_token(client: TestClient) -> None:
    client.get("/sign-in")
    response = client.post(
        "/sign-in", data={"csrf_token": "forged", "username": "sam", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "could not be sent" in response.text


def test_a_form_without_the_session_token_changes_nothing(
    client: TestClient, node: WebNode
) -> None:
    sign_in(client, "alex")
    response = client.post(
        "/admin/users",
        data={
            "csrf_token": "forged",
            "username": "mallory",
            "display_name": "Mallory",
            "role": "administrator",
            "password": "a long enough password",
        },
    )
    assert response.status_code == 400
    with node.sessions() as session:
        assert session.get(UserRow, "mallory") is None


def test_passwords_and_session_tokens_are_kept_only_as_hashes(
    client: TestClient, node: WebNode
) -> None:
    sign_in(client, "sam")
    token = client.cookies["singleview_session"]
    with node.sessions() as session:
        user = session.get(UserRow, "sam")
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        stored = session.scalars(select(SessionRow.token_hash)).all()
    assert token not in stored
    assert len(stored) == 1


def test_sign_out_ends_the_session(client: TestClient) -> None:
    csrf = sign_in(client, "sam")
    token = client.cookies["singleview_session"]
    response = client.post("/sign-out", data={"csrf_token": csrf})
    assert response.status_code == 303
    client.cookies.set("singleview_session", token)
    assert client.get("/enquiries").status_code == 303


def test_administrator_adds_a_user_who_can_then_sign_in(client: TestClient, node: WebNode) -> None:
    csrf = sign_in(client, "alex")
    response = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "Priya",
            "display_name": "Priya Patel",
            "role": "practitioner",
            "job": "health-visitor",
            "password": "another long password",
        },
    )
    assert response.status_code == 303
    assert authenticate(node.sessions, "priya", "another long password") is not None
    page = client.get(response.headers["location"])
    assert "Account priya added" in page.text


def test_adding_a_user_explains_each_problem(client: TestClient) -> None:
    csrf = sign_in(client, "alex")
    response = client.post(
        "/admin/users",
        data={"csrf_token": csrf, "username": "", "display_name": "", "password": "short"},
    )
    assert response.status_code == 400
    for message in (
        "Enter a username",
        "Enter the person&#39;s name",
        "Select a role",
        "at least 10 characters",
    ):
        assert message in response.text


def test_next_page_after_sign_in_stays_on_this_site(client: TestClient) -> None:
    page = client.get("/sign-in?next=https://evil.example/")
    assert 'name="next" value="/"' in page.text


def test_a_nul_in_an_address_or_a_form_is_refused_before_any_query(
    client: TestClient, node: WebNode
) -> None:
    # PostgreSQL can neither store nor look up a NUL (the sign-in lookup raised on one).
    csrf = sign_in(client, "alex")
    for address in ("/admin/users?x=a%00b", "/ig/review/held%00"):
        response = client.get(address)
        assert response.status_code == 400, address
        assert "The page could not be read" in response.text
    response = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "mallory",
            "display_name": "Mal\x00lory",
            "role": "administrator",
            "password": "a long enough password",
        },
    )
    assert response.status_code == 400
    assert "The page could not be read" in response.text
    with node.sessions() as session:
        assert session.get(UserRow, "mallory") is None
