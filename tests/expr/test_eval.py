"""Evaluation semantics of compiled IR on concrete records: three-valued logic, arithmetic edge
cases, metadata units, CDT selectors and compile-time rejection."""

from __future__ import annotations

import time

import pytest

from aerolite.engine.record import Record
from aerolite.expr import (
    UNKNOWN,
    Apply,
    BinRead,
    BinType,
    CdtRead,
    Expr,
    ExprError,
    ExpType,
    KeyRead,
    ListOp,
    MapOp,
    Op,
    ReturnType,
    Val,
    Var,
    compile_filter,
    compile_value,
)
from aerolite.expr.codes import INVERTED

INT_T, STR_T = ExpType.INT, ExpType.STRING


def rec(**bins: object) -> Record:
    now = time.time()
    return Record(bytes(range(20)), "s", 7, dict(bins), 1, int(now) + 100 - 1262304000, int((now - 5) * 1e9))


def value(e: object, **bins: object) -> object:
    return compile_value(e)(rec(**bins))  # type: ignore[arg-type]


@pytest.mark.parametrize(("e", "expected"), [
    (Apply(Op.AND, (Val(True), Apply(Op.UNKNOWN))), UNKNOWN),
    (Apply(Op.AND, (Val(False), Apply(Op.UNKNOWN))), False),
    (Apply(Op.OR, (Apply(Op.UNKNOWN), Val(True))), True),
    (Apply(Op.OR, (Apply(Op.UNKNOWN), Val(False))), UNKNOWN),
    (Apply(Op.NOT, (Apply(Op.UNKNOWN),)), UNKNOWN),
    (Apply(Op.EXCLUSIVE, (Val(True), Val(False), Val(False))), True),
    (Apply(Op.ADD, (Val(2**63 - 1), Val(1))), -(2**63)),
    (Apply(Op.DIV, (Val(-7), Val(2))), -3),
    (Apply(Op.DIV, (Val(1.0), Val(0.0))), UNKNOWN),
    (Apply(Op.SUB, (Val(5),)), -5),
    (Apply(Op.MOD, (Val(7), Val(-3))), 1),
    (Apply(Op.POW, (Val(10.0), Val(400.0))), UNKNOWN),
    (Apply(Op.TO_INT, (Val(-2.7),)), -2),
    (Apply(Op.INT_RSHIFT, (Val(-1), Val(63))), 1),
    (Apply(Op.INT_COUNT, (Val(-1),)), 64),
    (Apply(Op.INT_RSCAN, (Val(1), Val(True))), 63),
    (Apply(Op.MIN, (Val(3), Val(1), Val(2))), 1),
    (Apply(Op.TTL), 100),
    (Apply(Op.SET_NAME), "s"),
    (Apply(Op.KEY_EXISTS), True),
    (KeyRead(INT_T), 7),
    (KeyRead(STR_T), UNKNOWN),
    (Apply(Op.DIGEST_MODULO, (Val(7),)), int.from_bytes(bytes(range(16, 20)), "little") % 7),
    (BinType("missing"), 0),
    (Apply(Op.COND, (Apply(Op.UNKNOWN), Val(1), Val(2))), UNKNOWN),
])
def test_values(e: object, expected: object) -> None:
    got = value(e)
    assert got == expected and type(got) is type(expected)


def test_since_update_and_void_time_units() -> None:
    r = rec()
    assert 4900 <= compile_value(Apply(Op.SINCE_UPDATE))(r) <= 6000
    assert compile_value(Apply(Op.VOID_TIME))(r) == (r.void_time + 1262304000) * 10**9
    assert compile_value(Apply(Op.VOID_TIME))(Record(bytes(20), "s")) == -1


L = BinRead(ExpType.LIST, "l")
M = BinRead(ExpType.MAP, "m")
NUMS = [7, 3, 9, 3, 5]
COUNTS = {"d": 3, "a": 5, "c": 8, "b": 1}


@pytest.mark.parametrize(("op", "rt", "args", "result_type", "expected"), [
    (ListOp.GET_BY_INDEX, ReturnType.VALUE, (1,), INT_T, 3),
    (ListOp.GET_BY_INDEX, ReturnType.REVERSE_INDEX, (1,), INT_T, 3),
    (ListOp.GET_BY_RANK, ReturnType.INDEX, (-1,), INT_T, 2),
    (ListOp.GET_BY_RANK, ReturnType.REVERSE_RANK, (0,), INT_T, 4),
    (ListOp.GET_ALL_BY_VALUE, ReturnType.INDEX, (3,), ExpType.LIST, [1, 3]),
    (ListOp.GET_BY_INDEX_RANGE, ReturnType.VALUE | INVERTED, (1, 2), ExpType.LIST, [7, 3, 5]),
    (ListOp.GET_BY_RANK_RANGE, ReturnType.VALUE, (-2,), ExpType.LIST, [7, 9]),
    (ListOp.GET_BY_VALUE_INTERVAL, ReturnType.COUNT, (None, 6), INT_T, 3),
    (ListOp.GET_BY_VALUE_REL_RANK_RANGE, ReturnType.VALUE, (6, 0, 2), ExpType.LIST, [7, 9]),
    (ListOp.GET_BY_VALUE_LIST, ReturnType.RANK, ([9, 7],), ExpType.LIST, [3, 4]),
])
def test_list_reads(op: int, rt: int, args: tuple[object, ...], result_type: ExpType, expected: object) -> None:
    e = CdtRead(result_type, op, rt, tuple(Val(a) for a in args), L)
    assert value(e, l=NUMS) == expected


@pytest.mark.parametrize(("op", "rt", "args", "result_type", "expected"), [
    (MapOp.GET_BY_KEY, ReturnType.INDEX, ("c",), INT_T, 2),
    (MapOp.GET_BY_INDEX, ReturnType.KEY, (0,), STR_T, "a"),
    (MapOp.GET_BY_RANK, ReturnType.KEY, (-1,), STR_T, "c"),
    (MapOp.GET_BY_KEY_INTERVAL, ReturnType.KEY_VALUE, ("b", "d"), ExpType.MAP, {"b": 1, "c": 8}),
    (MapOp.GET_BY_KEY_LIST, ReturnType.VALUE | INVERTED, (["a", "c"],), ExpType.LIST, [1, 3]),
    (MapOp.GET_BY_VALUE_INTERVAL, ReturnType.KEY, (3, 8), ExpType.LIST, ["a", "d"]),
    (MapOp.GET_BY_KEY_REL_INDEX_RANGE, ReturnType.KEY, ("b", 1), ExpType.LIST, ["c", "d"]),
    (MapOp.GET_BY_RANK_RANGE, ReturnType.VALUE, (0, 2), ExpType.LIST, [1, 3]),
    (MapOp.GET_BY_KEY, ReturnType.VALUE, ("zz",), INT_T, UNKNOWN),
])
def test_map_reads(op: int, rt: int, args: tuple[object, ...], result_type: ExpType, expected: object) -> None:
    e = CdtRead(result_type, op, rt, tuple(Val(a) for a in args), M)
    assert value(e, m=COUNTS) == expected


@pytest.mark.parametrize("bad", [
    Apply(Op.ADD, (BinRead(INT_T, "a"), Val(1.5))),
    Apply(Op.EQ, (BinRead(STR_T, "a"), Val(1))),
    Apply(Op.NOT, (Val(1),)),
    Apply(Op.POW, (Val(2), Val(3))),
    Apply(Op.DIGEST_MODULO, (Val(0),)),
    Apply(Op.COND, (Val(True), Val(1))),
    Var("nope"),
    CdtRead(INT_T, ListOp.SIZE, None, (), M),
])
def test_compile_time_errors(bad: object) -> None:
    with pytest.raises(ExprError):
        compile_filter(bad)  # type: ignore[arg-type]


def test_runtime_type_mix_through_a_variable_is_unknown() -> None:
    from aerolite.expr import Let
    e = Let((("x", Apply(Op.COND, (BinRead(ExpType.BOOL, "f"), BinRead(INT_T, "i"), BinRead(INT_T, "j")))),),
            Apply(Op.ADD, (Var("x"), Val(1))))
    assert value(e, f=True, i=1, j=2) == 2
    assert value(e, f=True, j=2) is UNKNOWN


def _cmp(op: Op, name: str, t: ExpType, v: object, literal_left: bool = False) -> Expr:
    pair = (Val(v), BinRead(t, name)) if literal_left else (BinRead(t, name), Val(v))
    return Apply(op, pair)


@pytest.mark.parametrize("junction", [Op.AND, Op.OR])
@pytest.mark.parametrize("args", [
    (_cmp(Op.GT, "a", ExpType.INT, 1), _cmp(Op.EQ, "s", ExpType.STRING, "x"), _cmp(Op.LE, "f", ExpType.FLOAT, 2.5)),
    (_cmp(Op.LT, "a", ExpType.INT, 5, True), Apply(Op.GT, (Apply(Op.ADD, (BinRead(ExpType.INT, "a"), Val(1))), Val(2))),
     _cmp(Op.NE, "b", ExpType.BOOL, True)),
    (Apply(Op.NOT, (_cmp(Op.EQ, "s", ExpType.STRING, "x"),)), _cmp(Op.GE, "a", ExpType.INT, 2),
     Apply(Op.IS_TOMBSTONE), _cmp(Op.EQ, "b", ExpType.BOOL, False)),
])
def test_chained_junctions_select_exactly_when_the_value_is_true(junction: Op, args: tuple[Expr, ...]) -> None:
    """Bin-versus-literal tests chained into their successors keep and/or's three-valued verdict."""
    pred, value = compile_filter(Apply(junction, args)), compile_value(Apply(junction, args))
    for bins in ({}, {"a": 3, "s": "x", "f": 1.0, "b": False}, {"a": 0, "s": "y", "f": 9.5, "b": True},
                 {"a": "3", "s": 1, "f": 2, "b": 0}, {"a": 9}):
        r = Record(bytes(20), "s", None, bins, 1, 0, 0)
        assert pred(r) is (value(r) is True), bins
