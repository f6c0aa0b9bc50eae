"""Group commit: work that arrives together is written together, in one transaction.

A busy node answers several enquiries at once, and each answer waits for its audit entry to be
committed before it may go out; a requester's fifty partners answer within milliseconds of
each other. Written one by one, every entry pays for its own transaction, head update and
tree-head signature (about 1.1 ms of CPU on SQLite); written together, the entries share them
(about 0.45 ms each in fours). This is what Certificate Transparency logs do with their merge
delay, except that here nobody waits longer than the write already under way: a batch is
whatever has queued up by the time the previous one has committed.

Every caller gets its own result (for an audit log, its own receipt: its leaf and inclusion
proof) only after the transaction holding its item has committed, so an acknowledged entry is
never lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from anyio import CapacityLimiter, to_thread

#: The most items one transaction takes; the rest wait for the next one.
MOST_PER_BATCH = 256

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    """Runs ``write`` (one transaction for a list of items, one result per item, in order) from
    async code, batching what arrives while a write is under way.

    ``lane`` is the limiter the process's other database work takes turns in: a batch is
    taken from the queue only once the lane is ours, so everything that queued meanwhile
    joins it. Use one ``GroupCommit`` per process and event loop.
    """

    def __init__(
        self,
        write: Callable[[list[Item]], Sequence[Result]],
        lane: CapacityLimiter | None = None,
    ) -> None:
        self._write = write
        self._lane = lane
        # The write itself runs in a thread of its own: the lane is held by the drain task.
        self._writer = CapacityLimiter(1)
        self._queue: list[tuple[Item, asyncio.Future[Result]]] = []
        self._draining: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        """Write ``item`` with whatever else is waiting; its result once committed."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._draining is None:
            self._draining = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._queue:
                if self._lane is None:
                    await self._write_next()
                else:
                    async with self._lane:
                        await self._write_next()
        except BaseException:
            # Cancelled (the node is stopping): nobody is left waiting for an answer.
            for _, future in self._queue:
                future.cancel()
            self._queue.clear()
            raise
        finally:
            self._draining = None

    async def _write_next(self) -> None:
        batch = self._queue[:MOST_PER_BATCH]
        del self._queue[:MOST_PER_BATCH]
        items = [item for item, _ in batch]
        try:
            results = await to_thread.run_sync(self._write, items, limiter=self._writer)
        except Exception as error:
            # Nothing of the batch was committed (one transaction): every caller hears so.
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        except BaseException:
            for _, future in batch:
                future.cancel()
            raise
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
