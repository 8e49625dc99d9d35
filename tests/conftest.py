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


@pytest.fixture(scope="session")
def server() -> Iterator[ServerProcess]:
    """One in-memory server (namespaces ``test`` and ``bar``) shared by the session's tests."""
    proc = start_server("--namespace", "test", "--namespace", "bar")
    yield proc
    proc.stop()
