"""What aerospike-sdk 1.0.0 expects of a build-8.2 node beyond records: set indexes, the refusal of an
index on a predicate, batch UDF rows dropped by a filter, read-touch, and UDFs running to the
client's deadline. Effects are read back with aerospike-native."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import aerospike_native as an
import pytest
from aerospike_native import Key, PartitionFilter, Statement

from tests.conftest import ServerProcess

aerospike_sdk = pytest.importorskip("aerospike_sdk")
from aerospike_sdk.policy.behavior_settings import Scope, Settings  # noqa: E402

SET = "node_gaps"


async def fill(client: Any, set_name: str, n: int) -> list[Key]:
    await client.truncate("test", set_name)
    keys = [Key("test", set_name, i) for i in range(n)]
    for i, k in enumerate(keys):
        await client.put(k, {"i": i, "age": 20 + i})
    return keys


async def test_set_index(client: Any, official_session: Any) -> None:
    await fill(client, SET, 30)
    await fill(client, SET + "_other", 5)
    ds = aerospike_sdk.DataSet.of("test", SET)
    task = await official_session.index(ds).on_set().named("gaps_set_idx").create()
    await task.wait_till_complete()
    try:
        listed = {i.name: i for i in await official_session.info().secondary_indexes("test")}
        assert listed["gaps_set_idx"].is_set_index and listed["gaps_set_idx"].set_name == SET
        assert listed["gaps_set_idx"].is_ready
        detail = await official_session.info().secondary_index_details("test", "gaps_set_idx")
        assert (detail.load_pct, detail.entries) == (100, 30)
        await client.put(Key("test", SET, 99), {"i": 99, "age": 1})
        found = [r async for r in await client.query(Statement("test", SET), PartitionFilter.all())]
        assert sorted(r.bins["i"] for r in found) == [*range(30), 99]
        job = await official_session.background_task().update(ds).bin("seen").set_to(1).execute()
        await job.wait_till_complete()
        assert [(await client.get(Key("test", SET, i))).bins["seen"] for i in (0, 29, 99)] == [1, 1, 1]
        assert "seen" not in (await client.get(Key("test", SET + "_other", 0))).bins
    finally:
        await (await official_session.index(ds).named("gaps_set_idx").drop()).wait_till_complete()
    assert "gaps_set_idx" not in {i.name for i in await official_session.info().secondary_indexes("test")}


async def test_set_index_needs_a_set_and_nothing_else(client: Any) -> None:
    for extra in ("", ";set=s;bin=age", ";set=s;type=numeric"):
        command = f"sindex-create:namespace=test;indexname=bad_set_idx;indextype=set{extra}"
        answer = await client.info(command)
        assert answer[command].startswith("ERROR:4:"), answer


async def test_index_on_a_predicate_is_refused(client: Any, official_session: Any) -> None:
    await fill(client, SET, 3)
    ds = aerospike_sdk.DataSet.of("test", SET)
    with pytest.raises(aerospike_sdk.AerospikeError) as info:
        await official_session.index(ds).on_expression("$.age > 21").integer().named("gaps_bool_idx").create()
    assert info.value.result_code == an.ResultCode.PARAMETER_ERROR
    task = await official_session.index(ds).on_expression("$.age * 2").integer().named("gaps_value_idx").create()
    await task.wait_till_complete()
    names = {i.name for i in await official_session.info().secondary_indexes("test")}
    await (await official_session.index(ds).named("gaps_value_idx").drop()).wait_till_complete()
    assert "gaps_value_idx" in names and "gaps_bool_idx" not in names


async def test_batch_udf_rows_filtered_out_are_left_out_unless_all_keys_are_asked(client: Any) -> None:
    module = b"function bump(rec)\n  rec['i'] = rec['i'] + 100\n  aerospike:update(rec)\n  return rec['i']\nend\n"
    await (await client.register_udf(module, "gaps_bump.lua", an.UDFLang.LUA)).wait_till_complete()
    keys = await fill(client, SET, 3)
    policy = an.BatchPolicy()
    policy.filter_expression = an.FilterExpression.from_server_compiled_ael("$.i != 1 and $.i < 100")
    rows = [an.BatchUDFOp(k, "gaps_bump", "bump") for k in keys] + [an.BatchReadOp(keys[1])]
    for all_keys, filtered_udf_row in ((True, an.ResultCode.FILTERED_OUT), (False, None)):
        await fill(client, SET, 3)
        policy.respond_all_keys = all_keys
        results = await client.batch(rows, batch_policy=policy)
        assert [r.result_code for r in results] == [
            an.ResultCode.OK, filtered_udf_row, an.ResultCode.OK, an.ResultCode.FILTERED_OUT]
        assert results[2].record.bins == {"SUCCESS": 102}
        assert [(await client.get(k)).bins["i"] for k in keys] == [100, 1, 102]


async def test_read_touch_extends_the_ttl(client: Any, server: ServerProcess) -> None:
    write = an.WritePolicy()
    write.expiration = an.Expiration.seconds(100)
    keys = [Key("test", SET, name) for name in ("control", "never", "touched", "batch")]
    for k in keys:
        await client.put(k, {"v": 1}, policy=write)
    await asyncio.sleep(1.1)  # a touch moves the void time only once a second has passed since the write
    cluster = await aerospike_sdk.ClusterDefinition("127.0.0.1", server.port).connect()
    try:
        for k, pct in ((keys[1], -1), (keys[2], 100)):
            behavior = aerospike_sdk.Behavior(f"touch{pct}", {Scope.ALL: Settings(read_touch_ttl_percent=pct)})
            session = cluster.create_session(behavior)
            ds = aerospike_sdk.DataSet.of("test", SET)
            result = [r async for r in await session.query(ds.id(k.value)).execute()]
            assert result[0].record.bins == {"v": 1}
    finally:
        await cluster.close()
    row_policy = an.BatchReadPolicy()
    row_policy.read_touch_ttl = 100
    await client.batch([an.BatchReadOp(keys[3], policy=row_policy)])
    control, never, touched, batch = [await client.get(k) for k in keys]
    assert touched.ttl > control.ttl and batch.ttl > control.ttl and never.ttl == control.ttl
    assert touched.generation == never.generation == control.generation == batch.generation == 1


SLOW_UDF = b"""
function count_to(rec, n)
  local s = 0
  for i = 1, n do s = s + i end
  rec['sum'] = s
  aerospike:update(rec)
  return s
end
function spin(rec)
  rec['spun'] = 1
  aerospike:update(rec)
  while true do end
end
"""


async def test_a_udf_runs_until_the_clients_deadline(client: Any, server: ServerProcess) -> None:
    await (await client.register_udf(SLOW_UDF, "gaps_slow.lua", an.UDFLang.LUA)).wait_till_complete()
    keys = await fill(client, SET, 2)
    # Tens of millions of Lua instructions: more than a fixed per-call budget would allow, well within
    # the deadline the request carries.
    cluster = await aerospike_sdk.ClusterDefinition("127.0.0.1", server.port).connect()
    try:
        behavior = aerospike_sdk.Behavior("patient", {Scope.ALL: Settings(total_timeout=timedelta(seconds=60),
                                                                          socket_timeout=timedelta(seconds=60))})
        session = cluster.create_session(behavior)
        ds = aerospike_sdk.DataSet.of("test", SET)
        stream = await session.execute_udf(ds.id(0)).function("gaps_slow", "count_to").passing(5_000_000).execute()
        assert [r.udf_result async for r in stream] == [12_500_002_500_000]
    finally:
        await cluster.close()
    assert (await client.get(keys[0])).bins["sum"] == 12_500_002_500_000

    # A runaway UDF keeps the node busy until the client gives up: the client reports a timeout, in
    # doubt, and nothing the UDF wrote is kept.
    policy = an.WritePolicy()
    policy.total_timeout = policy.socket_timeout = 300
    policy.max_retries = 0
    # Whichever comes first, the client's timer or the node's answer at the same deadline (result 9),
    # the client reports a timeout, in doubt.
    with pytest.raises((an.exceptions.TimeoutError, an.exceptions.ServerError)) as info:
        await client.execute_udf(keys[1], "gaps_slow", "spin", policy=policy)
    assert info.value.in_doubt and "Timeout" in str(info.value)
    assert (await client.get(keys[1])).bins == {"i": 1, "age": 21}
