"""A small HTTP/1.1 load generator for the benchmarks: keep-alive connections on asyncio streams.

Why not httpx here: the generator shares the two cores with the servers it measures, and httpx
spends about 3 ms of CPU per request, which the servers would lose. This sends requests built
(and, for the node, signed) before the clock starts, and reads each response by its
Content-Length; it costs a small fraction of that. Two ways to load a server:

* ``closed_loop``: ``concurrency`` connections, each sending its next request when the last
  answer arrives: the most the server can do (latency then mostly measures the queue).
* ``open_loop``: requests start on a fixed schedule (``rate`` a second) whether or not earlier
  ones have been answered, and each latency is measured from its scheduled start, so a server
  that falls behind is charged for the wait (no "coordinated omission").
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit


def raw_request(url: str, body: bytes, headers: dict[str, str]) -> bytes:
    """One POST request's bytes, ready to write to a kept-alive connection."""
    parts = urlsplit(url)
    lines = [
        f"POST {parts.path}{'?' + parts.query if parts.query else ''} HTTP/1.1",
        f"Host: {parts.netloc}",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class _Connection:
    def __init__(
        self, url: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.url = url
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, url: str) -> _Connection:
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        return cls(url, reader, writer)

    async def exchange(self, request: bytes) -> int:
        """Send one request and read its whole response; its status code.

        A server closes a kept-alive connection that sat idle too long (uvicorn: 5 s); a
        request that finds its connection closed before any answer byte is sent again once,
        on a new connection (the server never read it).
        """
        try:
            return await self._exchange(request)
        except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError) as error:
            if isinstance(error, asyncio.IncompleteReadError) and error.partial:
                raise
            self.writer.close()
            fresh = await _Connection.open(self.url)
            self.reader, self.writer = fresh.reader, fresh.writer
            return await self._exchange(request)

    async def _exchange(self, request: bytes) -> int:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        length = None
        for line in header_lines:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
            elif name.strip().lower() == "transfer-encoding":
                raise RuntimeError("the load generator reads only Content-Length responses")
        if length is None:
            raise RuntimeError(f"no Content-Length in the response to a request: {status_line}")
        await self.reader.readexactly(length)
        return int(status_line.split(" ", 2)[1])

    def close(self) -> None:
        self.writer.close()


@dataclass
class LoadResult:
    """Latencies (ms) and statuses of one run, and the rate it achieved."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    wall_seconds: float = 0.0

    def record(self, status: int, milliseconds: float) -> None:
        self.latencies.append(milliseconds)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.wall_seconds

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def closed_loop(url: str, requests: Sequence[bytes], concurrency: int) -> LoadResult:
    """Send every request, ``concurrency`` connections each waiting for its last answer."""
    result = LoadResult()
    pending = iter(requests)
    connections = [await _Connection.open(url) for _ in range(concurrency)]

    async def drive(connection: _Connection) -> None:
        for request in pending:
            started = time.perf_counter()
            status = await connection.exchange(request)
            result.record(status, (time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    try:
        await asyncio.gather(*(drive(c) for c in connections))
    finally:
        for connection in connections:
            connection.close()
    result.wall_seconds = time.perf_counter() - started
    return result


async def open_loop(
    url: str, requests: Sequence[bytes], rate: float, max_connections: int = 64
) -> LoadResult:
    """Start request *i* at ``i / rate`` seconds, on an idle connection (or a new one)."""
    result = LoadResult()
    idle: list[_Connection] = [await _Connection.open(url) for _ in range(8)]
    opened = len(idle)
    free = asyncio.Condition()
    tasks = []

    async def send(request: bytes, due: float) -> None:
        nonlocal opened
        async with free:
            while not idle and opened >= max_connections:
                await free.wait()
            connection = idle.pop() if idle else None
            if connection is None:
                opened += 1
        if connection is None:
            connection = await _Connection.open(url)
        status = await connection.exchange(request)
        result.record(status, (time.perf_counter() - due) * 1000)
        async with free:
            idle.append(connection)
            free.notify()

    start = time.perf_counter()
    for number, request in enumerate(requests):
        due = start + number / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(request, due)))
    await asyncio.gather(*tasks)
    result.wall_seconds = time.perf_counter() - start
    for connection in idle:
        connection.close()
    return result
