"""How the SDK reaches a protected node: credentials, TLS, and access control for an embedded node."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import aerospike_native as an

DEFAULT_SESSION_TTL = 86400


@dataclass(frozen=True, slots=True)
class Security:
    """Access control for an embedded node: the password of its ``admin`` user, and the session TTL.

    The SDK logs in as ``admin`` unless ``with_credentials`` names another user. The password seeds
    ``admin`` at the node's first start; with a ``data_dir`` later starts keep the users it holds.

    Example::

        ClusterDefinition.embedded(data_dir="data", security=Security("s3cret")).connect()
    """

    admin_password: str = field(repr=False)
    session_ttl: int = DEFAULT_SESSION_TTL

    def __post_init__(self) -> None:
        if not isinstance(self.admin_password, str) or not self.admin_password or "\n" in self.admin_password:
            raise ValueError("Security needs a non-empty admin password on one line, e.g. Security('s3cret')")
        if self.session_ttl < 1:
            raise ValueError(f"session_ttl must be at least 1 second, not {self.session_ttl}")

    def serve_args(self, folder: Path) -> list[str]:
        """``aerolite serve`` options for this setting; the password goes to a 0600 file in ``folder``."""
        password_file = folder / "admin-password"
        descriptor = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(self.admin_password + "\n")
        return ["--security", "--admin-password-file", str(password_file), "--session-ttl", str(self.session_ttl)]


@dataclass(frozen=True, slots=True)
class Access:
    """Credentials and TLS settings of a cluster definition (all optional)."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    tls_cafile: str | None = None
    tls_name: str | None = None

    def client_policy(self) -> an.ClientPolicy:
        """A client policy carrying the credentials and the TLS configuration."""
        policy = an.ClientPolicy()
        if self.user is not None:
            policy.user = self.user
            policy.password = self.password
        if self.tls_cafile is not None or self.tls_name is not None:
            policy.tls_config = an.TlsConfig(self.tls_cafile)
        return policy

    def seed(self, host: str, port: int) -> str:
        """The seed as the client takes it: ``host:tls_name:port`` with TLS, else ``host:port``."""
        return f"{host}:{self.tls_name}:{port}" if self.tls_name else f"{host}:{port}"
