"""Path expressions through the official client: select/modify by path as CDT operations and as
expressions (read and write ops, record filters, queries, a background job), read back."""

from __future__ import annotations

from typing import Any

import pytest
from aerospike_native import (
    CTX,
    CdtOperation,
    ExpOperation,
    ExpWriteFlags,
    FilterExpression,
    Key,
    LoopVarPart,
    MapReturnType,
    ModifyFlags,
    PartitionFilter,
    QueryPolicy,
    ReadPolicy,
    SelectFlags,
    Statement,
    WritePolicy,
)
from aerospike_native import ExpType as T
from aerospike_native import exceptions as ex

fe, LV = FilterExpression, LoopVarPart
SET = "e2e_paths"
BOOKS = {"book": [{"title": "Sayings", "price": 8.95}, {"title": "Sword", "price": 12.99},
                  {"title": "Moby Dick", "price": 8.99}, {"title": "Rings", "price": 22.99}]}


async def fresh(client: Any, name: str, bins: dict[str, Any]) -> Key:
    key = Key("test", SET, name)
    await client.delete(key)
    await client.put(key, bins)
    return key


def cheap() -> Any:
    price = fe.map_get_by_key(MapReturnType.VALUE, T.FLOAT, fe.string_val("price"), fe.map_loop_var(LV.VALUE), [])
    return fe.le(price, fe.float_val(10.0))


def key_is(name: str) -> Any:
    return fe.eq(fe.string_loop_var(LV.MAP_KEY), fe.string_val(name))


async def test_select_by_path_operations(client: Any) -> None:
    key = await fresh(client, "select", {"b": BOOKS, "d": {"x": {"a": 1, "b": 5}, "y": {"c": 9}}})
    titles = [CTX.map_key("book"), CTX.all_children_with_filter(cheap()), CTX.all_children_with_filter(key_is("title"))]
    rec = await client.operate(key, [CdtOperation.select_by_path("b", SelectFlags.VALUE, titles)])
    assert rec.bins["b"] == ["Sayings", "Moby Dick"]
    rec = await client.operate(key, [CdtOperation.select_map_keys("d", [CTX.all_children(), CTX.all_children()])])
    assert rec.bins["d"] == ["a", "b", "c"]
    rec = await client.operate(key, [CdtOperation.select_map_entries("d", [CTX.map_key("x"), CTX.all_children()])])
    assert rec.bins["d"] == ["a", 1, "b", 5]
    big = CTX.all_children_with_filter(fe.gt(fe.int_loop_var(LV.VALUE), fe.int_val(2)))
    rec = await client.operate(key, [CdtOperation.select_matching_tree("d", [CTX.all_children(), big])])
    assert rec.bins["d"] == {"x": {"b": 5}, "y": {"c": 9}}
    rec = await client.operate(key, [CdtOperation.select_values("d", [CTX.map_keys_in(["y", "z"]), CTX.all_children()])])
    assert rec.bins["d"] == [9]
    rec = await client.operate(key, [CdtOperation.select_by_path("d", 10, [CTX.all_children(), big])])
    assert rec.bins["d"] == 2  # 8.2's COUNT mode
    rec = await client.operate(key, [CdtOperation.select_by_path("d", 11, [CTX.map_key("x"), big])])
    assert rec.bins["d"] is True  # and EXISTS


async def test_modify_by_path_operations_change_the_stored_bin(client: Any) -> None:
    key = await fresh(client, "modify", {"b": BOOKS, "n": {"nums": [1, 5, 10, 15, 20], "mixed": [1, "oops", 3]}})
    raise_price = fe.num_mul([fe.float_loop_var(LV.VALUE), fe.float_val(2.0)])
    prices = [CTX.map_key("book"), CTX.all_children(), CTX.all_children_with_filter(key_is("price"))]
    await client.operate(key, [CdtOperation.modify_by_path("b", ModifyFlags.DEFAULT, raise_price, prices)])
    big = CTX.all_children_with_filter(fe.gt(fe.int_loop_var(LV.VALUE), fe.int_val(10)))
    await client.operate(key, [CdtOperation.remove("n", [CTX.map_key("nums"), big])])
    doubled = fe.num_mul([fe.int_loop_var(LV.VALUE), fe.int_val(2)])
    await client.operate(key, [CdtOperation.modify_no_fail("n", doubled, [CTX.map_key("mixed"), CTX.all_children()])])
    bins = (await client.get(key)).bins
    assert [b["price"] for b in bins["b"]["book"]] == [17.9, 25.98, 17.98, 45.98]
    assert bins["n"] == {"nums": [1, 5, 10], "mixed": [2, "oops", 6]}
    with pytest.raises(ex.ServerError) as info:
        await client.operate(key, [CdtOperation.modify("n", doubled, [CTX.map_key("mixed"), CTX.all_children()])])
    assert int(info.value.result_code) == 1
    assert (await client.get(key)).bins["n"]["mixed"] == [2, "oops", 6]


async def test_path_misuse_answers_the_node_result_codes(client: Any) -> None:
    key = await fresh(client, "misuse", {"s": "text", "m": {"a": 1, "ab": {"bb": 12}, "b": 2}})
    on_strings = CTX.all_children_with_filter(fe.eq(fe.string_loop_var(LV.VALUE), fe.string_val("a")))
    cases = [
        (CdtOperation.select_values("s", [CTX.all_children()]), 12),
        (CdtOperation.select_values("m", []), 4),
        (CdtOperation.select_values("m", [CTX.all_children(), on_strings]), 4),
        (CdtOperation.select_values("m", [CTX.list_index(0)]), 4),
    ]
    for op, code in cases:
        with pytest.raises(ex.ServerError) as info:
            await client.operate(key, [op])
        assert int(info.value.result_code) == code
    no_fail = SelectFlags.VALUE | SelectFlags.NO_FAIL
    rec = await client.operate(key, [CdtOperation.select_by_path("m", no_fail, [CTX.all_children(), on_strings])])
    assert rec.bins["m"] == []


async def test_path_expressions_in_read_and_write_ops(client: Any) -> None:
    key = await fresh(client, "exp_ops", {"d": {"vals": [1, 5, 10, 20], "items": [{"n": 1}, {"n": 2}]}})
    select = fe.exp_select_values(T.LIST, fe.map_bin("d"), [CTX.map_key("vals"), CTX.all_children()])
    drop_big = fe.exp_remove(T.MAP, fe.map_bin("d"), [CTX.map_key("vals"),
                                                      CTX.all_children_with_filter(fe.ge(fe.int_loop_var(LV.VALUE), fe.int_val(10)))])
    bump = fe.exp_modify_by_path(T.MAP, ModifyFlags.DEFAULT, fe.map_bin("d"),
                                 fe.num_add([fe.int_loop_var(LV.VALUE), fe.int_val(100)]),
                                 [CTX.map_key("items"), CTX.all_children(), CTX.map_key("n")])
    rec = await client.operate(key, [
        ExpOperation.read("before", select),
        ExpOperation.write("copy", select, ExpWriteFlags.DEFAULT),
        ExpOperation.write("d", drop_big, ExpWriteFlags.UPDATE_ONLY),
    ])
    assert rec.bins["before"] == [1, 5, 10, 20]
    await client.operate(key, [ExpOperation.write("d", bump, ExpWriteFlags.DEFAULT)])
    bins = (await client.get(key)).bins
    assert bins["copy"] == [1, 5, 10, 20]
    assert bins["d"] == {"vals": [1, 5], "items": [{"n": 101}, {"n": 102}]}
    tree_as_list = fe.exp_select_matching_tree(T.LIST, fe.map_bin("d"), [CTX.all_children()])
    with pytest.raises(ex.ServerError) as info:
        await client.operate(key, [ExpOperation.write("bad", tree_as_list, ExpWriteFlags.DEFAULT)])
    assert int(info.value.result_code) == 26


def many_over(n: int) -> Any:
    chosen = fe.exp_select_values(T.LIST, fe.list_bin("l"), [CTX.all_children_with_filter(
        fe.gt(fe.int_loop_var(LV.VALUE), fe.int_val(200)))])
    return fe.ge(fe.list_size(chosen, []), fe.int_val(n))


async def test_path_filters_on_gets_queries_and_a_background_job(client: Any) -> None:
    await client.truncate("test", SET + "_q")
    lists = {0: [100, 250, 300, 400], 1: [201], 2: [], 3: [500, 600, 700], 4: [1, 2, 3]}
    keys = {i: Key("test", SET + "_q", i) for i in lists}
    for i, items in lists.items():
        await client.put(keys[i], {"i": i, "l": items})
    policy = ReadPolicy()
    policy.filter_expression = many_over(3)
    assert (await client.get(keys[0], policy=policy)).bins["i"] == 0
    with pytest.raises(ex.FilteredOut):
        await client.get(keys[1], policy=policy)
    qpolicy = QueryPolicy()
    qpolicy.filter_expression = many_over(1)
    found = sorted([r.bins["i"] async for r in await client.query(Statement("test", SET + "_q"), PartitionFilter.all(),
                                                                  policy=qpolicy)])
    assert found == [0, 1, 3]
    wpolicy = WritePolicy()
    wpolicy.filter_expression = many_over(3)
    clipped = fe.exp_remove(T.LIST, fe.list_bin("l"), [CTX.all_children_with_filter(
        fe.gt(fe.int_loop_var(LV.VALUE), fe.int_val(200)))])
    task = await client.query_operate(Statement("test", SET + "_q"), [ExpOperation.write("l", clipped, ExpWriteFlags.DEFAULT)],
                                      write_policy=wpolicy)
    await task.wait_till_complete(sleep_time=0.05)
    stored = {i: (await client.get(k)).bins["l"] for i, k in keys.items()}
    assert stored == {0: [100], 1: [201], 2: [], 3: [], 4: [1, 2, 3]}


async def test_in_list_map_keys_and_map_values(client: Any) -> None:
    key = await fresh(client, "in_list", {"nums": [1, 2, 3], "m": {"alpha": 1, "beta": 2}})
    keys = fe.map_keys(fe.map_bin("m"))
    rec = await client.operate(key, [
        ExpOperation.read("present", fe.in_list(fe.int_val(2), fe.list_bin("nums"))),
        ExpOperation.read("absent", fe.in_list(fe.int_val(99), fe.list_bin("nums"))),
        ExpOperation.read("keys", keys),
        ExpOperation.read("values", fe.map_values(fe.map_bin("m"))),
        ExpOperation.read("alpha_in", fe.in_list(fe.string_val("alpha"), keys)),
    ])
    assert rec.bins == {"present": True, "absent": False, "keys": ["alpha", "beta"], "values": [1, 2], "alpha_in": True}


async def test_path_operations_in_batch_rows(client: Any) -> None:
    keys = [await fresh(client, f"batch{i}", {"l": [i, 10 * i, 100 * i]}) for i in (1, 2)]
    over_5 = CTX.all_children_with_filter(fe.gt(fe.int_loop_var(LV.VALUE), fe.int_val(5)))
    results = await client.batch_operate(keys, [
        [CdtOperation.select_values("l", [over_5])],
        [CdtOperation.remove("l", [over_5]), ExpOperation.read("n", fe.list_size(fe.list_bin("l"), []))],
    ])
    assert [r.record.bins for r in results] == [{"l": [10, 100]}, {"l": None, "n": 1}]
    assert [(await client.get(k)).bins["l"] for k in keys] == [[1, 10, 100], [2]]
