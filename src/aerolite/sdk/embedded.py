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
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Self

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
    def start(cls, namespaces: Sequence[str], data_dir: Path | None, nodes: int = 1) -> EmbeddedServer:
        """Launch the server (a local cluster of ``nodes`` processes) and wait until it listens."""
        args = [sys.executable, "-m", "aerolite.cli.main", "serve", "--host", "127.0.0.1", "--port", "0",
                "--nodes", str(nodes)]
        for spec in namespaces:
            args += ["--namespace", spec]
        if data_dir is not None:
            args += ["--data-dir", str(data_dir)]
        errors = tempfile.NamedTemporaryFile("w+", prefix="aerolite-serve-", suffix=".log")  # noqa: SIM115
        env = dict(os.environ, PYTHONUNBUFFERED="1")
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
                 nodes: int = 1) -> Self:
        """An aerolite node (or a local cluster of ``nodes`` processes, one per core) started on free
        loopback ports at connect, stopped at close.

        Example::

            async with ClusterDefinition.embedded(namespaces=["test"], nodes=2).connect() as cluster: ...
        """
        definition = cls()
        definition.spec = embedded_spec(data_dir, namespaces, nodes)
        return definition

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
        server = EmbeddedServer.start(self.embedded_namespaces, self.data_dir, self.nodes)
        return server, f"{server.host}:{server.port}"


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
