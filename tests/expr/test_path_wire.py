"""Path expressions on the wire: every aerospike_native path builder decodes and re-encodes to its own
bytes, nested paths included (hypothesis), and malformed path bytes are parameter errors."""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from aerospike_native import CTX, FilterExpression, LoopVarPart, ModifyFlags, SelectFlags
from aerospike_native import ExpType as NativeExpType
from hypothesis import given, settings
from hypothesis import strategies as st

from aerolite.expr import BinRead, Ctx, ExprError, ExpType, Op, Val, decode, decode_path_op, encode
from aerolite.expr.nodes import Apply, Expr
from aerolite.expr.paths import (
    AND_FILTER,
    FILTER,
    KEY_LIST,
    FilterStep,
    LoopPart,
    LoopVar,
    PathModify,
    PathSelect,
    RemoveResult,
    Select,
    Step,
)
from aerolite.result_codes import ResultCode

fe = FilterExpression
M, L = BinRead(ExpType.MAP, "m"), BinRead(ExpType.LIST, "l")
ALL = FilterStep(FILTER, Val(True))
NATIVE_TYPES = {t: getattr(NativeExpType, t.name) for t in ExpType}
LOOP_BUILDERS = {
    ExpType.NIL: fe.nil_loop_var, ExpType.BOOL: fe.bool_loop_var, ExpType.INT: fe.int_loop_var,
    ExpType.STRING: fe.string_loop_var, ExpType.LIST: fe.list_loop_var, ExpType.MAP: fe.map_loop_var,
    ExpType.BLOB: fe.blob_loop_var, ExpType.FLOAT: fe.float_loop_var, ExpType.GEO: fe.geo_json_loop_var,
    ExpType.HLL: fe.hll_loop_var,
}
PARTS = {LoopPart.MAP_KEY: LoopVarPart.MAP_KEY, LoopPart.VALUE: LoopVarPart.VALUE, LoopPart.INDEX: LoopVarPart.INDEX}
GT5 = Apply(Op.GT, (LoopVar(ExpType.INT, LoopPart.VALUE), Val(5)))


def native_gt5() -> Any:
    return fe.gt(fe.int_loop_var(LoopVarPart.VALUE), fe.int_val(5))


APPLY = Select.APPLY
CASES: list[tuple[Expr, Callable[[], Any]]] = [
    *[(LoopVar(t, part), lambda t=t, p=p: LOOP_BUILDERS[t](p)) for t in ExpType for part, p in PARTS.items()],
    (RemoveResult(), fe.remove_result),
    (PathSelect(ExpType.LIST, Select.VALUE, M, (Ctx(0x22, "a"), ALL)),
     lambda: fe.exp_select_by_path(NativeExpType.LIST, SelectFlags.VALUE, fe.map_bin("m"),
                                   [CTX.map_key("a"), CTX.all_children()])),
    (PathSelect(ExpType.LIST, Select.MAP_KEY | 0x10, M, (FilterStep(FILTER, GT5),)),
     lambda: fe.exp_select_by_path(NativeExpType.LIST, SelectFlags.MAP_KEY | SelectFlags.NO_FAIL, fe.map_bin("m"),
                                   [CTX.all_children_with_filter(native_gt5())])),
    (PathSelect(ExpType.LIST, Select.VALUE, L, (ALL,)),
     lambda: fe.exp_select_values(NativeExpType.LIST, fe.list_bin("l"), [CTX.all_children()])),
    (PathSelect(ExpType.INT, Select.COUNT, L, (ALL,)),
     lambda: fe.exp_select_by_path(NativeExpType.INT, 10, fe.list_bin("l"), [CTX.all_children()])),
    (PathSelect(ExpType.BOOL, Select.EXISTS | 0x10, M, (FilterStep(FILTER, GT5),)),
     lambda: fe.exp_select_by_path(NativeExpType.BOOL, 11 | SelectFlags.NO_FAIL, fe.map_bin("m"),
                                   [CTX.all_children_with_filter(native_gt5())])),
    (PathSelect(ExpType.LIST, Select.MAP_KEY, M, (ALL,)),
     lambda: fe.exp_select_map_keys(NativeExpType.LIST, fe.map_bin("m"), [CTX.all_children()])),
    (PathSelect(ExpType.LIST, Select.MAP_KEY_VALUE, M, (ALL,)),
     lambda: fe.exp_select_map_entries(NativeExpType.LIST, fe.map_bin("m"), [CTX.all_children()])),
    (PathSelect(ExpType.MAP, Select.MATCHING_TREE, M, (ALL, FilterStep(FILTER, GT5))),
     lambda: fe.exp_select_matching_tree(NativeExpType.MAP, fe.map_bin("m"),
                                         [CTX.all_children(), CTX.all_children_with_filter(native_gt5())])),
    (PathSelect(ExpType.LIST, Select.VALUE, M, (Ctx(KEY_LIST, ["a", 1]), FilterStep(AND_FILTER, GT5))),
     lambda: fe.exp_select_values(NativeExpType.LIST, fe.map_bin("m"),
                                  [CTX.map_keys_in(["a", 1]), CTX.and_filter(native_gt5())])),
    (PathModify(ExpType.LIST, APPLY, L, Apply(Op.ADD, (LoopVar(ExpType.INT, 1), Val(1))), (ALL,)),
     lambda: fe.exp_modify_by_path(NativeExpType.LIST, ModifyFlags.DEFAULT, fe.list_bin("l"),
                                   fe.num_add([fe.int_loop_var(LoopVarPart.VALUE), fe.int_val(1)]),
                                   [CTX.all_children()])),
    (PathModify(ExpType.MAP, APPLY | 0x10, M, Val(0), (Ctx(0x20, -1),)),
     lambda: fe.exp_modify_no_fail(NativeExpType.MAP, fe.map_bin("m"), fe.int_val(0), [CTX.map_index(-1)])),
    (PathModify(ExpType.MAP, APPLY, M, Val(0), (Ctx(0x21, 0), Ctx(0x10, 2))),
     lambda: fe.exp_modify(NativeExpType.MAP, fe.map_bin("m"), fe.int_val(0), [CTX.map_rank(0), CTX.list_index(2)])),
    (PathModify(ExpType.MAP, APPLY, M, RemoveResult(), (FilterStep(FILTER, GT5),)),
     lambda: fe.exp_remove(NativeExpType.MAP, fe.map_bin("m"), [CTX.all_children_with_filter(native_gt5())])),
    (Apply(Op.EQ, (PathSelect(ExpType.LIST, Select.VALUE, L, (Ctx(0x13, 3), Ctx(0x11, -1))), Val([1]))),
     lambda: fe.eq(fe.exp_select_values(NativeExpType.LIST, fe.list_bin("l"), [CTX.list_value(3), CTX.list_rank(-1)]),
                   fe.list_val([1]))),
]


def official(build: Callable[[], Any]) -> bytes:
    return base64.b64decode(build().base64())


@pytest.mark.parametrize(("ir", "build"), CASES, ids=[f"{i}:{type(c[0]).__name__}" for i, c in enumerate(CASES)])
def test_bytes_match_the_official_builders(ir: Expr, build: Callable[[], Any]) -> None:
    wire = official(build)
    assert decode(wire) == ir
    assert encode(ir).hex() == wire.hex()


# Hypothesis: random nested paths, built twice (aerolite IR and aerospike_native) and compared.
Pair = tuple[Step, Any]
KEYS = st.one_of(st.text(max_size=6), st.integers(-1000, 1000))
FILTERS: list[tuple[Expr, Callable[[], Any]]] = [
    (GT5, native_gt5),
    (Apply(Op.EQ, (LoopVar(ExpType.STRING, LoopPart.MAP_KEY), Val("k"))),
     lambda: fe.eq(fe.string_loop_var(LoopVarPart.MAP_KEY), fe.string_val("k"))),
    (Apply(Op.LT, (LoopVar(ExpType.INT, LoopPart.INDEX), Val(3))),
     lambda: fe.lt(fe.int_loop_var(LoopVarPart.INDEX), fe.int_val(3))),
    (Apply(Op.AND, (Apply(Op.GE, (LoopVar(ExpType.FLOAT, LoopPart.VALUE), Val(1.5))), Val(True))),
     lambda: fe.and_([fe.ge(fe.float_loop_var(LoopVarPart.VALUE), fe.float_val(1.5)), fe.bool_val(True)])),
]


@st.composite
def steps(draw: st.DrawFn) -> list[Pair]:
    out: list[Pair] = []
    for _ in range(draw(st.integers(1, 6))):
        choice = draw(st.integers(0, 7))
        if choice == 0:
            out.append((ALL, CTX.all_children()))
        elif choice == 1:
            ir, build = draw(st.sampled_from(FILTERS))
            out.append((FilterStep(FILTER, ir), CTX.all_children_with_filter(build())))
        elif choice == 2:
            k = draw(KEYS)
            out.append((Ctx(0x22, k), CTX.map_key(k)))
        elif choice == 3:
            i = draw(st.integers(-50, 50))
            out.append((Ctx(0x10, i), CTX.list_index(i)))
        elif choice == 4:
            i = draw(st.integers(-50, 50))
            out.append((Ctx(0x21, i), CTX.map_rank(i)))
        elif choice == 5:
            keys = draw(st.lists(KEYS, max_size=4))
            out.append((Ctx(KEY_LIST, keys), CTX.map_keys_in(keys)))
        elif choice == 6 and out:
            ir, build = draw(st.sampled_from(FILTERS))
            out.append((FilterStep(AND_FILTER, ir), CTX.and_filter(build())))
        else:
            v = draw(st.integers(-5, 5))
            out.append((Ctx(0x13, v), CTX.list_value(v)))
    return out


@settings(max_examples=150, deadline=None)
@given(steps(), st.sampled_from([0, 1, 2, 3, 10, 11]), st.booleans(), st.booleans())
def test_nested_paths_round_trip_against_the_builders(path: list[Pair], mode: int, no_fail: bool, modify: bool) -> None:
    ir_steps = tuple(step for step, _ in path)
    ctx = [c for _, c in path]
    flags = mode | (0x10 if no_fail else 0)
    if modify:
        ir: Expr = PathModify(ExpType.MAP, APPLY | (flags & 0x10), M, RemoveResult(), ir_steps)
        build = lambda: fe.exp_modify_by_path(NativeExpType.MAP, flags & 0x10, fe.map_bin("m"),  # noqa: E731
                                              fe.remove_result(), ctx)
    else:
        ir = PathSelect(ExpType.LIST, flags, M, ir_steps)
        build = lambda: fe.exp_select_by_path(NativeExpType.LIST, flags, fe.map_bin("m"), ctx)  # noqa: E731
    wire = official(build)
    assert encode(ir).hex() == wire.hex()
    assert decode(wire) == ir


BAD = [
    b"\x93\x7a\x02\x07",  # loop variable part 7
    b"\x92\x7a\x02",  # loop variable without a part
    b"\x92\x64\x01",  # remove_result with an argument
    b"\x95\x7f\x04\x00\x93\xcc\xfe\x90\x01\x93\x51\x04\xa1l",  # empty path
    b"\x95\x7f\x04\x00\x93\xcc\xfe\x91\x04\x01\x93\x51\x04\xa1l",  # odd step array
    b"\x95\x7f\x04\x00\x93\xcc\xfe\x92\x05\xc3\x01\x93\x51\x04\xa1l",  # unknown step type 5
    b"\x95\x7f\x04\x00\x93\xcc\xfe\x92\x04\xc3\x04\x93\x51\x04\xa1l",  # select carrying APPLY
    b"\x95\x7f\x04\x40\x94\xcc\xfe\x92\x04\xc3\x00\x01\x93\x51\x04\xa1l",  # modify without APPLY
    b"\x95\x7f\x04\x40\x93\xcc\xfe\x92\x04\xc3\x04\x93\x51\x04\xa1l",  # modify without an expression
    b"\x95\x7f\x04\x00\x93\xcc\xfe\x92\x04\xc3\xff\x93\x51\x04\xa1l",  # negative flags
    b"\x95\x7f\x04\x00\x93\xcc\xfe\xdc\x00\x82" + b"\x10\x00" * 65 + b"\x01\x93\x51\x04\xa1l",  # 65 levels
]


@pytest.mark.parametrize("data", BAD, ids=[d[:12].hex() for d in BAD])
def test_malformed_path_bytes_are_parameter_errors(data: bytes) -> None:
    with pytest.raises(ExprError) as info:
        decode(data)
    assert info.value.code == ResultCode.PARAMETER_ERROR


def test_cdt_path_op_bodies_decode() -> None:
    op = decode_path_op(b"\x94\xcc\xfe\x92\x22\xa2\x03a\x14\x91\x64")
    assert op == (( Ctx(0x22, "a"),), 0x14, RemoveResult())
    with pytest.raises(ExprError):
        decode_path_op(b"\x93\xcc\xfe\x92\x22\xa2\x03a\x01\x00")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([encode(ir) for ir, _ in CASES]), st.integers(0, 200), st.integers(0, 255))
def test_mutated_path_bytes_never_raise_anything_else(data: bytes, where: int, byte: int) -> None:
    mutated = bytearray(data)
    mutated[where % len(mutated)] = byte
    with contextlib.suppress(ExprError):
        decode(bytes(mutated))
