"""String bin operations on a record: wire-shape checks, write flags and result codes."""

from __future__ import annotations

from typing import Any

import pytest

from aerolite.engine.ops import Op, OpKind, apply_write, read_op
from aerolite.engine.record import Record
from aerolite.result_codes import AerospikeResultError, ResultCode


def record(**bins: Any) -> Record:
    return Record(b"\0" * 20, "s", None, dict(bins), 1)


def read(rec: Record, raw: Any, name: str = "s") -> Any:
    return read_op(rec, Op(OpKind.STRING_READ, name, raw))


def modify(rec: Record, raw: Any, name: str = "s") -> None:
    apply_write(rec, Op(OpKind.STRING_MODIFY, name, raw))


def code(fn: Any, *args: Any) -> int:
    with pytest.raises(AerospikeResultError) as info:
        fn(*args)
    return int(info.value.code)


@pytest.mark.parametrize(("raw", "modify_op"), [
    ([99], False),                      # unknown function
    ([56, 0], False),                   # a modify sent as a read
    ([0], True),                        # a read sent as a modify
    ([1], False),                       # substr needs a start
    ([0, 1], False),                    # strlen takes nothing
    ([1, "1"], False),                  # a string where an int goes
    ([54, "a", 0], True),               # replace wants a [needle, replacement] pair
    ([54, ["a"], 0], True),
    ([56, 8], True),                    # unknown write flag
    ([56, 3], True),                    # CREATE_ONLY with UPDATE_ONLY
    ([56, 1], True),                    # CREATE_ONLY on a non-additive op
    ([0xFF, [0x10, 0], [67, "x", 1]], True),  # CREATE_ONLY with a context
    ("not an op", False),
])
def test_malformed_ops_are_parameter_errors(raw: Any, modify_op: bool) -> None:
    rec = record(s="abc", l=["x"])
    fn = modify if modify_op else read
    assert code(fn, rec, raw, "l" if isinstance(raw, list) and raw and raw[0] == 0xFF else "s") == ResultCode.PARAMETER_ERROR
    assert rec.bins == {"s": "abc", "l": ["x"]}


def test_reads_and_modifies_follow_the_table() -> None:
    rec = record(s="Grüße", l=[{"k": "ab"}])
    assert read(rec, [0]) == 5 and read(rec, [9]) == 7
    assert read(rec, [0xFF, [0x10, 0, 0x22, "k"], [0]], "l") == 2
    modify(rec, [56, 0])
    modify(rec, [0xFF, [0x10, 0, 0x22, "k"], [63, 4, "-", 0]], "l")
    assert rec.bins == {"s": "GRÜSSE", "l": [{"k": "--ab"}]}
    assert read(rec, [0], "missing") is None


def test_missing_bins_and_flags() -> None:
    rec = record(s="x", n=1)
    modify(rec, [57, 0], "gone")          # non-additive: stays missing
    modify(rec, [67, "a", 2], "gone")     # UPDATE_ONLY: stays missing
    modify(rec, [67, "a", 0], "new")      # additive: built from ""
    assert rec.bins == {"s": "x", "n": 1, "new": "a"}
    assert code(modify, rec, [67, "y", 1]) == ResultCode.BIN_EXISTS
    modify(rec, [67, "y", 5])             # CREATE_ONLY | NO_FAIL on a live bin: no-op
    assert code(modify, rec, [56, 4], "n") == ResultCode.BIN_TYPE_ERROR  # NO_FAIL keeps type errors
    assert code(read, rec, [7]) == ResultCode.OP_NOT_APPLICABLE
    assert rec.bins["s"] == "x"


def test_to_string_is_a_read() -> None:
    rec = record(i=7, b=b"\xff", f=0.1)
    assert read_op(rec, Op(OpKind.TO_STRING, "i")) == "7"
    assert read_op(rec, Op(OpKind.TO_STRING, "f")) == "0.1"
    assert read_op(rec, Op(OpKind.TO_STRING, "none")) is None
    assert code(read_op, rec, Op(OpKind.TO_STRING, "b")) == ResultCode.OP_NOT_APPLICABLE
    assert rec.bins["i"] == 7
