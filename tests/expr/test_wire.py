"""Wire encoding against the official builders, and the decoder's refusal of bad bytes."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from aerospike_native import CTX, FilterExpression, ListReturnType, MapReturnType
from aerospike_native import ExpType as NativeExpType
from hypothesis import given, settings
from hypothesis import strategies as st

from aerolite.expr import (
    Ael,
    Apply,
    BinRead,
    BinType,
    CdtRead,
    Ctx,
    CtxType,
    ExprError,
    ExpType,
    KeyRead,
    Let,
    ListOp,
    MapOp,
    Op,
    Regex,
    ReturnType,
    Val,
    Var,
    decode,
    encode,
)
from aerolite.result_codes import ResultCode
from aerolite.values import INF, WILDCARD, GeoJson, KeyOrderedMap

fe, LRT, MRT = FilterExpression, ListReturnType, MapReturnType
A, L, M = BinRead(ExpType.INT, "a"), BinRead(ExpType.LIST, "l"), BinRead(ExpType.MAP, "m")
CASES: list[tuple[Any, Callable[[], Any]]] = [
    (Apply(Op.EQ, (A, Val(1))), lambda: fe.eq(fe.int_bin("a"), fe.int_val(1))),
    (Regex(2, "^ab.*", BinRead(ExpType.STRING, "s")), lambda: fe.regex_compare("^ab.*", 2, fe.string_bin("s"))),
    (Apply(Op.IN_LIST, (A, Val([1, 2, 3]))), lambda: fe.in_list(fe.int_bin("a"), fe.list_val([1, 2, 3]))),
    (Apply(Op.SUB, (A,)), lambda: fe.num_sub([fe.int_bin("a")])),
    (Let((("x", A),), Apply(Op.GT, (Var("x"), Val(3)))),
     lambda: fe.exp_let([fe.def_("x", fe.int_bin("a")), fe.gt(fe.var("x"), fe.int_val(3))])),
    (Apply(Op.UNKNOWN), fe.unknown),
    (Val(None), fe.nil), (Val(INF), fe.infinity), (Val(WILDCARD), fe.wildcard),
    (Val(KeyOrderedMap([("a", 2), ("b", 1)])), lambda: fe.map_val({"b": 1, "a": 2})),
    (Val(b"\x01\x02"), lambda: fe.blob_val([1, 2])), (Val(1.5), lambda: fe.float_val(1.5)),
    (Val("x" * 40), lambda: fe.string_val("x" * 40)), (Val(-(2**63)), lambda: fe.int_val(-(2**63))),
    (Val(2**63 - 1), lambda: fe.int_val(2**63 - 1)), (Val(GeoJson('{"a":1}')), lambda: fe.geo_val('{"a":1}')),
    (Apply(Op.EXCLUSIVE, (BinRead(ExpType.BOOL, "a"), BinRead(ExpType.BOOL, "b"))),
     lambda: fe.xor([fe.bool_bin("a"), fe.bool_bin("b")])),
    (Apply(Op.MAP_KEYS, (M,)), lambda: fe.map_keys(fe.map_bin("m"))),
    (Apply(Op.MAP_VALUES, (M,)), lambda: fe.map_values(fe.map_bin("m"))),
    (KeyRead(ExpType.BLOB), lambda: fe.key(NativeExpType.BLOB)), (BinType("a"), lambda: fe.bin_type("a")),
    (BinRead(ExpType.HLL, "h"), lambda: fe.hll_bin("h")), (BinRead(ExpType.INT, "x" * 40), lambda: fe.int_bin("x" * 40)),
    (Apply(Op.RECORD_SIZE), fe.record_size),
    (Apply(Op.INT_RSCAN, (A, Val(True))), lambda: fe.int_rscan(fe.int_bin("a"), fe.bool_val(True))),
    (Apply(Op.COND, (Apply(Op.EQ, (A, Val(0))), Val(10), Val(-1))),
     lambda: fe.cond([fe.eq(fe.int_bin("a"), fe.int_val(0)), fe.int_val(10), fe.int_val(-1)])),
    (CdtRead(ExpType.INT, ListOp.GET_BY_INDEX, ReturnType.VALUE, (Val(0),), L,
             (Ctx(CtxType.MAP_KEY, "a"), Ctx(CtxType.LIST_INDEX, 2), Ctx(CtxType.LIST_RANK, -1),
              Ctx(CtxType.LIST_VALUE, 3), Ctx(CtxType.MAP_INDEX, 1), Ctx(CtxType.MAP_RANK, 0),
              Ctx(CtxType.MAP_VALUE, "z"))),
     lambda: fe.list_get_by_index(LRT.VALUE, NativeExpType.INT, fe.int_val(0), fe.list_bin("l"),
                                  [CTX.map_key("a"), CTX.list_index(2), CTX.list_rank(-1), CTX.list_value(3),
                                   CTX.map_index(1), CTX.map_rank(0), CTX.map_value("z")])),
    (CdtRead(ExpType.INT, ListOp.GET_BY_INDEX, ReturnType.VALUE, (BinRead(ExpType.INT, "i"),), L),
     lambda: fe.list_get_by_index(LRT.VALUE, NativeExpType.INT, fe.int_bin("i"), fe.list_bin("l"), [])),
    (CdtRead(ExpType.LIST, ListOp.GET_BY_VALUE_INTERVAL, ReturnType.VALUE, (Val(None), Val(INF)), L),
     lambda: fe.list_get_by_value_range(LRT.VALUE, fe.nil(), fe.infinity(), fe.list_bin("l"), [])),
    (CdtRead(ExpType.LIST, MapOp.GET_BY_KEY_INTERVAL, ReturnType.VALUE, (Val(None),), M),
     lambda: fe.map_get_by_key_range(MRT.VALUE, None, None, fe.map_bin("m"), [])),
    (CdtRead(ExpType.MAP, MapOp.GET_BY_KEY, ReturnType.KEY_VALUE, (Val("k"),), M),
     lambda: fe.map_get_by_key(MRT.KEY_VALUE, NativeExpType.MAP, fe.string_val("k"), fe.map_bin("m"), [])),
    (CdtRead(ExpType.MAP, MapOp.GET_BY_KEY_INTERVAL, ReturnType.ORDERED_MAP, (Val("a"),), M),
     lambda: fe.map_get_by_key_range(MRT.ORDERED_MAP, fe.string_val("a"), None, fe.map_bin("m"), [])),
    (CdtRead(ExpType.INT, ListOp.SIZE, None, (), L, (Ctx(CtxType.LIST_VALUE, [1, 2]),)),
     lambda: fe.list_size(fe.list_bin("l"), [CTX.list_value([1, 2])])),
    (Ael("$.age > 25"), lambda: fe.from_server_compiled_ael("$.age > 25")),
    (Ael("$.a > 1" * 40), lambda: fe.from_server_compiled_ael("$.a > 1" * 40)),
    (Apply(Op.AND, (Ael("$.a > 1"), BinRead(ExpType.INT, "b"))),
     lambda: fe.and_([fe.from_server_compiled_ael("$.a > 1"), fe.int_bin("b")])),
    (Apply(Op.AND, tuple(Apply(Op.GT, (A, Val(i))) for i in range(20))),
     lambda: fe.and_([fe.gt(fe.int_bin("a"), fe.int_val(i)) for i in range(20)])),
]


@pytest.mark.parametrize(("ir", "build"), CASES, ids=[f"{i}:{type(c[0]).__name__}" for i, c in enumerate(CASES)])
def test_bytes_match_the_official_builders(ir: Any, build: Callable[[], Any]) -> None:
    official = base64.b64decode(build().base64())
    assert encode(ir).hex() == official.hex()
    assert decode(official) == ir


BAD = [
    b"", b"\x90", b"\x91\xcc\xc8", b"\x92\x01\x01", b"\x93\x51\x0a\xa1a", b"\x93\x51\x02\x01",
    b"\x92\x7e\x01", b"\x95\x7f\x02\x01\x91\x10\x93\x51\x04\xa1l", b"\x95\x7f\x02\x00\x91\x01\x93\x51\x04\xa1l",
    b"\x93\x01\x01", b"\x01\x02", b"\xc1", b"\xa2\x03", b"\x93\x51\x02\xa2\xff\xfe", b"\x93\x7d\xa1x\x01",
    b"\x92\x40", b"\x95\x7f\x02\x00\x93\xcc\xff\x91\x05\x91\x10\x93\x51\x04\xa1l", b"\x94\x07\x02\x01\x01",
    b"\x92\xcc\x80\x05", b"\xdc\xff\xff", b"\x91" * 300 + b"\x00",
]


@pytest.mark.parametrize("data", BAD, ids=[d[:12].hex() for d in BAD])
def test_malformed_bytes_raise_parameter_error(data: bytes) -> None:
    with pytest.raises(ExprError) as info:
        decode(data)
    assert info.value.code == ResultCode.PARAMETER_ERROR


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40))
def test_random_bytes_never_raise_anything_else(data: bytes) -> None:
    with contextlib.suppress(ExprError):
        decode(data)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([encode(ir) for ir, _ in CASES]), st.integers(0, 200), st.integers(0, 255))
def test_mutated_valid_bytes_never_raise_anything_else(data: bytes, where: int, byte: int) -> None:
    mutated = bytearray(data)
    mutated[where % len(mutated)] = byte
    with contextlib.suppress(ExprError):
        decode(bytes(mutated))
