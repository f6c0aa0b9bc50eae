"""How much of this machine's CPU the host took while a benchmark ran (Linux "steal" time).

On a shared virtual machine the hypervisor runs other guests on our cores now and then; the
time it takes shows up as ``steal`` in ``/proc/stat``. The same open loop against the same
node, run twice in a row, gave p95 25 ms with 1 % stolen and 445 ms with 21 %, so every timed
row says how much was stolen while it ran.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_STAT = Path("/proc/stat")


def _cpu_jiffies() -> list[int] | None:
    if not _STAT.exists():
        return None
    # cpu  user nice system idle iowait irq softirq steal ...
    return [int(value) for value in _STAT.read_text().splitlines()[0].split()[1:9]]


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{100 * share:.0f} %"


@dataclass
class Stolen:
    """The share of all CPU time the host stole during the ``with`` block, and the share spent
    idle with disk reads or writes outstanding (``iowait``: the host's disk, shared too, can
    stall a node whose database pages it has to read back; None: unknown)."""

    share: float | None = None
    io_wait: float | None = None

    def __str__(self) -> str:
        return _percent(self.share)

    @property
    def disk(self) -> str:
        """The ``iowait`` share, as a table cell."""
        return _percent(self.io_wait)


@contextmanager
def stolen() -> Iterator[Stolen]:
    """``with stolen() as s: ...`` then ``s.share`` is the stolen fraction of CPU time."""
    result = Stolen()
    before = _cpu_jiffies()
    try:
        yield result
    finally:
        after = _cpu_jiffies()
        if before is not None and after is not None:
            deltas = [b - a for a, b in zip(before, after, strict=True)]
            total = sum(deltas)
            result.share = deltas[7] / total if total else 0.0
            result.io_wait = deltas[4] / total if total else 0.0
