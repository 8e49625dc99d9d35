"""List, map and expression operations through the official client, read back from the server."""

from __future__ import annotations

from typing import Any

import pytest
from aerospike_native import (
    CTX,
    ExpOperation,
    FilterExpression,
    Key,
    ListOperation,
    ListOrderType,
    ListPolicy,
    ListReturnType,
    ListSortFlags,
    ListWriteFlags,
    MapOperation,
    MapOrder,
    MapPolicy,
    MapReturnType,
)

SET = "e2e_cdt"


async def fresh(client: Any, name: str, bins: dict[str, Any]) -> Key:
    key = Key("test", SET, name)
    await client.delete(key)
    await client.put(key, bins)
    return key


async def test_list_ops_answer_and_store(client: Any) -> None:
    key = await fresh(client, "list", {"l": [3, 1, 2]})
    rec = await client.operate(key, [
        ListOperation.append_items("l", [7, 8], ListPolicy()),
        ListOperation.pop("l", 0),
        ListOperation.get_by_value_range("l", 2, 8, ListReturnType.VALUE),
        ListOperation.remove_by_rank("l", 0, ListReturnType.INDEX),
        ListOperation.increment("l", 0, 5, ListPolicy()),
        ListOperation.sort("l", ListSortFlags.DESCENDING),
    ])
    assert rec.bins["l"] == [5, 3, [2, 7], 0, 7, None]
    assert (await client.get(key)).bins["l"] == [8, 7, 7]


async def test_add_unique_violation_is_element_exists(client: Any) -> None:
    key = await fresh(client, "unique", {"l": [1, 2]})
    with pytest.raises(Exception) as info:
        await client.operate(key, [ListOperation.append("l", 2, ListPolicy(ListOrderType.UNORDERED, ListWriteFlags.ADD_UNIQUE))])
    assert getattr(info.value, "result_code", None) == 24
    rec = await client.operate(key, [
        ListOperation.append("l", 2, ListPolicy(ListOrderType.UNORDERED, ListWriteFlags.ADD_UNIQUE | ListWriteFlags.NO_FAIL)),
    ])
    assert rec.bins["l"] == 2


async def test_ordered_list_and_nested_context(client: Any) -> None:
    key = await fresh(client, "nested", {"m": {"a": [5, 1]}})
    rec = await client.operate(key, [
        ListOperation.append("l", 4, ListPolicy(ListOrderType.ORDERED, ListWriteFlags.DEFAULT)),
        ListOperation.append("l", 2, ListPolicy(ListOrderType.ORDERED, ListWriteFlags.DEFAULT)),
        ListOperation.append("m", 0, ListPolicy()).set_context([CTX.map_key("a")]),
        ListOperation.get_by_index("m", -1, ListReturnType.VALUE).set_context([CTX.map_key("a")]),
    ])
    assert rec.bins["l"] == [1, 2]
    assert rec.bins["m"] == [3, 0]
    stored = (await client.get(key)).bins
    assert list(stored["l"]) == [2, 4]
    assert stored["m"] == {"a": [5, 1, 0]}


async def test_map_ops_answer_and_store(client: Any) -> None:
    key = await fresh(client, "map", {"m": {"b": 2, "a": 1}})
    rec = await client.operate(key, [
        MapOperation.put_items("m", [("c", 3), ("d", 4)], MapPolicy()),
        MapOperation.get_by_value_range("m", 2, 4, MapReturnType.KEY),
        MapOperation.remove_by_key("m", "a", MapReturnType.VALUE),
        MapOperation.get_by_index_range_from("m", 1, MapReturnType.KEY_VALUE),
        MapOperation.decrement_value("m", "d", 10, MapPolicy()),
    ])
    assert rec.bins["m"] == [4, ["b", "c"], 1, {"c": 3, "d": 4}, -6]
    assert (await client.get(key)).bins["m"] == {"b": 2, "c": 3, "d": -6}


async def test_key_ordered_map_is_returned_sorted(client: Any) -> None:
    key = await fresh(client, "om", {"x": 0})
    await client.operate(key, [
        MapOperation.create("om", MapOrder.KEY_ORDERED),
        MapOperation.put("om", "z", 1, MapPolicy(MapOrder.KEY_ORDERED)),
        MapOperation.put("om", "a", 2, MapPolicy(MapOrder.KEY_ORDERED)),
    ])
    rec = await client.operate(key, [MapOperation.get_by_rank("om", -1, MapReturnType.KEY)])
    assert rec.bins["om"] == "a"
    assert list((await client.get(key)).bins["om"].items()) == [("a", 2), ("z", 1)]


async def test_expression_operations(client: Any) -> None:
    key = await fresh(client, "exp", {"i": 5})
    rec = await client.operate(key, [
        ExpOperation.write("double", FilterExpression.num_mul([FilterExpression.int_bin("i"), FilterExpression.int_val(2)])),
        ExpOperation.read("r", FilterExpression.num_add([FilterExpression.int_bin("double"), FilterExpression.int_val(1)])),
    ])
    assert rec.bins["r"] == 11
    assert (await client.get(key)).bins == {"i": 5, "double": 10}
    with pytest.raises(Exception) as info:
        await client.operate(key, [ExpOperation.read("r", FilterExpression.int_bin("nope"))])
    assert getattr(info.value, "result_code", None) == 26
