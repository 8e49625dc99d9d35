"""AEL string methods: spellings, argument forms, and caret errors for misuse."""

from __future__ import annotations

import pytest

from aerolite.ael import AelSyntaxError, parse, to_text
from aerolite.expr import Apply, BinRead, ExpType, Op, StrCall, StrOp, Val

S = BinRead(ExpType.STRING, "s")


@pytest.mark.parametrize(("text", "ir"), [
    ("$.s:STRING.strlen()", StrCall(StrOp.STRLEN, (), S)),
    ("$.s.upper()", StrCall(StrOp.UPPER, (Val(0),), S)),  # a string method types an unpinned bin
    ("$.s:STRING.substr(to: 3, from: 1)", StrCall(StrOp.SUBSTR, (Val(1), Val(3)), S)),
    ("$.s:STRING.find('a', occurrence: -1)", StrCall(StrOp.FIND, (Val("a"), Val(-1)), S)),
    ("$.s:STRING.splice(2, 'x')", StrCall(StrOp.INSERT, (Val(2), Val("x"), Val(0)), S)),
    ("$.s:STRING.concat('x')", StrCall(StrOp.CONCAT, (Val(["x"]), Val(0)), S)),
    ("$.s:STRING.snip(from: 2)", StrCall(StrOp.SNIP, (Val(2),), S)),
    ("$.s:STRING.toInt()", StrCall(StrOp.TO_INTEGER, (), S)),
    ("$.s:STRING.trim().toFloat()", StrCall(StrOp.TO_DOUBLE, (), StrCall(StrOp.TRIM, (Val(0),), S))),
    ("$.f:FLOAT.toInt()", Apply(Op.TO_INT, (BinRead(ExpType.FLOAT, "f"),))),  # numbers keep the cast
    ("$.n.toString()", Apply(Op.TO_STRING, (BinRead(ExpType.INT, "n"),))),
    ("('a' ).upper()", StrCall(StrOp.UPPER, (Val(0),), Val("a"))),
    ("let (x = $.s:STRING) then (${x}.toInt())", None),
])
def test_spellings(text: str, ir: object) -> None:
    parsed = parse(text)
    if ir is not None:
        assert parsed == ir
    assert parse(to_text(parsed)) == parsed


# (text, column of the caret, words the reason must contain)
MISUSE = [
    ("$.s:STRING.substr('a') == 'x'", 12, "INT"),
    ("$.s:STRING.find(needle: 'a', occurence: 2)", 30, "no argument 'occurence'"),
    ("$.s:STRING.upper(1)", 18, "at most 0"),
    ("$.s:STRING.substr()", 12, "needs from"),
    ("$.s:STRING.substr(to: 2)", 12, "needs from before"),
    ("$.n:INT.upper() == 'X'", 9, "STRING"),
    ("$.s:STRING.regexCompare('a', $.x:INT)", 12, "integer literal"),
    ("$.l:LIST.toString() == 'x'", 10, "to_string"),
    ("$.s:STRING.frobnicate()", 12, "frobnicate"),
    ("$.s:STRING.find('a', needle: 'b')", 22, "given twice"),
    ("$.s:STRING.concat($.x:INT)", 12, "LIST"),
    ("$.s:STRING.regexCompare('(')", 12, "bad regular expression"),
    ("$.m:MAP.join()", 9, "join() applies to a list"),
]


@pytest.mark.parametrize(("text", "column", "reason"), MISUSE)
def test_misuse_points_at_the_method(text: str, column: int, reason: str) -> None:
    with pytest.raises(AelSyntaxError) as info:
        parse(text)
    assert info.value.column == column
    assert reason in info.value.reason
    assert str(info.value).endswith(" " * (column - 1) + "^")


@pytest.mark.parametrize("text", ["$.l.[].[0].join() == 'x'", "$.l.[].[0].count() == 1", "$.m.{}.a == 1"])
def test_a_designator_ends_a_path(text: str) -> None:
    """``[]`` / ``{}`` name the container itself, so nothing can follow them (they have no context form)."""
    with pytest.raises(AelSyntaxError, match="must be the last part of a path"):
        parse(text)
