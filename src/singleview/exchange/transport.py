"""How a request reaches a partner and its reply comes back: bytes in, status and bytes out.

``AiohttpTransport`` is what a node uses: one small aiohttp connection pool per partner. A
fan-out sends fifty requests from one event loop, and the HTTP client's own CPU is most of
what the requester spends on each: measured on the 50-partner benchmark network, httpx took
1.7–1.9 ms of CPU a request (signing included) and aiohttp, whose HTTP parser is compiled,
0.35–0.38 ms. ``HttpxTransport`` wraps a given httpx client, so tests can put a mock
transport behind the real client code.

Both raise the same three errors, which the client turns into "did not answer" reasons:
``CouldNotConnectError`` (nothing reached the partner, so it is safe to try again),
``NoAnswerInTimeError`` and ``ConnectionFailedError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import aiohttp
import httpx

#: Connections kept open to one partner (several enquiries may be under way at once).
PARTNER_CONNECTIONS = 20


@dataclass(frozen=True)
class Reply:
    """A partner's HTTP reply: status, headers (looked up case-insensitively) and body."""

    status: int
    headers: Mapping[str, str]
    content: bytes


class CouldNotConnectError(Exception):
    """The connection was refused or timed out before anything was sent."""


class NoAnswerInTimeError(Exception):
    """The partner took the request but did not answer before the time ran out."""


class ConnectionFailedError(Exception):
    """The connection broke, or the reply was not HTTP."""


class Transport(Protocol):
    """Sends one request to a partner."""

    async def send(
        self,
        partner_id: str,
        method: str,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        timeout: float,
    ) -> Reply:
        """The partner's reply, or one of this module's three errors."""
        ...

    async def aclose(self) -> None:
        """Close every connection opened."""
        ...


class AiohttpTransport:
    """One aiohttp session (connection pool) per partner, created on first use."""

    def __init__(self) -> None:
        self._sessions: dict[str, aiohttp.ClientSession] = {}

    def _session(self, partner_id: str) -> aiohttp.ClientSession:
        session = self._sessions.get(partner_id)
        if session is None:
            connector = aiohttp.TCPConnector(limit=PARTNER_CONNECTIONS)
            session = self._sessions[partner_id] = aiohttp.ClientSession(connector=connector)
        return session

    async def send(
        self,
        partner_id: str,
        method: str,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        timeout: float,
    ) -> Reply:
        """Send with aiohttp; redirects are not followed (a partner answers where it is)."""
        try:
            async with self._session(partner_id).request(
                method,
                url,
                data=body or None,
                headers=dict(headers),
                timeout=aiohttp.ClientTimeout(total=timeout),
                allow_redirects=False,
            ) as response:
                content = await response.read()
                return Reply(response.status, response.headers, content)
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as error:
            raise CouldNotConnectError(str(error) or type(error).__name__) from error
        except TimeoutError as error:
            raise NoAnswerInTimeError(str(error)) from error
        except aiohttp.ClientError as error:
            raise ConnectionFailedError(f"{type(error).__name__}: {error}") from error

    async def aclose(self) -> None:
        """Close every partner's session."""
        sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            await session.close()


class HttpxTransport:
    """Every request through one given httpx client (e.g. one with a mock transport)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def send(
        self,
        partner_id: str,
        method: str,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        timeout: float,
    ) -> Reply:
        """Send with httpx."""
        try:
            response = await self._http.request(
                method, url, content=body, headers=dict(headers), timeout=timeout
            )
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise CouldNotConnectError(str(error) or type(error).__name__) from error
        except httpx.TimeoutException as error:
            raise NoAnswerInTimeError(str(error)) from error
        except httpx.HTTPError as error:
            raise ConnectionFailedError(f"{type(error).__name__}: {error}") from error
        return Reply(response.status_code, response.headers, response.content)

    async def aclose(self) -> None:
        """Close the client."""
        await self._http.aclose()
