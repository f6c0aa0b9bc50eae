"""CPU time that processes used while a benchmark ran (Linux ``/proc/<pid>/stat``).

The fan-out benchmark puts fifty partner nodes and the requester on the same two cores, so a
fan-out can take no less than the CPU all of them use for it, shared over the cores. Every
fan-out row says how much that was, beside its latency, so a reader can tell a slow answer
from a busy machine.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float | None:
    """User plus system CPU of process ``pid`` (all its threads), or None if unknown."""
    if pid == os.getpid():
        return time.process_time()
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces; it is the one field in parentheses.
    fields = stat.rsplit(")", 1)[1].split()
    user, system = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (user + system) / _TICKS_PER_SECOND


@dataclass
class CpuUsed:
    """CPU seconds the watched processes used during the ``with`` block (None: unknown)."""

    seconds: float | None = None


@contextmanager
def cpu_used(pids: Sequence[int]) -> Iterator[CpuUsed]:
    """``with cpu_used([pid, ...]) as used: ...`` then ``used.seconds`` for all of them."""
    result = CpuUsed()
    before = [_cpu_seconds(pid) for pid in pids]
    try:
        yield result
    finally:
        known_before = [value for value in before if value is not None]
        known_after = [value for value in (_cpu_seconds(pid) for pid in pids) if value is not None]
        if len(known_before) == len(known_after) == len(pids):
            result.seconds = sum(known_after) - sum(known_before)
