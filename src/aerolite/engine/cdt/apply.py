"""CDT_READ and CDT_MODIFY on a record: decode the op, walk its context, run the list or map handler.

Family rules, as a node answers: a list op on a map (or a scalar) bin fails with 12, and so does a map
op on a list; a read of a missing bin answers nil; an unknown op code (or a write code sent as a
read) is malformed (4), and so is a write that would nest the bin deeper than ``MAX_NESTING`` levels.
"""

from __future__ import annotations

from typing import Any

from aerolite.engine.cdt import context, lists, maps
from aerolite.engine.cdt.common import Handler, bad, fail, parse_op
from aerolite.engine.cdt.path_ops import path_modify, path_read
from aerolite.engine.record import Record
from aerolite.result_codes import ResultCode
from aerolite.values.nesting import MAX_NESTING, nesting

_MAP_CODES = 64


def _tables(code: int) -> tuple[int, dict[int, Handler], dict[int, Handler]]:
    if code < _MAP_CODES:
        return context.LIST, lists.READS, lists.WRITES
    return context.MAP, maps.READS, maps.WRITES


def _check_family(value: Any, family: int) -> None:
    if value is not None and context.family_of(value) != family:
        kind = "list" if family == context.LIST else "map"
        fail(ResultCode.BIN_TYPE_ERROR, f"a {kind} op cannot work on a {type(value).__name__}")


def cdt_read(record: Record, bin_name: str, raw: Any) -> Any:
    """The answer of a CDT read op (nil for a missing bin)."""
    if isinstance(raw, bytes):
        return path_read(record, bin_name, raw)
    op = parse_op(raw)
    family, reads, _ = _tables(op.code)
    handler = reads.get(op.code)
    if handler is None:
        bad(f"{op.code} is not a CDT read op")
    value = record.bins.get(bin_name)
    if value is None:
        return None
    target = context.descend(value, context.parse(op.ctx))
    _check_family(target, family)
    return handler(target, op)[1]


def cdt_modify(record: Record, bin_name: str, raw: Any) -> Any:
    """Apply a CDT modify op to the record's bins; returns its answer, None when it has none."""
    if isinstance(raw, bytes):
        return path_modify(record, bin_name, raw)
    op = parse_op(raw)
    family, reads, writes = _tables(op.code)
    handler = writes.get(op.code) or reads.get(op.code)
    if handler is None:
        bad(f"unknown CDT op code {op.code}")

    def run(target: Any) -> tuple[Any, Any]:
        _check_family(target, family)
        if target is None and op.code in reads:
            return None, None
        return handler(target, op)

    value, answer = context.modify(record.bins.get(bin_name), context.parse(op.ctx), family, run)
    if value is not None:
        # The bin can only get deeper than the context plus the arguments; walk it only when that may pass the limit.
        if len(op.ctx) // 2 + nesting(op.args) + 1 > MAX_NESTING and nesting(value) > MAX_NESTING:
            bad(f"the write would nest bin {bin_name!r} deeper than {MAX_NESTING} levels")
        record.bins[bin_name] = value
    return answer
