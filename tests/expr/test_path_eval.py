"""Path walks evaluated in process: select modes, filters with loop variables, NO_FAIL, modify and
remove, matching trees, AND filters and key lists, and the result codes of the CDT operation form."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from aerospike_native import CTX, FilterExpression, LoopVarPart, MapReturnType, ModifyFlags, SelectFlags
from aerospike_native import ExpType as NativeExpType
from hypothesis import given, settings
from hypothesis import strategies as st

from aerolite.engine.cdt.apply import cdt_modify, cdt_read
from aerolite.engine.record import Record
from aerolite.expr import UNKNOWN, ExprError, compile_filter, compile_value, decode
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.values.types import KeyOrderedMap, OrderedList

fe, LV = FilterExpression, LoopVarPart
T = NativeExpType
DAYS = {"Day1": {"book": 14.99, "ferry": 5.0}, "Day2": {"food": 34.0, "game": 12.99},
        "Day3": {"plants": 19.99, "stickers": 2.0}}
MIXED = {"a": 1, "ab": {"bb": 12}, "b": 2}
BOOKS = {"book": [{"title": "Sayings", "price": 8.95}, {"title": "Sword", "price": 12.99},
                  {"title": "Moby Dick", "price": 8.99}, {"title": "Rings", "price": 22.99}]}


def record(**bins: Any) -> Record:
    return Record(b"\x00" * 20, "s", None, bins, 1, 0, 0)


def value(built: Any, **bins: Any) -> Any:
    return compile_value(decode(base64.b64decode(built.base64())))(record(**bins))


def price_at_most_ten() -> Any:
    return fe.le(fe.map_get_by_key(MapReturnType.VALUE, T.FLOAT, fe.string_val("price"),
                                   fe.map_loop_var(LV.VALUE), []), fe.float_val(10.0))


def key_is(name: str) -> Any:
    return fe.eq(fe.string_loop_var(LV.MAP_KEY), fe.string_val(name))


def test_values_of_filtered_children_in_key_order() -> None:
    at_least_20 = fe.ge(fe.float_loop_var(LV.VALUE), fe.float_val(20.0))
    got = value(fe.exp_select_values(T.LIST, fe.map_bin("d"), [CTX.all_children(), CTX.all_children_with_filter(at_least_20)]), d=DAYS)
    assert got == [34.0]
    keys = value(fe.exp_select_map_keys(T.LIST, fe.map_bin("d"), [CTX.all_children(), CTX.all_children()]), d=DAYS)
    assert keys == ["book", "ferry", "food", "game", "plants", "stickers"]
    assert value(fe.exp_select_by_path(T.INT, 10, fe.map_bin("d"), [CTX.all_children(), CTX.all_children()]), d=DAYS) == 6
    assert value(fe.exp_select_by_path(T.BOOL, 11, fe.map_bin("d"), [CTX.map_key("Day9"), CTX.all_children()]), d=DAYS) is False
    pairs = value(fe.exp_select_map_entries(T.LIST, fe.map_bin("d"), [CTX.map_key("Day2"), CTX.all_children()]), d=DAYS)
    assert pairs == ["food", 34.0, "game", 12.99]


def test_matching_tree_keeps_the_reached_shape() -> None:
    at_least_20 = fe.ge(fe.float_loop_var(LV.VALUE), fe.float_val(20.0))
    tree = value(fe.exp_select_matching_tree(T.MAP, fe.map_bin("d"), [CTX.all_children(), CTX.all_children_with_filter(at_least_20)]), d=DAYS)
    assert tree == {"Day1": {}, "Day2": {"food": 34.0}, "Day3": {}}
    nested = value(fe.exp_select_matching_tree(T.MAP, fe.map_bin("b"), [CTX.map_key("book"), CTX.all_children_with_filter(price_at_most_ten())]), b=BOOKS)
    assert nested == {"book": [BOOKS["book"][0], BOOKS["book"][2]]}


def test_nested_filters_and_loop_variables() -> None:
    titles = value(fe.exp_select_values(T.LIST, fe.map_bin("b"), [CTX.map_key("book"), CTX.all_children_with_filter(price_at_most_ten()),
                                                                 CTX.all_children_with_filter(key_is("title"))]), b=BOOKS)
    assert titles == ["Sayings", "Moby Dick"]
    first_three = value(fe.exp_select_values(T.LIST, fe.list_bin("l"), [CTX.all_children_with_filter(fe.lt(fe.int_loop_var(LV.INDEX), fe.int_val(3)))]),
                        l=[10, 20, 30, 40, 50])
    assert first_three == [10, 20, 30]
    # A scalar met before the last level is dropped; a list cannot give map keys.
    assert value(fe.exp_select_values(T.LIST, fe.map_bin("m"), [CTX.all_children(), CTX.all_children()]), m=MIXED) == [12]


def test_an_unknown_filter_fails_unless_no_fail() -> None:
    on_strings = fe.eq(fe.string_loop_var(LV.VALUE), fe.string_val("a"))
    ctx = [CTX.all_children(), CTX.all_children_with_filter(on_strings)]
    assert value(fe.exp_select_by_path(T.LIST, SelectFlags.VALUE, fe.map_bin("m"), ctx), m=MIXED) is UNKNOWN
    assert value(fe.exp_select_by_path(T.LIST, SelectFlags.VALUE | SelectFlags.NO_FAIL, fe.map_bin("m"), ctx), m=MIXED) == []


def test_key_lists_and_and_filters() -> None:
    m = {"a": 5, "b": 15, "c": 25, "d": 50}
    ctx = [CTX.map_keys_in(["a", "b", "c"]), CTX.and_filter(fe.gt(fe.int_loop_var(LV.VALUE), fe.int_val(10)))]
    assert value(fe.exp_select_map_entries(T.LIST, fe.map_bin("m"), ctx), m=m) == ["b", 15, "c", 25]
    assert value(fe.exp_select_values(T.LIST, fe.map_bin("m"), [CTX.map_index(-1)]), m=m) == [50]
    after_filter = [CTX.all_children(), CTX.and_filter(fe.bool_val(True))]
    with pytest.raises(ExprError):
        value(fe.exp_select_values(T.LIST, fe.map_bin("m"), after_filter), m=m)
    assert value(fe.exp_select_values(T.LIST, fe.map_bin("m"), [CTX.map_rank(0)]), m=m) == [5]
    assert value(fe.exp_select_values(T.LIST, fe.list_bin("l"), [CTX.list_rank(-1)]), l=[3, 9, 1]) == [9]
    assert value(fe.exp_select_values(T.LIST, fe.list_bin("l"), [CTX.list_index(7)]), l=[3, 9, 1]) == []


def test_modify_replaces_and_removes() -> None:
    doubled = fe.num_mul([fe.int_loop_var(LV.VALUE), fe.int_val(2)])
    got = value(fe.exp_modify(T.MAP, fe.map_bin("d"), doubled, [CTX.map_key("items"), CTX.all_children(), CTX.map_key("n")]),
                d={"items": [{"n": 1}, {"n": 5}], "other": 3})
    assert got == {"items": [{"n": 2}, {"n": 10}], "other": 3}
    removed = value(fe.exp_remove(T.MAP, fe.map_bin("d"), [CTX.map_key("s"), CTX.all_children_with_filter(fe.lt(fe.int_loop_var(LV.VALUE), fe.int_val(50)))]),
                    d={"s": {"alice": 95, "bob": 45, "carol": 75, "dave": 30}})
    assert removed == {"s": {"alice": 95, "carol": 75}}
    by_index = value(fe.exp_remove(T.LIST, fe.list_bin("l"), [CTX.all_children_with_filter(fe.ge(fe.int_loop_var(LV.INDEX), fe.int_val(3)))]),
                     l=[100, 200, 300, 400, 500])
    assert by_index == [100, 200, 300]


def test_modify_of_a_mismatched_leaf_fails_unless_no_fail() -> None:
    doubled = fe.num_mul([fe.int_loop_var(LV.VALUE), fe.int_val(2)])
    ctx = [CTX.all_children()]
    assert value(fe.exp_modify(T.LIST, fe.list_bin("l"), doubled, ctx), l=[1, "oops", 3]) is UNKNOWN
    assert value(fe.exp_modify_no_fail(T.LIST, fe.list_bin("l"), doubled, ctx), l=[1, "oops", 3]) == [2, "oops", 6]


def test_ordered_containers_keep_their_order() -> None:
    negated = fe.num_sub([fe.int_val(0), fe.int_loop_var(LV.VALUE)])
    got = value(fe.exp_modify(T.LIST, fe.list_bin("l"), negated, [CTX.all_children()]), l=OrderedList([1, 2, 3]))
    assert got == [-3, -2, -1] and isinstance(got, OrderedList)
    kept = value(fe.exp_remove(T.MAP, fe.map_bin("m"), [CTX.map_key("b")]), m=KeyOrderedMap({"a": 1, "b": 2}))
    assert kept == {"a": 1} and isinstance(kept, KeyOrderedMap)


def test_declared_type_and_container_are_checked() -> None:
    ctx = [CTX.all_children()]
    assert value(fe.exp_select_matching_tree(T.LIST, fe.map_bin("m"), ctx), m={"a": 1}) is UNKNOWN
    assert value(fe.exp_select_values(T.LIST, fe.map_bin("m"), ctx)) is UNKNOWN
    keys_of_list = fe.exp_select_map_keys(T.LIST, fe.list_bin("l"), ctx)
    assert value(keys_of_list, l=[1]) is UNKNOWN
    wrong_family = fe.exp_select_values(T.LIST, fe.list_bin("l"), [CTX.map_key("a")])
    assert value(wrong_family, l=[1]) is UNKNOWN


def test_path_results_feed_other_expressions() -> None:
    count = fe.list_size(fe.exp_select_values(T.LIST, fe.list_bin("l"), [CTX.all_children_with_filter(
        fe.gt(fe.int_loop_var(LV.VALUE), fe.int_val(200)))]), [])
    pred = compile_filter(decode(base64.b64decode(fe.eq(count, fe.int_val(3)).base64())))
    assert pred(record(l=[100, 250, 300, 400]))
    assert not pred(record(l=[100, 250]))


def test_a_filter_does_not_see_the_enclosing_let() -> None:
    over_x = CTX.all_children_with_filter(fe.gt(fe.int_loop_var(LV.VALUE), fe.var("x")))
    inner = fe.exp_select_values(T.LIST, fe.list_bin("l"), [over_x])
    with pytest.raises(ExprError):
        value(fe.exp_let([fe.def_("x", fe.int_val(1)), inner]), l=[1, 2])


def test_loop_variables_outside_a_path_are_rejected() -> None:
    with pytest.raises(ExprError):
        compile_value(decode(base64.b64decode(fe.int_loop_var(LV.VALUE).base64())))
    with pytest.raises(ExprError):
        compile_value(decode(base64.b64decode(fe.remove_result().base64())))


def op_bytes(ctx_bytes: bytes, flags: int, modify: bytes = b"") -> bytes:
    return bytes((0x94 if modify else 0x93,)) + b"\xcc\xfe" + ctx_bytes + bytes((flags,)) + modify


ALL_CHILDREN = b"\x92\x04\xc3"


def test_cdt_operation_form_and_its_result_codes() -> None:
    rec = record(m={"a": [1, 2, 3]}, s="text")
    at_a = b"\x94\x22\xa2\x03a\x04\xc3"
    assert cdt_read(rec, "m", op_bytes(at_a, SelectFlags.VALUE)) == [1, 2, 3]
    assert cdt_read(rec, "missing", op_bytes(at_a, SelectFlags.VALUE)) is None
    assert cdt_modify(rec, "m", op_bytes(at_a, 4, b"\x93\x14\x93\x7a\x02\x01\x01")) is None  # add 1
    assert rec.bins["m"] == {"a": [2, 3, 4]}
    for bin_name, raw, code in [
        ("s", op_bytes(ALL_CHILDREN, SelectFlags.VALUE), ResultCode.BIN_TYPE_ERROR),
        ("m", op_bytes(ALL_CHILDREN, 4, b"\x91\x64"), ResultCode.PARAMETER_ERROR),  # modify in a read
        ("m", op_bytes(b"\x90", SelectFlags.VALUE), ResultCode.PARAMETER_ERROR),  # empty path
        ("m", op_bytes(b"\x92\x10\x00", SelectFlags.VALUE), ResultCode.PARAMETER_ERROR),  # list step on a map
    ]:
        with pytest.raises(AerospikeResultError) as info:
            cdt_read(rec, bin_name, raw)
        assert info.value.code == code
    with pytest.raises(AerospikeResultError) as info:
        cdt_modify(rec, "nope", op_bytes(ALL_CHILDREN, 4, b"\x91\x64"))
    assert info.value.code == ResultCode.BIN_TYPE_ERROR
    with pytest.raises(AerospikeResultError) as info:  # a string leaf doubled without NO_FAIL
        cdt_modify(record(l=["x"]), "l", op_bytes(ALL_CHILDREN, 4, b"\x93\x16\x93\x7a\x02\x01\x02"))
    assert info.value.code == ResultCode.SERVER_ERROR
    assert ModifyFlags.NO_FAIL == 0x10


# Properties over random nested values and paths (NO_FAIL, so only a step's family can fail).
SCALARS = st.one_of(st.integers(-20, 20), st.sampled_from(["a", "b", "zz"]))
NESTED = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3)),
                      max_leaves=12)
STEP = st.one_of(st.just(("all", None)), st.tuples(st.just("over"), st.integers(-5, 5)),
                 st.tuples(st.just("key"), st.sampled_from(["a", "b"])), st.tuples(st.just("index"), st.integers(-3, 3)))


def native_ctx(step: tuple[str, Any]) -> Any:
    kind, arg = step
    if kind == "all":
        return CTX.all_children()
    if kind == "over":
        return CTX.all_children_with_filter(fe.gt(fe.int_loop_var(LV.VALUE), fe.int_val(arg)))
    return CTX.map_key(arg) if kind == "key" else CTX.list_index(arg)


class WrongFamilyError(Exception):
    pass


def reference(node: Any, steps: list[tuple[str, Any]]) -> list[Any]:
    """What a select of values reaches, written out plainly."""
    (kind, arg), rest = steps[0], steps[1:]
    if (kind == "key" and not isinstance(node, dict)) or (kind == "index" and not isinstance(node, list)):
        raise WrongFamilyError
    children = [v for _, v in sorted(node.items())] if isinstance(node, dict) else list(node)
    if kind == "over":
        children = [c for c in children if type(c) is int and c > arg]
    elif kind == "key":
        children = [node[arg]] if arg in node else []
    elif kind == "index":
        children = [node[arg]] if -len(node) <= arg < len(node) else []
    if not rest:
        return children
    return [leaf for c in children if isinstance(c, (list, dict)) for leaf in reference(c, rest)]


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.lists(NESTED, max_size=4), st.dictionaries(st.sampled_from(["a", "b", "c"]), NESTED, max_size=3)),
       st.lists(STEP, min_size=1, max_size=3))
def test_select_matches_a_plain_walk_and_remove_empties_it(root: Any, steps: list[tuple[str, Any]]) -> None:
    ctx = [native_ctx(s) for s in steps]
    no_fail = SelectFlags.NO_FAIL
    t = T.MAP if isinstance(root, dict) else T.LIST
    binexp = fe.map_bin("r") if isinstance(root, dict) else fe.list_bin("r")
    got = value(fe.exp_select_by_path(T.LIST, SelectFlags.VALUE | no_fail, binexp, ctx), r=root)
    try:
        expected = reference(root, steps)
    except WrongFamilyError:
        assert got is UNKNOWN
        return
    assert got == expected
    assert value(fe.exp_select_by_path(T.INT, 10 | no_fail, binexp, ctx), r=root) == len(expected)
    assert value(fe.exp_select_by_path(T.BOOL, 11 | no_fail, binexp, ctx), r=root) is bool(expected)
    if all(kind != "index" for kind, _ in steps):  # removing by index shifts the next element into place
        pruned = value(fe.exp_modify_by_path(t, ModifyFlags.NO_FAIL, binexp, fe.remove_result(), ctx), r=root)
        assert value(fe.exp_select_by_path(T.LIST, SelectFlags.VALUE | no_fail, binexp, ctx), r=pruned) == []
