"""String bin operations (Aerospike 8.2): STRING_READ, STRING_MODIFY and TO_STRING (a read) on a record.

The functions and their argument shapes come from ``expr.strings.STRING_FUNCTIONS``, the table the
string expressions use, so an operation and its expression form cannot disagree. An op is
``[code, args...]``, or ``[0xff, [ctx...], [code, args...]]`` to reach a string inside a list or map.

A node's rules, as the client documents them:

* a read of a missing bin answers nil; a non-string target fails with BIN_TYPE_ERROR (12);
* a missing bin is never an error for a modify: the additive ones (insert, overwrite, concat,
  append, prepend, pad, repeat) build it from the empty string, the others leave it missing;
* write flags: CREATE_ONLY (only on additive ops and never with a context, else PARAMETER_ERROR)
  fails with BIN_EXISTS (6) on a live bin; UPDATE_ONLY turns a modify of a missing bin into a
  no-op; both together are PARAMETER_ERROR; NO_FAIL turns BIN_EXISTS and an unreachable context
  (OP_NOT_APPLICABLE, 26) into no-ops, never a wrong type or a bad argument;
* arguments out of their domain are PARAMETER_ERROR (4), an unconvertible source OP_NOT_APPLICABLE.
"""

from __future__ import annotations

from typing import Any

from aerolite.engine.cdt import context
from aerolite.engine.cdt.common import bad, fail, parse_op
from aerolite.engine.record import Record
from aerolite.expr import text
from aerolite.expr.strings import (
    CODE,
    INT,
    LIST,
    PAIR,
    STR,
    STRING_FUNCTIONS,
    WFLAGS,
    WRITE_CREATE_ONLY,
    WRITE_NO_FAIL,
    WRITE_UPDATE_ONLY,
    StrOp,
)
from aerolite.result_codes import AerospikeResultError, ResultCode

_ALL_FLAGS = WRITE_CREATE_ONLY | WRITE_UPDATE_ONLY | WRITE_NO_FAIL
_KIND_TYPES: dict[str, type] = {INT: int, STR: str, CODE: int, WFLAGS: int}


class _Parsed:
    """One decoded string op: its spec, the arguments its function takes, its write flags, its context."""

    __slots__ = ("args", "ctx", "flags", "name", "spec")

    def __init__(self, raw: Any, modify: bool) -> None:
        op = parse_op(raw)
        spec = STRING_FUNCTIONS.get(op.code)
        if spec is None:
            bad(f"unknown string op {op.code}")
        self.name = StrOp(op.code).name.lower()
        if spec.modify != modify:
            bad(f"string op {self.name} is a {'modify' if spec.modify else 'read'}, sent as a {'modify' if modify else 'read'}")
        if not spec.required <= len(op.args) <= len(spec.params):
            bad(f"string op {self.name} takes {spec.required} to {len(spec.params)} arguments, got {len(op.args)}")
        self.spec = spec
        self.ctx = context.parse(op.ctx)
        self.flags = 0
        self.args: list[Any] = []
        for kind, value in zip(spec.params, op.args, strict=False):
            self.take(kind, value)

    def take(self, kind: str, value: Any) -> None:
        if kind == PAIR:
            if not (isinstance(value, list) and len(value) == 2):
                bad(f"string op {self.name} takes a [string, string] pair")
            self.args += [self.typed(STR, v) for v in value]
        elif kind == LIST:
            items = value if isinstance(value, list) else [value]
            self.args.append([self.typed(STR, v) for v in items])
        elif kind == WFLAGS:
            self.flags = self.typed(WFLAGS, value)
        else:
            self.args.append(self.typed(kind, value))

    def typed(self, kind: str, value: Any) -> Any:
        wanted = _KIND_TYPES[kind]
        if type(value) is not wanted:
            bad(f"string op {self.name} needs {wanted.__name__} arguments, got {type(value).__name__}")
        return value

    def apply(self, s: Any) -> Any:
        if type(s) is not str:
            fail(ResultCode.BIN_TYPE_ERROR, f"string op {self.name} cannot work on a {type(s).__name__}")
        return self.spec.fn(s, *self.args)


def string_read(record: Record, bin_name: str, raw: Any) -> Any:
    """The answer of a STRING_READ op (nil for a missing bin)."""
    op = _Parsed(raw, modify=False)
    value = record.bins.get(bin_name)
    if value is None:
        return None
    return op.apply(context.descend(value, op.ctx) if op.ctx else value)


def string_modify(record: Record, bin_name: str, raw: Any) -> None:
    """Apply a STRING_MODIFY op to the record's bins."""
    op = _Parsed(raw, modify=True)
    flags = _check_flags(op)
    bins = record.bins
    current = bins.get(bin_name)
    if current is None and (flags & WRITE_UPDATE_ONLY or not op.spec.additive or op.ctx):
        return
    if not op.ctx:
        if current is not None and flags & WRITE_CREATE_ONLY:
            if flags & WRITE_NO_FAIL:
                return
            fail(ResultCode.BIN_EXISTS, f"bin {bin_name!r} exists")
        bins[bin_name] = op.apply("" if current is None else current)
        return
    try:
        bins[bin_name], _ = context.modify(current, op.ctx, 0, lambda s: (op.apply(s), None))
    except AerospikeResultError as exc:
        if exc.code != ResultCode.OP_NOT_APPLICABLE or not flags & WRITE_NO_FAIL:
            raise


def _check_flags(op: _Parsed) -> int:
    flags: int = op.flags
    if flags & ~_ALL_FLAGS:
        bad(f"unknown string write flags 0x{flags:x}")
    if flags & WRITE_CREATE_ONLY and flags & WRITE_UPDATE_ONLY:
        bad("CREATE_ONLY and UPDATE_ONLY exclude each other")
    if flags & WRITE_CREATE_ONLY and (op.ctx or not op.spec.additive):
        bad(f"CREATE_ONLY applies to additive string ops without a context, not to {op.name}")
    return flags


def bin_as_string(record: Record, bin_name: str) -> Any:
    """TO_STRING: the text of a bool, integer, float, string or UTF-8 blob bin (nil when missing)."""
    value = record.bins.get(bin_name)
    return None if value is None else text.to_string(value)
