"""Benchmark the exchange on this machine: one node under load, a 50-partner fan-out, a silence.

    uv run python bench/exchange.py [--records 100000] [--requests 2000] [--concurrency 8]
        [--rate 200] [--seconds 15] [--open-runs 3] [--workers 2] [--partners 50]
        [--per-process 10] [--fanouts 30] [--work-dir DIR] [--only single|fanout|silent]
        [--keep-log]

1. **One node** (SQLite, ``singleview node serve --workers N``) holding ``--records`` people,
   started each run from a copy of itself as built, with an empty audit log (``--keep-log``
   starts it on the log the last run left instead, which grows by 11,200 entries a run with
   the defaults).
   Signed s47 enquiries, half about people the node holds, each authenticated, decided,
   matched, logged in the audit log and answered signed with a receipt; built and signed
   before the clock starts and sent by ``loadgen.py`` (keep-alive HTTP/1.1 on asyncio: it
   costs the shared cores about 0.25 ms a request where httpx cost 3 ms). Two loads: a closed
   loop (``--concurrency`` connections, each sending when answered: the most the server can
   do) and an open loop (``--rate`` a second for ``--seconds``, latency from each request's
   scheduled start: the latency a steady load sees), run ``--open-runs`` times. Its peer,
   measured in the same run, the same way, with the same workers: a trivial FastAPI endpoint
   that reads the body and returns a small JSON object. Every timed row also gives the share
   of CPU the host stole while it ran (``stolen.py``): on this shared VM that, more than our
   code, decided whether a run's tail was 25 ms or 400.
2. **Fan-out**: ``--partners`` real partner nodes, ``--per-process`` nodes per process (each
   node its own uvicorn server on its own port; 50 processes would not fit on two cores), each
   holding a small synthetic record set. A requester node asks all of them ``--fanouts`` times,
   one enquiry after another; the time is from ``start_enquiry`` to every answer verified,
   stored and logged on the requester side. Each row also gives the CPU the timed fan-outs
   took (``cpu.py``): the partners' host processes together, and this process, the requester
   (which also reads the single view back once a fan-out, as its page would); and that CPU
   shared over the cores, the least a fan-out could take here with no core idle.
3. **A silent partner**: a partner that accepts the connection and never answers, beside one
   real partner, with a 1 s deadline: what an enquiry costs while its circuit is closed, and
   after the breaker has opened.

Prints markdown tables. The load generator runs on the same two cores as the servers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import gc
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx
import uvicorn
import uvloop
import yaml
from fastapi import FastAPI, Request

from cpu import cpu_used
from loadgen import closed_loop, open_loop, raw_request
from stolen import stolen

#: The trivial peer, served the way the node is (``serve_workers``: one SO_REUSEPORT socket per
#: worker), from ``trivial_factory``.
trivial_app = FastAPI()


def trivial_factory() -> FastAPI:
    """The trivial peer, for ``serve_workers`` (which, like the node, takes an app factory)."""
    return trivial_app


@trivial_app.post("/ping")
async def ping(request: Request) -> dict[str, Any]:
    """Read the body and answer a small JSON object: the floor of any FastAPI endpoint."""
    body = await request.body()
    return {"ok": True, "received": len(body)}


# --- helpers ---------------------------------------------------------------------------------


#: Ports free_port has handed out in this run.
_GIVEN: set[int] = set()


def free_port() -> int:
    """A free port below the kernel's range of ephemeral ports. A partner's port is chosen
    when its network is built but listened on only when it is hosted; from inside that range
    it could meanwhile be handed to one of the thousands of client connections the benchmark
    makes, as its local end, and the partner could then not bind it (this happened)."""
    try:
        ephemeral = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        below = int(ephemeral[0])
    except (OSError, IndexError, ValueError):
        below = 32768
    while True:
        port = random.randrange(10_000, below)
        if port not in _GIVEN and _bind_error(port) is None:
            _GIVEN.add(port)
            return port


def _bind_error(port: int) -> OSError | None:
    """Why a server could not listen on ``port`` now, or None if it could."""
    with socket.socket() as probe:
        # As uvicorn binds: connections of a run just stopped, still in TIME_WAIT, may stay.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            return error
    return None


def ensure_free(urls: list[str]) -> None:
    """Fail, naming the port, if something already listens where a partner is to be served:
    a process left over from an interrupted run once answered (or held) a partner's port, and
    the benchmark then measured it or waited for it."""
    for url in urls:
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        error = _bind_error(port)
        if error is not None:
            raise RuntimeError(
                f"port {port} ({url}) is taken ({error.strerror}): a process left over "
                "from an earlier run? (pkill -f bench/exchange.py)"
            ) from error


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def wait_for(
    url: str,
    timeout: float = 300.0,
    process: subprocess.Popen[bytes] | None = None,
    log: Path | None = None,
) -> None:
    """Wait until ``url`` answers; fail at once if ``process``, which should serve it, ends
    (its errors are in ``log``)."""
    give_up = time.monotonic() + timeout
    while time.monotonic() < give_up:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"the process for {url} exited ({process.returncode}) first; see {log}"
            )
        try:
            if httpx.get(url, timeout=1.0).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    from singleview.exchange.network import stop_nodes

    stop_nodes(processes, timeout=20)


def set_base_url(config: Path, port: int) -> None:
    """Point a built node's configuration at a fresh port (its signed URIs use it)."""
    data = yaml.safe_load(config.read_text())
    data["public_base_url"] = f"http://127.0.0.1:{port}"
    config.write_text(yaml.safe_dump(data, sort_keys=False))


def node_process(config: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    from singleview.exchange.network import serve_command

    command = serve_command(config, port=port, workers=workers)
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# --- 1. one node under load ----------------------------------------------------------------


#: The one-node benchmark's node as built: its records, an empty audit log.
PRISTINE = "pristine.db"


def build_single(folder: Path, records: int, *, keep_log: bool) -> None:
    """Build the one-node benchmark's network (once; later runs reuse it), keeping a copy of
    the node's database as built, so each run can start from it."""
    from singleview.exchange.network import NodeSpec, build_network
    from singleview.records.models import StoredPerson
    from singleview.records.synth import generate
    from singleview.standards.involvement import OrganisationContact

    marker = folder / f"built-{records}"
    if marker.exists() and (keep_log or (folder / "nhs-trust" / PRISTINE).exists()):
        return
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    world = generate(
        seed=11, people=records, organisations=["nhs-trust"], enquiries_per_organisation=0
    )
    involvements = {r.person_id: r.involvements for r in world.records.get("nhs-trust", [])}
    people = [
        StoredPerson(
            record_id=entry.person_id,
            person=entry.person,
            involvements=involvements.get(entry.person_id, ()),
        )
        for entry in world.population
    ]
    specs = [
        NodeSpec(
            "council-csc",
            "Council",
            "local-authority-childrens-social-care",
            ("childrens-social-care",),
            1,
        ),
        NodeSpec(
            "nhs-trust",
            "NHS Trust",
            "nhs-trust",
            ("health-visiting",),
            2,
            contact=OrganisationContact(name="NHS Trust safeguarding"),
        ),
    ]
    build_network(folder, specs, {"nhs-trust": people})
    with (
        contextlib.closing(sqlite3.connect(folder / "nhs-trust" / "node.db")) as built,
        contextlib.closing(sqlite3.connect(folder / "nhs-trust" / PRISTINE)) as copy,
    ):
        built.backup(copy)
    (folder / "enquiries.json").write_text(
        json.dumps(
            [e.person.model_dump(mode="json", by_alias=True) for e in world.population[:200]]
        )
    )
    marker.write_text(f"{time.perf_counter() - started:.0f} s\n")


def enquiry_bodies(folder: Path) -> list[bytes]:
    """400 s47 enquiry bodies: 200 about people the node holds, 200 about strangers."""
    from singleview.exchange.client import describe_body
    from singleview.records.synth import generate
    from singleview.standards.enquiry import Enquiry
    from singleview.standards.fhir import enquiry_to_json

    held = json.loads((folder / "enquiries.json").read_text())
    strangers = [
        e.person.model_dump(mode="json", by_alias=True)
        for e in generate(
            seed=99, people=200, organisations=["nhs-trust"], enquiries_per_organisation=0
        ).population
    ]
    bodies = []
    for number, person in enumerate(held + strangers):
        enquiry = Enquiry.model_validate(
            {
                "subject": person,
                "request_id": f"bench-{number}",
                "date_stamp": dt.datetime.now(dt.UTC),
                "requester": "council-csc",
                "practitioner": {"identifier": "sw-1", "name": "Alex", "role": "social-worker"},
                "asserted_purpose": "s47-enquiry",
                "case_reference": "S47-BENCH",
            }
        )
        bodies.append(describe_body(enquiry_to_json(enquiry)))  # as a requester sends it
    random.Random(5).shuffle(bodies)
    return bodies


def presigned(url: str, bodies: list[bytes], count: int, sign: Any) -> list[bytes]:
    """``count`` requests to ``url``, each signed with a fresh request id, ready to send."""
    chosen = (bodies[number % len(bodies)] for number in range(count))
    return [
        raw_request(url, body, {"Content-Type": "application/fhir+json", **sign(url, body)})
        for body in chosen
    ]


def bench_single(args: argparse.Namespace) -> list[str]:
    from singleview.trust.keys import load_signing_key
    from singleview.trust.signing import SIGNATURE_HEADER, sign_request

    folder = args.work_dir / "single"
    started = time.perf_counter()
    build_single(folder, args.records, keep_log=args.keep_log)
    print(f"single node built/reused in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    database = folder / "nhs-trust" / "node.db"
    if not args.keep_log:
        # Every run starts from the node as built: a log grown by earlier runs is slower to
        # append to once the host has dropped its pages from memory (docs/benchmarks.md).
        for leftover in (database, *(database.with_name(f"node.db-{x}") for x in ("wal", "shm"))):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(folder / "nhs-trust" / PRISTINE, database)
    with contextlib.closing(sqlite3.connect(database)) as node_db:
        (entries,) = node_db.execute("SELECT count(*) FROM audit_entry").fetchone()
    print(f"The node's audit log held {entries:,} entries when the run began.\n")
    config = folder / "nhs-trust" / "node.yaml"
    node_port, trivial_port = free_port(), free_port()
    set_base_url(config, node_port)
    key_file = next((folder / "council-csc" / "keys").glob("*.key.json"))
    key = load_signing_key(key_file)

    def signed(url: str, body: bytes) -> dict[str, str]:
        token = sign_request(
            key, issuer="council-csc", audience="nhs-trust", method="POST", uri=url, body=body
        ).token
        return {SIGNATURE_HEADER: token}

    def unsigned(url: str, body: bytes) -> dict[str, str]:
        return {}

    bodies = enquiry_bodies(folder)
    trivial = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from singleview.exchange.serving import serve_workers; "
            f"sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            f"sys.exit(serve_workers('exchange:trivial_factory', host='127.0.0.1', "
            f"port={trivial_port}, workers={args.workers}, log_level='warning'))",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
    )
    node = node_process(config, node_port, args.workers)
    rows = []
    try:
        wait_for(f"http://127.0.0.1:{node_port}/health")
        wait_for(f"http://127.0.0.1:{trivial_port}/docs")
        node_url = f"http://127.0.0.1:{node_port}/fhir/Patient/$person-info-query"
        trivial_url = f"http://127.0.0.1:{trivial_port}/ping"
        opened = round(args.rate * args.seconds)
        for name, url, sign in (
            (f"singleview node, $person-info-query ({args.records:,} records)", node_url, signed),
            ("trivial FastAPI endpoint (peer)", trivial_url, unsigned),
        ):
            # Built and signed before the clock starts: the requester's cost, not the server's.
            warm_up, closed, *steady = (
                presigned(url, bodies, count, sign)
                for count in (200, args.requests, *[opened] * args.open_runs)
            )
            asyncio.run(closed_loop(url, warm_up, args.concurrency))
            open_load = f"open loop, {args.rate:.0f}/s offered for {args.seconds:.0f} s"
            loads = (
                (f"closed loop, {args.concurrency} connections", closed_loop, closed),
                *((open_load, None, requests) for requests in steady),
            )
            for load, closed_run, requests in loads:
                with stolen() as host:
                    result = asyncio.run(
                        closed_run(url, requests, args.concurrency)
                        if closed_run
                        else open_loop(url, requests, args.rate)
                    )
                codes = ", ".join(f"{k}: {v}" for k, v in sorted(result.statuses.items()))
                rows.append(
                    f"| {name} | {args.workers} | {load} | {len(result.latencies)} | "
                    f"{result.per_second:.0f} | {result.percentile(0.5):.1f} | "
                    f"{result.percentile(0.95):.1f} | {result.percentile(0.99):.1f} | {codes} "
                    f"| {host} | {host.disk} |"
                )
    finally:
        stop([node, trivial])
    return [
        "| server | workers | load | requests | per second | p50 ms | p95 ms | p99 ms | statuses "
        "| CPU stolen by the host | CPU idle waiting for the disk |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
    ]


# --- 2 and 3. fan-out ----------------------------------------------------------------------


def canned_app(node: Any) -> Any:
    """A stand-in for ``node`` that answers at once with one real, receipted answer of its own,
    freshly signed for each request: it isolates the requester's own cost of a fan-out."""
    from singleview.exchange.responder import prepare_answer
    from singleview.standards.enquiry import Enquiry
    from singleview.trust.jose import peek
    from singleview.trust.signing import REQUEST_TYP, SIGNATURE_HEADER, sign_answer

    person = json.loads(os.environ["BENCH_CANNED_PERSON"])
    enquiry = Enquiry.model_validate(
        {
            "subject": person,
            "request_id": "canned",
            "date_stamp": dt.datetime.now(dt.UTC),
            "requester": "council-csc",
            "practitioner": {"identifier": "sw-1", "name": "Alex", "role": "social-worker"},
            "asserted_purpose": "s47-enquiry",
            "case_reference": "S47-B",
        }
    )
    council = node.register.current().find("council-csc")
    prepared = prepare_answer(node, council, enquiry, request_id="canned", held_url=str)
    reply = prepared.logged_by(node)
    body = json.dumps(reply.content).encode()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        token = dict(scope["headers"]).get(SIGNATURE_HEADER.lower().encode(), b"").decode()
        if not token:  # a health probe
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        _, claims = peek(token, REQUEST_TYP)
        signature = sign_answer(
            node.key,
            responder=node.organisation_id,
            requester=claims["iss"],
            request_jti=claims["jti"],
            status=200,
            body=body,
        )
        headers = [
            (b"content-type", b"application/fhir+json"),
            (SIGNATURE_HEADER.encode(), signature.encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


async def host_nodes(configs: list[str]) -> None:
    """Serve several nodes in this one process, each on its own port (``--host-nodes``)."""
    from singleview.exchange.app import create_app
    from singleview.exchange.node import open_node_from_file

    servers = []
    canned = os.environ.get("BENCH_CANNED_PERSON") is not None
    # The nodes of one process share its interpreter lock, so they share one enquiry lane:
    # one process answers one enquiry at a time, as one single-worker node would.
    lane = anyio.CapacityLimiter(1)
    for config in configs:
        node = open_node_from_file(Path(config))
        port = int(node.config.public_base_url.rsplit(":", 1)[1])
        app = canned_app(node) if canned else create_app(node, manage_node=False, lane=lane)
        servers.append(
            uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        )
    # As a node's own worker does once started (exchange.app's lifespan, which these apps
    # skip: they are not managing their nodes): what is loaded by now lives as long as the
    # process, so the collector need not walk it again; ten nodes' worth of it, here.
    gc.collect()
    gc.freeze()
    await asyncio.gather(*(server.serve() for server in servers))


async def silent_partner(port: int) -> None:
    """Accept connections, read whatever comes, never answer."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await reader.read(65536):
            pass
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def small_records() -> dict[str, Any]:
    from singleview.records.models import StoredPerson
    from singleview.records.synth import generate

    world = generate(
        seed=21, people=2000, organisations=["nhs-trust"], enquiries_per_organisation=0
    )
    people = [
        StoredPerson(record_id=r.record_id, person=r.person, involvements=r.involvements)
        for r in world.records["nhs-trust"]
    ]
    return {"people": people, "asked": world.records["nhs-trust"][0].person}


def fan_out_network(folder: Path, partners: int, silent: bool) -> tuple[Any, Any]:
    from singleview.exchange.network import NodeSpec, build_network
    from singleview.standards.involvement import OrganisationContact

    if folder.exists():
        shutil.rmtree(folder)
    data = small_records()
    specs = [
        NodeSpec(
            "council-csc",
            "Council",
            "local-authority-childrens-social-care",
            ("childrens-social-care",),
            free_port(),
        )
    ]
    records = {}
    for number in range(partners):
        org = f"partner-{number:02d}"
        specs.append(
            NodeSpec(
                org,
                f"Partner {number}",
                "nhs-trust",
                ("health-visiting",),
                free_port(),
                contact=OrganisationContact(name=f"Partner {number}"),
            )
        )
        records[org] = data["people"]
    if silent:
        specs.append(NodeSpec("silent", "Silent partner", "school", ("education",), free_port()))
    network = build_network(folder, specs, records, deadline=1.0 if silent else 5.0)
    return network, data["asked"]


@dataclass
class FanOuts:
    """Timed fan-outs (ms, the single view's summary, its problems) and the CPU they took, in
    ms per fan-out: the partners' host processes together, and this process, which is the
    requester and reads each single view back once (None where it could not be read)."""

    timings: list[tuple[float, dict[str, int], str]]
    partners_cpu_ms: float | None = None
    requester_cpu_ms: float | None = None

    def cpu_cells(self) -> str:
        """Table cells: partners' CPU, requester's CPU, and their sum shared over the cores
        (the least a fan-out could take if nothing else ran and no core sat idle)."""
        if self.partners_cpu_ms is None or self.requester_cpu_ms is None:
            return "n/a | n/a | n/a"
        floor = (self.partners_cpu_ms + self.requester_cpu_ms) / (os.cpu_count() or 1)
        return f"{self.partners_cpu_ms:.0f} | {self.requester_cpu_ms:.0f} | {floor:.0f}"


def time_enquiries(
    network: Any,
    person: Any,
    count: int,
    warm_up: int = 3,
    partner_pids: Sequence[int] = (),
) -> FanOuts:
    """Time ``count`` fan-outs from one requester node, after ``warm_up`` untimed ones on the
    same node (connections, imports, caches: a node's first enquiry after starting is slower),
    and measure the CPU the timed ones took in this process and in ``partner_pids``."""
    from singleview.exchange.node import open_node_from_file
    from singleview.exchange.requester import (
        background,
        get_enquiry,
        start_enquiry,
        stop_background,
        wait_for_enquiry,
    )
    from singleview.standards.enquiry import Practitioner

    node = open_node_from_file(network.configs["council-csc"])
    # A serving node starts its background loop as it starts (its review poller runs there).
    background(node)
    who = Practitioner(identifier="sw-1", name="Alex", role="social-worker")

    def fan_out() -> tuple[float, dict[str, int], str]:
        started = time.perf_counter()
        enquiry_id = start_enquiry(
            node, practitioner=who, person=person, purpose="s47-enquiry", case_reference="S47-B"
        )
        wait_for_enquiry(node, enquiry_id)
        elapsed = (time.perf_counter() - started) * 1000
        view = get_enquiry(node, enquiry_id)
        assert view is not None
        problems = [p.problem for p in view.partners if p.problem]
        return elapsed, view.summary, "; ".join(problems)

    # The requester is a serving node, whose worker freezes its heap once started (see
    # host_nodes): so this process, whose heap also holds the partners' synthetic records.
    gc.collect()
    gc.freeze()
    try:
        for _ in range(warm_up):
            fan_out()
        with cpu_used(partner_pids) as partners, cpu_used([os.getpid()]) as requester:
            timings = [fan_out() for _ in range(count)]
    finally:
        stop_background(node)
        node.close()
        gc.unfreeze()

    def per_fan_out(seconds: float | None) -> float | None:
        return None if seconds is None or not count else seconds * 1000 / count

    return FanOuts(timings, per_fan_out(partners.seconds), per_fan_out(requester.seconds))


def host_processes(
    network: Any, names: list[str], per_process: int, canned: Any = None
) -> list[subprocess.Popen[bytes]]:
    processes = []
    #: Each partner's host process, and the log its errors go to.
    host_of: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
    env = dict(os.environ)
    if canned is not None:
        env["BENCH_CANNED_PERSON"] = canned.model_dump_json(by_alias=True)
    ensure_free([network.endpoints[name] for name in names])
    for start in range(0, len(names), per_process):
        hosted = names[start : start + per_process]
        configs = [str(network.configs[name]) for name in hosted]
        log = Path(configs[0]).parent / "host.log"
        with log.open("wb") as errors:
            processes.append(
                subprocess.Popen(
                    [sys.executable, __file__, "--host-nodes", *configs],
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                    env=env,
                )
            )
        host_of.update(dict.fromkeys(hosted, (processes[-1], log)))
    try:
        for name in names:
            url = network.endpoints[name]
            probe = f"{url}/health" if canned is None else url
            process, log = host_of[name]
            wait_for(probe, process=process, log=log)
    except BaseException:
        stop(processes)
        raise
    return processes


def bench_fan_out(args: argparse.Namespace) -> list[str]:
    network, person = fan_out_network(args.work_dir / "fanout", args.partners, silent=False)
    names = [n for n in network.configs if n != "council-csc"]
    rows = [
        "| partners answer as | partners | processes | enquiries | p50 ms | p95 ms | max ms "
        "| last single view | CPU stolen by the host | partners' CPU ms per fan-out "
        "| requester's CPU ms per fan-out | CPU floor ms (both, over the cores) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, canned in (("real nodes", None), ("canned signed answers", person)):
        processes = host_processes(network, names, args.per_process, canned)
        try:
            with stolen() as host:
                fan_outs = time_enquiries(
                    network, person, args.fanouts, partner_pids=[p.pid for p in processes]
                )
        finally:
            stop(processes)
        values = [t for t, _, _ in fan_outs.timings]
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(fan_outs.timings[-1][1].items()))
        rows.append(
            f"| {label} | {args.partners} | {len(processes)} | {len(values)} | "
            f"{percentile(values, 0.5):.0f} | {percentile(values, 0.95):.0f} | "
            f"{max(values):.0f} | {summary} | {host} | {fan_outs.cpu_cells()} |"
        )
    return rows


def bench_silent(args: argparse.Namespace) -> list[str]:
    network, person = fan_out_network(args.work_dir / "silent", 1, silent=True)
    silent_port = int(network.endpoints["silent"].rsplit(":", 1)[1])
    processes = host_processes(network, ["partner-00"], 1)
    processes.append(
        subprocess.Popen(
            [sys.executable, __file__, "--silent", str(silent_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    give_up = time.monotonic() + 120
    while socket.socket().connect_ex(("127.0.0.1", silent_port)) != 0:
        if time.monotonic() > give_up:
            raise RuntimeError("the silent partner did not start")
        time.sleep(0.2)
    try:
        # The first ones are the point.
        timings = time_enquiries(network, person, 6, warm_up=0).timings
    finally:
        stop(processes)
    rows = [
        "| enquiry | deadline s | total ms | single view | why the silent partner gave nothing |",
        "|---|---|---|---|---|",
    ]
    for number, (elapsed, summary, problems) in enumerate(timings, 1):
        states = ", ".join(f"{k}: {v}" for k, v in sorted(summary.items()))
        rows.append(f"| {number} | 1.0 | {elapsed:.0f} | {states} | {problems} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, default=200.0, help="open-loop requests a second")
    parser.add_argument("--seconds", type=float, default=15.0, help="open-loop duration")
    parser.add_argument(
        "--open-runs",
        type=int,
        default=3,
        help="open loops one after another (the host's "
        "stolen CPU varies from one to the next, so one run says little)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partners", type=int, default=50)
    parser.add_argument("--per-process", type=int, default=10)
    parser.add_argument("--fanouts", type=int, default=30)
    parser.add_argument("--work-dir", type=Path, default=Path("var/bench-exchange"))
    parser.add_argument("--only", choices=["single", "fanout", "silent"], default=None)
    parser.add_argument(
        "--keep-log",
        action="store_true",
        help="run the one node on its log as the last run left it, not on an empty one",
    )
    parser.add_argument("--host-nodes", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--silent", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.host_nodes:
        # On uvloop, as uvicorn runs a node's own worker (its loop "auto" picks uvloop).
        uvloop.run(host_nodes(args.host_nodes))
        return
    if args.silent:
        asyncio.run(silent_partner(args.silent))
        return
    args.work_dir.mkdir(parents=True, exist_ok=True)
    print(
        f"# Exchange benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n"
    )
    if args.only in (None, "single"):
        print("## One node under load\n")
        print("\n".join(bench_single(args)) + "\n")
    if args.only in (None, "fanout"):
        print(f"## Fan-out to {args.partners} partners\n")
        print("\n".join(bench_fan_out(args)) + "\n")
    if args.only in (None, "silent"):
        print("## A silent partner (1 s deadline; the breaker opens after 3 failures)\n")
        print("\n".join(bench_silent(args)) + "\n")


if __name__ == "__main__":
    main()
