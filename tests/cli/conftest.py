"""Run the real ``aerolite`` command against the session's server, and read its effects back with the client."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import aerospike_native as an
import pytest

from aerolite.cli.demo import user
from tests.conftest import ServerProcess

NS = "test"
SEED = 7
ENV = dict(os.environ, PYTHONUNBUFFERED="1")

Cli = Callable[..., subprocess.CompletedProcess[str]]


def command(address: str, *args: str) -> list[str]:
    """The argv of ``aerolite ARGS --host ADDRESS``."""
    return [sys.executable, "-m", "aerolite.cli.main", *args, "--host", address]


@pytest.fixture(scope="session")
def cli(server: ServerProcess) -> Cli:
    """Run one command to completion against the server: ``cli("count", "--set", "s")``."""

    def run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command(server.address, *args), capture_output=True, text=True, env=ENV,
                              timeout=timeout, check=False)

    return run


@pytest.fixture(scope="session")
def node(server: ServerProcess) -> Iterator[Any]:
    """A blocking ``aerospike_native`` client, to seed data and read effects back independently of the CLI."""
    client = an.new_client_blocking(an.ClientPolicy(), server.address)
    yield client
    client.close_blocking()


@pytest.fixture
def set_name() -> str:
    """A set of this test's own."""
    return f"cli_{uuid.uuid4().hex[:10]}"


def generated(n: int) -> list[dict[str, Any]]:
    """The users ``aerolite load`` writes for keys 0..n-1 with the default seed."""
    rng = random.Random(SEED)
    return [user(i, rng) for i in range(n)]


def seed_users(client: Any, set_name: str, n: int) -> list[dict[str, Any]]:
    """Write the generated users straight through the client; returns their bins by key."""
    rows = generated(n)
    client.batch_write_blocking([an.Key(NS, set_name, i) for i in range(n)], rows)
    return rows


def read_back(client: Any, set_name: str, n: int) -> list[Any]:
    """The record of each key 0..n-1 (None where there is none)."""
    return [r.record for r in client.batch_read_blocking([an.Key(NS, set_name, i) for i in range(n)])]


SUMMARY = re.compile(r"^job (\d+) done \(([\w-]+)\) in [\d.]+ s: scanned ([\d,]+) · written ([\d,]+) · "
                     r"filtered out ([\d,]+) · failed ([\d,]+)", re.MULTILINE)


def summary_of(output: str) -> dict[str, int | str]:
    """The closing line a job command prints: its id, result and counters."""
    match = SUMMARY.search(output)
    assert match, output
    task_id, result, *counts = match.groups()
    numbers = [int(c.replace(",", "")) for c in counts]
    return {"id": int(task_id), "result": result, **dict(zip(("scanned", "written", "filtered", "failed"), numbers,
                                                              strict=True))}
