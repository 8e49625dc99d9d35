"""Malformed AEL: each text raises AelSyntaxError at the right line and column, and nothing else."""

from __future__ import annotations

import pytest

from aerolite.ael import AelSyntaxError, parse
from aerolite.result_codes import ResultCode

# (text, line, column) — the position of the first offending character.
MALFORMED: list[tuple[str, int, int]] = [
    ("", 1, 1),
    ("   ", 1, 4),
    ("$.strBin == yes", 1, 13),
    ("$.intBin1 > 100 garbage", 1, 17),
    ("and ($.a > 1)", 1, 1),
    ("($.a > 1 and ($.b > 2) or", 1, 26),
    ("$.f1.nonsense()", 1, 6),
    ("$.listBin1.[stringValue] == 100", 1, 13),
    ("exclusive($.a == 1)", 1, 1),
    ("when($.x == 1 => \"a\")", 1, 21),
    ("when($.x == 1 \"a\", default => \"b\")", 1, 15),
    ("let() then (1)", 1, 5),
    ("let(x 5) then (${x})", 1, 7),
    ("let(x = 5) (${x} + 1)", 1, 12),
    ("${x)", 1, 1),
    ("$y", 1, 1),
    ("$$", 1, 1),
    ("${{", 1, 1),
    ("10.", 1, 3),
    (".0x10", 1, 1),
    ("..37", 1, 1),
    (".3.7", 1, 3),
    ("0xGG", 1, 1),
    ("0b2", 1, 1),
    ("9223372036854775808", 1, 1),
    ("-9223372036854775809", 1, 1),
    ("--9223372036854775808", 1, 1),
    ("0x8000000000000001", 1, 1),
    ("$.l.[=0xff] == 1", 1, 7),
    ("$.l.[].[0] == 1", 1, 5),
    ("{-", 1, 3),
    ("$.m == {-'a': 1}", 1, 10),
    ("$.m.{#0b10} == 1", 1, 7),
    ("$.l.[#-2147483649] == 1", 1, 7),
    ("unknown($.a)", 1, 8),
    ("abs($.a, $.b)", 1, 1),
    ("log(2.0)", 1, 1),
    ("min(5)", 1, 1),
    ("$.name in \"Bob\"", 1, 8),
    ("$.name in 42", 1, 8),
    ("$.name in {\"a\": 1}", 1, 8),
    ("$.name in $.ttl()", 1, 8),
    ("$.name in $.tags.get(type: INT)", 1, 8),
    ("$.bin in [1, \"hello\"]", 1, 7),
    ("$.bin in [1, 1.5]", 1, 7),
    ("$.itemType in $.allowedItems", 1, 12),
    ("$.name in $.binName.[]", 1, 8),
    ("$.name in ?0", 1, 11),
    ("$.name.get(type: STRING) in [1, 2]", 1, 26),
    ("$.a.get(type: BOOL) == 5", 1, 21),
    ("28.asFloat() == \"hello\"", 1, 14),
    ("$.apples + \"s\"", 1, 10),
    ("$.intBin1 > ?0", 1, 13),
    ("$.\"\" == 1", 1, 3),
    ("$.a < $.b < $.c", 1, 11),
    ("not $.x", 1, 5),
    ("$.a == 1 and", 1, 13),
    ("$.a ==", 1, 7),
    ("== 1", 1, 1),
    ("$.a > (1", 1, 9),
    ("$.a > 1)", 1, 8),
    ("$.", 1, 3),
    ("$..a", 1, 3),
    ("$.a.", 1, 5),
    ("$.a.[", 1, 6),
    ("$.a.[1", 1, 7),
    ("$.a.{", 1, 6),
    ("$.a.[1:3].[0] == 1", 1, 11),
    ("$.a.[!1] == 1", 1, 6),
    ("$.a:FOO == 1", 1, 5),
    ("$.a.get(type: FOO) == 1", 1, 9),
    ("$.a.get(return: FOO) == 1", 1, 9),
    ("$.a.get(colour: INT) == 1", 1, 9),
    ("$.a.count() == 'x'", 1, 13),
    ("$.s =~ 'abc'", 1, 8),
    ("$.s =~ /abc/q", 1, 5),
    ("$.s =~ /abc", 1, 8),
    ("'unterminated", 1, 1),
    ("\"unterminated", 1, 1),
    ("$.a == 'x' and\n  $.b == ", 2, 10),
    ("$.a == 1\n  garbage", 2, 3),
    ("$.a == 1 and\n\n  (", 3, 4),
    ("$.a == 1 or\n  $.b ==\n  == 2", 3, 3),
    ("[1, 2", 1, 6),
    ("[1, $.a] == $.l", 1, 5),
    ("[yes, of course] == $.l", 1, 2),
    ("{1: } == $.m", 1, 5),
    ("{1 2} == $.m", 1, 4),
    ("{true: 1} == $.m", 1, 2),
    ("foo(1)", 1, 1),
    ("foo", 1, 1),
    ("$.a == X'0g'", 1, 8),
    ("$.a == b64'%%%'", 1, 8),
    ("let (x = 1) then (${y} == 1)", 1, 19),
    ("${x} == 1", 1, 1),
    ("when(default => 1", 1, 18),
    ("when($.a == 1 => 2, default 3)", 1, 29),
    ("exclusive()", 1, 1),
    ("$.digestModulo(x) == 1", 1, 16),
    ("$.digestModulo(0) == 1", 1, 3),
    ("$.ttl(1) == 1", 1, 7),
    ("$.a.exists(1)", 1, 12),
    ("$.a.[1].binType()", 1, 9),
    ("$.a.count().count()", 1, 13),
    ("$.a + 1.5 > 2", 1, 11),
    ("$.a.asInt() == 1.5", 1, 13),
    ("$.a & 1.5 == 1", 1, 5),
    ("$.age:INT == 'x'", 1, 11),
    ("not(5)", 1, 1),
    ("$.active and 5", 1, 10),
    ("?x", 1, 1),
    ("$.a == 1 %", 1, 11),
    ("log(value: 2.0, basis: 2.0) == 1.0", 1, 17),
    ("$.m.{@} == 1", 1, 7),
    ("$.l.[1:3~x] == 1", 1, 11),
    ("$.l.[:3] == 1", 1, 6),
    ("geoJson(1)", 1, 1),
    ("$.a == 1;", 1, 9),
]


def test_there_are_enough_cases() -> None:
    assert len(MALFORMED) >= 100


@pytest.mark.parametrize(("text", "line", "column"), MALFORMED, ids=[repr(t[0])[:40] for t in MALFORMED])
def test_malformed_text_raises_with_position(text: str, line: int, column: int) -> None:
    with pytest.raises(AelSyntaxError) as info:
        parse(text)
    err = info.value
    assert err.code == ResultCode.PARAMETER_ERROR
    assert (err.line, err.column) == (line, column), str(err)
    assert "^" in str(err)


def test_missing_printf_parameter_points_at_the_conversion() -> None:
    with pytest.raises(AelSyntaxError) as info:
        parse("$.a > %s and $.b > %s", 1)
    assert (info.value.line, info.value.column) == (1, 20)


def test_caret_excerpt_shows_the_line() -> None:
    with pytest.raises(AelSyntaxError) as info:
        parse("$.a == 1 and\n  $.b >> ")
    assert str(info.value).endswith("\n    $.b >> \n" + " " * 11 + "^")
