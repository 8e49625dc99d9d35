"""Deeply nested wire input: expressions, literal values and bin values are refused with a parameter
error at a fixed depth, never by exhausting the interpreter's stack."""

from __future__ import annotations

import pytest

from aerolite.ael import filter_from_wire, to_wire
from aerolite.engine.cdt.apply import cdt_modify
from aerolite.engine.record import Record
from aerolite.expr import ExprError, Op, decode, walk
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.values.msgpack_codec import MsgpackError, pack, unpack
from aerolite.values.nesting import MAX_NESTING, nesting

NOT = bytes((0x92, Op.NOT))  # [NOT, <arg>]
TRUE_EXPR = b"\xc3"


def nested_not(levels: int) -> bytes:
    return NOT * levels + TRUE_EXPR


def nested_list(levels: int, inner: bytes = b"\x01") -> bytes:
    return b"\x91" * levels + inner


@pytest.mark.parametrize("levels", [walk.MAX_DEPTH, walk.MAX_DEPTH + 1, 10_000, 1_000_000])
def test_expression_depth(levels: int) -> None:
    data = nested_not(levels - 1)  # levels - 1 operators around one literal: a tree of `levels` levels
    if levels <= walk.MAX_DEPTH:
        assert walk.depth(decode(data)) == levels
        filter_from_wire(data)
        return
    with pytest.raises(ExprError, match=f"nested deeper than {walk.MAX_DEPTH} levels"):
        decode(data)


@pytest.mark.parametrize("levels", [MAX_NESTING + 1, 2_000, 100_000])
def test_nested_literal_in_an_expression(levels: int) -> None:
    # [EQ, [BIN, LIST, "l"], [QUOTE, <a list nested `levels` deep>]]
    data = bytes((0x93, Op.EQ, 0x93, Op.BIN, 4, 0xA1)) + b"l" + bytes((0x92, Op.QUOTE)) + nested_list(levels)
    with pytest.raises(ExprError, match=f"nested deeper than {MAX_NESTING} levels"):
        filter_from_wire(data)


def test_server_ael_inside_a_deep_tree_is_bounded_after_expansion() -> None:
    text = "$.a == " + " + ".join(["$.b"] * 100)
    ael_node = b"\x92\xcc\x80\xda" + len(text).to_bytes(2, "big")  # [128, <str16 header>]
    data = NOT * 60 + ael_node + text.encode()
    with pytest.raises(ExprError, match=f"nested deeper than {walk.MAX_DEPTH} levels"):
        filter_from_wire(data)
    filter_from_wire(NOT * 2 + ael_node + text.encode())


@pytest.mark.parametrize("levels", [MAX_NESTING + 1, 600, 1_100, 1_000_000])
@pytest.mark.parametrize("inner", [b"\x01", b"\xd4\xff\x01"], ids=["int", "inf"])  # INF takes the pure-Python reader
def test_value_depth_on_decode(levels: int, inner: bytes) -> None:
    assert nesting(unpack(nested_list(MAX_NESTING, inner))) == MAX_NESTING
    with pytest.raises(MsgpackError, match=f"nested deeper than {MAX_NESTING} levels"):
        unpack(nested_list(levels, inner))


def test_value_depth_on_encode() -> None:
    value: list[object] = [1]
    for _ in range(MAX_NESTING - 1):
        value = [value]
    assert unpack(pack(value)) == value
    with pytest.raises(MsgpackError, match=f"nested deeper than {MAX_NESTING} levels"):
        pack([value])
    cyclic: list[object] = []
    cyclic.append(cyclic)
    with pytest.raises(MsgpackError):
        pack(cyclic)


def test_nesting_counts_levels_of_any_depth_without_recursion() -> None:
    value: object = 1
    for _ in range(100_000):
        value = {"k": [value]}
    assert nesting(value) == 200_000
    assert nesting(5) == 0 and nesting([]) == 1 and nesting({"a": [1]}) == 2


def test_cdt_write_cannot_grow_a_bin_past_the_limit() -> None:
    deep: list[object] = []
    for _ in range(MAX_NESTING - 1):
        deep = [deep]
    record = Record(bytes(20), "s", "k", {"l": deep})
    assert nesting(deep) == MAX_NESTING
    ctx = [0x10, 0] * (MAX_NESTING - 1)  # down to the innermost list
    with pytest.raises(AerospikeResultError) as caught:
        cdt_modify(record, "l", [0xFF, ctx, [1, [1]]])  # list append of a list at the bottom
    assert caught.value.code == ResultCode.PARAMETER_ERROR
    assert record.bins["l"] is deep and nesting(deep) == MAX_NESTING  # unchanged
    cdt_modify(record, "l", [0xFF, ctx, [1, 7]])  # a scalar still fits
    assert nesting(record.bins["l"]) == MAX_NESTING


def test_client_compiled_ael_never_exceeds_what_the_decoder_accepts() -> None:
    text = "$.a == " + " + ".join(["$.b"] * (walk.MAX_DEPTH - 1))  # the longest chain AEL accepts
    assert walk.depth(decode(to_wire(text))) == walk.MAX_DEPTH
