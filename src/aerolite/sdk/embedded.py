"""Where a cluster is: a host and port, or an embedded aerolite node the SDK starts itself.

The embedded node runs ``aerolite serve`` in a child process (its own core, its own GIL) on a free
loopback port; the SDK reads the port from the ``aerolite listening on ...`` line and stops the
process when the cluster closes. This module only *launches* the server: the SDK never imports it.
"""

from __future__ import annotations

import logging
import os
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, Self

from aerolite.sdk.access import Access, Security
from aerolite.sdk.errors import ConnectionError

log = logging.getLogger("aerolite.sdk")

READY_PREFIX = "aerolite listening on "
START_TIMEOUT_S = 30.0


class EmbeddedServer:
    """A running ``aerolite serve`` child process (blocking start/stop; the async face uses a thread)."""

    __slots__ = ("_errors", "_process", "host", "port")

    def __init__(self, process: subprocess.Popen[str], errors: IO[str],
                 host: str, port: int) -> None:
        self._process = process
        self._errors = errors
        self.host = host
        self.port = port

    @classmethod
    def start(cls, namespaces: Sequence[str], data_dir: Path | None,
              security: Security | None = None, nodes: int = 1) -> EmbeddedServer:
        """Launch the server (a local cluster of ``nodes`` processes) and wait until it listens."""
        args = [sys.executable, "-m", "aerolite.cli.main", "serve", "--host", "127.0.0.1", "--port", "0",
                "--nodes", str(nodes)]
        for spec in namespaces:
            args += ["--namespace", spec]
        if data_dir is not None:
            args += ["--data-dir", str(data_dir)]
        errors = tempfile.NamedTemporaryFile("w+", prefix="aerolite-serve-", suffix=".log")  # noqa: SIM115
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        with tempfile.TemporaryDirectory(prefix="aerolite-secret-") as secrets:  # gone once the node has read it
            if security is not None:
                args += security.serve_args(Path(secrets))
            process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors, text=True, env=env)
            try:
                host, port = _await_ready(process, errors)
            except BaseException:
                _stop(process)
                errors.close()
                raise
        log.info("embedded aerolite node pid %d on %s:%d", process.pid, host, port)
        return cls(process, errors, host, port)

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s) and release its files."""
        _stop(self._process)
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._errors.close()


def _await_ready(process: subprocess.Popen[str], errors: IO[str]) -> tuple[str, int]:
    assert process.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT_S
    while (remaining := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([process.stdout], [], [], min(remaining, 0.5))
        line = process.stdout.readline() if ready else ""
        if line.startswith(READY_PREFIX):
            host, _, port = line[len(READY_PREFIX):].strip().rpartition(":")
            return host, int(port)
        if process.poll() is not None:
            errors.seek(0)
            raise ConnectionError(-8, f"the embedded aerolite node exited ({process.returncode}): {errors.read()[-2000:]}")
    raise ConnectionError(-8, f"the embedded aerolite node did not listen within {START_TIMEOUT_S:.0f} s")


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ClusterDefinitionBase:
    """Where a cluster is, shared by both faces; each face adds its own ``connect()``."""

    __slots__ = ("spec",)

    def __init__(self, host: str = "127.0.0.1", port: int = 3000) -> None:
        if not host or not isinstance(port, int) or not 0 < port < 65536:
            raise ValueError(f"ClusterDefinition needs a host and a port in 1..65535, not {host!r}:{port!r}")
        self.spec = ClusterSpec(host=host, port=port)

    @classmethod
    def embedded(cls, data_dir: str | Path | None = None, namespaces: Sequence[str] = ("test",),
                 security: Security | None = None, nodes: int = 1) -> Self:
        """An aerolite node (or a local cluster of ``nodes`` processes, one per core) started on free
        loopback ports at connect, stopped at close.

        With ``security`` the node requires a login (users and roles persist in ``data_dir``, if given)
        and the SDK logs in as ``admin``.

        Example::

            async with ClusterDefinition.embedded(namespaces=["test"], nodes=2).connect() as cluster: ...
        """
        if security is not None and not isinstance(security, Security):
            raise TypeError("security takes aerolite.Security(admin_password), e.g. security=Security('s3cret')")
        definition = cls()
        definition.spec = replace(embedded_spec(data_dir, namespaces, nodes), security=security)
        if security is not None:
            definition.spec = replace(definition.spec, access=Access("admin", security.admin_password))
        return definition

    def with_credentials(self, user: str, password: str) -> Self:
        """Log in as ``user`` (the node must run with access control).

        Example::

            ClusterDefinition("db1", 3000).with_credentials("app", os.environ["APP_PASSWORD"]).connect()
        """
        if not user or not isinstance(password, str):
            raise ValueError("with_credentials needs a user name and a password string")
        self.spec = replace(self.spec, access=replace(self.spec.access, user=user, password=password))
        return self

    def with_tls(self, cafile: str | Path | None, tls_name: str) -> Self:
        """Talk TLS, checking the node's certificate against ``cafile`` (None: system CAs) and ``tls_name``.

        Example::

            ClusterDefinition("db1", 4333).with_tls("ca.pem", "db1.example").connect()
        """
        if self.spec.is_embedded:
            raise ValueError("an embedded node listens on loopback without TLS; with_tls is for remote nodes")
        if not tls_name:
            raise ValueError("with_tls needs the name in the node's certificate, e.g. with_tls('ca.pem', 'db1')")
        cafile = str(cafile) if cafile is not None else None
        self.spec = replace(self.spec, access=replace(self.spec.access, tls_cafile=cafile, tls_name=tls_name))
        return self

    def __repr__(self) -> str:
        where = f"embedded {list(self.spec.embedded_namespaces)}" if self.spec.embedded_namespaces else (
            f"{self.spec.host}:{self.spec.port}")
        return f"{type(self).__name__}({where})"


@dataclass(frozen=True, slots=True)
class ClusterSpec:
    """The shared part of ``ClusterDefinition``: where to connect, or what to start."""

    host: str = "127.0.0.1"
    port: int = 3000
    embedded_namespaces: tuple[str, ...] | None = None
    """Set for an embedded node: the ``--namespace`` specs to serve."""
    data_dir: Path | None = None
    security: Security | None = None
    """Set for an embedded node with access control."""
    access: Access = field(default_factory=Access)
    nodes: int = 1
    """How many node processes the embedded cluster runs."""

    @property
    def is_embedded(self) -> bool:
        """True if connecting starts a node of its own."""
        return self.embedded_namespaces is not None

    def start(self) -> tuple[EmbeddedServer | None, str]:
        """Start the embedded node if there is one; the seed address to connect to."""
        if self.embedded_namespaces is None:
            return None, f"{self.host}:{self.port}"
        server = EmbeddedServer.start(self.embedded_namespaces, self.data_dir, self.security, self.nodes)
        return server, f"{server.host}:{server.port}"

    def client_args(self, seeds: str) -> tuple[Any, str]:
        """The client policy, and the seed as the client takes it, for the ``host:port`` that ``start`` gave."""
        host, _, port = seeds.rpartition(":")
        return self.access.client_policy(), self.access.seed(host, int(port))


def embedded_spec(data_dir: str | Path | None, namespaces: Sequence[str], nodes: int = 1) -> ClusterSpec:
    """The spec of an embedded node; with a ``data_dir``, namespaces without a storage suffix are files.

    >>> embedded_spec("/tmp/d", ["test", "cache:memory"]).embedded_namespaces
    ('test:file', 'cache:memory')
    """
    if isinstance(namespaces, str):
        raise TypeError(f"namespaces takes a list of names, e.g. namespaces=[{namespaces!r}]")
    if not namespaces:
        raise ValueError("an embedded node needs at least one namespace, e.g. namespaces=['test']")
    if type(nodes) is not int or not 1 <= nodes <= 64:
        raise ValueError(f"nodes is the number of node processes, 1..64 (e.g. nodes=2), not {nodes!r}")
    folder = Path(data_dir) if data_dir is not None else None
    specs = tuple(spec if ":" in spec or folder is None else f"{spec}:file" for spec in namespaces)
    return ClusterSpec(embedded_namespaces=specs, data_dir=folder, nodes=nodes)
