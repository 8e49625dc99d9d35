"""Paths as aerospike-sdk 1.0.0 uses them: its path builders (``on_each_child``, ``collect_values``,
``modify_by``, ``remove_matches``) and AEL path expressions (``.*``, ``[?(...)]`` with ``@``,
``.count()`` …) server-compiled by the node in foreground queries and a background update job, all
read back with aerospike-native; and the same texts client-compiled by aerolite."""

from __future__ import annotations

import base64
from typing import Any

import aerospike_native as an
import pytest
from aerospike_native import FilterExpression, LoopVarPart

from aerolite.ael import to_wire

aerospike_sdk = pytest.importorskip("aerospike_sdk")

SET = "ael_paths"
ROWS = {0: [100, 250, 300, 400], 1: [201, 202], 2: [], 3: [500, 600, 700], 4: ["x", 900, 1000, 1100]}
MANY_BIG = "$.l:LIST.*[?(@:INT > 200)].count() == 3"


@pytest.fixture
async def rows(client: Any) -> dict[int, an.Key]:
    await client.truncate("test", SET)
    keys = {i: an.Key("test", SET, i) for i in ROWS}
    for i, items in ROWS.items():
        await client.put(keys[i], {"i": i, "l": items, "m": {"a": i, "b": 10 * i}, "hits": 0})
    return keys


def compiled(text: str) -> Any:
    """The AEL text compiled by aerolite, as the official client's expression object."""
    return an.FilterExpression.from_base64(base64.b64encode(to_wire(text)).decode())


async def matching(session: Any, text: str) -> list[int]:
    stream = await session.query(aerospike_sdk.DataSet.of("test", SET)).where(text).execute()
    return sorted(r.record.bins["i"] for r in await stream.collect())


async def test_foreground_queries_with_path_filters(official_session: Any, rows: dict[int, an.Key]) -> None:
    assert await matching(official_session, MANY_BIG) == [0, 3]
    assert await matching(official_session, "$.l:LIST.*[?(@index == 0)] == [201]") == [1]
    assert await matching(official_session, "$.m:MAP.*[?(@key == 'b')] == [20]") == [2]
    assert await matching(official_session, "$.m:MAP.{@a,b}&[?(@ >= 30)].getKeys() == ['b']") == [3, 4]
    assert await matching(official_session, "$.l:LIST.*[?(@ > 600)].count() > 0 or $.i == 1") == [1, 3]


async def test_background_update_where_path_filter(client: Any, official_session: Any, rows: dict[int, an.Key]) -> None:
    ds = aerospike_sdk.DataSet.of("test", SET)
    task = await official_session.background_task().update(ds).where(MANY_BIG).bin("hits").add(1).execute()
    await task.wait_till_complete()
    hits = {i: (await client.get(k)).bins["hits"] for i, k in rows.items()}
    assert hits == {0: 1, 1: 0, 2: 0, 3: 1, 4: 0}


async def test_client_compiled_path_filters_agree(client: Any, rows: dict[int, an.Key]) -> None:
    policy = an.QueryPolicy()
    policy.filter_expression = compiled(MANY_BIG)
    found = sorted([r.bins["i"] async for r in await client.query(an.Statement("test", SET), an.PartitionFilter.all(),
                                                                  policy=policy)])
    assert found == [0, 3]


async def test_bad_path_text_is_a_parameter_error(official_session: Any, rows: dict[int, an.Key]) -> None:
    for text in ("$.l.*[?(@ > 1)].count() == 1", "$.l:LIST.*[?(@ + 1)].count() == 1", "@ > 1"):
        with pytest.raises(aerospike_sdk.exceptions.AerospikeError) as info:
            await matching(official_session, text)
        assert int(info.value.result_code) == 4, text


async def test_sdk_path_builders_read_and_write_nested_values(client: Any, official_session: Any) -> None:
    ds = aerospike_sdk.DataSet.of("test", SET)
    key = an.Key("test", SET, "builders")
    await client.put(key, {"m": {"a": [1, 5, 9], "b": [20]}})
    value = FilterExpression.int_loop_var(LoopVarPart.VALUE)
    stream = await official_session.query(ds.id("builders")).bin("m").on_each_child().on_each_child().collect_values().execute()
    assert [r.record.bins["m"] for r in await stream.collect()] == [[1, 5, 9, 20]]
    over_4 = FilterExpression.gt(value, FilterExpression.int_val(4))
    stream = await official_session.query(ds.id("builders")).bin("m").on_map_key("a").on_each_child_where(over_4).collect_values().execute()
    assert [r.record.bins["m"] for r in await stream.collect()] == [[5, 9]]
    plus_100 = FilterExpression.num_add([value, FilterExpression.int_val(100)])
    await official_session.update(ds.id("builders")).bin("m").on_each_child().on_each_child().modify_by(plus_100).execute()
    over_104 = FilterExpression.gt(value, FilterExpression.int_val(104))
    await official_session.update(ds.id("builders")).bin("m").on_map_key("a").on_each_child_where(over_104).remove_matches().execute()
    assert (await client.get(key)).bins["m"] == {"a": [101], "b": [120]}


async def test_a_pin_that_cannot_apply_is_op_not_applicable(client: Any, rows: dict[int, an.Key]) -> None:
    count = compiled(MANY_BIG.split(" == ")[0])
    rec = await client.operate(rows[0], [an.ExpOperation.read("n", count)])
    assert rec.bins["n"] == 3
    with pytest.raises(an.exceptions.ServerError) as info:  # "x" is no INT: the filter cannot decide
        await client.operate(rows[4], [an.ExpOperation.read("n", count)])
    assert int(info.value.result_code) == 26
    lenient = compiled("$.l:LIST.*.modify(@:INT + 1):NO_FAIL")
    rec = await client.operate(rows[4], [an.ExpOperation.read("l", lenient)])
    assert rec.bins["l"] == ["x", 901, 1001, 1101]
