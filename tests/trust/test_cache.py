"""A node's register copy: last good kept, fail closed after expiry, shared through the database."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from singleview.db import create_engine
from singleview.trust.cache import RegisterCache, RegisterUnavailableError
from singleview.trust.keys import generate_signing_key
from singleview.trust.register import issue, sign_register
from tests.trust.conftest import free_port
from tests.trust.world import (
    NODE_ID,
    OTHER_ID,
    REQUESTER_ID,
    SUSPENDED_ID,
    World,
    anchor_of,
    build_world,
)

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _cache(world: World, clock: Clock, database_url: str | None = None) -> RegisterCache:
    engine = create_engine(database_url) if database_url else None
    return RegisterCache(anchor_of(world), world.register_path, engine=engine, clock=clock)


def _write_forged(world: World) -> None:
    register, _ = issue(world.draft, NOW, dt.timedelta(days=30))
    forged = type(world.authority_key)(
        world.authority_key.kid, generate_signing_key("x").private_key
    )
    world.register_path.write_text(sign_register(register, forged))


def test_a_good_register_answers_questions(tmp_path: Path) -> None:
    world = build_world(tmp_path, now=NOW)
    cache = _cache(world, Clock(NOW))
    status = cache.refresh()
    assert status.usable
    assert status.serial == 1
    assert status.last_failure is None
    assert cache.organisation_type(OTHER_ID) == "police-force"
    assert cache.organisation_type("nobody") is None
    partners = {org.id for org in cache.active_partners(excluding=NODE_ID)}
    assert partners == {REQUESTER_ID, OTHER_ID}  # the suspended trust is not a partner


def test_a_bad_copy_is_refused_and_the_last_good_one_kept_until_it_expires(
    tmp_path: Path, database_url: str
) -> None:
    world = build_world(tmp_path, now=NOW)  # published valid until NOW + 55 minutes
    clock = Clock(NOW)
    cache = _cache(world, clock, database_url)
    good = cache.refresh()
    assert good.usable

    _write_forged(world)
    clock.now = NOW + dt.timedelta(minutes=30)
    status = cache.refresh()
    assert status.last_failure is not None
    assert status.last_failure.startswith("register-bad-signature")
    assert status.usable
    assert status.serial == good.serial
    assert cache.organisation(REQUESTER_ID) is not None

    clock.now = NOW + dt.timedelta(hours=1)
    status = cache.refresh()
    assert not status.usable
    with pytest.raises(RegisterUnavailableError, match="expired"):
        cache.current()
    with pytest.raises(RegisterUnavailableError):
        cache.active_partners()

    # A good copy arriving ends the refusal.
    world.publish(world.draft, clock.now, dt.timedelta(hours=1))
    status = cache.refresh()
    assert status.usable
    assert status.last_failure is None
    assert status.serial == 2
    assert cache.organisation(REQUESTER_ID) is not None


def test_an_expired_copy_at_the_source_is_refused(tmp_path: Path) -> None:
    world = build_world(tmp_path, now=NOW)
    cache = _cache(world, Clock(NOW + dt.timedelta(hours=2)))
    status = cache.refresh()
    assert not status.usable
    assert status.last_failure is not None
    assert status.last_failure.startswith("register-expired")
    with pytest.raises(RegisterUnavailableError, match="no verified organisation register"):
        cache.current()


def test_an_older_serial_is_refused_as_a_rollback(tmp_path: Path) -> None:
    world = build_world(tmp_path, now=NOW)
    old_token = world.register_path.read_text()
    world.publish(world.draft, NOW, dt.timedelta(hours=1))
    cache = _cache(world, Clock(NOW))
    assert cache.refresh().serial == 2
    world.register_path.write_text(old_token)
    status = cache.refresh()
    assert status.serial == 2
    assert status.last_failure is not None
    assert status.last_failure.startswith("register-rollback")


def test_a_suspension_applies_from_the_next_refresh(tmp_path: Path) -> None:
    world = build_world(tmp_path, now=NOW)
    cache = _cache(world, Clock(NOW))
    cache.refresh()
    requester = cache.organisation(REQUESTER_ID)
    assert requester is not None
    assert requester.may_request
    world.publish(world.suspend(REQUESTER_ID, NOW), NOW, dt.timedelta(hours=1))
    still = cache.organisation(REQUESTER_ID)
    assert still is not None
    assert still.may_request
    cache.refresh()
    suspended = cache.organisation(REQUESTER_ID)
    assert suspended is not None
    assert not suspended.may_request
    assert SUSPENDED_ID not in {org.id for org in cache.active_partners()}


def test_workers_share_the_last_good_copy_through_the_database(
    tmp_path: Path, database_url: str
) -> None:
    world = build_world(tmp_path, now=NOW)
    first = _cache(world, Clock(NOW), database_url)
    first.refresh()
    # A second worker whose source is unreachable still gets the copy the first one stored.
    engine = create_engine(database_url)
    second = RegisterCache(
        anchor_of(world), tmp_path / "missing.jws", engine=engine, clock=Clock(NOW)
    )
    status = second.refresh()
    assert status.usable
    assert status.serial == 1
    assert status.last_failure is not None
    assert status.last_failure.startswith("register-unreachable")
    # And a stored copy is verified again, not trusted: past its expiry it is no help.
    third = RegisterCache(
        anchor_of(world),
        tmp_path / "missing.jws",
        engine=engine,
        clock=Clock(NOW + dt.timedelta(hours=2)),
    )
    assert not third.load_shared().usable


def test_the_register_can_be_fetched_over_http(tmp_path: Path) -> None:
    world = build_world(tmp_path, now=dt.datetime.now(dt.UTC))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/{world.register_path.name}"
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        cache = RegisterCache(anchor_of(world), url)
        status = cache.refresh()
        assert status.usable
        assert status.last_failure is None
        missing = RegisterCache(anchor_of(world), url + ".gone")
        failed = missing.refresh()
        assert not failed.usable
        assert failed.last_failure is not None
        assert failed.last_failure.startswith("register-unreachable")
    finally:
        server.terminate()
        server.wait(timeout=10)
