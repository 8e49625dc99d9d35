"""Compact namespaces: records packed to bytes come back equal, with their value types, and the
namespace's bookkeeping (sets, truncates, expiry, counts) works on packed records as on objects."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aerolite.digest import key_digest
from aerolite.engine.namespace import Namespace, NamespaceConfig
from aerolite.engine.record import Record
from aerolite.engine.record_codec import RecordCodec
from aerolite.engine.sizing import record_bytes
from aerolite.values.types import GeoJson, Hll, KeyOrderedMap, OrderedList

int64 = st.integers(-(2**63), 2**63 - 1)
scalars = st.one_of(st.none(), st.booleans(), int64, st.floats(allow_nan=False),
                    st.text(max_size=20), st.binary(max_size=20))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=5), int64), inner, max_size=4)),
    max_leaves=10)


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@given(st.dictionaries(st.text(min_size=1, max_size=15), values, max_size=6), st.one_of(st.none(), int64, st.text()))
def test_any_record_round_trips(bins: dict[str, Any], key: Any) -> None:
    codec = RecordCodec()
    record = Record(b"d" * 20, "set", key, bins, 7, 123, 1_700_000_000_123_000_000)
    back = codec.unpack(record.digest, codec.pack(record))
    assert (back.set_name, back.key, back.generation, back.void_time, back.last_update_ns) == ("set", key, 7, 123, record.last_update_ns)
    assert same(back.bins, bins)


def test_special_types_keep_their_type() -> None:
    codec = RecordCodec()
    bins = {"geo": GeoJson('{"type":"Point","coordinates":[1,2]}'), "hll": Hll(b"\x01\x02"),
            "kmap": KeyOrderedMap({"a": OrderedList([1, 2]), "b": {"c": KeyOrderedMap({1: 2}, flags=3)}}, flags=3),
            "olist": OrderedList([1, 5, 9])}
    back = codec.unpack(b"d" * 20, codec.pack(Record(b"d" * 20, "", None, bins)))
    assert same(back.bins, bins)
    assert back.bins["kmap"].flags == 3 and back.bins["kmap"]["b"]["c"].flags == 3


@pytest.mark.parametrize("compact", [False, True])
def test_namespace_bookkeeping(compact: bool) -> None:
    ns = Namespace(NamespaceConfig("test", compact=compact))
    for i in range(30):
        record = Record(key_digest("a" if i % 3 else "b", i), "a" if i % 3 else "b", None, {"i": i, "s": "x" * i},
                        1, 0 if i % 2 else 5, 1000 + i)
        ns.store(record, record_bytes(record), size=record_bytes(record))
    assert len(ns) == 30 and ns.set_counts() == {"a": 20, "b": 10} and ns.non_expirable() == 15
    record = ns.get(key_digest("a", 1))
    assert record is not None and record.bins == {"i": 1, "s": "x"}
    assert ns.sweep_expired() == 15  # void time 5 is long past
    assert ns.truncate("a", 1020) == 7  # odd i below 20 not divisible by 3
    assert ns.set_counts() == {"a": 3, "b": 5} and len(ns) == 8
    assert sorted(r.bins["i"] for r in ns.all_records()) == sorted([3, 9, 15, 21, 23, 25, 27, 29])
