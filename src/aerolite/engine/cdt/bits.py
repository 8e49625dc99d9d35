"""Bit operations on blob bins (op types 12 and 13), in a node's terms.

Offsets and sizes count bits from the top bit of byte 0 (insert, remove and resize count bytes); a
negative offset counts from the end. The blob is handled as one big integer, so each op is a mask, a
shift or an addition on the range ``[offset, offset + size)`` and bits outside it never change.
Failures follow the node: a range past the end is 26 (PARTIAL clips a bitwise op at the end instead),
a resize or remove that cannot apply is 4, an integer overflow under the FAIL action is 26, a bin
that is not a plain blob is 12; NO_FAIL turns the refusals into no-ops.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from aerolite.engine.cdt.common import bad, fail, is_int
from aerolite.engine.cdt.packed import (
    CREATE_ONLY,
    NO_FAIL,
    PROTO_SIZE_MAX,
    UPDATE_ONLY,
    ArgTable,
    may_write,
    parse_op,
    refuse,
    uint,
    write_flags,
)
from aerolite.result_codes import ResultCode

RESIZE, INSERT, REMOVE, SET, OR, XOR, AND, NOT, LSHIFT, RSHIFT, ADD, SUBTRACT, SET_INT = range(13)
GET, COUNT, LSCAN, RSCAN, GET_INT, B64_ENCODE = range(50, 56)
PARTIAL = 0x08
SIGNED, SATURATE, WRAP = 0x01, 0x02, 0x04
"""Integer subflags: SATURATE and WRAP are the overflow actions (neither: fail)."""
FROM_FRONT, GROW_ONLY, SHRINK_ONLY = 0x01, 0x02, 0x04
"""Resize subflags."""
INVERT_SIZE = 0x01
"""Base64-encode subflag: the size counts the bytes left off the end."""


class _Op:
    """One parsed bit op; ``offset`` and ``size`` are in bits whatever unit the wire used."""

    __slots__ = ("buf", "code", "flags", "offset", "size", "subflags", "value")

    def __init__(self, code: int) -> None:
        self.code = code
        self.offset = 0
        self.size = 0
        self.value = 0
        self.buf = b""
        self.flags = 0
        self.subflags = 0


_Parser = Callable[[_Op, Any], None]


def _offset(scale: int) -> _Parser:
    def parse(op: _Op, arg: Any) -> None:
        if not is_int(arg) or abs(arg) > PROTO_SIZE_MAX * 8 // scale:
            bad(f"offset {arg!r} is not an integer within the largest blob")
        op.offset = int(arg) * scale

    return parse


def _size(scale: int, least: int, most: int) -> _Parser:
    def parse(op: _Op, arg: Any) -> None:
        size = uint(arg, "a size")
        if not least <= size <= most:
            bad(f"size {arg!r} must be between {least} and {most}")
        op.size = size * scale

    return parse


def _bool(op: _Op, arg: Any) -> None:
    if not isinstance(arg, bool):
        bad(f"a scan looks for true or false, not {arg!r}")
    op.value = int(arg)


def _shift(op: _Op, arg: Any) -> None:
    op.value = uint(arg, "a shift")
    if op.value > PROTO_SIZE_MAX * 8:
        bad(f"shift {arg!r} is larger than the largest blob")


def _int_value(op: _Op, arg: Any) -> None:
    op.value = uint(arg, "an integer value")


def _buf(op: _Op, arg: Any) -> None:
    if not isinstance(arg, bytes) or not arg:
        bad(f"a bit op value must be a non-empty blob, not {arg!r}")
    if op.size > len(arg) * 8:
        bad(f"a {len(arg)}-byte value is shorter than the {op.size} bits to write")
    op.size = op.size or len(arg) * 8
    op.buf = arg


def _flags(allowed: int) -> _Parser:
    def parse(op: _Op, arg: Any) -> None:
        op.flags = write_flags(arg, allowed)

    return parse


def _subflags(allowed: int, exclusive: int = 0) -> _Parser:
    def parse(op: _Op, arg: Any) -> None:
        subflags = uint(arg, "subflags")
        if subflags & ~allowed or (exclusive and subflags & exclusive == exclusive):
            bad(f"subflags {subflags:#x} are not valid for bit op {op.code}")
        op.subflags = subflags

    return parse


_bit_offset, _byte_offset = _offset(1), _offset(8)
_bit_size = _size(1, 1, PROTO_SIZE_MAX * 8)
_int_size = _size(1, 1, 64)
_RANGE_FLAGS = _flags(UPDATE_ONLY | NO_FAIL | PARTIAL)
_INT_FLAGS = _flags(UPDATE_ONLY | NO_FAIL)
_ARITH = (_bit_offset, _int_size, _int_value, _INT_FLAGS, _subflags(SIGNED | SATURATE | WRAP, SATURATE | WRAP))

_MODIFY_ARGS: ArgTable[_Op] = {
    RESIZE: (1, (_size(8, 0, PROTO_SIZE_MAX), _flags(CREATE_ONLY | UPDATE_ONLY | NO_FAIL),
                 _subflags(FROM_FRONT | GROW_ONLY | SHRINK_ONLY, GROW_ONLY | SHRINK_ONLY))),
    INSERT: (2, (_byte_offset, _buf, _flags(CREATE_ONLY | UPDATE_ONLY | NO_FAIL))),
    REMOVE: (2, (_byte_offset, _size(8, 1, PROTO_SIZE_MAX), _RANGE_FLAGS)),
    **{code: (3, (_bit_offset, _bit_size, _buf, _RANGE_FLAGS)) for code in (SET, OR, XOR, AND)},
    NOT: (2, (_bit_offset, _bit_size, _RANGE_FLAGS)),
    **{code: (3, (_bit_offset, _bit_size, _shift, _RANGE_FLAGS)) for code in (LSHIFT, RSHIFT)},
    ADD: (3, _ARITH),
    SUBTRACT: (3, _ARITH),
    SET_INT: (3, (_bit_offset, _int_size, _int_value, _INT_FLAGS)),
}
_READ_ARGS: ArgTable[_Op] = {
    GET: (2, (_bit_offset, _bit_size)),
    COUNT: (2, (_bit_offset, _bit_size)),
    LSCAN: (3, (_bit_offset, _bit_size, _bool)),
    RSCAN: (3, (_bit_offset, _bit_size, _bool)),
    GET_INT: (2, (_bit_offset, _int_size, _subflags(SIGNED))),
    B64_ENCODE: (0, (_byte_offset, _size(8, 0, PROTO_SIZE_MAX), _subflags(INVERT_SIZE))),
}


def _mask(n_bits: int) -> int:
    return (1 << n_bits) - 1


def _signed(value: int, n_bits: int) -> int:
    return value - (1 << n_bits) if value >> (n_bits - 1) & 1 else value


def _field(data: bytes, offset: int, size: int) -> int:
    return (int.from_bytes(data, "big") >> (len(data) * 8 - offset - size)) & _mask(size)


def _with_field(data: bytes, offset: int, size: int, field: int) -> bytes:
    shift = len(data) * 8 - offset - size
    value = int.from_bytes(data, "big") & ~(_mask(size) << shift) | field << shift
    return value.to_bytes(len(data), "big")


def _blob(value: Any) -> bytes:
    if type(value) is not bytes:
        fail(ResultCode.BIN_TYPE_ERROR, f"bit ops work on blob bins, not on a {type(value).__name__}")
    return value


def _locate(op: _Op, data: bytes | None) -> None:
    """Make a negative offset count from the start of the blob."""
    if op.offset >= 0:
        return
    if data is None:
        bad("a negative offset needs an existing blob")
    if -op.offset > len(data) * 8:
        bad(f"offset {op.offset} reaches before the start of a {len(data)}-byte blob")
    op.offset += len(data) * 8


def _in_range(op: _Op, n_bits: int, clip: bool) -> bool:
    """Whether the op's bits lie in the blob; with ``clip`` and PARTIAL, cut them at its end."""
    if op.offset < n_bits:
        if op.offset + op.size <= n_bits:
            return True
        if clip and op.flags & PARTIAL:
            op.size = n_bits - op.offset
            return True
    return refuse(op.flags, ResultCode.OP_NOT_APPLICABLE,
                  f"bits {op.offset}..{op.offset + op.size} are outside a {n_bits}-bit blob")


def _resize(op: _Op, data: bytes) -> bytes | None:
    n, want = len(data), op.size // 8
    if want == n:
        return None
    grow = want > n
    if op.subflags & (SHRINK_ONLY if grow else GROW_ONLY):
        refuse(op.flags, ResultCode.PARAMETER_ERROR, f"resize from {n} to {want} bytes contradicts its subflags")
        return None
    if grow:
        pad = bytes(want - n)
        return pad + data if op.subflags & FROM_FRONT else data + pad
    return data[n - want:] if op.subflags & FROM_FRONT else data[:want]


def _insert(op: _Op, data: bytes) -> bytes:
    at = op.offset // 8
    return data[:at] + bytes(max(at - len(data), 0)) + op.buf + data[at:]


def _remove(op: _Op, data: bytes) -> bytes | None:
    at, count = op.offset // 8, op.size // 8
    if at >= len(data) or (at + count > len(data) and not op.flags & PARTIAL):
        refuse(op.flags, ResultCode.PARAMETER_ERROR, f"removing bytes {at}..{at + count} of a {len(data)}-byte blob")
        return None
    return data[:at] + data[at + count:]


def _buf_bits(op: _Op) -> int:
    """The first ``op.size`` bits of the op's value."""
    return int.from_bytes(op.buf, "big") >> (len(op.buf) * 8 - op.size)


_BITWISE: dict[int, Callable[[int, _Op], int]] = {
    SET: lambda field, op: _buf_bits(op),
    OR: lambda field, op: field | _buf_bits(op),
    XOR: lambda field, op: field ^ _buf_bits(op),
    AND: lambda field, op: field & _buf_bits(op),
    NOT: lambda field, op: field ^ _mask(op.size),
    LSHIFT: lambda field, op: (field << op.value) & _mask(op.size) if op.value < op.size else 0,
    RSHIFT: lambda field, op: field >> op.value,
}


def _bitwise(op: _Op, data: bytes) -> bytes | None:
    if not _in_range(op, len(data) * 8, clip=True):
        return None
    return _with_field(data, op.offset, op.size, _BITWISE[op.code](_field(data, op.offset, op.size), op))


def _arithmetic(op: _Op, load: int, value: int) -> int | None:
    """``load`` plus or minus ``value`` in ``op.size`` bits under the overflow action; None to fail.

    A signed overflow is detected as a node does it, by the signs of the operands and the result; the
    test is strict, so a sum that wraps to exactly zero passes.
    """
    n, mask = op.size, _mask(op.size)
    subtract = op.code == SUBTRACT
    result = (load - value if subtract else load + value) & mask
    if op.subflags & WRAP:
        return result
    saturate = op.subflags & SATURATE
    if op.subflags & SIGNED:
        s_load, s_value, s_result = _signed(load, n), _signed(-value & mask if subtract else value, n), _signed(result, n)
        if s_load < 0 and s_value < 0 and s_result > 0:
            return 1 << (n - 1) if saturate else None
        if s_load > 0 and s_value > 0 and s_result < 0:
            return mask >> 1 if saturate else None
        return result
    if result > load if subtract else result < load:
        return (0 if subtract else mask) if saturate else None
    return result


def _integer(op: _Op, data: bytes) -> bytes | None:
    if not _in_range(op, len(data) * 8, clip=False):
        return None
    value = op.value & _mask(op.size)
    if op.code != SET_INT:
        result = _arithmetic(op, _field(data, op.offset, op.size), value)
        if result is None:
            refuse(op.flags, ResultCode.OP_NOT_APPLICABLE, f"{op.size}-bit integer overflow")
            return None
        value = result
    return _with_field(data, op.offset, op.size, value)


_MODIFIERS: dict[int, Callable[[_Op, bytes], bytes | None]] = {
    RESIZE: _resize, INSERT: _insert, REMOVE: _remove,
    **{code: _bitwise for code in _BITWISE},
    ADD: _integer, SUBTRACT: _integer, SET_INT: _integer,
}


def _scan_target(op: _Op, field: int) -> int:
    """The range with the bits being looked for set to one."""
    return field if op.value else field ^ _mask(op.size)


def _get(op: _Op, field: int) -> bytes:
    n_bytes = (op.size + 7) // 8
    return (field << (n_bytes * 8 - op.size)).to_bytes(n_bytes, "big")


def _get_int(op: _Op, field: int) -> int:
    """A node answers a signed 64-bit integer, so an unsigned 64-bit read can come back negative."""
    return _signed(field, op.size) if op.subflags & SIGNED or op.size == 64 else field


def _lscan(op: _Op, field: int) -> int:
    target = _scan_target(op, field)
    return op.size - target.bit_length() if target else -1


def _rscan(op: _Op, field: int) -> int:
    target = _scan_target(op, field)
    return op.size - (target & -target).bit_length() if target else -1


_READERS: dict[int, Callable[[_Op, int], Any]] = {
    GET: _get, COUNT: lambda op, field: field.bit_count(), LSCAN: _lscan, RSCAN: _rscan, GET_INT: _get_int,
}


def _b64_encode(op: _Op, data: bytes, ranged: bool) -> str:
    """Base64 text of the blob, or of its byte range (8.2); a range outside the blob is 26."""
    if not ranged:
        return base64.b64encode(data).decode("ascii")
    start = op.offset // 8
    end = len(data) - op.size // 8 if op.subflags & INVERT_SIZE else start + op.size // 8
    if not 0 <= start <= end <= len(data):
        fail(ResultCode.OP_NOT_APPLICABLE, f"bytes {start}..{end} are outside a {len(data)}-byte blob")
    return base64.b64encode(data[start:end]).decode("ascii")


def read(current: Any, raw: Any) -> Any:
    """The answer of a bit read op on a bin's value; nil for a missing bin."""
    if current is None:
        return None
    op = parse_op(raw, _READ_ARGS, "bit", _Op)
    data = _blob(current)
    _locate(op, data)
    if op.code == B64_ENCODE:
        if len(raw) == 2:
            bad("base64 encode takes a byte offset and a byte size together, or neither")
        return _b64_encode(op, data, len(raw) > 1)
    _in_range(op, len(data) * 8, clip=False)
    return _READERS[op.code](op, _field(data, op.offset, op.size))


def modify(current: Any, raw: Any) -> bytes | None:
    """The bin's blob after a bit modify op; None when the bin stays as it is.

    Only resize and insert may create a missing bin (as zeros up to the written bytes).
    """
    op = parse_op(raw, _MODIFY_ARGS, "bit", _Op)
    if not may_write(current is not None, op.flags, op.code in (RESIZE, INSERT)):
        return None
    data = None if current is None else _blob(current)
    _locate(op, data)
    result = _MODIFIERS[op.code](op, data or b"")
    if result is not None and len(result) >= PROTO_SIZE_MAX:
        bad(f"a {len(result)}-byte blob is larger than a node accepts")
    return result

