"""List ops on records, with expectations worked out by hand from the node's documented semantics."""

from __future__ import annotations

from typing import Any

import pytest

from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.values import INF, OrderedList
from tests.engine.cdt_helpers import modify, read, record

INVERTED = 0x10000
NONE, INDEX, REV_INDEX, RANK, REV_RANK, COUNT, VALUE, EXISTS = 0, 1, 2, 3, 4, 5, 7, 13
ADD_UNIQUE, INSERT_BOUNDED, NO_FAIL, PARTIAL = 1, 2, 4, 8


def fails(code: ResultCode, fn: Any, *args: Any) -> None:
    with pytest.raises(AerospikeResultError) as info:
        fn(*args)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("op", "answer"),
    [
        ([16], 5),
        ([17, 1], 1),
        ([17, -1], 2),
        ([18, 1, 2], [1, 4]),
        ([18, 3], [1, 2]),
        ([19, VALUE, 0], 3),
        ([19, INDEX, -1], 4),
        ([19, REV_INDEX, 0], 4),
        ([19, RANK, 0], 3),
        ([19, REV_RANK, 0], 1),
        ([19, VALUE | INVERTED, 0], [1, 4, 1, 2]),
        ([21, VALUE, 0], 1),
        ([21, INDEX, -1], 2),
        ([22, INDEX, 1], [1, 3]),
        ([22, COUNT, 1], 2),
        ([22, EXISTS, 7], False),
        ([22, NONE, 1], None),
        ([23, VALUE, [4, 2]], [4, 2]),
        ([23, COUNT | INVERTED, [1]], 3),
        ([24, VALUE, 1, 2], [1, 4]),
        ([24, VALUE, -2], [1, 2]),
        ([24, VALUE, 9], []),
        ([25, VALUE, 2, 4], [3, 2]),
        ([25, VALUE, 3, INF], [3, 4]),
        ([25, VALUE, None, 2], [1, 1]),
        ([26, VALUE, -2], [3, 4]),
        ([26, VALUE, 0, 2], [1, 1]),
        ([26, INDEX, 3, 2], [0, 2]),
        ([27, VALUE, 2, 1], [3, 4]),
        ([27, VALUE, 2, -1, 2], [1, 2]),
    ],
)
def test_reads(op: list[Any], answer: Any) -> None:
    rec = record(l=[3, 1, 4, 1, 2])
    assert read(rec, "l", op) == answer
    assert rec.bins["l"] == [3, 1, 4, 1, 2]


def test_rank_range_in_the_lower_half_answers_in_heap_order() -> None:
    # What a real node answered (golden cdt_list_map): ranks 0..1 of [3, 1, 2, 9] → [2, 1].
    assert read(record(l=[3, 1, 2, 9]), "l", [26, VALUE, 0, 2]) == [2, 1]
    assert read(record(l=OrderedList([1, 2, 3, 9])), "l", [26, VALUE, 0, 2]) == [1, 2]


@pytest.mark.parametrize(
    ("op", "answer", "after"),
    [
        ([1, 9, 0, 0], 4, [3, 1, 2, 9]),
        ([2, [7, 8]], 5, [3, 1, 2, 7, 8]),
        ([3, 1, "x", 0], 4, [3, "x", 1, 2]),
        ([3, -1, "x"], 4, [3, 1, "x", 2]),
        ([3, 5, "x"], 6, [3, 1, 2, None, None, "x"]),
        ([4, 0, [7, 8]], 5, [7, 8, 3, 1, 2]),
        ([5, 0], 3, [1, 2]),
        ([6, 1], [1, 2], [3]),
        ([6, 0, 2], [3, 1], [2]),
        ([7, -1], 1, [3, 1]),
        ([8, 1, 5], 2, [3]),
        ([9, 1, "y"], None, [3, "y", 2]),
        ([9, 4, "y"], None, [3, 1, 2, None, "y"]),
        ([10, 1, 1], 2, [1]),
        ([11], None, []),
        ([12, 0, 10], 13, [13, 1, 2]),
        ([12, 2], 3, [3, 1, 3]),
        ([12, 1, 1.5], 2, [3, 2, 2]),
        ([13, 0], None, [1, 2, 3]),
        ([13, 1], None, [3, 2, 1]),
        ([32, VALUE, 0], 3, [1, 2]),
        ([33, COUNT, 1], 1, [3, 2]),
        ([34, VALUE, -1], 3, [1, 2]),
        ([35, NONE, 2], None, [3, 1]),
        ([36, INDEX, [3, 2]], [0, 2], [1]),
        ([37, VALUE, 1], [1, 2], [3]),
        ([38, COUNT, 2, INF], 2, [1]),
        ([39, VALUE | INVERTED, 0, 1], [3, 2], [1]),
        ([40, RANK, 2, 0, 1], [1], [3, 1]),
        ([0, 1], None, OrderedList([1, 2, 3])),
    ],
)
def test_writes(op: list[Any], answer: Any, after: Any) -> None:
    rec = record(l=[3, 1, 2])
    assert modify(rec, "l", op) == answer
    assert rec.bins["l"] == after
    assert type(rec.bins["l"]) is type(after)


def test_write_never_touches_the_stored_value() -> None:
    stored = [3, [1, 2]]
    rec = record(l=stored)
    modify(rec, "l", [255, [0x10, 1], [1, 9]])
    assert stored == [3, [1, 2]]
    assert rec.bins["l"] == [3, [1, 2, 9]]


def test_ordered_list_keeps_value_order() -> None:
    rec = record()
    modify(rec, "l", [0, 1])
    assert modify(rec, "l", [2, [5, "a", 1, 3]]) == 4
    modify(rec, "l", [1, 2])
    assert rec.bins["l"] == OrderedList([1, 2, 3, 5, "a"])
    assert modify(rec, "l", [12, 0, 10]) == 11
    assert rec.bins["l"] == OrderedList([2, 3, 5, 11, "a"])
    fails(ResultCode.OP_NOT_APPLICABLE, modify, rec, "l", [3, 0, 7])
    fails(ResultCode.OP_NOT_APPLICABLE, modify, rec, "l", [9, 0, 7])


def test_append_creates_the_bin_with_the_policy_order() -> None:
    rec = record()
    assert modify(rec, "l", [1, 5, 1, 0]) == 1
    assert type(rec.bins["l"]) is OrderedList


@pytest.mark.parametrize(
    ("op", "answer", "after"),
    [
        ([1, 2, 0, ADD_UNIQUE | NO_FAIL], 3, [1, 2, 3]),
        ([2, [4, 2], 0, ADD_UNIQUE | NO_FAIL], 3, [1, 2, 3]),
        ([2, [4, 2, 4], 0, ADD_UNIQUE | NO_FAIL | PARTIAL], 4, [1, 2, 3, 4]),
        ([3, 9, 0, INSERT_BOUNDED | NO_FAIL], 3, [1, 2, 3]),
        ([3, 3, 0, INSERT_BOUNDED], 4, [1, 2, 3, 0]),
        ([9, 3, 0, INSERT_BOUNDED | NO_FAIL], None, [1, 2, 3]),
    ],
)
def test_write_flags(op: list[Any], answer: Any, after: list[Any]) -> None:
    rec = record(l=[1, 2, 3])
    assert modify(rec, "l", op) == answer
    assert rec.bins["l"] == after


@pytest.mark.parametrize(
    ("op", "code"),
    [
        ([1, 2, 0, ADD_UNIQUE], ResultCode.ELEMENT_EXISTS),
        ([2, [5, 5], 0, ADD_UNIQUE], ResultCode.ELEMENT_EXISTS),
        ([9, 0, 3, ADD_UNIQUE], ResultCode.ELEMENT_EXISTS),
        ([3, 4, 0, INSERT_BOUNDED], ResultCode.OP_NOT_APPLICABLE),
        ([3, -4, 0], ResultCode.OP_NOT_APPLICABLE),
        ([5, 3], ResultCode.OP_NOT_APPLICABLE),
        ([7, -4], ResultCode.OP_NOT_APPLICABLE),
        ([32, VALUE, 3], ResultCode.OP_NOT_APPLICABLE),
        ([12, 0, "x"], ResultCode.PARAMETER_ERROR),
        ([50], ResultCode.PARAMETER_ERROR),
        ([1], ResultCode.PARAMETER_ERROR),
        ([19, 7, "0"], ResultCode.PARAMETER_ERROR),
        ([255, [0x10, 7], [1, 1]], ResultCode.OP_NOT_APPLICABLE),
        ([255, [0x22, "k"], [1, 1]], ResultCode.BIN_TYPE_ERROR),
        ([64, 1], ResultCode.BIN_TYPE_ERROR),
        ("nope", ResultCode.PARAMETER_ERROR),
    ],
)
def test_write_errors_leave_the_list_alone(op: Any, code: ResultCode) -> None:
    rec = record(l=[1, 2, 3])
    fails(code, modify, rec, "l", op)
    assert rec.bins["l"] == [1, 2, 3]


def test_errors_as_a_node_answers_them() -> None:
    rec = record(m={"a": 1}, i=5, l=[3, 1, 2, 9])
    fails(ResultCode.BIN_TYPE_ERROR, read, rec, "m", [16])
    fails(ResultCode.BIN_TYPE_ERROR, modify, rec, "i", [1, 1, 0, 0])
    fails(ResultCode.OP_NOT_APPLICABLE, read, rec, "l", [19, VALUE, 99])
    fails(ResultCode.PARAMETER_ERROR, read, rec, "l", [1, 5])
    assert read(rec, "missing", [16]) is None


def test_missing_bin_is_left_missing_by_removes() -> None:
    rec = record()
    assert modify(rec, "l", [35, COUNT, 1]) is None
    assert modify(rec, "l", [11]) is None
    assert rec.bins == {}


def test_context_create_builds_missing_levels() -> None:
    rec = record()
    assert modify(rec, "l", [255, [0x22 | 0x40, "a", 0x10 | 0x80, 2], [1, 7]]) == 1
    assert rec.bins["l"] == {"a": [None, None, [7]]}
    fails(ResultCode.OP_NOT_APPLICABLE, modify, rec, "l", [255, [0x22, "a", 0x10 | 0x40, 9], [1, 7]])


@pytest.mark.parametrize(
    ("ctx", "answer"),
    [
        ([0x10, -1], [5, 6]),
        ([0x11, 0], [1]),
        ([0x13, [1]], [1]),
        ([0x10, 1, 0x10, 0], [3, 4]),
    ],
)
def test_context_steps(ctx: list[Any], answer: Any) -> None:
    rec = record(l=[[1], [[3, 4], 9], [5, 6]])
    assert read(rec, "l", [255, ctx, [18, 0]]) == answer
