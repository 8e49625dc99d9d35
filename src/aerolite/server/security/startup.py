"""Turning the access configuration into the node's ``Security`` and TLS context at start."""

from __future__ import annotations

import logging
import ssl
from pathlib import Path

from aerolite.server.security.config import AccessConfig
from aerolite.server.security.guard import Security
from aerolite.server.security.peers import PeerKey
from aerolite.server.security.sessions import Sessions
from aerolite.server.security.store import SecurityStore
from aerolite.server.security.tls import peer_context, server_context

log = logging.getLogger("aerolite.security")


def read_password_file(path: Path) -> str:
    """The password in ``path``: its first line, without the line break."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[0] if lines else ""


def open_security(access: AccessConfig, data_dir: Path | None, peers: PeerKey | None) -> Security | None:
    """The node's users, roles and sessions, or None when access control is off; ``peers`` is the cluster key
    of a node of a local cluster.

    A node of a local cluster restarted after its admin password file is gone (an embedded cluster
    removes it once the nodes are up) starts with no users and takes them from a peer as it joins."""
    if not access.security:
        return None
    password_file = access.admin_password_file
    from_peers = peers is not None and password_file is not None and not password_file.exists()
    password = read_password_file(password_file) if password_file is not None and not from_peers else None
    if data_dir is None:
        log.warning("access control without --data-dir: users and roles last only until the node stops")
    return Security(SecurityStore.open(data_dir, password, from_peers), Sessions(access.session_ttl), peers)


def open_tls(access: AccessConfig) -> ssl.SSLContext | None:
    """The service port's TLS context, or None for plain TCP."""
    if access.tls_cert is None:
        return None
    if access.tls_key is None:
        raise ValueError("--tls-cert needs --tls-key")
    return server_context(access.tls_cert, access.tls_key, access.tls_ca)


def open_peer_tls(access: AccessConfig) -> ssl.SSLContext | None:
    """How a node of a local cluster calls its peers: over TLS when it serves TLS."""
    if access.tls_cert is None or access.tls_key is None:
        return None
    return peer_context(access.tls_cert, access.tls_key)
