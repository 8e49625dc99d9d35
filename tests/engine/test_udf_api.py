"""The Aerospike Lua API as a UDF sees it: rec, record.*, aerospike:*, list, map, bytes, logging, require."""

from __future__ import annotations

import logging
import time

import pytest

from aerolite.engine.record import CITRUSLEAF_EPOCH
from aerolite.engine.udf import UdfAction, UdfExecutionError
from aerolite.values import GeoJson, KeyOrderedMap
from tests.engine.test_udf_helpers import DIGEST, Udf, make_record

NOW = 1_700_000_000.0


def udf(source: str, **options: object) -> Udf:
    return Udf({"m.lua": source}, clock=lambda: NOW, **options)


# ---------------------------------------------------------------- record metadata

def test_record_metadata() -> None:
    u = udf("""
function meta(rec)
  return map{ttl = record.ttl(rec), gen = record.gen(rec), key = record.key(rec), set = record.setname(rec),
              lut = record.last_update_time(rec), digest = record.digest(rec), names = record.bin_names(rec),
              n = record.numbins(rec)}
end""")
    now_cf = int(NOW) - CITRUSLEAF_EPOCH
    record = make_record({"a": 1, "b": 2}, generation=7, void_time=now_cf + 100, last_update_ns=1_600_000_000_123_000_000)
    got = u.value("meta", record=record)
    assert got["ttl"] == 100
    assert got["gen"] == 7
    assert got["key"] == "k"
    assert got["set"] == "s"
    assert got["lut"] == 1_600_000_000_123 - CITRUSLEAF_EPOCH * 1000
    assert got["digest"] == DIGEST
    assert sorted(got["names"]) == ["a", "b"]
    assert got["n"] == 2


def test_record_metadata_of_missing_and_never_expiring_records() -> None:
    u = udf("function meta(rec) return list{record.ttl(rec), record.gen(rec), aerospike:exists(rec)} end")
    assert u.value("meta") == [0, 0, False]
    assert u.value("meta", record=make_record({"a": 1}, generation=2)) == [0, 2, True]


def test_set_ttl_is_reported() -> None:
    u = udf("function f(rec, t) rec['a'] = 1; record.set_ttl(rec, t); aerospike:update(rec) end")
    assert u.call("f", 3600, record=make_record({})).ttl == 3600
    assert u.call("f", -1, record=make_record({})).ttl == -1


# ---------------------------------------------------------------- rec get/set and aerospike:* semantics

def test_bin_get_set_delete_and_dot_access() -> None:
    u = udf("""
function f(rec)
  local before = rec['a']
  rec.b = 'two'
  rec['a'] = nil
  aerospike:update(rec)
  return list{before, rec['a'], rec.b}
end""")
    outcome = u.call("f", record=make_record({"a": 1, "c": 3}))
    assert outcome.return_value == [1, None, "two"]
    assert outcome.action is UdfAction.UPDATE
    assert outcome.bins == {"c": 3, "b": "two"}


def test_changes_after_the_last_commit_are_dropped() -> None:
    u = udf("function f(rec) rec['a'] = 2; aerospike:update(rec); rec['a'] = 3; rec['z'] = 1; return rec['a'] end")
    outcome = u.call("f", record=make_record({"a": 1}))
    assert outcome.return_value == 3
    assert outcome.bins == {"a": 2}


def test_setting_bins_without_commit_writes_nothing() -> None:
    u = udf("function f(rec) rec['a'] = 2 end")
    outcome = u.call("f", record=make_record({"a": 1}))
    assert (outcome.action, outcome.bins) == (UdfAction.NONE, {"a": 1})


def test_create_on_missing_and_on_existing() -> None:
    u = udf("function f(rec) rec['x'] = 1; return aerospike:create(rec) end")
    created = u.call("f")
    assert (created.return_value, created.action, created.bins) == (0, UdfAction.CREATE, {"x": 1})
    refused = u.call("f", record=make_record({"a": 1}))
    assert (refused.return_value, refused.action) == (1, UdfAction.NONE)


def test_update_of_missing_record_answers_minus_two() -> None:
    u = udf("function f(rec) rec['x'] = 1; return aerospike:update(rec) end")
    outcome = u.call("f")
    assert (outcome.return_value, outcome.action) == (-2, UdfAction.NONE)


def test_remove() -> None:
    u = udf("function f(rec) return aerospike:remove(rec) end")
    removed = u.call("f", record=make_record({"a": 1}))
    assert (removed.return_value, removed.action, removed.bins) == (0, UdfAction.REMOVE, {})
    assert u.call("f").return_value == 1


def test_remove_then_create_replaces_all_bins() -> None:
    u = udf("function f(rec) aerospike:remove(rec); rec['n'] = 1; return aerospike:create(rec) end")
    outcome = u.call("f", record=make_record({"a": 1, "b": 2}))
    assert (outcome.return_value, outcome.action, outcome.bins) == (0, UdfAction.UPDATE, {"n": 1})


def test_update_deleting_every_bin_removes_the_record() -> None:
    u = udf("function f(rec) rec['a'] = nil; aerospike:update(rec) end")
    assert u.call("f", record=make_record({"a": 1})).action is UdfAction.REMOVE


def test_update_without_changes_is_a_touch() -> None:
    u = udf("function f(rec) return aerospike:update(rec) end")
    outcome = u.call("f", record=make_record({"a": 1}))
    assert (outcome.action, outcome.bins) == (UdfAction.UPDATE, {"a": 1})


def test_unchanged_bins_keep_their_python_type() -> None:
    ordered = KeyOrderedMap({"b": 1, "a": 2})
    point = GeoJson('{"type": "Point", "coordinates": [1, 2]}')
    u = udf("function f(rec) rec['n'] = 1; aerospike:update(rec); return rec['g'] end")
    outcome = u.call("f", record=make_record({"m": ordered, "g": point}))
    assert outcome.bins["m"] is ordered
    assert outcome.return_value == point and type(outcome.return_value) is GeoJson


# ---------------------------------------------------------------- conversions both ways

@pytest.mark.parametrize(
    "value",
    [0, -(2**63), 2**63 - 1, 1.5, "text", "ünïcode", b"\x00\xffbin", True, False, None,
     [1, "a", [2.5, [b"x"]]], {"k": {"n": [1, 2]}, 7: "seven"}, [], {"only": None} and {"only": 1}],
)
def test_values_round_trip(value: object) -> None:
    u = udf("function echo(rec, v) return v end\nfunction store(rec, v) rec['v'] = v; aerospike:update(rec) end")
    assert u.value("echo", value) == value
    stored = u.call("store", value, record=make_record({})).bins
    assert stored == ({} if value is None else {"v": value})


def test_lua_values_convert_to_python() -> None:
    u = udf("""
function f(rec)
  return list{1, 2.0, 'three', true, list{map{a = list{1}}}, {10, 20}, {x = 1}, bytes(2), function() end}
end""")
    assert u.value("f") == [1, 2.0, "three", True, [{"a": [1]}], [10, 20], {"x": 1}, b"\x00\x00", None]


def test_list_may_hold_nil() -> None:
    u = udf("function f(rec) local l = list() l[3] = 'c' return l end")
    assert u.value("f") == [None, None, "c"]


# ---------------------------------------------------------------- list / map / bytes API

def test_list_api() -> None:
    u = udf("""
function f(rec)
  local l = list{1, 2, 3}
  list.append(l, 4); list.prepend(l, 0); list.insert(l, 3, 'x'); list.remove(l, 4)
  local out = map()
  out.l = l
  out.size = list.size(l)
  out.len = #l
  out.first = l[1]
  out.take = list.take(l, 2)
  out.drop = list.drop(l, 4)
  out.clone = list.clone(l)
  local c = list{7}
  list.concat(c, list{8, 9})
  out.concat = c
  out.merge = list.merge(list{1}, list{2})
  local seen = {}
  for v in list.iterator(l) do seen[#seen + 1] = v end
  out.iter = list(seen)
  local t = list{1, 2, 3, 4}
  list.trim(t, 3)
  out.trim = t
  out.str = tostring(list{1, 'a'})
  out.ipairs = 0
  for _, v in ipairs(l) do out.ipairs = out.ipairs + 1 end
  return out
end""")
    got = u.value("f")
    assert got["l"] == [0, 1, "x", 3, 4]
    assert (got["size"], got["len"], got["first"]) == (5, 5, 0)
    assert got["take"] == [0, 1]
    assert got["drop"] == [4]
    assert got["clone"] == got["l"]
    assert got["concat"] == [7, 8, 9]
    assert got["merge"] == [1, 2]
    assert got["iter"] == got["l"]
    assert got["trim"] == [1, 2]
    assert got["str"] == '[1, "a"]'
    assert got["ipairs"] == 5


def test_map_api() -> None:
    u = udf("""
function f(rec)
  local m = map{a = 1, b = 2}
  m.c = 3
  map.remove(m, 'a')
  local keys, values, pairs_seen = {}, {}, {}
  for k in map.keys(m) do keys[#keys + 1] = k end
  for v in map.values(m) do values[#values + 1] = v end
  for k, v in map.pairs(m) do pairs_seen[k] = v end
  local merged = map.merge(map{x = 1, y = 2}, map{y = 10, z = 3}, function(a, b) return a + b end)
  return map{m = m, size = map.size(m), len = #m, keys = list(keys), values = list(values),
             pairs = pairs_seen, clone = map.clone(m), merged = merged,
             diff = map.diff(map{p = 1, q = 2}, map{q = 2, r = 3}), str = tostring(map{k = 'v'})}
end""")
    got = u.value("f")
    assert got["m"] == {"b": 2, "c": 3}
    assert (got["size"], got["len"]) == (2, 2)
    assert sorted(got["keys"]) == ["b", "c"]
    assert sorted(got["values"]) == [2, 3]
    assert got["pairs"] == {"b": 2, "c": 3}
    assert got["clone"] == got["m"]
    assert got["merged"] == {"x": 1, "y": 12, "z": 3}
    assert got["diff"] == {"p": 1, "r": 3}
    assert got["str"] == '{"k":"v"}'


def test_bytes_api() -> None:
    u = udf("""
function f(rec, b)
  local n = bytes(2)
  n[1] = 65
  bytes.set_byte(n, 2, 66)
  bytes.append_string(n, 'CD')
  bytes.append_bytes(n, b, 1)
  return list{n, bytes.size(n), #n, n[1], bytes.get_byte(n, 2), bytes.get_string(n, 2, 3),
              bytes.get_bytes(n, 1, 2), tostring(bytes.get_bytes(n, 1, 2)), record.digest(rec)}
end""")
    got = u.value("f", b"\xff\x00", record=make_record({}))
    assert got == [b"ABCD\xff", 5, 5, 65, 66, "BCD", b"AB", "4142", DIGEST]


def test_type_errors_are_clean() -> None:
    u = udf("function f(rec) local n = list.size(map()) return n end")
    with pytest.raises(UdfExecutionError, match=r"m\.lua:1: bad argument #1 to 'size' \(List expected"):
        u.call("f")


# ---------------------------------------------------------------- logging, require, module state

def test_logging_goes_to_aerolite_udf(caplog: pytest.LogCaptureFixture) -> None:
    u = udf("""
function f(rec)
  info('info %s %d', 'x', 1); warn('careful'); debug('dbg %s', list{1}); trace('tr'); print('p', 1)
  aerospike:log(2, 'via %s', 'aerospike')
end""")
    with caplog.at_level(logging.DEBUG, logger="aerolite.udf"):
        u.call("f")
    got = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "aerolite.udf"]
    assert got == [
        (logging.INFO, "info x 1"), (logging.WARNING, "careful"), (logging.DEBUG, "dbg [1]"),
        (logging.DEBUG, "tr"), (logging.INFO, "p\t1"), (logging.INFO, "via aerospike"),
    ]


def test_require_of_a_registered_module() -> None:
    u = Udf({
        "helper.lua": "local M = {}\nfunction M.twice(x) return 2 * x end\nshared_global = 5\nreturn M",
        "m.lua": "local h = require('helper')\nfunction f(rec, x) return h.twice(x) + shared_global end",
    })
    assert u.value("f", 4) == 13


def test_module_is_compiled_once_and_reloaded_after_a_change() -> None:
    u = udf("loads = (loads or 0) + 1\nfunction f(rec) return loads end")
    assert [u.value("f") for _ in range(3)] == [1, 1, 1]
    u.registry.put("m.lua", b"function f(rec) return 'new' end")
    assert u.value("f") == "new"


def test_lua_5_1_style_helpers_exist() -> None:
    u = udf("function f(rec) return select('#', unpack({1, 2, 3})) + os.time() * 0 + math.floor(1.5) end")
    assert u.value("f") == 4


def test_calls_per_second_of_a_trivial_udf() -> None:
    u = udf("function f(rec) return 1 end")
    record = make_record({"a": 1, "b": "x"})
    n = 2000
    start = time.perf_counter()
    for _ in range(n):
        u.call("f", record=record)
    assert n / (time.perf_counter() - start) > 5000  # measured ~60 000/s; a loose floor for slow CI


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ('error("plain", 0)', "plain"),
        ("error(42)", "42"),
        ("error({code = 1})", "UDF: error raised without a message"),
        ("error(nil)", "UDF: error raised without a message"),
        ("local x = nil; return x.y", "/opt/aerolite/udf/lua/m.lua:1: attempt to index a nil value (local 'x')"),
    ],
)
def test_error_texts(body: str, text: str) -> None:
    with pytest.raises(UdfExecutionError) as caught:
        udf(f"function f(rec) {body} end").call("f")
    assert str(caught.value) == text
