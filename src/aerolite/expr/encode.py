"""IR → wire bytes, byte for byte as the official clients' ``FilterExpression`` builders write them.

Contract: ``encode(expr)`` returns the msgpack bytes a client puts in field 43. Literal values go
through the shared Aerospike msgpack dialect (``values.msgpack_codec.pack``); names are raw strings;
list literals are wrapped in QUOTE; server-AEL text is a msgpack bin. Raises ``ExprError`` for a
value the dialect cannot carry.
"""

from __future__ import annotations

from aerolite.expr import path_wire
from aerolite.expr.codes import CALL_SYSTEM_CDT, CDT_CONTEXT_EVAL, Op
from aerolite.expr.errors import ExprError
from aerolite.expr.nodes import Ael, Apply, BinRead, BinType, CdtRead, Expr, KeyRead, Let, Regex, Val, Var
from aerolite.expr.strings import CALL_MODIFY, CALL_SYSTEM_STRING, PAIR, STRING_FUNCTIONS, StrCall
from aerolite.values.msgpack_codec import MsgpackError, pack, pack_raw_str


def encode(expr: Expr) -> bytes:
    """The wire form of ``expr``."""
    out = bytearray()
    try:
        _encode_into(out, expr)
    except MsgpackError as exc:
        raise ExprError(f"cannot encode expression literal: {exc}") from exc
    return bytes(out)


def _array(out: bytearray, n: int) -> None:
    if n < 16:
        out.append(0x90 | n)
    else:
        out += b"\xdc" + n.to_bytes(2, "big")


def _encode_into(out: bytearray, e: Expr) -> None:  # one branch per node shape
    if isinstance(e, Val):
        if isinstance(e.value, list):
            out += b"\x92\x7e"
        out += pack(e.value)
    elif isinstance(e, Apply):
        _array(out, 1 + len(e.args))
        out += pack(int(e.op))
        for arg in e.args:
            _encode_into(out, arg)
    elif isinstance(e, BinRead):
        out += b"\x93\x51" + pack(int(e.type))
        pack_raw_str(out, e.name)
    elif isinstance(e, BinType):
        out += b"\x92\x52"
        pack_raw_str(out, e.name)
    elif isinstance(e, KeyRead):
        out += b"\x92\x50" + pack(int(e.type))
    elif isinstance(e, Regex):
        out += b"\x94\x07" + pack(e.flags)
        pack_raw_str(out, e.pattern)
        _encode_into(out, e.arg)
    elif isinstance(e, Let):
        _array(out, 2 + 2 * len(e.bindings))
        out.append(Op.LET)
        for name, value in e.bindings:
            pack_raw_str(out, name)
            _encode_into(out, value)
        _encode_into(out, e.body)
    elif isinstance(e, Var):
        out += b"\x92\x7c"
        pack_raw_str(out, e.name)
    elif isinstance(e, CdtRead):
        _encode_cdt(out, e)
    elif isinstance(e, StrCall):
        _encode_string(out, e)
    elif isinstance(e, Ael):
        out += b"\x92\xcc\x80" + _bin_header(len(e.text.encode())) + e.text.encode()
    else:
        path_wire.write(out, e, _encode_into)


def _encode_cdt(out: bytearray, e: CdtRead) -> None:
    out += b"\x95\x7f" + pack(int(e.type)) + pack(CALL_SYSTEM_CDT)
    if e.ctx:
        out += b"\x93\xcc" + bytes((CDT_CONTEXT_EVAL,))
        _array(out, 2 * len(e.ctx))
        for step in e.ctx:
            out += pack(step.kind) + pack(step.value)
    head = 1 if e.return_type is None else 2
    _array(out, head + len(e.args))
    out += pack(e.op)
    if e.return_type is not None:
        out += pack(e.return_type)
    for arg in e.args:
        _encode_into(out, arg)
    _encode_into(out, e.bin)


def _encode_string(out: bytearray, e: StrCall) -> None:
    spec = STRING_FUNCTIONS[e.op]
    system = CALL_SYSTEM_STRING | (CALL_MODIFY if spec.modify else 0)
    out += b"\x95\x7f" + pack(int(spec.result)) + pack(system)
    pair = PAIR in spec.params and len(e.args) >= 2
    _array(out, 1 + len(e.args) - (1 if pair else 0))
    out += pack(e.op)
    for i, arg in enumerate(e.args):
        if pair and i == 0:
            out += b"\x92\x7e\x92"
        _encode_into(out, arg)
    _encode_into(out, e.src)


def _bin_header(n: int) -> bytes:
    if n < 0x100:
        return b"\xc4" + bytes((n,))
    if n < 0x10000:
        return b"\xc5" + n.to_bytes(2, "big")
    return b"\xc6" + n.to_bytes(4, "big")
