"""Optional mutual TLS beneath the signatures: the TLS contexts both ends need.

mTLS only proves which certificate opened the connection; the signed request still decides
which organisation is asking. The server side is uvicorn's own ``--ssl-*`` options (see
docs/trust.md); :func:`server_uvicorn_options` gives the same as keyword arguments.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any


def client_tls_context(ca_file: Path, cert_file: Path, key_file: Path) -> ssl.SSLContext:
    """An httpx ``verify=`` context trusting ``ca_file`` and presenting the node's certificate."""
    context = ssl.create_default_context(cafile=str(ca_file))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile=str(cert_file), keyfile=str(key_file))
    return context


def server_uvicorn_options(ca_file: Path, cert_file: Path, key_file: Path) -> dict[str, Any]:
    """``uvicorn.run`` keyword arguments that demand a client certificate issued by ``ca_file``."""
    return {
        "ssl_certfile": str(cert_file),
        "ssl_keyfile": str(key_file),
        "ssl_ca_certs": str(ca_file),
        "ssl_cert_reqs": int(ssl.CERT_REQUIRED),
    }
