"""The public entry points: to_wire, filter_from_wire (standard and server-AEL bytes), caching,
parameter binding, and the three-valued semantics seen through them."""

from __future__ import annotations

import pytest

from aerolite.ael import AelSyntaxError, filter_from_text, filter_from_wire, parse, to_text, to_wire
from aerolite.engine.record import Record
from aerolite.expr import UNKNOWN, Ael, Apply, ExprError, Op, compile_value, encode
from aerolite.result_codes import AerospikeResultError, ResultCode


def rec(**bins: object) -> Record:
    return Record(bytes(range(20)), "people", "u1", dict(bins), 1, 0, 0)


def test_server_ael_bytes_are_parsed_and_compiled() -> None:
    data = encode(Ael("$.age > 25"))
    assert data.hex() == "92cc80c40a242e616765203e203235"
    f = filter_from_wire(data)
    assert f(rec(age=30)) is True
    assert f(rec(age=20)) is False


def test_server_ael_nested_inside_a_standard_expression() -> None:
    f = filter_from_wire(encode(Apply(Op.AND, (Ael("$.age > 25"), Ael("$.name == 'Ada'")))))
    assert f(rec(age=30, name="Ada")) is True
    assert f(rec(age=30, name="Bob")) is False


def test_filter_from_wire_is_cached_by_bytes() -> None:
    data = to_wire("$.age > 25 and $.name == 'Ada'")
    assert filter_from_wire(data) is filter_from_wire(bytearray(data))


@pytest.mark.parametrize("data", [b"\x92\xcc\x80\xc4\x05$.a >", b"\xc1", b"\x93\x03\x93\x51\x03\xa1a\x01",
                                  encode(Ael("$.a > 'x' and"))])
def test_filter_from_wire_rejects_bad_input_with_parameter_error(data: bytes) -> None:
    with pytest.raises(AerospikeResultError) as info:
        filter_from_wire(data)
    assert info.value.code == ResultCode.PARAMETER_ERROR


def test_parse_is_cached() -> None:
    assert parse("$.a > 1 and $.b < 2") is parse("$.a > 1 and $.b < 2")
    assert filter_from_text("$.a > 1") is filter_from_text("$.a > 1")


def test_params_of_different_types_do_not_share_a_cache_entry() -> None:
    with pytest.raises(AelSyntaxError):
        parse("$.a:INT == ?0", "1")
    assert parse("$.a == ?0", 1) != parse("$.a == ?0", 1.0)


def test_printf_strings_are_quoted_and_cannot_inject() -> None:
    evil = "x' or $.admin == true or $.n == 'y"
    e = parse("$.name == %s", evil)
    assert e == parse("$.name == ?0", evil)
    assert filter_from_text("$.name == %s", evil)(rec(name=evil, admin=True)) is True
    assert filter_from_text("$.name == '%s'", evil)(rec(name="x", admin=True)) is False


def test_unhashable_params_bypass_the_cache() -> None:
    assert filter_from_text("$.age in ?0", [1, 36])(rec(age=36)) is True


def test_missing_bin_is_unknown_and_stays_unknown_under_not() -> None:
    value = compile_value(parse("not($.missing > 0)"))
    assert value(rec()) is UNKNOWN
    assert filter_from_text("not($.missing > 0)")(rec()) is False


def test_mixed_int_float_arithmetic_is_rejected_at_compile_time() -> None:
    with pytest.raises(ExprError):
        parse("$.a:INT + $.b:FLOAT > 1")


def test_printer_output_reparses() -> None:
    text = "$.nums.[=3:8].count() == 4 and $.counts.{#-1}.get(return: KEY) == 'c'"
    assert parse(to_text(parse(text))) == parse(text)
