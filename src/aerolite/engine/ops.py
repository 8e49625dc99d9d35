"""Scalar bin operations and the rules for which of them answer in a reply.

``OpKind`` values equal the wire's op type bytes, so the network front maps them by value; the engine
itself never sees wire structures. ``apply_write`` mutates a working copy of a record's bins and raises
``AerospikeResultError`` (12 for type mismatches) before anything is stored.
"""

from __future__ import annotations

from operator import add
from typing import Any, Final, NamedTuple

from aerolite.engine.cdt import bits, hll
from aerolite.engine.cdt.apply import cdt_modify, cdt_read
from aerolite.engine.cdt.exp_ops import SKIP, exp_read, exp_write_value
from aerolite.engine.record import Record
from aerolite.engine.strings import bin_as_string, string_modify, string_read
from aerolite.op_kinds import OpKind as OpKind
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.values.ordering import normalize_map_order

MAX_BIN_NAME = 15
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


WRITE_KINDS = frozenset(
    {OpKind.WRITE, OpKind.CDT_MODIFY, OpKind.INCR, OpKind.EXP_MODIFY, OpKind.APPEND, OpKind.PREPEND,
     OpKind.TOUCH, OpKind.BITS_MODIFY, OpKind.DELETE_ALL, OpKind.HLL_MODIFY, OpKind.STRING_MODIFY}
)
READ_KINDS = frozenset({OpKind.CDT_READ, OpKind.EXP_READ, OpKind.BITS_READ, OpKind.HLL_READ, OpKind.STRING_READ,
                        OpKind.TO_STRING})
"""Reads other than plain bin reads; they always answer."""
SUPPORTED_KINDS = frozenset(
    {OpKind.READ, OpKind.WRITE, OpKind.INCR, OpKind.APPEND, OpKind.PREPEND, OpKind.TOUCH, OpKind.DELETE_ALL,
     OpKind.CDT_READ, OpKind.CDT_MODIFY, OpKind.EXP_READ, OpKind.EXP_MODIFY, OpKind.BITS_READ, OpKind.BITS_MODIFY,
     OpKind.HLL_READ, OpKind.HLL_MODIFY, OpKind.STRING_READ, OpKind.STRING_MODIFY, OpKind.TO_STRING}
)


class _NoResult:
    """Marks a write op that produced no value to answer."""

    __slots__ = ()


NO_RESULT: Final = _NoResult()


class Op(NamedTuple):
    """One operation on one bin (``bin_name`` is empty for record-level ops)."""

    kind: OpKind
    bin_name: str
    value: Any = None


def delete_bin(bins: dict[str, Any], name: str) -> None:
    """Remove a bin the way a node does: the last bin moves into the freed slot."""
    if name not in bins:
        return
    names = list(bins)
    last = names[-1]
    if last == name:
        del bins[name]
        return
    last_value = bins.pop(last)
    rebuilt = {(last if k == name else k): (last_value if k == name else v) for k, v in bins.items()}
    bins.clear()
    bins.update(rebuilt)


def _type_error(op: Op, current: Any) -> AerospikeResultError:
    return AerospikeResultError(
        ResultCode.BIN_TYPE_ERROR,
        f"{op.kind.name.lower()} of a {type(op.value).__name__} on bin {op.bin_name!r} holding a {type(current).__name__}",
    )


def read_op(record: Record, op: Op) -> Any:
    """The value a CDT, expression, bit or HLL read answers."""
    if op.kind == OpKind.CDT_READ:
        return cdt_read(record, op.bin_name, op.value)
    if op.kind == OpKind.EXP_READ:
        return exp_read(record, op.value)
    if op.kind == OpKind.BITS_READ:
        return bits.read(record.bins.get(op.bin_name), op.value)
    if op.kind == OpKind.HLL_READ:
        return hll.read(record.bins.get(op.bin_name), op.value)
    if op.kind == OpKind.STRING_READ:
        return string_read(record, op.bin_name, op.value)
    if op.kind == OpKind.TO_STRING:
        return bin_as_string(record, op.bin_name)
    raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"operation {op.kind.name} is not supported")


_WRITE, _INCR = OpKind.WRITE, OpKind.INCR
"""The commonest kinds, bound once: an enum member lookup costs ~60 ns on Python 3.11."""


def apply_write(record: Record, op: Op) -> Any:
    """Apply one write op to a working record in place; returns its answer value or NO_RESULT."""
    bins = record.bins
    kind = op.kind
    if kind == _WRITE:
        if op.value is None:
            delete_bin(bins, op.bin_name)
        elif isinstance(op.value, (list, dict)):
            bins[op.bin_name] = normalize_map_order(op.value)
        else:
            bins[op.bin_name] = op.value
    elif kind == _INCR:
        _increment(bins, op)
    elif kind in (OpKind.APPEND, OpKind.PREPEND):
        _concatenate(bins, op)
    elif kind == OpKind.DELETE_ALL:
        bins.clear()
    elif kind == OpKind.CDT_MODIFY:
        answer = cdt_modify(record, op.bin_name, op.value)
        return NO_RESULT if answer is None else answer
    elif kind == OpKind.BITS_MODIFY:
        _store(bins, op.bin_name, bits.modify(bins.get(op.bin_name), op.value))
    elif kind == OpKind.HLL_MODIFY:
        value, answer = hll.modify(bins.get(op.bin_name), op.value)
        _store(bins, op.bin_name, value)
        return NO_RESULT if answer is None else answer
    elif kind == OpKind.STRING_MODIFY:
        string_modify(record, op.bin_name, op.value)
    elif kind == OpKind.EXP_MODIFY:
        value = exp_write_value(record, op.bin_name, op.value)
        if value is not SKIP:
            apply_write(record, Op(OpKind.WRITE, op.bin_name, value))
    elif kind != OpKind.TOUCH:
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"operation {kind.name} is not supported")
    return NO_RESULT


def _store(bins: dict[str, Any], name: str, value: bytes | None) -> None:
    """Keep a bit or HLL op's new value; None means the op left the bin as it was."""
    if value is not None:
        bins[name] = value


def _increment(bins: dict[str, Any], op: Op) -> None:
    value = op.value
    kind = type(value)  # exact types: a bool is not a number to add, and bins hold no int subclasses
    if kind is not int and kind is not float:
        raise AerospikeResultError(ResultCode.BIN_TYPE_ERROR, f"cannot add a {kind.__name__} to a bin")
    current = bins.get(op.bin_name)
    if current is None:
        bins[op.bin_name] = value
        return
    if type(current) is int and kind is int:
        total = current + value
        if not _INT64_MIN <= total <= _INT64_MAX:
            raise AerospikeResultError(ResultCode.OP_NOT_APPLICABLE, f"adding {value} to bin {op.bin_name!r} overflows 64 bits")
        bins[op.bin_name] = total
    elif type(current) is float and kind is float:
        bins[op.bin_name] = current + value
    else:
        raise _type_error(op, current)


def _concatenate(bins: dict[str, Any], op: Op) -> None:
    value: Any = op.value
    current: Any = bins.get(op.bin_name)
    if not isinstance(value, (str, bytes)):
        raise AerospikeResultError(ResultCode.BIN_TYPE_ERROR, f"cannot {op.kind.name.lower()} a {type(value).__name__}")
    if current is None:
        bins[op.bin_name] = value
    elif type(current) is type(value):
        bins[op.bin_name] = add(current, value) if op.kind == OpKind.APPEND else add(value, current)
    else:
        raise _type_error(op, current)
