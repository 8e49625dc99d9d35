"""The TLS contexts of the service port (modern protocols only, optional client certificates) and of a local
cluster's nodes calling each other."""

from __future__ import annotations

import ssl
from pathlib import Path


def server_context(cert: Path, key: Path, client_ca: Path | None = None) -> ssl.SSLContext:
    """A server context for ``cert``/``key``; with ``client_ca``, clients must present a certificate it signed."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    if client_ca is not None:
        context.load_verify_locations(client_ca)
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def peer_context(cert: Path, key: Path) -> ssl.SSLContext:
    """How a node of a local cluster calls a peer: every node serves ``cert``, so it is the one certificate
    trusted (whatever the name), and it is shown back where the peer asks for a client certificate (so with
    ``--tls-ca`` that CA must have signed it)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.load_verify_locations(cert)
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    context.load_cert_chain(cert, key)
    return context
