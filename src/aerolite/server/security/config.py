"""How a node protects itself: access control on or off, the session TTL, and the TLS files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_SESSION_TTL = 86400
"""Seconds a login's session token stays valid (clients log in again before it runs out)."""


@dataclass(frozen=True, slots=True)
class AccessConfig:
    security: bool = False
    admin_password_file: Path | None = None
    """Read at the first start with access control: the password of the user ``admin``."""
    session_ttl: int = DEFAULT_SESSION_TTL
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_ca: Path | None = None
    """With it, clients must present a certificate signed by this CA."""
    tls_name: str = ""
    """The name in the certificate; the nodes of a local cluster tell clients to reach their peers by it."""
