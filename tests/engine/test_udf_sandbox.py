"""Sandbox escapes and runaway code fail cleanly (UdfExecutionError past an instruction limit,
UdfTimeoutError past the time limit), and the runner stays usable."""

from __future__ import annotations

import pytest

from aerolite.engine.udf import UdfExecutionError, UdfTimeoutError
from aerolite.result_codes import ResultCode
from aerolite.values import GeoJson
from tests.engine.test_udf_helpers import Udf, make_record

ESCAPES = """
function io_open(rec) return io.open('/etc/passwd') end
function os_execute(rec) return os.execute('id') end
function os_remove(rec) local r = os.remove('/tmp/x') return r end
function require_os(rec) local m = require('os') return m end
function require_file(rec) local m = require('../../etc/passwd') return m end
function load_bytecode(rec) local f = load(string.dump(function() end)) return f end
function dump_via_string_meta(rec) local d = getmetatable('').__index.dump return d end
function debug_getinfo(rec) local i = debug.getinfo(1) return i end
function dofile_(rec) local r = dofile('/etc/passwd') return r end
function loadfile_(rec) local r = loadfile('/etc/passwd') return r end
function package_(rec) local p = package.loadlib return p end
function gc_stop(rec) local r = collectgarbage('stop') return r end
function python_(rec) local p = python.eval return p end
function opaque_is_inert(rec, g) local c = g.__class__ return c end
function opaque_call(rec, g) local r = g() return r end
function load_sees_sandbox(rec) return load('return io')() end
function binary_load_refused(rec) local f, err = load('\\27Lua', 'x', 'b') return err end
function infinite(rec) while true do end end
function infinite_pcall(rec) while true do pcall(function() while true do end end) end end
function infinite_coroutine(rec)
  local co = coroutine.create(function() while true do end end)
  local ok = coroutine.resume(co)
  return ok
end
function infinite_wrap(rec) local ok = pcall(coroutine.wrap(function() while true do end end)) return ok end
function ok(rec) return 'still fine' end
"""

@pytest.fixture(scope="module")
def sandbox() -> Udf:
    return Udf({"m.lua": ESCAPES}, instruction_limit=200_000, memory_limit=16 * 1024 * 1024)


@pytest.mark.parametrize(
    ("function", "message"),
    [
        ("io_open", "attempt to index a nil value (global 'io')"),
        ("os_execute", "attempt to call a nil value (field 'execute')"),
        ("os_remove", "attempt to call a nil value (field 'remove')"),
        ("require_os", "module 'os' not found"),
        ("require_file", "module '../../etc/passwd' not found"),
        ("load_bytecode", "attempt to call a nil value (field 'dump')"),
        ("dump_via_string_meta", "attempt to index a nil value (field '__index')"),
        ("debug_getinfo", "attempt to index a function value (global 'debug')"),
        ("dofile_", "attempt to call a nil value (global 'dofile')"),
        ("loadfile_", "attempt to call a nil value (global 'loadfile')"),
        ("package_", "attempt to index a nil value (global 'package')"),
        ("gc_stop", "collectgarbage option 'stop' is not allowed in a UDF"),
        ("python_", "attempt to index a nil value (global 'python')"),
        ("opaque_call", "attempt to call a table value (local 'g')"),
        ("infinite", "UDF: instruction limit exceeded"),
        ("infinite_pcall", "UDF: instruction limit exceeded"),
        ("infinite_coroutine", "UDF: instruction limit exceeded"),
        ("infinite_wrap", "UDF: instruction limit exceeded"),
    ],
)
def test_escape_fails_cleanly(sandbox: Udf, function: str, message: str) -> None:
    with pytest.raises(UdfExecutionError) as caught:
        sandbox.call(function, GeoJson("{}"), record=make_record({"a": 1}))
    assert message in str(caught.value)
    assert caught.value.code == 100
    assert sandbox.value("ok") == "still fine"  # the runtime survives every failure


@pytest.mark.parametrize(
    ("source", "message"),
    [
        # deep recursion may exhaust the memory cap before Lua's own stack limit: both are clean
        ("function f(rec) local function r() return 1 + r() end return r() end",
         "stack overflow|UDF: memory limit exceeded"),
        ("function f(rec) local t = {} for i = 1, 1e8 do t[i] = string.rep('x', 64) .. i end end",
         "UDF: memory limit exceeded"),
    ],
)
def test_resource_exhaustion_fails_cleanly(source: str, message: str) -> None:
    u = Udf({"m.lua": source + "\nfunction ok(rec) return 1 end"}, memory_limit=16 * 1024 * 1024)
    with pytest.raises(UdfExecutionError, match=message):
        u.call("f")
    assert u.value("ok") == 1


def test_python_values_are_inert_handles(sandbox: Udf) -> None:
    point = GeoJson('{"type": "Point"}')
    assert sandbox.call("opaque_is_inert", point).return_value is None


def test_load_is_text_only_and_sees_the_sandbox(sandbox: Udf) -> None:
    assert sandbox.value("load_sees_sandbox") is None
    assert "attempt to load a binary chunk" in sandbox.value("binary_load_refused")


def test_runaway_module_top_level_is_stopped() -> None:
    u = Udf({"m.lua": "while true do end\nfunction f(rec) return 1 end"}, instruction_limit=100_000)
    with pytest.raises(UdfExecutionError, match="instruction limit exceeded"):
        u.call("f")


def test_budget_is_per_call() -> None:
    u = Udf({"m.lua": "function f(rec) local s = 0 for i = 1, 20000 do s = s + i end return s end"},
            instruction_limit=200_000)
    assert [u.value("f") for _ in range(20)] == [200010000] * 20


def test_module_state_cannot_break_shared_libraries() -> None:
    u = Udf({
        "evil.lua": "function f(rec) string.format = nil; list.append = nil; table.insert = nil end",
        "m.lua": "function g(rec) local l = list() list.append(l, string.format('%d', 1)) return l end",
    })
    u.call("f", module="evil")
    assert u.value("g") == ["1"]


def test_cyclic_table_is_refused() -> None:
    u = Udf({"m.lua": "function f(rec) local t = {} t[1] = t return t end"})
    with pytest.raises(UdfExecutionError, match="nested deeper than 64 levels"):
        u.call("f")


RUNAWAYS = ("infinite", "infinite_pcall", "infinite_coroutine", "infinite_wrap")


@pytest.mark.parametrize("function", RUNAWAYS)
def test_time_limit_stops_runaway_code(function: str) -> None:
    u = Udf({"m.lua": ESCAPES})
    with pytest.raises(UdfTimeoutError, match="ran past its time limit") as info:
        u.runner.call("m", function, [], None, set_name="s", digest=bytes(20), key=None, time_limit=0.05)
    assert info.value.code == ResultCode.TIMEOUT
    assert u.value("ok") == "still fine"


def test_long_calls_run_to_their_time_limit() -> None:
    """Far more work than any fixed instruction budget would allow, within the (generous) default limit."""
    u = Udf({"m.lua": "function f(rec, n) local s = 0 for i = 1, n do s = s + i end return s end"})
    assert u.value("f", 5_000_000) == 12_500_002_500_000
