"""G4 path syntax in the client-side compiler: the IR a wildcard path compiles to, the text it prints
back to, and caret errors for misuse."""

from __future__ import annotations

import pytest

from aerolite.ael import AelSyntaxError, parse, to_text
from aerolite.expr import Apply, BinRead, CdtRead, Ctx, ExprError, ExpType, Op, Val
from aerolite.expr.paths import (
    AND_FILTER,
    FILTER,
    KEY_LIST,
    FilterStep,
    LoopVar,
    PathModify,
    PathSelect,
    RemoveResult,
)

L, M = BinRead(ExpType.LIST, "l"), BinRead(ExpType.MAP, "m")
AT_INT = LoopVar(ExpType.INT, 1)


def test_count_of_a_filtered_wildcard_is_a_count_select() -> None:
    big = FilterStep(FILTER, Apply(Op.GT, (AT_INT, Val(200))))
    expected = Apply(Op.EQ, (PathSelect(ExpType.INT, 10, L, (big,)), Val(3)))
    assert parse("$.l:LIST.*[?(@:INT > 200)].count() == 3") == expected
    assert parse("$.l:LIST.*[?(@ > 200)].count() == 3") == expected  # @ typed by the literal it meets


@pytest.mark.parametrize(("text", "expected"), [
    ("$.m:MAP.*[?(@key == 'a')]",
     PathSelect(ExpType.LIST, 1, M, (FilterStep(FILTER, Apply(Op.EQ, (LoopVar(ExpType.STRING, 0), Val("a")))),))),
    ("$.m.x.*.getKeys()", PathSelect(ExpType.LIST, 2, M, (Ctx(0x22, "x"), FilterStep(FILTER, Val(True))))),
    ("$.m:MAP.{@a,b}&[?(@index < 1)].getKeyValues()",
     PathSelect(ExpType.LIST, 3, M, (Ctx(KEY_LIST, ["a", "b"]),
                                     FilterStep(AND_FILTER, Apply(Op.LT, (LoopVar(ExpType.INT, 2), Val(1))))))),
    ("$.m:MAP.*.*.getTree()", PathSelect(ExpType.MAP, 0, M, (FilterStep(FILTER, Val(True)),) * 2)),
    ("$.l:LIST.*[?(@ == 'x')].exists()",
     PathSelect(ExpType.BOOL, 11, L, (FilterStep(FILTER, Apply(Op.EQ, (LoopVar(ExpType.STRING, 1), Val("x")))),))),
    ("$.m:MAP.*.get(return: KEY)", PathSelect(ExpType.LIST, 2, M, (FilterStep(FILTER, Val(True)),))),
    ("$.l:LIST.*.remove()", PathModify(ExpType.LIST, 4, L, RemoveResult(), (FilterStep(FILTER, Val(True)),))),
    ("$.l:LIST.*.modify(@:INT + 1):NO_FAIL",
     PathModify(ExpType.LIST, 0x14, L, Apply(Op.ADD, (AT_INT, Val(1))), (FilterStep(FILTER, Val(True)),))),
    ("$.l:LIST.*.modify(@:FLOAT * 2.0)",
     PathModify(ExpType.LIST, 4, L, Apply(Op.MUL, (LoopVar(ExpType.FLOAT, 1), Val(2.0))), (FilterStep(FILTER, Val(True)),))),
])
def test_wildcard_paths_and_their_functions(text: str, expected: PathSelect | PathModify) -> None:
    other = {ExpType.MAP: "{}", ExpType.LIST: "[]", ExpType.BOOL: "true"}[expected.type]
    whole = parse(f"{text} == {other}")
    assert whole.args[0] == expected  # type: ignore[attr-defined]
    assert parse(to_text(whole)) == whole


def test_get_names_the_same_selects() -> None:
    assert parse("$.m:MAP.*.get(return: COUNT) == 2") == parse("$.m:MAP.*.count() == 2")
    assert parse("$.m:MAP.*.get() == [1]") == parse("$.m:MAP.* == [1]")
    assert parse("$.m:MAP.*.get(return: KEY_VALUE) == []") == parse("$.m:MAP.*.getKeyValues() == []")


def test_paths_into_the_loop_variable() -> None:
    e = parse("$.l:LIST.*[?(@.price:FLOAT < 10.0)].title == ['x']")
    select = e.args[0]  # type: ignore[attr-defined]
    price = select.steps[0].filter.args[0]
    assert price == CdtRead(ExpType.FLOAT, 97, 7, (Val("price"),), LoopVar(ExpType.MAP, 1))
    assert select.steps[1] == Ctx(0x22, "title")


@pytest.mark.parametrize(("text", "message", "column"), [
    ("@ > 1", "'@' is only defined inside a path filter", 1),
    ("$.a > 1 and @key == 'x'", "'@key' is only defined", 13),
    ("$.l.*.count() == 1", "pin the bin of a wildcard path", 3),
    ("$.l:LIST.*[?(@ + 1)].count() == 1", "a path filter must be a boolean expression", 14),
    ("$.l:LIST.*[?(@ > 1).count() == 1", "expected ']' to close '[?('", 20),
    ("$.l:LIST.*[?(@ > 1 == 1", "expected ')' to close the path filter", 20),
    ("$.l:LIST.*[?(@ > 1)].size() == 1", "size() does not apply to a wildcard path", 22),
    ("$.l:LIST.*.count() == 'a'", "Cannot compare INT to STRING", 20),
    ("$.l:LIST.*.get(type: INT) == []", "a wildcard path takes get() or get(return:", 16),
    ("$.l:LIST.[0:2].*.count() == 1", "a wildcard path takes single keys", 10),
    ("$.l:LIST.*[?(@index:STRING == 'a')].count() == 1", "@index is an INT", 14),
    ("let (x = 1) then ($.l:LIST.*[?(@ > ${x})].count() == 1)", "cannot see outer let variables", 36),
    ("$.m:MAP.{@a,b}&[?(@ > 1)]&[?(@ > 2)] == []", "cannot start a path or follow", 26),
    ("$.m:MAP.*&[?(@ > 1)] == []", "cannot start a path or follow", 10),
])
def test_misuse_fails_with_a_caret(text: str, message: str, column: int) -> None:
    with pytest.raises(AelSyntaxError) as info:
        parse(text)
    assert message in str(info.value)
    assert f"column {column}" in str(info.value)
    assert str(info.value).rstrip().endswith("^")


def test_shapes_without_a_spelling_are_refused_by_the_printer() -> None:
    no_fail = PathSelect(ExpType.LIST, 0x11, L, (FilterStep(FILTER, Val(True)),))
    with pytest.raises(ExprError):
        to_text(no_fail)
    with pytest.raises(ExprError):
        to_text(RemoveResult())
