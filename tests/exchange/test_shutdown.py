"""Stopping a node lets its fan-outs under way finish, so no partner is left "asking"."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from singleview.exchange.network import build_network
from singleview.exchange.node import Node, open_node_from_file
from singleview.exchange.requester import (
    STOPPED_BEFORE_ANSWER,
    background,
    get_enquiry,
    start_enquiry,
    stop_background,
)
from singleview.exchange.views import EnquiryView
from singleview.standards.enquiry import Practitioner
from tests.exchange import world


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def asking_silent_police(tmp_path: Path, deadline: float) -> Iterator[tuple[Node, str]]:
    """The council 0.3 s into an s47 enquiry, the police having taken the connection and
    never answering (the other partners are not listening at all); yields the council's node
    and the enquiry's id."""
    ports = {organisation: _free_port() for organisation in world.records()}
    network = build_network(tmp_path, world.specs(ports), {}, deadline=deadline)
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
            yield node, enquiry_id
        finally:
            node.close()


def _stopped_view(node: Node, enquiry_id: str) -> EnquiryView:
    stop_background(node)
    view = get_enquiry(node, enquiry_id)
    assert view is not None
    assert "asking" not in {p.state for p in view.partners}, view.partners
    assert view.complete
    return view


def test_a_stop_waits_for_the_partners_deadline_and_records_every_answer(
    tmp_path: Path,
) -> None:
    with asking_silent_police(tmp_path, deadline=1.5) as (node, enquiry_id):
        view = _stopped_view(node, enquiry_id)
    police = next(p for p in view.partners if p.organisation_id == "police")
    assert police.state == "no-answer"
    assert STOPPED_BEFORE_ANSWER not in police.summary  # it ran to its deadline


def test_a_fan_out_cut_short_records_who_had_not_answered(tmp_path: Path) -> None:
    # What the stop does to a fan-out still going after its grace: cancel it.
    with asking_silent_police(tmp_path, deadline=30.0) as (node, enquiry_id):
        assert background(node).running[enquiry_id].cancel()
        view = _stopped_view(node, enquiry_id)  # the stop waits for it to record what it has
    police = next(p for p in view.partners if p.organisation_id == "police")
    assert police.state == "no-answer"
    assert STOPPED_BEFORE_ANSWER in police.summary
