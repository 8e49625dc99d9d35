"""Expression operations carrying AEL text (``[128, text]`` inside exp read / exp write ops), as
aerospike-sdk 1.0.0 sends ``select_from`` / ``upsert_from`` to a build-8.2 node: single-record
operate, batch rows mixing reads and writes, and background update jobs. Every write is checked by
reading the record back with aerospike-native."""

from __future__ import annotations

from typing import Any

import aerospike_native as an
import pytest
from aerospike_native import ExpOperation, FilterExpression, Key
from aerospike_native import exceptions as ex

aerospike_sdk = pytest.importorskip("aerospike_sdk")

SET = "ael_ops"


def ael(text: str) -> Any:
    return FilterExpression.from_server_compiled_ael(text)


async def scores(client: Any, n: int) -> list[Key]:
    await client.truncate("test", SET)
    keys = [Key("test", SET, i) for i in range(n)]
    for i, k in enumerate(keys):
        await client.put(k, {"score": 10 * i, "name": f"user{i}"})
    return keys


async def first(stream: Any) -> Any:
    async for result in stream:
        return result
    raise AssertionError("empty result stream")


async def test_select_from_arithmetic_and_conditional(client: Any, official_session: Any) -> None:
    await scores(client, 3)
    ds = aerospike_sdk.DataSet.of("test", SET)
    doubled = await first(await official_session.query(ds.id(2)).bin("x").select_from("$.score * 2").execute())
    assert doubled.result_code == 0 and doubled.record.bins == {"x": 40}
    label = await first(await official_session.query(ds.id(1)).bin("tier")
                        .select_from("when($.score >= 20 => 'gold', $.score >= 10 => 'silver', default => 'none')")
                        .execute())
    assert label.record.bins == {"tier": "silver"}
    record = await client.get(Key("test", SET, 2))
    assert record.bins == {"score": 20, "name": "user2"} and record.generation == 1


async def test_upsert_from_writes_the_value(client: Any, official_session: Any) -> None:
    keys = await scores(client, 3)
    ds = aerospike_sdk.DataSet.of("test", SET)
    await first(await official_session.update(ds.id(1)).bin("d").upsert_from("$.score * 2 + 1").execute())
    record = await client.get(keys[1])
    assert record.bins == {"score": 10, "name": "user1", "d": 21} and record.generation == 2


async def test_operate_through_native_client(client: Any) -> None:
    keys = await scores(client, 2)
    record = await client.operate(keys[1], [
        ExpOperation.write("half", ael("$.score / 2")),
        ExpOperation.read("big", ael("$.score > 5 and $.name == 'user1'")),
        ExpOperation.read("let", ael("let (x = $.score) then (${x} * ${x})")),
    ])
    assert record.bins["big"] is True and record.bins["let"] == 100
    assert (await client.get(keys[1])).bins == {"score": 10, "name": "user1", "half": 5}


async def test_bad_ael_in_an_operation_is_a_parameter_error(client: Any) -> None:
    keys = await scores(client, 1)
    with pytest.raises(ex.InvalidRequest):
        await client.operate(keys[0], [ExpOperation.read("x", ael("$.score * * 2"))])
    with pytest.raises(ex.InvalidRequest):
        await client.operate(keys[0], [ExpOperation.write("x", ael("$.score +"))])
    assert (await client.get(keys[0])).bins == {"score": 0, "name": "user0"}


async def test_batch_mixes_read_and_write_rows(client: Any) -> None:
    keys = await scores(client, 4)
    rows = [
        an.BatchReadOp(keys[0], operations=[ExpOperation.read("x", ael("$.score + 1"))]),
        an.BatchWriteOp(keys[1], operations=[ExpOperation.write("d", ael("$.score * 3"))]),
        an.BatchReadOp(keys[2], operations=[ExpOperation.read("x", ael("$.score + 1"))]),
        an.BatchWriteOp(keys[3], operations=[ExpOperation.write("d", ael("$.score * 3"))]),
        an.BatchReadOp(keys[2], operations=[ExpOperation.read("x", ael("$.score ++"))]),
    ]
    results = await client.batch(rows)
    assert [r.result_code for r in results[:4]] == [an.ResultCode.OK] * 4
    assert results[4].result_code == an.ResultCode.PARAMETER_ERROR
    assert results[0].record.bins == {"x": 1} and results[2].record.bins == {"x": 21}
    assert [(await client.get(k)).bins.get("d") for k in keys] == [None, 30, None, 90]


async def test_sdk_batch_chain_with_select_and_upsert(client: Any, official_session: Any) -> None:
    keys = await scores(client, 3)
    ds = aerospike_sdk.DataSet.of("test", SET)
    stream = await (official_session.update(ds.id(0)).bin("d").upsert_from("$.score + 5")
                    .query(ds.ids(1, 2)).bin("x").select_from("$.score - 1").execute())
    results = [r async for r in stream]
    assert sorted((r.key.value, r.result_code) for r in results) == [(0, 0), (1, 0), (2, 0)]
    assert {r.key.value: r.record.bins.get("x") for r in results if r.key.value} == {1: 9, 2: 19}
    assert [(await client.get(k)).bins.get("d") for k in keys] == [5, None, None]


async def test_background_update_with_upsert_from(client: Any, official_session: Any) -> None:
    keys = await scores(client, 10)
    ds = aerospike_sdk.DataSet.of("test", SET)
    task = await (official_session.background_task().update(ds).where("$.score >= 50")
                  .bin("d").upsert_from("$.score * 2").execute())
    await task.wait_till_complete()
    after = [await client.get(k) for k in keys]
    assert [r.bins.get("d") for r in after] == [None] * 5 + [100, 120, 140, 160, 180]
    assert [r.generation for r in after] == [1] * 5 + [2] * 5


async def test_background_update_with_bad_ael_is_refused(client: Any) -> None:
    await scores(client, 2)
    statement = an.Statement("test", SET)
    with pytest.raises(ex.InvalidRequest):
        task = await client.query_operate(statement, [ExpOperation.write("d", ael("$.score *"))])
        await task.wait_till_complete()


async def test_foreground_query_with_operations(client: Any, official_session: Any) -> None:
    await scores(client, 4)
    ds = aerospike_sdk.DataSet.of("test", SET)
    stream = await official_session.query(ds).bin("x").select_from("$.score * 2").execute()
    assert sorted([r.record.bins["x"] async for r in stream]) == [0, 20, 40, 60]
    statement = an.Statement("test", SET)
    statement.set_operations([ExpOperation.read("big", ael("$.score >= 20")),
                              an.Operation.get_bin("name")])
    records = [r async for r in await client.query(statement, an.PartitionFilter.all())]
    assert sorted((r.bins["name"], r.bins["big"]) for r in records) == [
        ("user0", False), ("user1", False), ("user2", True), ("user3", True)]
    assert (await client.get(Key("test", SET, 3))).bins == {"score": 30, "name": "user3"}


async def test_write_flags_with_ael(client: Any, official_session: Any) -> None:
    keys = await scores(client, 2)
    ds = aerospike_sdk.DataSet.of("test", SET)
    with pytest.raises(aerospike_sdk.AerospikeError) as exists:
        await official_session.update(ds.id(1)).bin("score").insert_from("$.score + 1").execute()
    assert exists.value.result_code == an.ResultCode.BIN_EXISTS_ERROR
    with pytest.raises(aerospike_sdk.AerospikeError) as missing:
        await official_session.update(ds.id(1)).bin("nope").update_from("$.score + 1").execute()
    assert missing.value.result_code == an.ResultCode.BIN_NOT_FOUND
    await first(await official_session.update(ds.id(1)).bin("score")
                .insert_from("$.score + 1", ignore_op_failure=True)
                .bin("fresh").insert_from("$.score + 1").execute())
    await first(await official_session.update(ds.id(0)).bin("name")
                .upsert_from("$.missing + 1", ignore_eval_failure=True).execute())
    assert (await client.get(keys[1])).bins == {"score": 10, "name": "user1", "fresh": 11}
    assert (await client.get(keys[0])).bins == {"score": 0, "name": "user0"}
