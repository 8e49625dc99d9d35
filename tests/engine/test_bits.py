"""Bit ops on records, with every expectation worked out by hand (bit 0 is the top bit of byte 0)."""

from __future__ import annotations

from typing import Any

import pytest

from aerolite.engine.ops import NO_RESULT, Op, OpKind, apply_write, read_op
from aerolite.engine.record import Record
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.values import Hll

RESIZE, INSERT, REMOVE, SET, OR, XOR, AND, NOT, LSHIFT, RSHIFT, ADD, SUBTRACT, SET_INT = range(13)
GET, COUNT, LSCAN, RSCAN, GET_INT = range(50, 55)
CREATE_ONLY, UPDATE_ONLY, NO_FAIL, PARTIAL = 1, 2, 4, 8
SIGNED, SATURATE, WRAP = 1, 2, 4
FROM_FRONT, GROW_ONLY, SHRINK_ONLY = 1, 2, 4
SAMPLE = bytes([0b1011_0000, 0b1111_1111, 0b0000_0000])


def bits_read(value: Any, op: list[Any]) -> Any:
    return read_op(Record(b"\x00" * 20, "s", None, {"b": value}), Op(OpKind.BITS_READ, "b", op))


def bits_modify(value: Any, op: list[Any]) -> Any:
    """The bin after the op (None when it does not exist); the op itself must not answer."""
    rec = Record(b"\x00" * 20, "s", None, {} if value is None else {"b": value})
    assert apply_write(rec, Op(OpKind.BITS_MODIFY, "b", op)) is NO_RESULT
    return rec.bins.get("b")


def fails(code: ResultCode, run: Any, value: Any, op: list[Any]) -> None:
    with pytest.raises(AerospikeResultError) as info:
        run(value, op)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("op", "answer"),
    [
        ([GET, 0, 12], b"\xb0\xf0"),
        ([GET, 3, 5], b"\x80"),
        ([GET, -8, 8], b"\x00"),
        ([COUNT, 0, 24], 11),
        ([COUNT, 2, 8], 4),
        ([LSCAN, 0, 24, True], 0),
        ([LSCAN, 1, 23, True], 1),
        ([LSCAN, 0, 24, False], 1),
        ([LSCAN, 16, 8, True], -1),
        ([RSCAN, 0, 24, True], 15),
        ([RSCAN, 0, 24, False], 23),
        ([RSCAN, 8, 8, False], -1),
        ([GET_INT, 8, 8], 255),
        ([GET_INT, 8, 8, SIGNED], -1),
        ([GET_INT, 0, 4], 11),
        ([GET_INT, 0, 4, SIGNED], -5),
    ],
)
def test_reads(op: list[Any], answer: Any) -> None:
    assert bits_read(SAMPLE, op) == answer


def test_unsigned_64_bit_read_answers_a_signed_integer_like_a_node() -> None:
    assert bits_read(b"\xff" * 8, [GET_INT, 0, 64]) == -1


def test_read_of_missing_bin_is_nil() -> None:
    assert bits_read(None, [GET, 0, 8]) is None


@pytest.mark.parametrize(
    ("code", "value", "op"),
    [
        (ResultCode.OP_NOT_APPLICABLE, SAMPLE, [GET, 20, 8]),
        (ResultCode.OP_NOT_APPLICABLE, SAMPLE, [COUNT, 24, 1]),
        (ResultCode.PARAMETER_ERROR, SAMPLE, [GET, -25, 8]),
        (ResultCode.PARAMETER_ERROR, SAMPLE, [GET, 0, 0]),
        (ResultCode.PARAMETER_ERROR, SAMPLE, [GET_INT, 0, 65]),
        (ResultCode.PARAMETER_ERROR, SAMPLE, [GET_INT, 0, 8, SATURATE]),
        (ResultCode.PARAMETER_ERROR, SAMPLE, [LSCAN, 0, 8, 1]),
        (ResultCode.PARAMETER_ERROR, SAMPLE, [SET, 0, 8, b"\x01"]),
        (ResultCode.PARAMETER_ERROR, SAMPLE, [GET, 0]),
        (ResultCode.PARAMETER_ERROR, SAMPLE, "not an op"),
        (ResultCode.BIN_TYPE_ERROR, 7, [GET, 0, 8]),
        (ResultCode.BIN_TYPE_ERROR, "text", [GET, 0, 8]),
        (ResultCode.BIN_TYPE_ERROR, Hll(bytes(11)), [GET, 0, 8]),
    ],
)
def test_read_failures(code: ResultCode, value: Any, op: Any) -> None:
    fails(code, bits_read, value, op)


@pytest.mark.parametrize(
    ("before", "op", "after"),
    [
        (b"\x01\x02", [RESIZE, 4], b"\x01\x02\x00\x00"),
        (b"\x01\x02", [RESIZE, 4, 0, FROM_FRONT], b"\x00\x00\x01\x02"),
        (b"\x01\x02", [RESIZE, 1], b"\x01"),
        (b"\x01\x02", [RESIZE, 1, 0, FROM_FRONT], b"\x02"),
        (b"\x01\x02", [RESIZE, 1, NO_FAIL, GROW_ONLY], b"\x01\x02"),
        (b"\x01\x02", [RESIZE, 0], b""),
        (None, [RESIZE, 2], b"\x00\x00"),
        (None, [RESIZE, 0], None),
        (b"\x01\x02", [INSERT, 1, b"\xaa"], b"\x01\xaa\x02"),
        (b"\x01\x02", [INSERT, -1, b"\xaa\xbb"], b"\x01\xaa\xbb\x02"),
        (b"\x01\x02", [INSERT, 4, b"\xaa"], b"\x01\x02\x00\x00\xaa"),
        (None, [INSERT, 1, b"\xaa"], b"\x00\xaa"),
        (b"\x01\x02\x03", [REMOVE, 0, 1], b"\x02\x03"),
        (b"\x01\x02\x03", [REMOVE, -2, 1], b"\x01\x03"),
        (b"\x01\x02\x03", [REMOVE, 1, 5, PARTIAL], b"\x01"),
        (b"\x01\x02\x03", [REMOVE, 1, 5, NO_FAIL], b"\x01\x02\x03"),
        (b"\x00\x00", [SET, 4, 8, b"\xff"], b"\x0f\xf0"),
        (b"\x00\x00", [SET, 4, 4, b"\xa0\xff"], b"\x0a\x00"),
        (b"\xf0\x0f", [OR, 0, 16, b"\x0f\xf0"], b"\xff\xff"),
        (b"\xf0\x0f", [XOR, 0, 16, b"\xff\x00"], b"\x0f\x0f"),
        (b"\xf0\x0f", [AND, 0, 8, b"\x3c"], b"\x30\x0f"),
        (b"\x00\x00", [NOT, 4, 8], b"\x0f\xf0"),
        (b"\xb1\x00", [LSHIFT, 0, 8, 3], b"\x88\x00"),
        (b"\xab\xcd", [LSHIFT, 4, 8, 4], b"\xac\x0d"),
        (b"\xab\xcd", [RSHIFT, 4, 8, 4], b"\xa0\xbd"),
        (b"\xff", [LSHIFT, 0, 8, 9], b"\x00"),
        (b"\x00\x00", [SET, 12, 8, b"\xff", PARTIAL], b"\x00\x0f"),
        (b"\x00\x00", [SET, 12, 8, b"\xff", NO_FAIL], b"\x00\x00"),
        (b"\x00\x00", [NOT, -4, 4], b"\x00\x0f"),
        (b"\xfe", [ADD, 0, 8, 1], b"\xff"),
        (b"\xff", [ADD, 0, 8, 2, 0, SATURATE], b"\xff"),
        (b"\xff", [ADD, 0, 8, 2, 0, WRAP], b"\x01"),
        (b"\xff", [ADD, 0, 8, 2, NO_FAIL], b"\xff"),
        (b"\x7f", [ADD, 0, 8, 1, 0, SIGNED | SATURATE], b"\x7f"),
        (b"\x7f", [ADD, 0, 8, 1, 0, SIGNED | WRAP], b"\x80"),
        (b"\x80", [ADD, 0, 8, -1, 0, SIGNED | SATURATE], b"\x80"),
        (b"\x80", [ADD, 0, 8, -128, 0, SIGNED], b"\x00"),
        (b"\x00", [SUBTRACT, 0, 8, 1, 0, SATURATE], b"\x00"),
        (b"\x00", [SUBTRACT, 0, 8, 1, 0, WRAP], b"\xff"),
        (b"\x80", [SUBTRACT, 0, 8, 1, 0, SIGNED | SATURATE], b"\x80"),
        (b"\x05", [SUBTRACT, 0, 8, 7, 0, SIGNED], b"\xfe"),
        (b"\x00\x00", [ADD, 4, 8, 0x11], b"\x01\x10"),
        (b"\x00\x00", [SET_INT, 4, 8, 0x1FF], b"\x0f\xf0"),
        (b"\x00", [SET_INT, 0, 8, -1], b"\xff"),
        (None, [SET, 0, 8, b"\x01", NO_FAIL], None),
        (b"\x01", [RESIZE, 4, CREATE_ONLY | NO_FAIL], b"\x01"),
    ],
)
def test_modifies(before: bytes | None, op: list[Any], after: bytes | None) -> None:
    assert bits_modify(before, op) == after


@pytest.mark.parametrize(
    ("code", "value", "op"),
    [
        (ResultCode.PARAMETER_ERROR, b"\x01\x02", [RESIZE, 1, 0, GROW_ONLY]),
        (ResultCode.PARAMETER_ERROR, b"\x01\x02", [RESIZE, 3, 0, SHRINK_ONLY]),
        (ResultCode.PARAMETER_ERROR, b"\x01\x02", [RESIZE, 3, 0, GROW_ONLY | SHRINK_ONLY]),
        (ResultCode.PARAMETER_ERROR, b"\x01\x02\x03", [REMOVE, 1, 5]),
        (ResultCode.PARAMETER_ERROR, b"\x01\x02\x03", [REMOVE, 3, 1]),
        (ResultCode.PARAMETER_ERROR, None, [INSERT, -1, b"\x01"]),
        (ResultCode.PARAMETER_ERROR, b"\x00\x00", [NOT, -17, 1]),
        (ResultCode.PARAMETER_ERROR, b"\x00\x00", [SET, 0, 16, b"\x01"]),
        (ResultCode.PARAMETER_ERROR, b"\x00\x00", [SET, 0, 8, b""]),
        (ResultCode.PARAMETER_ERROR, b"\x00\x00", [SET, 0, 8, b"\x01", 16]),
        (ResultCode.PARAMETER_ERROR, b"\x00\x00", [ADD, 0, 8, 1, PARTIAL]),
        (ResultCode.PARAMETER_ERROR, b"\x00\x00", [ADD, 0, 8, 1, 0, SATURATE | WRAP]),
        (ResultCode.PARAMETER_ERROR, b"\x00\x00", [RESIZE, 1, CREATE_ONLY | UPDATE_ONLY]),
        (ResultCode.PARAMETER_ERROR, b"\x00\x00", [SET_INT, 0, 0, 1]),
        (ResultCode.PARAMETER_ERROR, b"\x00\x00", [GET, 0, 8]),
        (ResultCode.PARAMETER_ERROR, b"\x00\x00", [99]),
        (ResultCode.PARAMETER_ERROR, b"\x00\x00", [SET, 0]),
        (ResultCode.OP_NOT_APPLICABLE, b"\x00\x00", [SET, 12, 8, b"\xff"]),
        (ResultCode.OP_NOT_APPLICABLE, b"\x00\x00", [NOT, 16, 1, PARTIAL]),
        (ResultCode.OP_NOT_APPLICABLE, b"\x00\x00", [ADD, 12, 8, 1]),
        (ResultCode.OP_NOT_APPLICABLE, b"\xff", [ADD, 0, 8, 2]),
        (ResultCode.OP_NOT_APPLICABLE, b"\x7f", [ADD, 0, 8, 1, 0, SIGNED]),
        (ResultCode.OP_NOT_APPLICABLE, b"\x00", [SUBTRACT, 0, 8, 1]),
        (ResultCode.OP_NOT_APPLICABLE, b"\x80", [SUBTRACT, 0, 8, 1, 0, SIGNED]),
        (ResultCode.BIN_EXISTS, b"\x01", [RESIZE, 4, CREATE_ONLY]),
        (ResultCode.BIN_NOT_FOUND, None, [RESIZE, 4, UPDATE_ONLY]),
        (ResultCode.BIN_NOT_FOUND, None, [SET, 0, 8, b"\x01"]),
        (ResultCode.BIN_TYPE_ERROR, 5, [RESIZE, 4]),
        (ResultCode.BIN_TYPE_ERROR, Hll(bytes(11)), [NOT, 0, 8]),
    ],
)
def test_modify_failures(code: ResultCode, value: Any, op: list[Any]) -> None:
    fails(code, bits_modify, value, op)


def test_failed_op_leaves_the_stored_blob_alone() -> None:
    stored = b"\xff"
    rec = Record(b"\x00" * 20, "s", None, {"b": stored})
    with pytest.raises(AerospikeResultError):
        apply_write(rec, Op(OpKind.BITS_MODIFY, "b", [ADD, 0, 8, 1]))
    assert rec.bins["b"] is stored
