"""The requester's service functions in-process, against partners that are not running."""

from __future__ import annotations

import datetime as dt

import pytest

from singleview.audit.models import enquiry_subject_key
from singleview.exchange.network import Network
from singleview.exchange.node import open_node_from_file
from singleview.exchange.requester import (
    NothingToAskError,
    get_enquiry,
    list_enquiries,
    partners_to_ask,
    start_enquiry,
    stop_background,
    wait_for_enquiry,
)
from singleview.standards.enquiry import Practitioner
from tests.exchange import world

WHO = Practitioner(identifier="sw-9", name="Sam Nine", role="social-worker")


def test_unreachable_partners_are_no_answer_never_not_known(network: Network) -> None:
    node = open_node_from_file(network.configs["council-csc"])
    try:
        asked = [o.id for o, _ in partners_to_ask(node, "s47-enquiry", dt.date.today())]
        assert sorted(asked) == ["academy-trust", "nhs-trust", "police", "youth-justice"]
        with pytest.raises(NothingToAskError, match="research"):
            start_enquiry(
                node, practitioner=WHO, person=world.person(world.JANE), purpose="research"
            )
        enquiry_id = start_enquiry(
            node,
            practitioner=WHO,
            person=world.person(world.JANE),
            purpose="s47-enquiry",
            case_reference="S47-9",
        )
        wait_for_enquiry(node, enquiry_id, timeout=60)
        view = get_enquiry(node, enquiry_id)
        assert view is not None
        assert view.complete
        assert {p.state for p in view.partners} == {"no-answer"}
        assert all("could not connect" in (p.problem or "") for p in view.partners)
        assert view.summary == {"no-answer": 4}
        assert view.call_first == ()
        listed = list_enquiries(node, "sw-9")
        assert [s.id for s in listed] == [enquiry_id]
        assert listed[0].person_name == "Jane Smith"
        assert get_enquiry(node, "no-such-enquiry") is None
        # The requester logged what it sent and what it (did not) receive, every entry under
        # the keyed hash of the person asked about, so a subject access request finds them all.
        logged = node.audit.entries_where(request_id=enquiry_id)
        assert (
            sorted(e.entry.kind for e in logged) == ["answer-received"] * 4 + ["enquiry-sent"] * 4
        )
        key = enquiry_subject_key(node.subject_secret, world.person(world.JANE))
        assert {e.entry.subject.enquiry_key for e in logged} == {key}
        assert len(node.audit.entries_where(subject=key)) == 8
    finally:
        stop_background(node)
        node.close()


def test_fan_outs_under_way_at_once_each_log_their_own_answers(network: Network) -> None:
    # Both fan-outs' answers go through the background loop's one group commit, and may share
    # its transactions: each entry must still be logged once, under its own enquiry's person.
    node = open_node_from_file(network.configs["council-csc"])
    try:
        asked = {
            start_enquiry(
                node, practitioner=WHO, person=world.person(data), purpose="s47-enquiry"
            ): data
            for data in (world.JANE, world.OMAR)
        }
        for enquiry_id, data in asked.items():
            wait_for_enquiry(node, enquiry_id, timeout=60)
            received = [
                logged.entry
                for logged in node.audit.entries_where(request_id=enquiry_id)
                if logged.entry.kind == "answer-received"
            ]
            key = enquiry_subject_key(node.subject_secret, world.person(data))
            assert sorted(e.responder_org_id for e in received) == [
                "academy-trust",
                "nhs-trust",
                "police",
                "youth-justice",
            ]
            assert {e.subject.enquiry_key for e in received} == {key}
            view = get_enquiry(node, enquiry_id)
            assert view is not None
            assert view.summary == {"no-answer": 4}
    finally:
        stop_background(node)
        node.close()
