"""A node's copy of the organisation register: verified on the way in, shared through the database.

The cache believes only copies the trust anchor verifies. A copy that fails (bad signature,
expired, older than the one held) is refused and the last good copy is kept, until that one
expires too; from then on every question raises :class:`RegisterUnavailableError` and the node
refuses all exchange until a good copy arrives (fail closed). Good copies are written to the
database so every worker (and every host sharing the database) converges on the newest one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from singleview.standards.organisation import KeySet, Organisation, OrganisationRegister
from singleview.trust.register import RegisterRejectedError, verify_register
from singleview.trust.storage import newest_register_copy, store_register_copy

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The current time in UTC (the default clock)."""
    return dt.datetime.now(dt.UTC)


class RegisterUnavailableError(Exception):
    """The node holds no register copy valid now, so it must refuse all exchange."""


@dataclass(frozen=True)
class RegisterStatus:
    """What an operator needs to know about the register copy in use."""

    usable: bool
    serial: int | None
    issued_at: dt.datetime | None
    valid_until: dt.datetime | None
    last_refresh_at: dt.datetime | None
    last_failure: str | None


class RegisterCache:
    """The register as this node currently believes it, refreshed from a file or an http(s) URL."""

    def __init__(
        self,
        anchor: KeySet,
        source: str | Path,
        engine: Engine | None = None,
        clock: Clock = utc_now,
        fetch_timeout: float = 10.0,
    ) -> None:
        self._anchor = anchor
        self._source = str(source)
        self._engine = engine
        self._clock = clock
        self._fetch_timeout = fetch_timeout
        self._lock = threading.Lock()
        self._register: OrganisationRegister | None = None
        self._last_refresh_at: dt.datetime | None = None
        self._last_failure: str | None = None

    # --- refreshing -------------------------------------------------------------------------

    def _fetch(self) -> str:
        if self._source.startswith(("http://", "https://")):
            response = httpx.get(self._source, timeout=self._fetch_timeout)
            response.raise_for_status()
            return response.text
        return Path(self._source).read_text(encoding="utf-8")

    def _verified(self, token: str, now: dt.datetime) -> OrganisationRegister:
        return verify_register(token, self._anchor, now)

    def _adopt(self, register: OrganisationRegister) -> None:
        if self._register is None or register.serial >= self._register.serial:
            self._register = register

    def refresh(self) -> RegisterStatus:
        """Fetch the register from the source and adopt it if it verifies; then share or catch up.

        Failures are recorded in the status, never raised: the last good copy stays in use.
        """
        with self._lock:
            now = self._clock()
            self._last_refresh_at = now
            try:
                token = self._fetch()
                register = self._verified(token, now)
                if self._register is not None and register.serial < self._register.serial:
                    raise RegisterRejectedError(
                        "register-rollback",
                        f"register serial {register.serial} is older than the serial "
                        f"{self._register.serial} already held",
                    )
            except (OSError, httpx.HTTPError) as error:
                self._last_failure = f"register-unreachable: {self._source}: {error}"
            except RegisterRejectedError as error:
                self._last_failure = f"{error.reason}: {self._source}: {error}"
            else:
                self._last_failure = None
                self._adopt(register)
                self._share(token, register, now)
            self._catch_up(now)
            return self._status(now)

    def _share(self, token: str, register: OrganisationRegister, now: dt.datetime) -> None:
        if self._engine is None:
            return
        with Session(self._engine) as session, session.begin():
            store_register_copy(
                session,
                serial=register.serial,
                authority=register.authority,
                issued_at=register.issued_at,
                valid_until=register.valid_until,
                token=token,
                now=now,
            )

    def _catch_up(self, now: dt.datetime) -> None:
        """Adopt a newer copy another worker stored, after checking it as if freshly fetched."""
        if self._engine is None:
            return
        with Session(self._engine) as session:
            token = newest_register_copy(session)
        if token is None:
            return
        # An expired shared copy is simply no help; a forged one cannot get past the anchor.
        with contextlib.suppress(RegisterRejectedError):
            self._adopt(self._verified(token, now))

    def load_shared(self) -> RegisterStatus:
        """Start from the copy other workers stored, without fetching (e.g. at start-up)."""
        with self._lock:
            now = self._clock()
            self._catch_up(now)
            return self._status(now)

    async def keep_fresh(self, interval: dt.timedelta) -> None:
        """Refresh every ``interval`` until cancelled (run it as a task in the app's lifespan)."""
        while True:
            await asyncio.to_thread(self.refresh)
            await asyncio.sleep(interval.total_seconds())

    # --- questions --------------------------------------------------------------------------

    def _status(self, now: dt.datetime) -> RegisterStatus:
        register = self._register
        return RegisterStatus(
            usable=register is not None and now < register.valid_until,
            serial=register.serial if register else None,
            issued_at=register.issued_at if register else None,
            valid_until=register.valid_until if register else None,
            last_refresh_at=self._last_refresh_at,
            last_failure=self._last_failure,
        )

    def status(self) -> RegisterStatus:
        """Whether the node can exchange now, which copy it holds, and the last refresh failure."""
        return self._status(self._clock())

    def current(self) -> OrganisationRegister:
        """The register valid now; raises :class:`RegisterUnavailableError` when there is none."""
        register = self._register
        now = self._clock()
        if register is None:
            raise RegisterUnavailableError(
                f"no verified organisation register has been loaded from {self._source}"
                + (f" ({self._last_failure})" if self._last_failure else "")
            )
        if now >= register.valid_until:
            raise RegisterUnavailableError(
                f"the organisation register (serial {register.serial}) expired at "
                f"{register.valid_until.isoformat()} and no good copy has replaced it"
                + (f" ({self._last_failure})" if self._last_failure else "")
            )
        return register

    def organisation(self, organisation_id: str) -> Organisation | None:
        """The register entry for ``organisation_id`` (suspended ones included), if listed."""
        return self.current().find(organisation_id)

    def organisation_type(self, organisation_id: str) -> str | None:
        """The organisation-types code of ``organisation_id``, if it is registered."""
        found = self.organisation(organisation_id)
        return found.type if found else None

    def active_partners(self, excluding: str | None = None) -> list[Organisation]:
        """Organisations to send an enquiry to (approved, operating, technically live)."""
        return [
            org
            for org in self.current().organisations
            if org.is_active_partner and org.id != excluding
        ]
