"""Stopping a node lets its fan-outs under way finish, so no partner is left "asking"."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from singleview.exchange.network import build_network
from singleview.exchange.node import open_node_from_file
from singleview.exchange.requester import (
    STOPPED_BEFORE_ANSWER,
    background,
    get_enquiry,
    start_enquiry,
    stop_background,
)
from singleview.standards.enquiry import Practitioner
from tests.exchange import world


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_stop_waits_for_the_partners_deadline_and_records_every_answer(
    tmp_path: Path,
) -> None:
    ports = {organisation: _free_port() for organisation in world.records()}
    network = build_network(tmp_path, world.specs(ports), {}, deadline=1.5)
    # The police take the connection and never answer.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", ports["police"]))
        silent.listen(16)
        node = open_node_from_file(network.configs["council-csc"])
        try:
            enquiry_id = start_enquiry(
                node,
                practitioner=Practitioner(identifier="sw-9", name="Sam", role="social-worker"),
                person=world.person(world.JANE),
                purpose="s47-enquiry",
                case_reference="S47-9",
            )
            time.sleep(0.3)  # the request to the police is on its way
            stop_background(node)
            view = get_enquiry(node, enquiry_id)
        finally:
            node.close()
    assert view is not None
    states = {p.organisation_id: p.state for p in view.partners}
    assert "asking" not in states.values(), states
    assert states["police"] == "no-answer"
    assert view.complete


def test_a_fan_out_cut_short_records_who_had_not_answered(tmp_path: Path) -> None:
    # What the stop does to a fan-out still going after its grace: cancel it.
    ports = {organisation: _free_port() for organisation in world.records()}
    network = build_network(tmp_path, world.specs(ports), {}, deadline=30.0)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", ports["police"]))
        silent.listen(16)
        node = open_node_from_file(network.configs["council-csc"])
        try:
            enquiry_id = start_enquiry(
                node,
                practitioner=Practitioner(identifier="sw-9", name="Sam", role="social-worker"),
                person=world.person(world.JANE),
                purpose="s47-enquiry",
                case_reference="S47-9",
            )
            time.sleep(0.3)
            assert background(node).running[enquiry_id].cancel()
            stop_background(node)  # waits for the cancelled fan-out to record what it has
            view = get_enquiry(node, enquiry_id)
        finally:
            node.close()
    assert view is not None
    police = next(p for p in view.partners if p.organisation_id == "police")
    assert police.state == "no-answer"
    assert STOPPED_BEFORE_ANSWER in police.summary
    assert "asking" not in {p.state for p in view.partners}
