"""Field 45: what each verbosity level sends, decoded with the plain msgpack library."""

from __future__ import annotations

import msgpack

from aerolite.ael import AelSyntaxError, parse
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.wire.error_detail import EXPRESSION_TRACE, MESSAGE, SUBCODE, detail_field, verbosity
from aerolite.wire.message import FieldType


def decoded(field: bytes) -> object:
    assert field[4] == FieldType.ERROR_DETAIL and int.from_bytes(field[:4], "big") == len(field) - 4
    return msgpack.unpackb(field[5:], strict_map_key=False)


def ael_error(text: str) -> AelSyntaxError:
    try:
        parse(text)
    except AelSyntaxError as exc:
        return exc
    raise AssertionError(f"{text!r} parsed")


def test_verbosity_is_bits_5_and_6_of_info4() -> None:
    assert [verbosity(level << 5 | 0x01) for level in range(4)] == [0, 1, 2, 3]


def test_levels() -> None:
    plain = AerospikeResultError(ResultCode.OP_NOT_APPLICABLE, "no such index")
    coded = AerospikeResultError(ResultCode.OP_NOT_APPLICABLE, "no such index", sub_code=1)
    assert detail_field(plain, 0) == detail_field(coded, 0) == detail_field(None, MESSAGE) == b""
    assert detail_field(plain, SUBCODE) == b""
    assert decoded(detail_field(coded, SUBCODE)) == {1: 1}
    assert decoded(detail_field(plain, MESSAGE)) == {2: "no such index"}
    assert decoded(detail_field(coded, EXPRESSION_TRACE)) == {1: 1, 2: "no such index"}


def test_ael_trace() -> None:
    error = ael_error("$.a >\n  and $.b")
    assert decoded(detail_field(error, EXPRESSION_TRACE)) == {
        2: str(error), 3: {1: 1, 8: 2, 9: error.offset, 6: "  and $.b"}}
