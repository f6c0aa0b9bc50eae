"""A five-node network built once per test module, opened in-process for responder tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from singleview.exchange.app import create_app
from singleview.exchange.network import Network, build_network
from singleview.exchange.node import Node, open_node_from_file
from singleview.exchange.requester import stop_background
from singleview.standards.enquiry import Enquiry
from singleview.standards.fhir import enquiry_to_parameters, to_json
from singleview.trust.keys import SigningKey, load_signing_key
from singleview.trust.signing import SIGNATURE_HEADER, sign_request, verify_answer
from tests.conftest import postgres_database
from tests.exchange import world
from tests.postgres_nodes import move_to_postgres

PORTS = {
    "council-csc": 18101,
    "police": 18102,
    "nhs-trust": 18103,
    "academy-trust": 18104,
    "youth-justice": 18105,
}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def network(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Network]:
    """The five organisations of ``tests.exchange.world``, built on disk (not started): each
    module's tests run once with every node on SQLite and once with every node on PostgreSQL."""
    folder = tmp_path_factory.mktemp("network")
    specs = world.specs(PORTS)
    built = build_network(folder, specs, world.records(), deadline=2.0, review_poll_seconds=0.2)
    if request.param == "sqlite":
        yield built
        return
    with contextlib.ExitStack() as databases:
        for spec in specs:
            url = databases.enter_context(postgres_database())
            people = world.records()[spec.organisation_id]
            move_to_postgres(built, spec.organisation_id, url, people, spec.contact)
        yield built


@dataclass
class Responder:
    """One node's app in-process, and a way to send it signed requests as another node."""

    node: Node
    client: TestClient
    network: Network

    def key_of(self, organisation_id: str) -> SigningKey:
        return load_signing_key(self.network.key_files[organisation_id])

    def send(
        self,
        sender: str,
        body: bytes,
        *,
        method: str = "POST",
        path: str = "/fhir/Patient/$person-info-query",
    ) -> httpx.Response:
        """Send ``body`` signed by ``sender``; the answer's signature is checked."""
        url = self.node.config.public_base_url + path
        signed = sign_request(
            self.key_of(sender),
            issuer=sender,
            audience=self.node.organisation_id,
            method=method,
            uri=url,
            body=body,
        )
        response = self.client.request(
            method,
            url,
            content=body,
            headers={SIGNATURE_HEADER: signed.token, "Content-Type": "application/fhir+json"},
        )
        verify_answer(
            response.headers.get(SIGNATURE_HEADER),
            body=response.content,
            status=response.status_code,
            register=self.node.register.current(),
            responder=self.node.organisation_id,
            requester=sender,
            request_jti=signed.jti,
            now=dt.datetime.now(dt.UTC),
        )
        return response

    def enquire(self, sender: str, enquiry: Enquiry) -> httpx.Response:
        """Send ``enquiry`` as FHIR Parameters."""
        return self.send(sender, json.dumps(to_json(enquiry_to_parameters(enquiry))).encode())


@pytest.fixture(scope="module")
def responders(network: Network) -> Iterator[dict[str, Responder]]:
    """Every node's app, in-process (the background loops are not started)."""
    opened: dict[str, Responder] = {}
    for organisation_id, config in network.configs.items():
        node = open_node_from_file(config)
        app = create_app(node, manage_node=False)
        client = TestClient(app, base_url=node.config.public_base_url)
        opened[organisation_id] = Responder(node, client, network)
    yield opened
    for responder in opened.values():
        responder.client.close()
        # As the app's lifespan would: the requester's loop and its partners' connections.
        stop_background(responder.node)
        responder.node.close()


def s47_enquiry(person: dict[str, Any], **changes: Any) -> Enquiry:
    """A council social worker's s47 enquiry about ``person``."""
    fields: dict[str, Any] = {
        "subject": world.person(person),
        "request_id": "req-" + dt.datetime.now(dt.UTC).strftime("%H%M%S%f"),
        "date_stamp": dt.datetime.now(dt.UTC),
        "requester": "council-csc",
        "practitioner": {"identifier": "sw-1", "name": "Alex Social", "role": "social-worker"},
        "asserted_purpose": "s47-enquiry",
        "case_reference": "S47-2026-0042",
    }
    fields.update(changes)
    return Enquiry.model_validate(fields)
