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


@dataclass
class Stolen:
    """The share of all CPU time the host stole during the ``with`` block (None: unknown)."""

    share: float | None = None

    def __str__(self) -> str:
        return "n/a" if self.share is None else f"{100 * self.share:.0f} %"


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
            result.share = deltas[7] / sum(deltas) if sum(deltas) else 0.0
