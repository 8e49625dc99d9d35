"""Shared fixtures: a real aerolite server process on a free loopback port, and clients for it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
"""Recorded fixtures the tests read: golden exchanges with their replayer, client captures, Lua modules."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    """A running ``aerolite serve`` child process."""

    process: subprocess.Popen[str]
    port: int
    args: list[str]

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self, sig: int | None = None) -> None:
        if self.process.poll() is None:
            if sig is None:
                self.process.terminate()
            else:
                self.process.send_signal(sig)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(*extra: str, port: int | None = None, output: Path | None = None) -> ServerProcess:
    """Start ``aerolite serve`` and wait until it accepts connections.

    ``output``: a file for the server's output (for long runs, which could fill an unread pipe).
    """
    port = port or free_port()
    args = [sys.executable, "-m", "aerolite.cli.main", "serve", "--port", str(port), *extra]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    if output is None:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    else:
        with output.open("a") as sink:
            proc = subprocess.Popen(args, stdout=sink, stderr=subprocess.STDOUT, text=True, env=env)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            printed = proc.stdout.read() if proc.stdout else (output.read_text() if output else "")
            raise RuntimeError(f"aerolite serve exited with {proc.returncode}: {printed}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return ServerProcess(proc, port, args)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("aerolite serve did not start listening within 20 s")


def start_cluster(nodes: int, *extra: str) -> ServerProcess:
    """Start ``aerolite serve --nodes N`` on free ports; ``port`` is the first node's."""
    args = [sys.executable, "-m", "aerolite.cli.main", "serve", "--port", "0", "--nodes", str(nodes), *extra]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        if line.startswith("aerolite listening on "):
            return ServerProcess(proc, int(line.rsplit(":", 1)[1]), args)
        seen.append(line)
    proc.wait()
    raise RuntimeError(f"aerolite serve --nodes {nodes} exited with {proc.returncode}: {''.join(seen)}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cluster_too: also run these tests against a local cluster of 2 nodes")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked ``cluster_too`` get the ``server`` fixture twice: one node, and a 2-node cluster."""
    if "server" in metafunc.fixturenames and metafunc.definition.get_closest_marker("cluster_too"):
        metafunc.parametrize("server", [1, 2], ids=["1node", "2nodes"], indirect=True, scope="session")


@pytest.fixture(scope="session")
def server(request: pytest.FixtureRequest) -> Iterator[ServerProcess]:
    """One in-memory server (namespaces ``test`` and ``bar``) shared by the session's tests; for tests
    marked ``cluster_too`` also a local cluster of ``request.param`` nodes, whose ``test`` namespace holds
    its records packed (``compact``), so that layout meets every client too."""
    nodes = getattr(request, "param", 1)
    if nodes == 1:
        proc = start_server("--namespace", "test", "--namespace", "bar")
    else:
        proc = start_cluster(nodes, "--namespace", "test:compact", "--namespace", "bar")
    yield proc
    proc.stop()
