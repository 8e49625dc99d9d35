"""Property tests on random well-typed IR trees: encode → decode is the identity, and
IR → AEL text → IR gives the same tree back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aerolite.ael import parse, to_text
from aerolite.expr import (
    Apply,
    BinRead,
    CdtRead,
    Ctx,
    CtxType,
    Expr,
    ExpType,
    Let,
    ListOp,
    MapOp,
    Op,
    Regex,
    ReturnType,
    Val,
    Var,
    decode,
    encode,
)

NAMES = st.sampled_from(["a", "b", "age", "x_1"])
INT64 = st.integers(-(2**63), 2**63 - 1)
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)


def leaves(t: ExpType) -> st.SearchStrategy[Expr]:
    literal = {ExpType.INT: INT64, ExpType.FLOAT: FLOATS, ExpType.STRING: TEXT, ExpType.BOOL: st.booleans()}[t]
    reads = [st.builds(BinRead, st.just(t), NAMES), literal.map(Val)]
    if t == ExpType.INT:
        reads.append(st.sampled_from([Apply(Op.TTL), Apply(Op.SINCE_UPDATE), Apply(Op.RECORD_SIZE)]))
        reads.append(st.builds(lambda n, i: CdtRead(ExpType.INT, ListOp.GET_BY_INDEX, ReturnType.VALUE, (Val(i),),
                                                    BinRead(ExpType.LIST, n)), NAMES, st.integers(-5, 5)))
        reads.append(st.builds(lambda n, k: CdtRead(ExpType.INT, MapOp.GET_BY_KEY, ReturnType.VALUE, (Val(k),),
                                                    BinRead(ExpType.MAP, n), (Ctx(CtxType.LIST_INDEX, 0),)),
                               NAMES, st.sampled_from(["k", "total"])))
        reads.append(st.builds(lambda n: CdtRead(ExpType.INT, ListOp.SIZE, None, (), BinRead(ExpType.LIST, n)), NAMES))
    if t == ExpType.STRING:
        reads.append(st.just(Apply(Op.SET_NAME)))
    return st.one_of(reads)


def typed(t: ExpType, depth: int) -> st.SearchStrategy[Expr]:
    if depth <= 0:
        return leaves(t)
    sub = typed(t, depth - 1)
    options = [leaves(t)]
    if t in (ExpType.INT, ExpType.FLOAT):
        ops = [Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.MIN, Op.MAX]
        options.append(st.builds(lambda op, a, b: Apply(op, (a, b)), st.sampled_from(ops), sub, sub))
        options.append(st.builds(lambda a, b, c: Apply(Op.ADD, (a, b, c)), sub, sub, sub))
        options.append(st.builds(lambda a: Apply(Op.ABS, (a,)), sub))
    if t == ExpType.INT:
        ops = [Op.MOD, Op.INT_AND, Op.INT_OR, Op.INT_XOR, Op.INT_LSHIFT, Op.INT_RSHIFT, Op.INT_ARSHIFT]
        options.append(st.builds(lambda op, a, b: Apply(op, (a, b)), st.sampled_from(ops), sub, sub))
        options.append(st.builds(lambda a: Apply(Op.INT_NOT, (a,)), sub))
        options.append(st.builds(lambda a: Apply(Op.TO_INT, (a,)), typed(ExpType.FLOAT, depth - 1)))
        options.append(st.builds(lambda a, b: Apply(Op.INT_LSCAN, (a, b)), sub, typed(ExpType.BOOL, 0)))
    if t == ExpType.FLOAT:
        options.append(st.builds(lambda a, b: Apply(Op.POW, (a, b)), sub, sub))
        options.append(st.builds(lambda a: Apply(Op.FLOOR, (a,)), sub))
        options.append(st.builds(lambda a: Apply(Op.TO_FLOAT, (a,)), typed(ExpType.INT, depth - 1)))
    if t == ExpType.BOOL:
        options.append(st.builds(lambda op, pair: Apply(op, pair), st.sampled_from([Op.EQ, Op.NE, Op.GT, Op.LT]),
                                 st.sampled_from([ExpType.INT, ExpType.FLOAT, ExpType.STRING]).flatmap(
                                     lambda ct: st.tuples(typed(ct, depth - 1), typed(ct, depth - 1)))))
        options.append(st.builds(lambda op, args: Apply(op, tuple(args)), st.sampled_from([Op.AND, Op.OR]),
                                 st.lists(sub, min_size=2, max_size=3)))
        options.append(st.builds(lambda a: Apply(Op.NOT, (a,)), sub))
        options.append(st.builds(lambda a, b: Apply(Op.EXCLUSIVE, (a, b)), sub, sub))
        options.append(st.builds(lambda f, p, a: Regex(f, p, a), st.integers(0, 15), st.from_regex(r"[a-z^$.]{0,5}", fullmatch=True),
                                 typed(ExpType.STRING, depth - 1)))
        options.append(st.builds(lambda v, n: Let((("v", v),), Apply(Op.GT, (Var("v"), BinRead(ExpType.INT, n)))),
                                 typed(ExpType.INT, depth - 1), NAMES))
        options.append(st.builds(lambda items, n: CdtRead(ExpType.BOOL, ListOp.GET_ALL_BY_VALUE, ReturnType.EXISTS,
                                                          (BinRead(ExpType.INT, n),), Val(items)),
                                 st.lists(INT64, max_size=3), NAMES))
    options.append(st.builds(lambda c, a, b: Apply(Op.COND, (c, a, b)), typed(ExpType.BOOL, depth - 1), sub, sub))
    return st.one_of(options)


TREES = st.sampled_from([ExpType.BOOL, ExpType.INT, ExpType.FLOAT, ExpType.STRING]).flatmap(lambda t: typed(t, 2))


@settings(max_examples=80, deadline=None)
@given(TREES)
def test_encode_decode_is_identity(tree: Expr) -> None:
    assert decode(encode(tree)) == tree


@settings(max_examples=80, deadline=None)
@given(TREES)
def test_text_round_trip_is_stable(tree: Expr) -> None:
    text = to_text(tree)
    again = parse(text)
    assert again == tree, text
    assert to_text(again) == text
