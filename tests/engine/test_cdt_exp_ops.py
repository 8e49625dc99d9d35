"""EXP_READ / EXP_MODIFY on records: values, unknown results and the write policy flags."""

from __future__ import annotations

from typing import Any

import pytest

from aerolite.engine.ops import NO_RESULT, Op, OpKind, apply_write, read_op
from aerolite.expr import Apply, BinRead, Expr, ExpType, Val, encode
from aerolite.expr import Op as ExprOp
from aerolite.result_codes import AerospikeResultError, ResultCode
from tests.engine.cdt_helpers import record

CREATE_ONLY, UPDATE_ONLY, ALLOW_DELETE, POLICY_NO_FAIL, EVAL_NO_FAIL = 1, 2, 4, 8, 16
I_PLUS_ONE = Apply(ExprOp.ADD, (BinRead(ExpType.INT, "i"), Val(1)))
MISSING = BinRead(ExpType.INT, "nope")


def wire(expr: Expr, flags: int) -> bytes:
    return b"\x92" + encode(expr) + bytes((flags,))


def test_read_evaluates_against_the_record() -> None:
    rec = record(i=5)
    assert read_op(rec, Op(OpKind.EXP_READ, "r", wire(I_PLUS_ONE, 0))) == 6
    assert read_op(rec, Op(OpKind.EXP_READ, "r", wire(Apply(ExprOp.TTL), 0))) == -1


def test_read_of_unknown_fails_unless_eval_no_fail() -> None:
    rec = record(i=5)
    with pytest.raises(AerospikeResultError) as info:
        read_op(rec, Op(OpKind.EXP_READ, "r", wire(MISSING, 0)))
    assert info.value.code == ResultCode.OP_NOT_APPLICABLE
    assert read_op(rec, Op(OpKind.EXP_READ, "r", wire(MISSING, EVAL_NO_FAIL))) is None


@pytest.mark.parametrize(
    ("bin_name", "expr", "flags", "after"),
    [
        ("w", I_PLUS_ONE, 0, {"i": 5, "w": 6}),
        ("i", I_PLUS_ONE, 0, {"i": 6}),
        ("w", Val({"b": 1, "a": 2}), 0, {"i": 5, "w": {"a": 2, "b": 1}}),
        ("i", Val(None), ALLOW_DELETE, {}),
        ("i", Val(1), CREATE_ONLY | POLICY_NO_FAIL, {"i": 5}),
        ("w", Val(1), UPDATE_ONLY | POLICY_NO_FAIL, {"i": 5}),
        ("w", MISSING, EVAL_NO_FAIL, {"i": 5}),
    ],
)
def test_write(bin_name: str, expr: Expr, flags: int, after: dict[str, Any]) -> None:
    rec = record(i=5)
    assert apply_write(rec, Op(OpKind.EXP_MODIFY, bin_name, wire(expr, flags))) is NO_RESULT
    assert rec.bins == after


@pytest.mark.parametrize(
    ("bin_name", "expr", "flags", "code"),
    [
        ("i", Val(1), CREATE_ONLY, ResultCode.BIN_EXISTS),
        ("w", Val(1), UPDATE_ONLY, ResultCode.BIN_NOT_FOUND),
        ("i", Val(None), 0, ResultCode.OP_NOT_APPLICABLE),
        ("w", MISSING, 0, ResultCode.OP_NOT_APPLICABLE),
    ],
)
def test_write_errors(bin_name: str, expr: Expr, flags: int, code: ResultCode) -> None:
    rec = record(i=5)
    with pytest.raises(AerospikeResultError) as info:
        apply_write(rec, Op(OpKind.EXP_MODIFY, bin_name, wire(expr, flags)))
    assert info.value.code == code


@pytest.mark.parametrize("raw", [b"", b"\x93\x01\x02\x03", b"\x92\xc1\x00", b"\x92\x01\xcc\x80"])
def test_malformed_expression_ops(raw: bytes) -> None:
    with pytest.raises(AerospikeResultError) as info:
        read_op(record(i=5), Op(OpKind.EXP_READ, "r", raw))
    assert info.value.code == ResultCode.PARAMETER_ERROR
