"""Bit and HLL operations through the official client, with results read back from the server."""

from __future__ import annotations

from typing import Any

import pytest
from aerospike_native import (
    BitOperation,
    BitPolicy,
    BitwiseOverflowActions,
    BitwiseResizeFlags,
    BitWriteFlags,
    HllOperation,
    HLLWriteFlags,
    Key,
)

SET = "e2e_bits"
POLICY = BitPolicy()


async def fresh(client: Any, name: str, bins: dict[str, Any] | None = None) -> Key:
    key = Key("test", SET, name)
    await client.delete(key)
    if bins:
        await client.put(key, bins)
    return key


async def result_code(client: Any, key: Key, ops: list[Any]) -> Any:
    with pytest.raises(Exception) as info:
        await client.operate(key, ops)
    return getattr(info.value, "result_code", None)


async def test_bit_ops_answer_and_store(client: Any) -> None:
    key = await fresh(client, "bits", {"b": bytes([0b1011_0000, 0xFF, 0x00])})
    rec = await client.operate(key, [
        BitOperation.get("b", 0, 12),
        BitOperation.count("b", 0, 24),
        BitOperation.lscan("b", 0, 24, False),
        BitOperation.rscan("b", 0, 24, True),
        BitOperation.get_int("b", 8, 8, True),
        BitOperation.set_int("b", 16, 8, 200, POLICY),
        BitOperation.add("b", 16, 8, 100, False, BitwiseOverflowActions.SATURATE, POLICY),
        BitOperation.get("b", -8, 8),
        BitOperation.resize("b", 4, BitwiseResizeFlags.DEFAULT, POLICY),
        BitOperation.insert("b", 0, b"\x01", POLICY),
        BitOperation.remove("b", -1, 1, POLICY),
        BitOperation.not_("b", 0, 4, POLICY),
        BitOperation.lshift("b", 0, 8, 2, POLICY),
        BitOperation.rshift("b", 8, 8, 4, POLICY),
        BitOperation.or_("b", 0, 8, b"\x0f", POLICY),
        BitOperation.xor("b", 0, 8, b"\xff", POLICY),
        BitOperation.and_("b", 0, 8, b"\xf0", POLICY),
        BitOperation.subtract("b", 16, 8, 1, True, BitwiseOverflowActions.WRAP, POLICY),
        BitOperation.set("b", 4, 4, b"\xa0", POLICY),
    ])
    assert rec.bins["b"][:8] == [b"\xb0\xf0", 11, 1, 15, -1, None, None, b"\xff"]
    assert rec.bins["b"][8:] == [None] * 11
    assert (await client.get(key)).bins["b"] == bytes([0x3A, 0x0B, 0xFE, 0xFF])


async def test_bit_op_failures_answer_node_codes(client: Any) -> None:
    key = await fresh(client, "bit_errors", {"b": b"\xff\xff", "i": 5})
    assert await result_code(client, key, [BitOperation.get("b", 8, 16)]) == 26
    assert await result_code(client, key, [BitOperation.add("b", 0, 8, 1, False, BitwiseOverflowActions.FAIL, POLICY)]) == 26
    assert await result_code(client, key, [BitOperation.remove("b", 4, 1, POLICY)]) == 4
    assert await result_code(client, key, [BitOperation.get("i", 0, 8)]) == 12
    await client.operate(key, [
        BitOperation.set("b", 12, 8, b"\x00", BitPolicy(BitWriteFlags.PARTIAL)),
        BitOperation.resize("b", 1, BitwiseResizeFlags.GROW_ONLY, BitPolicy(BitWriteFlags.NO_FAIL)),
    ])
    assert (await client.get(key)).bins["b"] == b"\xff\xf0"


async def test_b64_encode_reads_the_blob_or_a_byte_range(client: Any) -> None:
    key = await fresh(client, "b64", {"b": b"\x0f\xf0\x55\xaa\x01"})
    rec = await client.operate(key, [
        BitOperation.b64_encode("b"),
        BitOperation.b64_encode("b", 1, 2),
        BitOperation.b64_encode("b", -2, 2),
        BitOperation.b64_encode("b", 0, 1, True),
        BitOperation.b64_encode("b", 2, 0),
    ])
    assert rec.bins["b"] == ["D/BVqgE=", "8FU=", "qgE=", "D/BVqg==", ""]
    assert (await client.get(key)).bins["b"] == b"\x0f\xf0\x55\xaa\x01"
    assert await result_code(client, key, [BitOperation.b64_encode("b", 4, 2)]) == 26
    assert await result_code(client, key, [BitOperation.b64_encode("b", 3, 4, True)]) == 26
    await client.put(key, {"s": "text"})
    assert await result_code(client, key, [BitOperation.b64_encode("s")]) == 12


async def test_hll_ops_estimate_and_combine(client: Any) -> None:
    left, right = await fresh(client, "hll_left"), await fresh(client, "hll_right")
    rec = await client.operate(left, [
        HllOperation.add("h", [f"e{i}" for i in range(3000)], 12, 0),
        HllOperation.refresh_count("h"),
        HllOperation.describe("h"),
    ])
    added, count, layout = rec.bins["h"]
    assert added > 2000 and abs(count - 3000) <= 200 and layout == [12, 0]
    await client.operate(right, [HllOperation.add("h", [f"e{i}" for i in range(2000, 5000)], 12, 0)])
    other = (await client.get(right)).bins["h"]
    rec = await client.operate(left, [
        HllOperation.get_union_count("h", [other]),
        HllOperation.get_intersect_count("h", [other]),
        HllOperation.get_similarity("h", [other]),
        HllOperation.set_union("h", [other]),
        HllOperation.fold("h", 10),
        HllOperation.describe("h"),
        HllOperation.get_count("h"),
    ])
    union_count, overlap, similarity, _, _, layout, folded = rec.bins["h"]
    assert abs(union_count - 5000) <= 300 and abs(overlap - 1000) <= 400 and abs(similarity - 0.2) <= 0.08
    assert layout == [10, 0] and abs(folded - 5000) <= 600


async def test_hll_refusals(client: Any) -> None:
    key = await fresh(client, "hll_errors", {"b": b"\x01"})
    assert await result_code(client, key, [HllOperation.get_count("b")]) == 12
    assert await result_code(client, key, [HllOperation.refresh_count("h")]) == 17
    assert await result_code(client, key, [HllOperation.init("h", 3, 0)]) == 4
    await client.operate(key, [HllOperation.init("h", 8, 0)])
    assert await result_code(client, key, [HllOperation.init("h", 8, 0, HLLWriteFlags.CREATE_ONLY)]) == 6
    rec = await client.operate(key, [HllOperation.init("h", 9, 0, HLLWriteFlags.CREATE_ONLY | HLLWriteFlags.NO_FAIL),
                                     HllOperation.describe("h")])
    assert rec.bins["h"] == [None, [8, 0]]
