"""The README's main command: the demo network stops cleanly on Ctrl-C, however it was run."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from singleview.exchange.demo import port_is_free

pytestmark = pytest.mark.slow

#: Long enough to build a small network and start five nodes on a busy shared machine.
STARTING = 240.0


def _start_demo(folder: Path, output: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from singleview.cli import app; app()", "demo"]
    command += ["--folder", str(folder), "--people", "300"]
    return subprocess.Popen(
        command,
        stdout=output.open("wb"),
        stderr=subprocess.STDOUT,
        # Its own process group, as a terminal gives a command, with Ctrl-C not ignored (a
        # background job of a non-interactive shell, as under CI, inherits it ignored).
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def test_ctrl_c_through_uv_run_stops_every_node_and_says_so(tmp_path: Path) -> None:
    output = tmp_path / "demo.out"
    demo = _start_demo(tmp_path / "demo", output)
    try:
        deadline = time.monotonic() + STARTING
        while "Press Ctrl-C" not in output.read_text(errors="replace"):
            assert demo.poll() is None, output.read_text(errors="replace")
            assert time.monotonic() < deadline, "the demo did not come up"
            time.sleep(0.5)
        ports = [int(p) for p in re.findall(r"http://127\.0\.0\.1:(\d+)/docs", output.read_text())]
        assert len(ports) == 5
        assert not any(port_is_free(port) for port in ports)
        # Ctrl-C in a terminal signals the whole group; `uv run` (the README's `make demo`)
        # then passes the same signal on to the demo once more, a moment later, while the
        # demo is stopping its nodes (two arriving together would count as one).
        os.killpg(demo.pid, signal.SIGINT)
        time.sleep(0.2)
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=60) == 0
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
    text = output.read_text(errors="replace")
    assert text.rstrip().endswith("all nodes stopped"), text[-2000:]
    assert all(port_is_free(port) for port in ports)
