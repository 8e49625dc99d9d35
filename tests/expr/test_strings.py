"""String expressions (8.2): byte identity with the official builders, decoding refusals, semantics."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from aerospike_native import CTX, FilterExpression, StringNumericType
from hypothesis import given, settings
from hypothesis import strategies as st

from aerolite.expr import (
    UNKNOWN,
    Apply,
    BinRead,
    CdtRead,
    Ctx,
    CtxType,
    ExprError,
    ExpType,
    ListOp,
    Op,
    StrCall,
    StrOp,
    Val,
    compile_filter,
    compile_value,
    decode,
    encode,
)
from aerolite.expr.nodes import Expr

fe = FilterExpression
S = BinRead(ExpType.STRING, "s")
NS, NI = fe.string_bin("s"), fe.int_val


def native_bytes(e: Any) -> bytes:
    return base64.b64decode(e.base64())


def call(op: StrOp, *args: Any, src: Expr = S) -> StrCall:
    return StrCall(op, tuple(a if isinstance(a, Expr) else Val(a) for a in args), src)


CASES: list[tuple[Expr, Callable[[], Any]]] = [
    (call(StrOp.STRLEN), lambda: fe.string_strlen(NS)),
    (call(StrOp.SUBSTR, 1), lambda: fe.string_substr(NI(1), NS)),
    (call(StrOp.SUBSTR, -3, 5), lambda: fe.string_substr_range(NI(-3), NI(5), NS)),
    (call(StrOp.CHAR_AT, BinRead(ExpType.INT, "i")), lambda: fe.string_char_at(fe.int_bin("i"), NS)),
    (call(StrOp.FIND, "a"), lambda: fe.string_find(fe.string_val("a"), NS)),
    (call(StrOp.FIND, "a", -1), lambda: fe.string_find_nth(fe.string_val("a"), NI(-1), NS)),
    (call(StrOp.CONTAINS, "é"), lambda: fe.string_contains(fe.string_val("é"), NS)),
    (call(StrOp.STARTS_WITH, "x"), lambda: fe.string_starts_with(fe.string_val("x"), NS)),
    (call(StrOp.ENDS_WITH, BinRead(ExpType.STRING, "t")), lambda: fe.string_ends_with(fe.string_bin("t"), NS)),
    (call(StrOp.TO_INTEGER), lambda: fe.string_to_integer(NS)),
    (call(StrOp.TO_DOUBLE), lambda: fe.string_to_double(NS)),
    (call(StrOp.BYTE_LENGTH), lambda: fe.string_byte_length(NS)),
    (call(StrOp.IS_NUMERIC), lambda: fe.string_is_numeric(NS)),
    (call(StrOp.IS_NUMERIC, 2), lambda: fe.string_is_numeric_typed(StringNumericType.FLOAT, NS)),
    (call(StrOp.IS_UPPER), lambda: fe.string_is_upper(NS)),
    (call(StrOp.IS_LOWER), lambda: fe.string_is_lower(NS)),
    (call(StrOp.TO_BLOB), lambda: fe.string_to_blob(NS)),
    (call(StrOp.SPLIT), lambda: fe.string_split(NS)),
    (call(StrOp.SPLIT, ","), lambda: fe.string_split_by_separator(fe.string_val(","), NS)),
    (call(StrOp.B64_DECODE), lambda: fe.string_b64_decode(NS)),
    (call(StrOp.REGEX_COMPARE, "^a.*"), lambda: fe.string_regex_compare(fe.string_val("^a.*"), NS)),
    (call(StrOp.REGEX_COMPARE, "^a", 1), lambda: fe.string_regex_compare_with_flags(fe.string_val("^a"), 1, NS)),
    (call(StrOp.INSERT, 1, "x", 0), lambda: fe.string_insert(0, NI(1), fe.string_val("x"), NS)),
    (call(StrOp.OVERWRITE, 2, "yz", 4), lambda: fe.string_overwrite(4, NI(2), fe.string_val("yz"), NS)),
    (call(StrOp.CONCAT, ["a", "b"], 0), lambda: fe.string_concat(0, fe.list_val(["a", "b"]), NS)),
    (call(StrOp.CONCAT, BinRead(ExpType.LIST, "l"), 0), lambda: fe.string_concat(0, fe.list_bin("l"), NS)),
    (call(StrOp.APPEND, "!", 0), lambda: fe.string_append(0, fe.string_val("!"), NS)),
    (call(StrOp.PREPEND, "¡", 0), lambda: fe.string_prepend(0, fe.string_val("¡"), NS)),
    (call(StrOp.SNIP, 1, 3, 0), lambda: fe.string_snip(0, NI(1), NI(3), NS)),
    (call(StrOp.SNIP, 2), lambda: fe.string_snip_from(NI(2), NS)),
    (call(StrOp.REPLACE, "a", "b", 0), lambda: fe.string_replace(0, fe.string_val("a"), fe.string_val("b"), NS)),
    (call(StrOp.REPLACE, BinRead(ExpType.STRING, "n"), "b", 0),
     lambda: fe.string_replace(0, fe.string_bin("n"), fe.string_val("b"), NS)),
    (call(StrOp.REPLACE_ALL, "a" * 40, "b", 2),
     lambda: fe.string_replace_all(2, fe.string_val("a" * 40), fe.string_val("b"), NS)),
    *[(call(op, 0), lambda b=b: b(0, NS)) for op, b in (
        (StrOp.UPPER, fe.string_upper), (StrOp.LOWER, fe.string_lower), (StrOp.CASE_FOLD, fe.string_case_fold),
        (StrOp.NORMALIZE_NFC, fe.string_normalize_nfc), (StrOp.TRIM_START, fe.string_trim_start),
        (StrOp.TRIM_END, fe.string_trim_end), (StrOp.TRIM, fe.string_trim))],
    (call(StrOp.PAD_START, 8, "-", 0), lambda: fe.string_pad_start(0, NI(8), fe.string_val("-"), NS)),
    (call(StrOp.PAD_END, 8, "-", 0), lambda: fe.string_pad_end(0, NI(8), fe.string_val("-"), NS)),
    (call(StrOp.REPEAT, 3, 0), lambda: fe.string_repeat(0, NI(3), NS)),
    (call(StrOp.REGEX_REPLACE, "l+", "L", 16, 0),
     lambda: fe.string_regex_replace(fe.string_val("l+"), fe.string_val("L"), 16, NS)),
    (Apply(Op.TO_STRING, (BinRead(ExpType.INT, "n"),)), lambda: fe.to_string(fe.int_bin("n"))),
    (call(StrOp.UPPER, 0, src=Val("abc")), lambda: fe.string_upper(0, fe.string_val("abc"))),
    (CdtRead(ExpType.STRING, ListOp.JOIN, None, (), BinRead(ExpType.LIST, "l")), lambda: fe.list_join(fe.list_bin("l"), [])),
    (CdtRead(ExpType.STRING, ListOp.JOIN, None, (Val(","),), BinRead(ExpType.MAP, "m"), (Ctx(CtxType.MAP_KEY, "k"),)),
     lambda: fe.list_join_by_separator(fe.string_val(","), fe.map_bin("m"), [CTX.map_key("k")])),
]


@pytest.mark.parametrize(("ir", "build"), CASES)
def test_builder_bytes_decode_and_reencode_identically(ir: Expr, build: Callable[[], Any]) -> None:
    wire = native_bytes(build())
    assert encode(ir) == wire
    assert decode(wire) == ir


# Nested string calls built twice, as IR and through the official builders, from the same draws.
_Pair = tuple[Expr, Any]
_WORDS = st.text(alphabet="abcé \u0301ß", max_size=6)


def _source() -> st.SearchStrategy[_Pair]:
    return st.one_of(
        st.just((S, NS)),
        _WORDS.map(lambda w: (Val(w), fe.string_val(w))),
    )


def _wrap(inner: _Pair, draw_case: tuple[str, Any, Any]) -> _Pair:
    ir, native = inner
    kind, x, y = draw_case
    if kind == "upper":
        return call(StrOp.UPPER, x, src=ir), fe.string_upper(x, native)
    if kind == "substr":
        return call(StrOp.SUBSTR, x, y, src=ir), fe.string_substr_range(NI(x), NI(y), native)
    if kind == "replace":
        return call(StrOp.REPLACE_ALL, x, y, 0, src=ir), fe.string_replace_all(0, fe.string_val(x), fe.string_val(y), native)
    if kind == "pad":
        return call(StrOp.PAD_END, x, y or ".", 0, src=ir), fe.string_pad_end(0, NI(x), fe.string_val(y or "."), native)
    return call(StrOp.INSERT, x, y, 0, src=ir), fe.string_insert(0, NI(x), fe.string_val(y), native)


_STEPS = st.one_of(
    st.tuples(st.just("upper"), st.integers(0, 7), st.none()),
    st.tuples(st.just("substr"), st.integers(-5, 5), st.integers(-5, 5)),
    st.tuples(st.just("replace"), _WORDS.filter(bool), _WORDS),
    st.tuples(st.just("pad"), st.integers(0, 12), _WORDS),
    st.tuples(st.just("insert"), st.integers(-9, 9), _WORDS),
)


@st.composite
def nested(draw: st.DrawFn) -> _Pair:
    pair = draw(_source())
    for step in draw(st.lists(_STEPS, max_size=5)):
        pair = _wrap(pair, step)
    top = draw(st.sampled_from(["strlen", "contains", "find", "none"]))
    ir, native = pair
    if top == "strlen":
        return call(StrOp.STRLEN, src=ir), fe.string_strlen(native)
    if top == "contains":
        return call(StrOp.CONTAINS, "é", src=ir), fe.string_contains(fe.string_val("é"), native)
    if top == "find":
        return call(StrOp.FIND, "a", -1, src=ir), fe.string_find_nth(fe.string_val("a"), NI(-1), native)
    return pair


@settings(max_examples=150, deadline=None)
@given(nested())
def test_nested_string_calls_match_the_builders(pair: _Pair) -> None:
    ir, native = pair
    wire = native_bytes(native)
    assert encode(ir) == wire
    assert decode(wire) == ir
    compile_value(ir)  # every builder tree is well typed


class Rec:
    digest, set_name, key, generation, void_time, last_update_ns = b"\0" * 20, "t", None, 1, 0, 0

    def __init__(self, **bins: Any) -> None:
        self.bins = bins


def ev(e: Expr, **bins: Any) -> Any:
    return compile_value(e)(Rec(**bins))


@pytest.mark.parametrize(("e", "src", "want"), [
    (call(StrOp.STRLEN), "naïve🙂", 6),
    (call(StrOp.BYTE_LENGTH), "naïve🙂", 10),
    (call(StrOp.SUBSTR, -3), "abcdef", "def"),
    (call(StrOp.SUBSTR, 4, 2), "abcdef", ""),
    (call(StrOp.SUBSTR, -99, 99), "abc", "abc"),
    (call(StrOp.CHAR_AT, 1), "a🙂b", "🙂"),
    (call(StrOp.CHAR_AT, 9), "abc", ""),
    (call(StrOp.FIND, "an"), "banana", 1),
    (call(StrOp.FIND, "an", 2), "banana", 3),
    (call(StrOp.FIND, "an", -1), "banana", 3),
    (call(StrOp.FIND, "ana", 2), "banana", 3),
    (call(StrOp.FIND, "x"), "banana", -1),
    (call(StrOp.FIND, "á"), "Ma\u0301laga", 1),
    (call(StrOp.CONTAINS, "Málaga"), "Ma\u0301laga", True),
    (call(StrOp.CONTAINS, "a"), "\u00e1", False),
    (call(StrOp.STARTS_WITH, "é"), "e\u0301t\u00e9", True),
    (call(StrOp.ENDS_WITH, "e\u0301"), "\u00e9t\u00e9", True),
    (call(StrOp.TO_INTEGER), "-42", -42),
    (call(StrOp.TO_DOUBLE), "2.5e3", 2500.0),
    (call(StrOp.IS_NUMERIC), "1.5", True),
    (call(StrOp.IS_NUMERIC, 1), "1.5", False),
    (call(StrOp.IS_NUMERIC, 2), "15", False),
    (call(StrOp.IS_UPPER), "ÀB 1", True),
    (call(StrOp.IS_LOWER), "àb", True),
    (call(StrOp.TO_BLOB), "é", "é".encode()),
    (call(StrOp.SPLIT), "a🙂", ["a", "🙂"]),
    (call(StrOp.SPLIT, ","), "a,,b", ["a", "", "b"]),
    (call(StrOp.B64_DECODE), "aGk=", b"hi"),
    (call(StrOp.REGEX_COMPARE, "^AB", 1), "abc", True),
    (call(StrOp.REGEX_COMPARE, "^b"), "a\nb", False),
    (call(StrOp.REGEX_COMPARE, "^b", 2), "a\nb", True),
    (call(StrOp.INSERT, -1, "X", 0), "abc", "abXc"),
    (call(StrOp.OVERWRITE, 2, "XYZ", 0), "abcd", "abXYZ"),
    (call(StrOp.CONCAT, ["x", "y"], 0), "a", "axy"),
    (call(StrOp.SNIP, 1, -1, 0), "abcd", "ad"),
    (call(StrOp.REPLACE, "a", "o", 0), "banana", "bonana"),
    (call(StrOp.REPLACE_ALL, "a", "o", 0), "banana", "bonono"),
    (call(StrOp.UPPER, 0), "straße", "STRASSE"),
    (call(StrOp.CASE_FOLD, 0), "Straße", "strasse"),
    (call(StrOp.NORMALIZE_NFC, 0), "e\u0301", "\u00e9"),
    (call(StrOp.TRIM, 0), "\u3000 a\t", "a"),
    (call(StrOp.PAD_START, 5, "ab", 0), "x", "ababx"),
    (call(StrOp.PAD_END, 2, "-", 0), "xyz", "xyz"),
    (call(StrOp.REPEAT, 0, 0), "ab", ""),
    (call(StrOp.REGEX_REPLACE, "(a)(n)", "$2$1", 0, 0), "banana", "bnaana"),
    (call(StrOp.REGEX_REPLACE, "A", "\\$", 16 | 1, 0), "banana", "b$n$n$"),
])
def test_string_functions_follow_the_node(e: Expr, src: str, want: Any) -> None:
    got = ev(e, s=src)
    assert got == want and type(got) is type(want)


@pytest.mark.parametrize("e", [
    call(StrOp.FIND, "a", 0),                 # occurrence 0 is a parameter error
    call(StrOp.FIND, ""),                      # empty needle
    call(StrOp.TO_INTEGER, src=Val("12x")),    # not a number
    call(StrOp.TO_INTEGER, src=Val("99999999999999999999")),
    call(StrOp.B64_DECODE, src=Val("***")),
    call(StrOp.REPEAT, -1, 0),
    call(StrOp.REPEAT, 1 << 30, 0),
    call(StrOp.REGEX_COMPARE, BinRead(ExpType.STRING, "p")),  # a pattern only the record knows, and it is bad
    call(StrOp.REGEX_REPLACE, "a", "$3", 0, 0),
])
def test_refusals_evaluate_to_unknown(e: Expr) -> None:
    assert ev(e, s="banana", p="(") is UNKNOWN


def test_a_non_string_bin_or_missing_bin_is_unknown_and_filters_out() -> None:
    e = Apply(Op.EQ, (call(StrOp.UPPER, 0), Val("ABC")))
    assert compile_filter(e)(Rec(s="abc"))
    assert not compile_filter(e)(Rec(s=5))
    assert not compile_filter(e)(Rec())


def test_list_join_is_the_inverse_of_split() -> None:
    joined = CdtRead(ExpType.STRING, ListOp.JOIN, None, (Val("-"),), BinRead(ExpType.LIST, "l"))
    assert ev(call(StrOp.SPLIT, "-", src=joined), l=["a", "", "é"]) == ["a", "", "é"]
    assert ev(CdtRead(ExpType.STRING, ListOp.JOIN, None, (), BinRead(ExpType.LIST, "l")), l=[]) == ""
    assert ev(joined, l=["a", 1]) is UNKNOWN


def test_to_string_renders_scalars() -> None:
    def to_string(v: Any) -> Any:
        return ev(Apply(Op.TO_STRING, (Val(v),)))
    assert [to_string(v) for v in (True, -3, 1.5, "x", b"ok")] == ["true", "-3", "1.5", "x", "ok"]
    assert to_string(b"\xff") is UNKNOWN
    assert ev(Apply(Op.TO_STRING, (BinRead(ExpType.INT, "n"),)), n=7) == "7"
    with pytest.raises(ExprError, match="to_string"):
        compile_value(Apply(Op.TO_STRING, (Val([1]),)))


@pytest.mark.parametrize(("hexbytes", "reason"), [
    ("957f02039100935103a173".replace("957f0203", "957f0243"), "CALL system"),  # a read sent as modify
    ("957f0343923800935103a173".replace("0343", "0303"), "CALL system"),       # a modify sent as read
    ("957f03039100935103a173", "returns INT"),                                  # wrong result type
    ("957f0203917f935103a173", "unknown string function"),
    ("957f0103900093", "empty string function"),
    ("957f0103920493", "malformed"),
    ("957f034393360000935103a173", "quoted pair"),
    ("957f03439238935103a173935103a173", "integer"),
    ("957f020392000193510" + "3a173", "takes 0 arguments"),
])
def test_malformed_string_calls_are_parameter_errors(hexbytes: str, reason: str) -> None:
    with pytest.raises(ExprError, match=reason):
        decode(bytes.fromhex(hexbytes))


@pytest.mark.parametrize("e", [
    call(StrOp.STRLEN, src=BinRead(ExpType.INT, "n")),
    call(StrOp.SUBSTR, "1"),
    call(StrOp.UPPER, BinRead(ExpType.INT, "f")),
    call(StrOp.REGEX_COMPARE, "("),  # a bad literal pattern is refused before any record is read
    call(StrOp.REGEX_REPLACE, "\\p{L}", "x", 0, 0),
])
def test_ill_typed_calls_fail_at_compile_time(e: Expr) -> None:
    with pytest.raises(ExprError):
        compile_value(e)
