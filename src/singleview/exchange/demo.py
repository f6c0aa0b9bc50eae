"""``make demo``: a whole area's network on this machine, one s47 enquiry, then keep running.

Builds (afresh, in ``var/demo/``) a register authority and five nodes: a council's children's
social care, a police force, an NHS trust (health visiting, CAMHS, ...), an academy trust and a
youth justice service. Each gets keys, a place in the signed register, the shared local
agreement, the statutory s47 route, synthetic records about an overlapping population, and the
shipped matching model (trained with Splink on synthetic records). The NHS trust withholds
sexual-health involvements by local rule. Every node runs as its own process on loopback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console

from singleview.exchange.config import SuppressionRule
from singleview.exchange.network import (
    Network,
    NodeSpec,
    build_network,
    serve_command,
    stop_nodes,
    wait_until_up,
)
from singleview.exchange.node import open_node_from_file
from singleview.exchange.requester import (
    get_enquiry,
    start_enquiry,
    stop_background,
    wait_for_enquiry,
)
from singleview.exchange.show import single_view_table
from singleview.records.models import StoredPerson
from singleview.records.synth import REFERENCE_DATE, generate
from singleview.records.synth.world import SyntheticWorld
from singleview.standards.enquiry import Practitioner
from singleview.standards.involvement import Involvement, OrganisationContact, Telecom
from singleview.standards.person import Person
from singleview.web.exchange_link import demo_network_accounts, demo_sign_in_text

#: Register id of each node, from the synthetic world's organisation keys.
NODES = ("council-csc", "police", "nhs-trust", "academy-trust", "youth-justice")
SERVICES = {
    "council-csc": ("childrens-social-care", "early-help"),
    "police": ("police-public-protection",),
    "nhs-trust": (
        "health-visiting",
        "school-nursing",
        "camhs",
        "emergency-department",
        "maternity",
        "sexual-health",
    ),
    "academy-trust": ("education",),
    "youth-justice": ("youth-justice",),
}
FIRST_PORT = 8701
console = Console()


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``port`` on loopback."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _ports() -> dict[str, int]:
    wanted = {node: FIRST_PORT + i for i, node in enumerate(NODES)}
    if all(port_is_free(port) for port in wanted.values()):
        return wanted
    ports = {}
    for node in NODES:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            ports[node] = probe.getsockname()[1]
    return ports


def _age(person: Person) -> int:
    born = person.date_of_birth.date.year if person.date_of_birth else REFERENCE_DATE.year
    return REFERENCE_DATE.year - int(born)


def _example_child(world: SyntheticWorld) -> tuple[str, Person]:
    """A teenager the council, the police and the NHS trust all know, for the example enquiry."""
    known: dict[str, set[str]] = {}
    for organisation, records in world.records.items():
        for record in records:
            known.setdefault(record.person_id, set()).add(organisation)
    wanted = {"council-csc", "police", "nhs-trust"}
    candidates = [
        entry
        for entry in world.population
        if wanted <= known.get(entry.person_id, set()) and 13 <= _age(entry.person) <= 16
    ]
    if not candidates:
        candidates = [e for e in world.population if wanted <= known.get(e.person_id, set())]
    chosen = candidates[0]
    return chosen.person_id, chosen.person


def _records(world: SyntheticWorld, child_id: str) -> dict[str, list[StoredPerson]]:
    out: dict[str, list[StoredPerson]] = {}
    for organisation, records in world.records.items():
        people = []
        for record in records:
            involvements = record.involvements
            if organisation == "nhs-trust" and record.person_id == child_id:
                # So the local rule has something to withhold in the example.
                involvements = (
                    *involvements,
                    Involvement(
                        episode_type="health-episode",
                        service_type="sexual-health",
                        status="active",
                        period_start=REFERENCE_DATE - dt.timedelta(days=60),
                    ),
                )
            people.append(
                StoredPerson(
                    record_id=record.record_id, person=record.person, involvements=involvements
                )
            )
        out[organisation] = people
    return out


def _specs(world: SyntheticWorld, ports: dict[str, int]) -> list[NodeSpec]:
    profiles = {profile.key: profile for profile in world.options.organisations}
    specs = []
    for node in NODES:
        profile = profiles[node]
        contact = OrganisationContact(
            name=f"{profile.name} safeguarding front door",
            telecom=(
                Telecom(system="phone", value=f"0113 496 0{NODES.index(node) + 1}00", use="work"),
                Telecom(system="email", value=f"safeguarding@{profile.email_domain}", use="work"),
            ),
        )
        suppressions = (
            (SuppressionRule(service_type="sexual-health", action="withhold"),)
            if node == "nhs-trust"
            else ()
        )
        specs.append(
            NodeSpec(
                organisation_id=node,
                name=profile.name,
                organisation_type=profile.organisation_type,
                services=SERVICES[node],
                port=ports[node],
                contact=contact,
                suppressions=suppressions,
            )
        )
    return specs


def build(folder: Path, people: int, seed: int) -> tuple[Network, Person]:
    """Build the demo network afresh in ``folder``; returns it and the example child."""
    if folder.exists():
        shutil.rmtree(folder)
    world = generate(seed=seed, people=people, enquiries_per_organisation=0)
    child_id, child = _example_child(world)
    network = build_network(
        folder, _specs(world, _ports()), _records(world, child_id), deadline=5.0
    )
    return network, child


@contextlib.contextmanager
def running(network: Network) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start every node as its own process; stop them all (and only them) on the way out,
    ignoring Ctrl-C from then on (see ``_on_the_way_out``)."""
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for organisation_id, config in network.configs.items():
            log = (config.parent / "node.log").open("wb")
            processes.append(
                subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                    serve_command(config),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            console.print(f"starting {organisation_id} ...")
        wait_until_up(network, processes=processes)
        yield processes
    finally:
        _on_the_way_out()
        stop_nodes(processes, timeout=10)


def _on_the_way_out() -> None:
    """From here on, ignore Ctrl-C and ``kill``: the demo is stopping its nodes, then ends.

    ``uv run`` passes a Ctrl-C on to the demo as well as the terminal sending it to the whole
    process group, so a second one arrives a moment later; raised in the middle of
    ``stop_nodes`` it cut the stop short, before it could kill a node that would not stop,
    and the demo never said it had stopped them. Nothing is lost by ignoring more:
    ``stop_nodes`` kills whatever is still running after its timeout.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def example_enquiry(network: Network, child: Person) -> None:
    """The council's social worker asks every partner about the example child (s47)."""
    node = open_node_from_file(network.configs["council-csc"])
    try:
        enquiry_id = start_enquiry(
            node,
            practitioner=Practitioner(
                identifier="sw-0042", name="Alex Morgan", role="social-worker"
            ),
            person=child,
            purpose="s47-enquiry",
            case_reference="S47-2026-0042",
        )
        wait_for_enquiry(node, enquiry_id)
        view = get_enquiry(node, enquiry_id)
        assert view is not None
        console.print(single_view_table(view))
    finally:
        stop_background(node)
        node.close()


def run(folder: Path, people: int = 3000, seed: int = 7) -> None:
    """Build, start, ask, show, then keep running until Ctrl-C."""
    # A plain ``kill`` stops the network as cleanly as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    console.print(f"building the demo network in {folder} ({people} synthetic people) ...")
    network, child = build(folder, people, seed)
    accounts = demo_network_accounts(network.configs)
    with running(network):
        console.print("every node is up; the council asks every partner (s47) ...\n")
        example_enquiry(network, child)
        console.print("\nThe network keeps running. Nodes:")
        for organisation_id, endpoint in network.endpoints.items():
            console.print(f"  {organisation_id:<14} {endpoint}/docs   (metadata: /fhir/metadata)")
        console.print("\n" + demo_sign_in_text(network.endpoints, accounts), markup=False)
        token = network.api_token
        console.print(
            "\nAsk again from the council's node, e.g.\n"
            f"  uv run singleview enquire --config {network.configs['council-csc']} "
            "--family ... --given ... --born YYYY-MM-DD --practitioner-id sw-1 "
            "--practitioner-name 'Alex Morgan' --case-reference S47-1\n"
            f"or its JSON API with the token in {folder / 'api-token.txt'}:\n"
            f"  curl -H 'Authorization: Bearer {token}' "
            f"{network.endpoints['council-csc']}/api/enquiries?practitioner=sw-0042\n"
            "\nPress Ctrl-C to stop every node."
        )
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(1)
    console.print("all nodes stopped")
