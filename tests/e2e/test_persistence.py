"""A file-backed namespace keeps acknowledged writes across clean restarts and ``kill -9``.

Each test owns a data directory and starts ``aerolite serve --namespace test:file`` on it several times,
writing and reading through ``aerospike_native`` (blocking API). The torn-tail tests damage
``<data-dir>/test/records.log`` while the server is stopped; the entry header they walk
(``u32 length | u32 crc32``) is the one documented in ``engine/storage.py``.
"""

from __future__ import annotations

import signal
import struct
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import aerospike_native as an
import pytest
from aerospike_native import Expiration, Key, WritePolicy
from aerospike_native import exceptions as ex

from aerolite.values.nesting import MAX_NESTING as MAX_VALUE_NESTING
from tests.conftest import ServerProcess, start_server

NS = "test"


@contextmanager
def node(data_dir: Path, *, kill: bool = False) -> Iterator[tuple[ServerProcess, Any]]:
    """A file-namespace server on ``data_dir`` and a connected blocking client.

    Leaving the block stops the server with SIGTERM, or SIGKILL when ``kill`` (no chance to flush).
    """
    proc = start_server("--namespace", f"{NS}:file", "--data-dir", str(data_dir))
    client = None
    try:
        client = an.new_client_blocking(an.ClientPolicy(), proc.address)
        yield proc, client
    finally:
        if kill:
            proc.stop(signal.SIGKILL)
        if client is not None:
            with suppress(Exception):
                client.close_blocking()
        proc.stop()
        assert proc.process.returncode is not None


def ttl_policy(seconds: int | None) -> WritePolicy:
    p = WritePolicy()
    p.expiration = Expiration.NEVER_EXPIRE if seconds is None else Expiration.seconds(seconds)
    return p


def objects(client: Any, set_name: str | None = None) -> int:
    """The record count a node reports (namespace-wide, or of one set)."""
    cmd = f"namespace/{NS}" if set_name is None else f"sets/{NS}/{set_name}"
    answer: str = client.info_blocking(cmd)[cmd]
    sep = ";" if set_name is None else ":"
    stats = dict(part.split("=", 1) for part in answer.rstrip(";").split(sep) if "=" in part)
    return int(stats.get("objects", "0"))


def get_or_none(client: Any, key: Key) -> Any:
    try:
        return client.get_blocking(key)
    except ex.RecordNotFound:
        return None


def log_path(data_dir: Path) -> Path:
    return data_dir / NS / "records.log"


def entry_offsets(path: Path) -> list[int]:
    """Start offsets of the whole entries of a record log; the walk must end exactly at EOF."""
    data = path.read_bytes()
    offsets: list[int] = []
    pos = 0
    while pos < len(data):
        length, crc = struct.unpack_from(">II", data, pos)
        payload = data[pos + 8 : pos + 8 + length]
        assert len(payload) == length and zlib.crc32(payload) == crc, f"entry at {pos} is not whole"
        offsets.append(pos)
        pos += 8 + length
    assert pos == len(data)
    return offsets


# --- clean restart --------------------------------------------------------------------------------

SET = "persist"
RICH: dict[str, Any] = {
    "int": -(2**63),
    "big": 2**63 - 1,
    "float": -0.5,
    "str": "ünïcode ✓",
    "empty": "",
    "blob": b"\x00\x01\xfe\xff",
    "bool": False,
    "list": [1, "two", 3.0, b"\x04", [5, [6]], {"seven": 7}, None, True],
    "map": {"a": 1, "b": {"c": [1, 2]}, 3: "three", b"k": b"v"},
}


def test_clean_restart_keeps_bins_generation_and_ttl(tmp_path: Path) -> None:
    expected: dict[int, tuple[dict[str, Any], int, int | None]] = {}
    with node(tmp_path) as (_, client):
        for i in range(60):
            k = Key(NS, SET, i)
            ttl = 3600 if i % 3 == 0 else None
            bins = {**RICH, "i": i}
            client.put_blocking(k, bins, policy=ttl_policy(ttl))
            generation = 1
            if i % 4 == 0:  # more writes: generation goes up, one bin changes, one disappears
                client.put_blocking(k, {"i": i * 10, "empty": None}, policy=ttl_policy(ttl))
                client.operate_blocking(k, [an.Operation.add("i", 1)], policy=ttl_policy(ttl))
                bins = {**bins, "i": i * 10 + 1}
                del bins["empty"]
                generation = 3
            expected[i] = (bins, generation, ttl)
        assert objects(client) == 60
    with node(tmp_path) as (_, client):
        assert objects(client) == 60
        for i, (bins, generation, ttl) in expected.items():
            rec = client.get_blocking(Key(NS, SET, i))
            assert rec.bins == bins, i
            assert rec.generation == generation, i
            if ttl is None:
                assert rec.ttl is None, i
            else:
                assert ttl - 30 <= rec.ttl <= ttl, i
        # A record updated after the restart keeps counting generations from the stored one.
        client.put_blocking(Key(NS, SET, 0), {"after": 1})
        assert client.get_blocking(Key(NS, SET, 0)).generation == 4
    with node(tmp_path) as (_, client):
        rec = client.get_blocking(Key(NS, SET, 0))
        assert rec.generation == 4 and rec.bins["after"] == 1 and rec.bins["i"] == 1


def test_string_and_blob_keys_survive(tmp_path: Path) -> None:
    keys = [Key(NS, "keys", "str-key"), Key(NS, "keys", b"\x00blob"), Key(NS, "", "no-set")]
    with node(tmp_path) as (_, client):
        for n, k in enumerate(keys):
            client.put_blocking(k, {"n": n})
    with node(tmp_path) as (_, client):
        assert [client.get_blocking(k).bins for k in keys] == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_the_deepest_storable_value_survives_a_restart_and_counts_in_memory_stats(tmp_path: Path) -> None:
    deepest: Any = [1]
    for _ in range(MAX_VALUE_NESTING - 1):
        deepest = [deepest]
    key = Key(NS, "deep", "k")
    with node(tmp_path) as (_, client):
        client.put_blocking(key, {"deep": deepest})
        stats = client.info_blocking(f"namespace/{NS}")[f"namespace/{NS}"]
        assert "data_used_bytes=0;" not in stats and "ERROR" not in stats
    with node(tmp_path) as (_, client):
        assert client.get_blocking(key).bins == {"deep": deepest}


# --- kill -9 ---------------------------------------------------------------------------------------

N_KILL = 2000


def test_kill_9_right_after_acknowledged_writes(tmp_path: Path) -> None:
    with node(tmp_path, kill=True) as (_, client):
        for i in range(N_KILL):
            client.put_blocking(Key(NS, "kill", i), {"v": i, "s": f"value-{i}"})
        for i in range(0, N_KILL, 10):  # overwrite some: the newest acknowledged version must win
            client.put_blocking(Key(NS, "kill", i), {"v": -i})
        client.delete_blocking(Key(NS, "kill", 1))
        # Leaving the block sends SIGKILL immediately after the last acknowledged write.
    with node(tmp_path) as (_, client):
        assert objects(client) == N_KILL - 1
        assert get_or_none(client, Key(NS, "kill", 1)) is None
        for i in range(N_KILL):
            if i == 1:
                continue
            rec = client.get_blocking(Key(NS, "kill", i))
            if i % 10 == 0:
                assert (rec.bins, rec.generation) == ({"v": -i, "s": f"value-{i}"}, 2), i
            else:
                assert (rec.bins, rec.generation) == ({"v": i, "s": f"value-{i}"}, 1), i


# --- deletes and truncates ------------------------------------------------------------------------


def test_deletes_and_truncates_survive_restarts(tmp_path: Path) -> None:
    with node(tmp_path) as (_, client):
        for i in range(20):
            client.put_blocking(Key(NS, "a", i), {"v": i})
            client.put_blocking(Key(NS, "b", i), {"v": i})
        for i in range(5):
            assert client.delete_blocking(Key(NS, "b", i)) is True
        client.truncate_blocking(NS, "a")
        time.sleep(0.01)
        for i in range(100, 103):  # written after the truncate: kept
            client.put_blocking(Key(NS, "a", i), {"v": i})
        assert objects(client) == 18
    with node(tmp_path, kill=True) as (_, client):
        assert objects(client, "a") == 3 and objects(client, "b") == 15
        for i in range(20):
            assert get_or_none(client, Key(NS, "a", i)) is None, i
            rec = get_or_none(client, Key(NS, "b", i))
            assert (rec is None) if i < 5 else (rec.bins == {"v": i}), i
        for i in range(100, 103):
            assert client.get_blocking(Key(NS, "a", i)).bins == {"v": i}
        # More deletes and a namespace-wide truncate, then kill -9.
        client.delete_blocking(Key(NS, "b", 19))
        client.put_blocking(Key(NS, "b", 3), {"v": "back"})  # a deleted key written again
        assert objects(client) == 18
        answer = client.info_blocking(f"truncate-namespace:namespace={NS}")
        assert list(answer.values()) == ["ok"]
        time.sleep(0.01)
        client.put_blocking(Key(NS, "c", 1), {"v": "survivor"})
    with node(tmp_path) as (_, client):
        assert objects(client) == 1
        assert client.get_blocking(Key(NS, "c", 1)).bins == {"v": "survivor"}
        assert get_or_none(client, Key(NS, "b", 3)) is None
        assert get_or_none(client, Key(NS, "a", 100)) is None
    with node(tmp_path) as (_, client):  # and once more, after the log was rewritten on open
        assert objects(client) == 1


# --- torn tails -----------------------------------------------------------------------------------


def test_garbage_after_the_last_entry_is_cut_and_later_writes_persist(tmp_path: Path) -> None:
    with node(tmp_path) as (_, client):
        for i in range(100):
            client.put_blocking(Key(NS, "torn", i), {"v": i})
    log = log_path(tmp_path)
    assert log.is_file()
    whole = log.stat().st_size
    with log.open("ab") as f:  # an entry whose length runs past the end of the file
        f.write(struct.pack(">II", 64, 0) + b"\xab" * 10)
    with node(tmp_path) as (_, client):
        assert objects(client) == 100
        assert all(client.get_blocking(Key(NS, "torn", i)).bins == {"v": i} for i in range(100))
        client.put_blocking(Key(NS, "torn", 100), {"v": 100})
    with log.open("ab") as f:  # a whole entry with a bad CRC, then half a header
        payload = b"\x91\xc4\x14" + b"\x00" * 20
        f.write(struct.pack(">II", len(payload), zlib.crc32(payload) ^ 1) + payload + b"\x00\x00\x00")
    with node(tmp_path) as (_, client):
        assert objects(client) == 101
        assert all(client.get_blocking(Key(NS, "torn", i)).bins == {"v": i} for i in range(101))
    assert log.stat().st_size >= whole
    entry_offsets(log)  # after a clean open the log is all whole entries again


def test_torn_last_entry_loses_only_that_write(tmp_path: Path) -> None:
    n = 50
    with node(tmp_path) as (_, client):
        for i in range(n):
            client.put_blocking(Key(NS, "cut", i), {"v": i, "pad": "x" * 100})
        client.put_blocking(Key(NS, "cut", 0), {"v": "second version", "pad": "y" * 100})
    log = log_path(tmp_path)
    offsets = entry_offsets(log)
    size = log.stat().st_size
    last = offsets[-1]
    assert size - last > 100, "the last entry holds the second version of key 0"
    with log.open("r+b") as f:  # a crash in the middle of appending the last entry
        f.truncate(last + (size - last) // 2)
    with node(tmp_path) as (_, client):
        assert objects(client) == n
        first = client.get_blocking(Key(NS, "cut", 0))
        assert (first.bins, first.generation) == ({"v": 0, "pad": "x" * 100}, 1)
        for i in range(1, n):
            assert client.get_blocking(Key(NS, "cut", i)).bins == {"v": i, "pad": "x" * 100}
        client.put_blocking(Key(NS, "cut", 0), {"v": "third"})
    with node(tmp_path) as (_, client):
        rec = client.get_blocking(Key(NS, "cut", 0))
        assert rec.bins == {"v": "third", "pad": "x" * 100} and rec.generation == 2
        assert objects(client) == n


@pytest.mark.parametrize("keep", [3, 7])
def test_log_cut_inside_a_header_opens_cleanly(tmp_path: Path, keep: int) -> None:
    with node(tmp_path) as (_, client):
        for i in range(10):
            client.put_blocking(Key(NS, "hdr", i), {"v": i})
    log = log_path(tmp_path)
    offsets = entry_offsets(log)
    with log.open("r+b") as f:  # the last entry keeps only `keep` bytes of its 8-byte header
        f.truncate(offsets[-1] + keep)
    with node(tmp_path) as (_, client):
        assert objects(client) == 9
        assert [client.get_blocking(Key(NS, "hdr", i)).bins["v"] for i in range(9)] == list(range(9))
        assert get_or_none(client, Key(NS, "hdr", 9)) is None


# --- expiry ---------------------------------------------------------------------------------------


def test_expired_records_do_not_come_back(tmp_path: Path) -> None:
    with node(tmp_path) as (_, client):
        client.put_blocking(Key(NS, "exp", "short"), {"v": 1}, policy=ttl_policy(1))
        client.put_blocking(Key(NS, "exp", "read-late"), {"v": 1}, policy=ttl_policy(1))
        client.put_blocking(Key(NS, "exp", "shadow"), {"v": "old"}, policy=ttl_policy(None))
        client.put_blocking(Key(NS, "exp", "shadow"), {"v": "new"}, policy=ttl_policy(1))
        client.put_blocking(Key(NS, "exp", "long"), {"v": 2}, policy=ttl_policy(3600))
        client.put_blocking(Key(NS, "exp", "never"), {"v": 3}, policy=ttl_policy(None))
        time.sleep(2.2)  # void times have a one-second grain
        assert get_or_none(client, Key(NS, "exp", "read-late")) is None
    with node(tmp_path) as (_, client):
        assert objects(client) == 2  # counted before any read could remove an expired record lazily
        for name in ("short", "read-late", "shadow"):
            assert get_or_none(client, Key(NS, "exp", name)) is None, name
        assert 3590 <= client.get_blocking(Key(NS, "exp", "long")).ttl <= 3600
        assert client.get_blocking(Key(NS, "exp", "never")).ttl is None
        client.put_blocking(Key(NS, "exp", "down"), {"v": 4}, policy=ttl_policy(2))
        assert client.get_blocking(Key(NS, "exp", "down")).bins == {"v": 4}
    time.sleep(3.1)  # expires while the node is down
    with node(tmp_path) as (_, client):
        assert objects(client) == 2
        assert get_or_none(client, Key(NS, "exp", "down")) is None


def non_expirable(client: Any) -> int:
    answer: str = client.info_blocking(f"namespace/{NS}")[f"namespace/{NS}"]
    return int(dict(part.split("=", 1) for part in answer.split(";") if "=" in part)["non_expirable_objects"])


def test_records_that_never_expire_are_counted_through_ttl_changes_and_a_restart(tmp_path: Path) -> None:
    with node(tmp_path) as (_, client):
        for i in range(15):
            client.put_blocking(Key(NS, "ttls", i), {"i": i}, policy=ttl_policy(3600 if i < 10 else None))
        assert non_expirable(client) == 5
        client.touch_blocking(Key(NS, "ttls", 0), policy=ttl_policy(None))  # now never expires
        client.put_blocking(Key(NS, "ttls", 14), {"i": 0}, policy=ttl_policy(60))  # now expires
        client.delete_blocking(Key(NS, "ttls", 13))
        assert non_expirable(client) == 4
    with node(tmp_path) as (_, client):
        assert non_expirable(client) == 4
        assert objects(client) == 14
