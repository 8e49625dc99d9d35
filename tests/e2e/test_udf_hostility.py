"""Hostile UDFs through the node: each stopped with a clear per-record error (result 100 and the reason),
the node healthy and serving afterwards, a background job over them ending with every record failed.

Runaway code runs until the request's deadline (a node's behaviour: the client then reports a timeout,
in doubt) or the memory cap; every call here has a short client timeout, because the single-threaded
node serves nobody else while a runaway record runs.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aerospike_native as an
import pytest
from aerospike_native import Key, ReadPolicy, Statement, WritePolicy
from aerospike_native import exceptions as ex

NS = "test"
SET = "udf_hostile"
MODULE = b"""
function infinite(rec) while true do end end
function infinite_pcall(rec) while true do pcall(function() while true do end end) end end
function huge_table(rec) local t = {} for i = 1, 1e9 do t[i] = i end return #t end
function string_rep(rec) return #string.rep('x', 2^40) end
function string_doubling(rec) local s = 'x' for i = 1, 64 do s = s .. s end return #s end
function pattern_bomb(rec) return (string.rep('a', 40)):find(string.rep('a*', 40) .. 'b') end
function pattern_bomb_method(rec) local s = string.rep('a', 30) return s:match(string.rep('.-', 30) .. 'b') end
function format_bomb(rec) return string.format('%99999d', 1) end
function deep_recursion(rec) local function r(n) return r(n + 1) + 1 end return r(1) end
function coroutine_recursion(rec)
  local function f(n) return coroutine.wrap(function() return f(n + 1) end)() end
  return f(1)
end
function coroutine_bomb(rec) local t = {} for i = 1, 1e8 do t[i] = coroutine.create(function() end) end return #t end
function coroutine_spin(rec)
  local co = coroutine.create(function() while true do coroutine.yield() end end)
  while true do coroutine.resume(co) end
end
function cyclic_result(rec) local t = {} t[1] = t return t end
function io_open(rec) return io.open('/etc/passwd') end
function os_execute(rec) return os.execute('id') end
function require_os(rec) return require('os') end
function load_io(rec) return load('return io.open')() end
function dofile_(rec) return dofile('/etc/passwd') end
function debug_lib(rec) return debug.getinfo(1) end
function string_dump(rec) return string.dump(function() end) end
function string_meta(rec) local mt = getmetatable('') mt.__index = {} return 1 end
function hijack_globals(rec)
  setmetatable(_G, {__index = function() error('hijacked') end})
  return 'module globals changed'
end
function healthy(rec, v) rec['v'] = v aerospike:update(rec) return v end
"""
OTHER_MODULE = b"""
function still_fine(rec) return tostring(nosuch) .. (string.len('abc')) end
"""

TIMED_OUT = "time limit exceeded"
"""The node's reason past the deadline; the client, whose deadline is the same, usually reports its own
timeout first."""

HOSTILE: dict[str, tuple[str, ...]] = {
    "infinite": (TIMED_OUT,),
    "infinite_pcall": (TIMED_OUT,),
    "huge_table": ("memory limit exceeded", TIMED_OUT),
    "string_rep": ("resulting string too large", "memory limit exceeded"),
    "string_doubling": ("memory limit exceeded", "resulting string too large"),
    "pattern_bomb": ("too costly",),
    "pattern_bomb_method": ("too costly",),
    "format_bomb": ("invalid conversion",),
    "deep_recursion": ("stack overflow", "memory limit exceeded", TIMED_OUT),
    "coroutine_recursion": ("stack overflow",),
    "coroutine_bomb": ("memory limit exceeded", TIMED_OUT),
    "coroutine_spin": (TIMED_OUT,),
    "cyclic_result": ("nested deeper than",),
    "io_open": ("global 'io'",),
    "os_execute": ("field 'execute'",),
    "require_os": ("module 'os' not found",),
    "load_io": ("global 'io'",),
    "dofile_": ("global 'dofile'",),
    "debug_lib": ("attempt to index a function value (global 'debug')",),
    "string_dump": ("field 'dump'",),
    "string_meta": ("attempt to index a string value",),
}


def bounded(policy: Any, timeout_ms: int = 1_000) -> Any:
    policy.total_timeout = timeout_ms
    policy.max_retries = 0
    return policy


@pytest.fixture(scope="module")
async def registered(client: Any) -> None:
    for source, name in ((MODULE, "hostile.lua"), (OTHER_MODULE, "bystander.lua")):
        task = await client.register_udf(source, name, an.UDFLang.LUA)
        await task.wait_till_complete()


async def assert_healthy(client: Any, key: Key) -> None:
    # A runaway call may still hold the node until its own deadline, just after the client's.
    patient = bounded(WritePolicy(), 10_000)
    assert await client.execute_udf(key, "hostile", "healthy", [7], policy=patient) == 7
    assert (await client.get(key)).bins["v"] == 7
    assert await client.execute_udf(key, "bystander", "still_fine", [], policy=patient) == "nil3"


@pytest.mark.parametrize("function", sorted(HOSTILE))
async def test_hostile_udf_fails_its_record_only(client: Any, registered: None, function: str) -> None:
    key = Key(NS, SET, function)
    await client.put(key, {"v": 1})
    with pytest.raises((ex.UDFBadResponse, ex.TimeoutError, ex.ServerError)) as caught:
        await client.execute_udf(key, "hostile", function, [], policy=bounded(WritePolicy()))
    if not isinstance(caught.value, ex.UDFBadResponse):  # the client's timeout, or the node's (result 9)
        assert TIMED_OUT in HOSTILE[function] and caught.value.in_doubt and "Timeout" in str(caught.value)
    else:
        assert any(reason in str(caught.value) for reason in HOSTILE[function]), str(caught.value)
    record = await client.get(key, policy=bounded(ReadPolicy(), 10_000))
    assert record.bins == {"v": 1} and record.generation == 1  # untouched
    await assert_healthy(client, key)


async def test_changing_module_globals_stays_inside_the_module(client: Any, registered: None) -> None:
    key = Key(NS, SET, "globals")
    await client.put(key, {"v": 1})
    policy = bounded(WritePolicy())
    assert await client.execute_udf(key, "hostile", "hijack_globals", [], policy=policy) == "module globals changed"
    # Another module's globals and the shared string library are untouched.
    assert await client.execute_udf(key, "bystander", "still_fine", [], policy=policy) == "nil3"
    assert (await client.get(key)).bins == {"v": 1}


async def finished_job(client: Any, task_id: int) -> str:
    """The job's ``query-show`` line once it is done; a poll may time out while a runaway record holds
    the node (up to a record's time cap), so polls are retried within a bound."""
    command = f"query-show:id={task_id}"
    status = ""
    for _ in range(200):
        try:
            status: str = (await client.info(command))[command]
        except ex.TimeoutError:
            continue
        if "status=done" in status:
            return status
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {task_id} did not finish: {status}")


@pytest.mark.parametrize("function", ["infinite", "pattern_bomb", "io_open"])
async def test_background_job_of_a_hostile_udf_fails_every_record(client: Any, registered: None, function: str) -> None:
    set_name = f"{SET}_job_{function}"
    keys = [Key(NS, set_name, i) for i in range(3)]
    for k in keys:
        await client.put(k, {"v": 1})
    task = await client.query_execute_udf(Statement(NS, set_name), "hostile", function, [], write_policy=WritePolicy())
    status = await finished_job(client, task.task_id)
    assert "recs-failed=3" in status and "recs-succeeded=0" in status, status
    assert [(await client.get(k)).generation for k in keys] == [1, 1, 1]
    await assert_healthy(client, keys[0])
