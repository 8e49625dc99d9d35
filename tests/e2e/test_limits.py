"""A node's limits, enforced and answered with a node's result codes: namespace size and stop-writes (8),
maximum record size (13), maximum connections and the idle connection timeout (bin names longer than 15
bytes, 21, are in test_bad_input)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aerospike_native as an
import pytest
from aerospike_native import Key, ListOperation, ListPolicy
from aerospike_native import exceptions as ex

from aerolite.engine.sizing import default_namespace_bytes, parse_size
from aerolite.server.config import parse_namespace_spec
from tests.conftest import ServerProcess, start_server
from tests.e2e.test_bad_input import get, int_value, put, read_frame

SET = "limits"
FILLER = "x" * 10_000


@pytest.fixture(scope="module")
def small_node() -> Iterator[ServerProcess]:
    """A 1 MiB namespace that stops writes at 50 %, with records of at most 64 KiB."""
    proc = start_server("--namespace", "test:memory:1M", "--stop-writes-pct", "50", "--max-record-size", "64K")
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def tight_node() -> Iterator[ServerProcess]:
    """A node serving at most 4 connections, closing those silent for 1 s."""
    proc = start_server("--max-connections", "4", "--idle-timeout", "1")
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
async def small_client(small_node: ServerProcess) -> AsyncIterator[Any]:
    policy = an.ClientPolicy()
    policy.max_conns_per_node = 2
    c = await an.new_client(policy, small_node.address)
    yield c
    await c.close()


async def code_of(call: Any) -> int:
    """The result code a client call ended with (0 for success)."""
    try:
        await call
    except Exception as exc:
        found = re.search(r"\bError (\d+)\b", str(exc))
        if found is None:
            raise
        return int(found.group(1))
    return 0


async def test_stop_writes_refuses_writes_but_not_reads_or_deletes(small_client: Any) -> None:
    stored: list[Key] = []
    for i in range(200):  # 1 MiB at 50 % holds about fifty 10 KB records
        k = Key("test", SET, f"fill-{i}")
        code = await code_of(small_client.put(k, {"s": FILLER}))
        if code == 8:
            break
        assert code == 0
        stored.append(k)
    else:
        pytest.fail("the namespace never reached stop-writes")
    assert 40 <= len(stored) <= 55
    # Every write is refused with 8: a new record, an update, an operate.
    assert await code_of(small_client.put(Key("test", SET, "one-more"), {"i": 1})) == 8
    assert await code_of(small_client.put(stored[0], {"i": 1})) == 8
    # Reads and deletes go on.
    assert (await small_client.get(stored[0])).bins["s"] == FILLER
    for k in stored[: len(stored) // 2]:
        assert await small_client.delete(k)
    # Writes resume.
    assert await code_of(small_client.put(Key("test", SET, "after-deletes"), {"i": 2})) == 0
    assert (await small_client.get(Key("test", SET, "after-deletes"))).bins == {"i": 2}
    for k in stored[len(stored) // 2 :]:
        await small_client.delete(k)


async def test_record_too_big(small_client: Any) -> None:
    k = Key("test", SET, "big")
    assert await code_of(small_client.put(k, {"s": "y" * parse_size("64K")})) == 13
    with pytest.raises(ex.RecordNotFound):
        await small_client.get(k)
    assert await code_of(small_client.put(k, {"l": ["z" * 1000] * 10})) == 0
    # An append that would cross the limit leaves the record as it was.
    grow = ListOperation.append_items("l", ["z" * 1000] * 60, ListPolicy())
    assert await code_of(small_client.operate(k, [grow])) == 13
    record = await small_client.get(k)
    assert len(record.bins["l"]) == 10 and record.generation == 1
    await small_client.delete(k)


def open_connections(node: ServerProcess, n: int) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", node.port), timeout=5)
        socks.append(s)
    return socks


def is_closed(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_connections_beyond_the_maximum_are_closed(tight_node: ServerProcess) -> None:
    socks = open_connections(tight_node, 6)
    try:
        served = []
        for s in socks:
            try:
                s.sendall(put("conn", 1))
                _, body = read_frame(s)
                served.append(body[5] == 0)
            except (AssertionError, OSError):
                served.append(False)
        assert served == [True] * 4 + [False] * 2, served
    finally:
        for s in socks:
            s.close()
    time.sleep(0.3)
    with socket.create_connection(("127.0.0.1", tight_node.port), timeout=5) as s:  # room again
        s.sendall(get("conn"))
        _, body = read_frame(s)
        assert body[5] == 0 and body[-8:] == int_value(1)


def test_a_peer_that_stops_mid_frame_is_timed_out(tight_node: ServerProcess) -> None:
    with socket.create_connection(("127.0.0.1", tight_node.port), timeout=5) as stalled, \
            socket.create_connection(("127.0.0.1", tight_node.port), timeout=5) as silent:
        stalled.sendall(put("stall", 3)[:20])  # a header and part of the body, then nothing
        started = time.monotonic()
        assert is_closed(stalled, within=5.0), "the stalled connection was never closed"
        assert is_closed(silent, within=5.0), "the silent connection was never closed"
        assert time.monotonic() - started >= 0.5  # not at once: only after the idle timeout
    with socket.create_connection(("127.0.0.1", tight_node.port), timeout=5) as s:
        s.sendall(put("after-stall", 4))
        _, body = read_frame(s)
        assert body[5] == 0


def test_serve_help_lists_the_limits() -> None:
    text = subprocess.run([sys.executable, "-m", "aerolite.cli.main", "serve", "--help"],
                          capture_output=True, text=True, check=True).stdout
    for option in ("NAME[:memory|:file][:compact][:SIZE]", "--stop-writes-pct", "--max-record-size", "--max-connections",
                   "--idle-timeout", "--max-frame-bytes"):
        assert option in text


@pytest.mark.parametrize(("spec", "storage", "size"), [
    ("users", "memory", None), ("users:file", "file", None), ("users:64M", "memory", 64 << 20),
    ("users:file:4G", "file", 4 << 30), ("users:memory:512k", "memory", 512 << 10),
])
def test_namespace_specs(tmp_path: Path, spec: str, storage: str, size: int | None) -> None:
    config = parse_namespace_spec(spec, tmp_path)
    assert config.name == "users" and config.storage == storage
    assert config.size_bytes == (size or default_namespace_bytes())


@pytest.mark.parametrize("spec", ["users:disk", "users:file:0", "users:12Q", "users:file:1G:extra", "users:-5M"])
def test_bad_namespace_specs(tmp_path: Path, spec: str) -> None:
    with pytest.raises(ValueError, match=r"namespace|size"):
        parse_namespace_spec(spec, tmp_path)
