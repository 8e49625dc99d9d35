"""Wire bytes ↔ path IR: loop variables, ``remove_result``, and the ``[0xfe, steps, flags(, modify)]``
body of a select or modify by path, in expressions and in CDT operations alike.

Contract: the readers take the expression decoder's cursor (duck-typed, see ``Cursor``) and raise
``ExprError`` through it; the writers append to a bytearray and take the expression encoder for
nested expressions. ``read_path_op`` reads a CDT operation's whole value into ``PathOp``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

from aerolite.expr import paths as xp
from aerolite.expr.codes import CALL_SYSTEM_CDT, ExpType
from aerolite.expr.errors import ExprError
from aerolite.expr.nodes import Ctx, Expr
from aerolite.values.msgpack_codec import pack

_PATH_HEAD = bytes((0xCC, xp.PATH_OP))
_LOOP_PARTS = frozenset(int(p) for p in xp.LoopPart)


class Cursor(Protocol):
    """The part of the expression decoder's reader that path bodies use."""

    data: bytes
    pos: int

    def fail(self, message: str) -> ExprError: ...
    def array(self, what: str) -> int: ...
    def integer(self, what: str) -> int: ...
    def exp_type(self) -> ExpType: ...
    def value(self) -> Any: ...
    def expr(self, depth: int) -> Expr: ...


def starts_path(cursor: Cursor) -> bool:
    """Whether the bytes at the cursor (just inside an op array) begin with the path op code."""
    return cursor.data[cursor.pos : cursor.pos + 2] == _PATH_HEAD


def read_loop_var(cursor: Cursor, n: int, depth: int) -> Expr:
    if n != 3:
        raise cursor.fail(f"LOOP_VAR takes 2 arguments, got {n - 1}")
    t = cursor.exp_type()
    part = cursor.integer("a loop variable part")
    if part not in _LOOP_PARTS:
        raise cursor.fail(f"unknown loop variable part {part}")
    return xp.LoopVar(t, part)


def read_remove(cursor: Cursor, n: int, depth: int) -> Expr:
    if n != 1:
        raise cursor.fail(f"REMOVE_RESULT takes no arguments, got {n - 1}")
    return xp.RemoveResult()


def read_call(cursor: Cursor, result: ExpType, system: int, count: int, depth: int) -> Expr:
    """The rest of ``[127, result, system, [0xfe, ...], bin]`` once the inner array's header is read."""
    cursor.pos += len(_PATH_HEAD)
    steps, flags = read_body(cursor, count, depth)
    if system == CALL_SYSTEM_CDT:
        if count != 3 or flags & xp.MODE_MASK not in xp.SELECT_MODES:
            raise cursor.fail("a select by path takes [0xfe, steps, flags] with a select mode")
        return xp.PathSelect(result, flags, cursor.expr(depth), steps)
    if system != xp.MODIFY_SYSTEM or count != 4 or flags & xp.MODE_MASK != xp.Select.APPLY:
        raise cursor.fail("a modify by path takes [0xfe, steps, flags | APPLY, expression]")
    modify = cursor.expr(depth)
    return xp.PathModify(result, flags, cursor.expr(depth), modify, steps)


def read_body(cursor: Cursor, count: int, depth: int) -> tuple[tuple[xp.Step, ...], int]:
    """Steps and flags of a path body (the op code already consumed)."""
    if count not in (3, 4):
        raise cursor.fail(f"a path body has 3 or 4 items, got {count}")
    items = cursor.array("path steps")
    if items == 0 or items % 2:
        raise cursor.fail("a path needs one or more type/value pairs")
    if items // 2 > xp.MAX_LEVELS:
        raise cursor.fail(f"a path has at most {xp.MAX_LEVELS} steps")
    steps: list[xp.Step] = []
    for _ in range(items // 2):
        kind = cursor.integer("a path step type")
        if kind in xp.FILTER_KINDS:
            steps.append(xp.FilterStep(kind, cursor.expr(depth)))
        elif kind in xp.LITERAL_KINDS:
            steps.append(Ctx(kind, cursor.value()))
        else:
            raise cursor.fail(f"unsupported path step type 0x{kind:x}")
    flags = cursor.integer("path flags")
    if flags < 0:
        raise cursor.fail(f"bad path flags {flags}")
    return tuple(steps), flags


def write(out: bytearray, e: Expr, encode_into: Callable[[bytearray, Expr], None]) -> None:
    """Append the wire form of a path node."""
    if isinstance(e, xp.LoopVar):
        out += b"\x93\x7a" + pack(int(e.type)) + pack(e.part)
    elif isinstance(e, xp.RemoveResult):
        out += b"\x91\x64"
    elif isinstance(e, xp.PathSelect):
        out += b"\x95\x7f" + pack(int(e.type)) + pack(CALL_SYSTEM_CDT) + b"\x93" + _PATH_HEAD
        write_steps(out, e.steps, encode_into)
        out += pack(e.flags)
        encode_into(out, e.bin)
    elif isinstance(e, xp.PathModify):
        out += b"\x95\x7f" + pack(int(e.type)) + pack(xp.MODIFY_SYSTEM) + b"\x94" + _PATH_HEAD
        write_steps(out, e.steps, encode_into)
        out += pack(e.flags)
        encode_into(out, e.modify)
        encode_into(out, e.bin)
    else:
        raise ExprError(f"cannot encode {type(e).__name__}")


def write_steps(out: bytearray, steps: tuple[xp.Step, ...], encode_into: Callable[[bytearray, Expr], None]) -> None:
    n = 2 * len(steps)
    out += bytes((0x90 | n,)) if n < 16 else b"\xdc" + n.to_bytes(2, "big")
    for step in steps:
        out += pack(step.kind)
        if isinstance(step, xp.FilterStep):
            encode_into(out, step.filter)
        else:
            out += pack(step.value)


class PathOp(NamedTuple):
    """A decoded select/modify by path CDT operation."""

    steps: tuple[xp.Step, ...]
    flags: int
    modify: Expr | None


def is_path_op(data: bytes | memoryview) -> bool:
    """Whether a CDT operation's value is a path body rather than an ordinary list/map op."""
    return len(data) > 3 and data[0] in (0x93, 0x94) and bytes(data[1:3]) == _PATH_HEAD


def read_path_op(cursor: Cursor) -> PathOp:
    """The steps, flags and modify expression of a CDT path operation's whole value."""
    count = cursor.array("a path operation")
    cursor.pos += len(_PATH_HEAD)
    steps, flags = read_body(cursor, count, 1)
    return PathOp(steps, flags, cursor.expr(1) if count == 4 else None)
