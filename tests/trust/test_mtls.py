"""Mutual TLS under the signatures, with a throwaway CA, against a real node process."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from singleview.db import migrate
from singleview.trust.cache import RegisterCache
from singleview.trust.client import SignedExchangeAuth, verified_answer
from singleview.trust.mtls import client_tls_context
from singleview.trust.register import read_anchor
from tests.trust.conftest import running_node
from tests.trust.world import NODE_ID, REQUESTER_ID, build_world

PATH = "/fhir/Patient/$person-info-query"
pytestmark = pytest.mark.slow  # starts a real node process


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(path: Path, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> None:
    path.with_suffix(".key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.with_suffix(".crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def make_pki(directory: Path) -> None:
    """ca.crt, server.crt/key for 127.0.0.1 and client.crt/key, all from one throwaway CA."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("singleview test CA"))
        .issuer_name(_name("singleview test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    _write(directory / "ca", ca_key, ca)
    for role, usage in (
        ("server", ExtendedKeyUsageOID.SERVER_AUTH),
        ("client", ExtendedKeyUsageOID.CLIENT_AUTH),
    ):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(NODE_ID if role == "server" else REQUESTER_ID))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
        )
        if role == "server":
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
        _write(directory / role, key, builder.sign(ca_key, hashes.SHA256()))


def test_mutual_tls_admits_a_certified_client_and_shuts_out_others(tmp_path: Path) -> None:
    world = build_world(tmp_path)
    make_pki(tmp_path)
    database_url = f"sqlite:///{tmp_path / 'node.db'}"
    migrate(database_url)
    ssl_args = (
        "--ssl-certfile", str(tmp_path / "server.crt"),
        "--ssl-keyfile", str(tmp_path / "server.key"),
        "--ssl-ca-certs", str(tmp_path / "ca.crt"),
        "--ssl-cert-reqs", "2",
    )  # fmt: skip
    register = RegisterCache(read_anchor(world.anchor_path), world.register_path)
    register.refresh()
    body = json.dumps(
        {
            "resourceType": "Parameters",
            "parameter": [
                {
                    "name": "request",
                    "part": [{"name": "requester", "valueIdentifier": {"value": REQUESTER_ID}}],
                }
            ],
        }
    ).encode()
    with running_node(world, database_url, ssl_args, scheme="https") as base:
        context = client_tls_context(
            tmp_path / "ca.crt", tmp_path / "client.crt", tmp_path / "client.key"
        )
        auth = SignedExchangeAuth(
            world.keys[REQUESTER_ID], issuer=REQUESTER_ID, responder=NODE_ID, register=register
        )
        with httpx.Client(verify=context, auth=auth, timeout=10) as client:
            response = client.post(f"{base}{PATH}", content=body)
        assert response.status_code == 200, response.text
        assert verified_answer(response).organisation.id == NODE_ID

        # Without a client certificate the TLS handshake is refused before HTTP starts.
        no_cert = ssl.create_default_context(cafile=str(tmp_path / "ca.crt"))
        with (
            pytest.raises(httpx.TransportError),
            httpx.Client(verify=no_cert, auth=auth, timeout=10) as client,
        ):
            client.post(f"{base}{PATH}", content=body)
