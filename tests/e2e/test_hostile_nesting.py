"""Deep nesting sent by the official client: the node answers PARAMETER_ERROR (4) and keeps serving."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from aerospike_native import FilterExpression, Key, ReadPolicy
from aerospike_native import exceptions as ex

from aerolite.ael.parser import MAX_NESTING
from aerolite.expr import Op, walk
from aerolite.values.nesting import MAX_NESTING as MAX_VALUE_NESTING

SET = "hostile_nesting"


async def get_with(client: Any, key: Key, expression: FilterExpression) -> Any:
    policy = ReadPolicy()
    policy.filter_expression = expression
    return await client.get(key, policy=policy)


def nested_list(levels: int) -> list[Any]:
    value: list[Any] = [1]
    for _ in range(levels - 1):
        value = [value]
    return value


@pytest.fixture
async def key(client: Any) -> Key:
    k = Key("test", SET, "k")
    await client.put(k, {"a": 1, "b": 2})
    return k


@pytest.mark.parametrize("text", [
    "(" * 1000 + "$.a == 1" + ")" * 1000,
    "not(" * (MAX_NESTING + 1) + "$.a == 1" + ")" * (MAX_NESTING + 1),
    "$.a == " + " + ".join(["1"] * 10_000),
    "$.a == " + "[" * 5000 + "]" * 5000,
])
async def test_deep_server_compiled_ael_is_a_parameter_error(client: Any, key: Key, text: str) -> None:
    with pytest.raises(ex.InvalidRequest, match="Error 4"):
        await get_with(client, key, FilterExpression.from_server_compiled_ael(text))
    assert (await client.get(key)).bins == {"a": 1, "b": 2}


@pytest.mark.parametrize("data", [
    bytes((0x92, Op.NOT)) * 100_000 + b"\xc3",
    bytes((0x93, Op.EQ, 0x93, Op.BIN, 4, 0xA1)) + b"l" + bytes((0x92, Op.QUOTE)) + b"\x91" * 100_000 + b"\x01",
], ids=["operators", "literal"])
async def test_deep_expression_bytes_are_a_parameter_error(client: Any, key: Key, data: bytes) -> None:
    with pytest.raises(ex.InvalidRequest, match="Error 4"):
        await get_with(client, key, FilterExpression.from_base64(base64.b64encode(data).decode()))
    assert (await client.get(key)).bins == {"a": 1, "b": 2}


async def test_the_deepest_accepted_filter_selects(client: Any, key: Key) -> None:
    text = "$.a + " + " + ".join(["$.b"] * (walk.MAX_DEPTH - 3)) + f" == {1 + 2 * (walk.MAX_DEPTH - 3)}"
    assert (await get_with(client, key, FilterExpression.from_server_compiled_ael(text))).bins["a"] == 1


async def test_bin_values_nest_up_to_the_limit(client: Any) -> None:
    k = Key("test", SET, "deep-bin")
    await client.put(k, {"l": nested_list(MAX_VALUE_NESTING)})
    assert (await client.get(k)).bins["l"] == nested_list(MAX_VALUE_NESTING)
    with pytest.raises(ex.InvalidRequest, match="Error 4"):
        await client.put(k, {"l": nested_list(MAX_VALUE_NESTING + 1)})
    assert (await client.get(k)).bins["l"] == nested_list(MAX_VALUE_NESTING)
