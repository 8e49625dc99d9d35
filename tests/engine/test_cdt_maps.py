"""Map ops on records, with expectations worked out by hand (index order = key order)."""

from __future__ import annotations

from typing import Any

import pytest

from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.values import INF, KeyOrderedMap
from tests.engine.cdt_helpers import modify, read, record

INVERTED = 0x10000
NONE, INDEX, REV_INDEX, RANK, REV_RANK, COUNT, KEY, VALUE, KEY_VALUE, EXISTS = 0, 1, 2, 3, 4, 5, 6, 7, 8, 13
UNORDERED_MAP, ORDERED_MAP = 16, 17
CREATE_ONLY, UPDATE_ONLY, NO_FAIL, PARTIAL = 1, 2, 4, 8
M = {"c": 3, "a": 2, "b": 1, "d": 2}


@pytest.mark.parametrize(
    ("op", "answer"),
    [
        ([96], 4),
        ([97, VALUE, "a"], 2),
        ([97, VALUE, "zz"], None),
        ([97, INDEX, "c"], 2),
        ([97, RANK, "b"], 0),
        ([97, EXISTS, "zz"], False),
        ([97, KEY_VALUE, "a"], {"a": 2}),
        ([98, KEY, -1], "d"),
        ([98, REV_INDEX, 0], 3),
        ([99, KEY, 2], ["a", "d"]),
        ([100, KEY, 0], "b"),
        ([100, VALUE, -1], 3),
        ([102, COUNT, 2], 2),
        ([103, KEY, "b", "d"], ["b", "c"]),
        ([103, VALUE, "c"], [3, 2]),
        ([103, KEY, None, "b"], ["a"]),
        ([104, KEY, 1, 2], ["b", "c"]),
        ([104, UNORDERED_MAP, 2], {"c": 3, "d": 2}),
        ([104, ORDERED_MAP, 0, 1], KeyOrderedMap({"a": 2})),
        ([105, KEY, 2, INF], ["a", "c", "d"]),
        ([106, VALUE, -1], [3]),
        ([107, VALUE, ["d", "a", "x"]], [2, 2]),
        ([108, KEY | INVERTED, [2]], ["b", "c"]),
        ([109, KEY, "b", 1], ["c", "d"]),
        ([109, KEY, "bb", -1, 2], ["b", "c"]),
        ([110, KEY, 2, 1], ["d", "c"]),
    ],
)
def test_reads(op: list[Any], answer: Any) -> None:
    rec = record(m=dict(M))
    assert read(rec, "m", op) == answer
    assert rec.bins["m"] == M


def test_key_value_answers_carry_the_preserve_order_flag() -> None:
    answer = read(record(m={"b": 1, "a": 2}), "m", [103, KEY_VALUE, "a", "c"])
    assert isinstance(answer, KeyOrderedMap)
    assert (answer.flags, list(answer.items())) == (8, [("a", 2), ("b", 1)])


@pytest.mark.parametrize(
    ("op", "answer", "after"),
    [
        ([67, "z", 9, 0], 3, {"b": 1, "a": 2, "z": 9}),
        ([67, "a", 9], 2, {"b": 1, "a": 9}),
        ([68, {"a": 5, "c": 6}], 3, {"b": 1, "a": 5, "c": 6}),
        ([67, "a", 9, 0, CREATE_ONLY | NO_FAIL], 2, {"b": 1, "a": 2}),
        ([67, "z", 9, 0, UPDATE_ONLY | NO_FAIL], 2, {"b": 1, "a": 2}),
        ([68, {"a": 5, "c": 6}, 0, CREATE_ONLY | NO_FAIL], 2, {"b": 1, "a": 2}),
        ([68, {"a": 5, "c": 6}, 0, CREATE_ONLY | NO_FAIL | PARTIAL], 3, {"b": 1, "a": 2, "c": 6}),
        ([65, "c", 1], 3, {"b": 1, "a": 2, "c": 1}),
        ([69, "a", 0], 2, {"b": 1, "a": 0}),
        ([70, {"b": [1]}], 2, {"b": [1], "a": 2}),
        ([73, "a", 10], 12, {"b": 1, "a": 12}),
        ([73, "n"], 1, {"b": 1, "a": 2, "n": 1}),
        ([74, "b", 3], -2, {"b": -2, "a": 2}),
        ([75], None, {}),
        ([76, VALUE, "a"], 2, {"b": 1}),
        ([77, KEY, 0], "a", {"b": 1}),
        ([78, COUNT, 1], 1, {"a": 2}),
        ([79, VALUE, 0], 1, {"a": 2}),
        ([81, NONE, ["a", "b"]], None, {}),
        ([82, KEY, 2], ["a"], {"b": 1}),
        ([83, COUNT, [1, 2]], 2, {}),
        ([84, KEY, "a", "b"], ["a"], {"b": 1}),
        ([85, VALUE, 1], [1], {"a": 2}),
        ([86, KEY, 2, INF], ["a"], {"b": 1}),
        ([87, KEY | INVERTED, 0, 1], ["a"], {"b": 1}),
        ([88, KEY, "a", 1], ["b"], {"a": 2}),
        ([89, KEY, 1, 1, 1], ["a"], {"b": 1}),
    ],
)
def test_writes(op: list[Any], answer: Any, after: dict[Any, Any]) -> None:
    rec = record(m={"b": 1, "a": 2})
    assert modify(rec, "m", op) == answer
    assert list(rec.bins["m"].items()) == list(after.items())


def test_key_ordered_map_stays_sorted() -> None:
    rec = record()
    assert modify(rec, "om", [64, 1]) is None
    assert modify(rec, "om", [68, {"z": 1, "a": 2}, 1]) == 2
    modify(rec, "om", [67, 5, "int"])
    assert isinstance(rec.bins["om"], KeyOrderedMap)
    assert list(rec.bins["om"]) == [5, "a", "z"]
    assert read(rec, "om", [104, KEY_VALUE, 0]) == {5: "int", "a": 2, "z": 1}
    modify(rec, "om", [64, 0])
    assert type(rec.bins["om"]) is dict


def test_put_creates_the_map_with_the_policy_order() -> None:
    rec = record()
    assert modify(rec, "m", [67, "k", 1, 3]) == 1
    assert rec.bins["m"].flags == 3


@pytest.mark.parametrize(
    ("op", "code"),
    [
        ([67, "a", 1, 0, CREATE_ONLY], ResultCode.ELEMENT_EXISTS),
        ([65, "a", 1], ResultCode.ELEMENT_EXISTS),
        ([67, "z", 1, 0, UPDATE_ONLY], ResultCode.ELEMENT_NOT_FOUND),
        ([69, "z", 1], ResultCode.ELEMENT_NOT_FOUND),
        ([67, 1.5, 1], ResultCode.PARAMETER_ERROR),
        ([68, [1, 2]], ResultCode.PARAMETER_ERROR),
        ([73, "a", "x"], ResultCode.PARAMETER_ERROR),
        ([73, "s", 1], ResultCode.BIN_TYPE_ERROR),
        ([77, VALUE, 5], ResultCode.OP_NOT_APPLICABLE),
        ([98, VALUE, 5], ResultCode.OP_NOT_APPLICABLE),
        ([1, 1], ResultCode.BIN_TYPE_ERROR),
        ([255, [0x22, "zz"], [67, "k", 1]], ResultCode.OP_NOT_APPLICABLE),
    ],
)
def test_write_errors_leave_the_map_alone(op: list[Any], code: ResultCode) -> None:
    rec = record(m={"a": 1, "s": "text"})
    with pytest.raises(AerospikeResultError) as info:
        modify(rec, "m", op)
    assert info.value.code == code
    assert rec.bins["m"] == {"a": 1, "s": "text"}


def test_nested_context_reads_and_writes() -> None:
    inner = {"x": 1}
    rec = record(m={"nested": inner, "l": [{"k": 1}]})
    assert modify(rec, "m", [255, [0x22, "nested"], [67, "y", 2]]) == 2
    assert inner == {"x": 1}
    assert read(rec, "m", [255, [0x22, "nested"], [97, VALUE, "y"]]) == 2
    assert modify(rec, "m", [255, [0x22, "l", 0x10, 0], [73, "k", 5]]) == 6
    assert rec.bins["m"]["l"] == [{"k": 6}]


def test_context_create_of_a_key_ordered_map() -> None:
    rec = record()
    assert modify(rec, "m", [255, [0x22 | 0x80, "a"], [67, "z", 1]]) == 1
    created = rec.bins["m"]["a"]
    assert isinstance(created, KeyOrderedMap)
    assert created.flags == 1
