"""Serve a node with several worker processes, each listening on its own ``SO_REUSEPORT`` socket.

Why not ``uvicorn --workers N``: uvicorn binds one socket and hands it to every worker, and a
worker that wakes for a new connection accepts every connection waiting. A partner node keeps
its connections open (keep-alive), so the few connections a busy requester opens at once tend
to land on one worker and stay there, leaving the other cores idle. With one ``SO_REUSEPORT``
socket per worker the kernel spreads new connections across the workers instead.

The supervisor here is deliberately small: start the workers, restart one that dies after it
has started serving, stop them all on SIGINT or SIGTERM, and give up (exit non-zero) when a
worker fails while starting, since a broken configuration fails the same way every time.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time
from multiprocessing.process import BaseProcess
from types import FrameType

import uvicorn

#: A worker that exits within this many seconds of starting is taken to have failed to start.
STARTUP_GRACE_SECONDS = 60.0
#: Seconds a stopping worker gets to finish its requests before it is killed.
STOP_TIMEOUT_SECONDS = 20.0


def listening_socket(host: str, port: int, *, shared: bool = True) -> socket.socket:
    """A bound TCP socket on ``host``:``port``; ``shared`` lets other workers bind it too."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


def _worker(app: str, host: str, port: int, log_level: str) -> None:
    sock = listening_socket(host, port)
    config = uvicorn.Config(app, factory=True, log_level=log_level)
    uvicorn.Server(config).run(sockets=[sock])


class _Workers:
    def __init__(self, app: str, host: str, port: int, count: int, log_level: str) -> None:
        self._args = (app, host, port, log_level)
        self._context = multiprocessing.get_context("spawn")
        self._count = count
        self._running: list[tuple[BaseProcess, float]] = []
        self.stopping = False

    def _start(self) -> tuple[BaseProcess, float]:
        process = self._context.Process(target=_worker, args=self._args, daemon=False)
        process.start()
        return process, time.monotonic()

    def start_all(self) -> None:
        self._running = [self._start() for _ in range(self._count)]

    def watch(self) -> int:
        """Keep the workers running until asked to stop; the exit status for the supervisor."""
        while not self.stopping:
            time.sleep(0.5)
            for slot, (process, started) in enumerate(self._running):
                if process.is_alive() or self.stopping:
                    continue
                if time.monotonic() - started < STARTUP_GRACE_SECONDS:
                    print(
                        f"worker {process.pid} failed while starting (exit code "
                        f"{process.exitcode}); stopping the node",
                        file=sys.stderr,
                    )
                    self.stop_all()
                    return 1
                print(f"worker {process.pid} died; starting another", file=sys.stderr)
                self._running[slot] = self._start()
        self.stop_all()
        return 0

    def stop_all(self) -> None:
        self.stopping = True
        for process, _ in self._running:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes its requests, then exits
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for process, _ in self._running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()


def serve_workers(app: str, *, host: str, port: int, workers: int, log_level: str) -> int:
    """Serve the ASGI app factory named ``app`` with ``workers`` processes; returns when stopped.

    Binds (and releases) the address once first without sharing it, so a port anything else
    is listening on (another node included) is reported at once, as ``OSError``, rather than
    quietly shared or seen as a worker failing to start.
    """
    listening_socket(host, port, shared=False).close()
    supervisor = _Workers(app, host, port, workers, log_level)

    def stop(_signal: int, _frame: FrameType | None) -> None:
        supervisor.stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    supervisor.start_all()
    return supervisor.watch()
