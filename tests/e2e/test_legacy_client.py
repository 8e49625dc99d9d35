"""The legacy C-based ``aerospike`` client (19.x) against aerolite: single-record work, read back."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import aerospike_native as an
import pytest

from aerolite.wire.digest import key_digest
from tests.conftest import ServerProcess

aerospike = pytest.importorskip("aerospike", reason="the legacy aerospike client is not installed")
from aerospike import exception as ex  # noqa: E402
from aerospike_helpers.operations import operations as op_h  # noqa: E402

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),  # meta["ttl"], string append on 8.2
              pytest.mark.cluster_too]

SET = "legacy"
NEVER = 4294967295
"""What the legacy client reports as the TTL of a record that never expires."""


@pytest.fixture(scope="module")
def legacy(server: ServerProcess) -> Iterator[Any]:
    client = aerospike.client({"hosts": [("127.0.0.1", server.port)]}).connect()
    yield client
    client.close()


def fresh(client: Any, user_key: str | int, ns: str = "test") -> tuple[str, str, str | int]:
    k = (ns, SET, user_key)
    with contextlib.suppress(ex.RecordNotFound):
        client.remove(k)
    return k


BINS: dict[str, Any] = {
    "i": 42,
    "neg": -7,
    "s": "héllo",
    "f": 3.14,
    "b": b"\x00\xff",
    "l": [1, "x", 2.5, [b"\x01"]],
    "m": {"a": 1, "n": {"x": "y"}},
}


def test_put_with_ttl_and_send_key_then_get(legacy: Any) -> None:
    k = fresh(legacy, "put-get")
    legacy.put(k, BINS, meta={"ttl": 3600}, policy={"key": aerospike.POLICY_KEY_SEND})
    key, meta, bins = legacy.get(k)
    assert bins == BINS
    assert meta["gen"] == 1
    assert 3595 <= meta["ttl"] <= 3600
    assert (key[0], key[1]) == ("test", SET)
    assert bytes(key[3]) == key_digest(SET, "put-get")


def test_put_without_ttl_never_expires(legacy: Any) -> None:
    k = fresh(legacy, "no-ttl")
    legacy.put(k, {"a": 1})
    _, meta, _ = legacy.get(k)
    assert meta == {"ttl": NEVER, "gen": 1}


def test_select_reads_only_the_named_bins(legacy: Any) -> None:
    k = fresh(legacy, "select")
    legacy.put(k, BINS)
    _, meta, bins = legacy.select(k, ["i", "s", "absent"])
    assert bins == {"i": 42, "s": "héllo"}
    assert meta["gen"] == 1


def test_exists_and_touch(legacy: Any) -> None:
    k = fresh(legacy, "exists-touch")
    _, meta = legacy.exists(k)
    assert meta is None
    legacy.put(k, {"a": 1}, meta={"ttl": 1000})
    _, meta = legacy.exists(k)
    assert meta is not None and meta["gen"] == 1 and 995 <= meta["ttl"] <= 1000
    legacy.touch(k, 100)
    _, meta = legacy.exists(k)
    assert meta is not None and meta["gen"] == 2 and 95 <= meta["ttl"] <= 100
    _, _, bins = legacy.get(k)
    assert bins == {"a": 1}


def test_touch_missing_record_raises(legacy: Any) -> None:
    k = fresh(legacy, "touch-missing")
    with pytest.raises(ex.RecordNotFound):
        legacy.touch(k, 10)


def test_operate_increment_append_read(legacy: Any) -> None:
    k = fresh(legacy, "operate")
    legacy.put(k, {"i": 1, "s": "ab", "other": 9})
    _, meta, bins = legacy.operate(
        k, [op_h.increment("i", 5), op_h.append("s", "cd"), op_h.read("i"), op_h.read("s")]
    )
    # No RESPOND_ALL_OPS from the legacy client: only the reads answer, one value per bin.
    assert bins == {"i": 6, "s": "abcd"}
    assert meta["gen"] == 2
    _, meta, bins = legacy.get(k)
    assert bins == {"i": 6, "s": "abcd", "other": 9}
    assert meta["gen"] == 2


def test_operate_creates_a_missing_record(legacy: Any) -> None:
    k = fresh(legacy, "operate-create")
    _, meta, bins = legacy.operate(k, [op_h.increment("n", 3), op_h.read("n")])
    assert bins == {"n": 3} and meta["gen"] == 1


def test_remove_then_get_missing(legacy: Any) -> None:
    k = fresh(legacy, "remove")
    legacy.put(k, {"a": 1})
    legacy.remove(k)
    _, meta = legacy.exists(k)
    assert meta is None
    with pytest.raises(ex.RecordNotFound) as err:
        legacy.get(k)
    assert err.value.code == 2
    with pytest.raises(ex.RecordNotFound):
        legacy.remove(k)


def test_get_never_written_key(legacy: Any) -> None:
    with pytest.raises(ex.RecordNotFound):
        legacy.get(("test", SET, f"never-{time.time_ns()}"))


def test_integer_keys_and_second_namespace(legacy: Any) -> None:
    k = fresh(legacy, 12345, ns="bar")
    legacy.put(k, {"v": "bar"})
    key, meta, bins = legacy.get(k)
    assert bins == {"v": "bar"} and meta["gen"] == 1
    assert bytes(key[3]) == key_digest(SET, 12345)
    with pytest.raises(ex.RecordNotFound):
        legacy.get(("test", SET, 12345))


def test_written_by_legacy_read_by_native(legacy: Any, blocking_client: Any) -> None:
    k = fresh(legacy, "interop")
    legacy.put(k, {"i": 1, "l": [1, 2]}, meta={"ttl": 600})
    rec = blocking_client.get_blocking(an.Key("test", SET, "interop"))
    assert rec.bins == {"i": 1, "l": [1, 2]}
    assert rec.generation == 1 and 590 <= rec.ttl <= 600
    blocking_client.put_blocking(an.Key("test", SET, "interop"), {"i": 2})
    _, meta, bins = legacy.get(k)
    assert bins == {"i": 2, "l": [1, 2]} and meta["gen"] == 2
