"""Compiling path nodes into closures: select / modify by path, loop variables, ``remove_result``.

Contract: each function takes the expression compiler and its scope (duck-typed, see ``Scope``) and
returns ``f(record) -> value | UNKNOWN``, like the compiler's own handlers. A path's filters and
modify expression are compiled once, in a scope whose loop-variable cell the walk fills per child.
In an expression a path that cannot run (``PathError``) or a result of another type than declared
yields unknown; ``compile_path_op`` gives the engine the same walk with the node's result codes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from aerolite.expr import meta
from aerolite.expr.codes import ExpType
from aerolite.expr.errors import ExprError
from aerolite.expr.nodes import Expr
from aerolite.expr.path_eval import REMOVE, Path, PathError, build
from aerolite.expr.path_wire import PathOp
from aerolite.expr.paths import MODE_MASK, SELECT_MODES, LoopVar, PathModify, PathSelect, RemoveResult, Select
from aerolite.expr.view import UNKNOWN, RecordView

Value = Callable[[RecordView], Any]
_EXACT = {ExpType.INT: int, ExpType.FLOAT: float, ExpType.STRING: str, ExpType.BOOL: bool}


class Scope(Protocol):
    """The compiler's scope as paths use it: the enclosing loop cell, and a child scope with a new one."""

    loop: list[Any] | None

    def with_loop(self, cell: list[Any]) -> Scope: ...


class Compiles(Protocol):
    def value(self, e: Expr, env: Any) -> Value: ...


def loop_var(compiler: Compiles, e: LoopVar, env: Scope) -> Value:
    cell = env.loop
    if cell is None:
        raise ExprError("a loop variable is only defined inside a path filter or modify expression")
    part, is_type, exact = e.part, meta.IS_TYPE[e.type], _EXACT.get(e.type)
    if exact is not None:
        def read_exact(r: RecordView) -> Any:
            v = cell[part]
            return v if type(v) is exact else UNKNOWN
        return read_exact

    def read(r: RecordView) -> Any:
        v = cell[part]
        return v if v is not UNKNOWN and is_type(v) else UNKNOWN
    return read


def remove_result(compiler: Compiles, e: RemoveResult, env: Scope) -> Value:
    if env.loop is None:
        raise ExprError("remove_result is only meaningful as a path's modify expression")
    return lambda r: REMOVE


def compile_path_op(compiler: Compiles, env: Scope, op: PathOp) -> Path:
    """The walk of a select/modify by path CDT operation."""
    has_modify, mode = op.modify is not None, op.flags & MODE_MASK
    if mode != Select.APPLY if has_modify else mode not in SELECT_MODES:
        raise ExprError(f"path flags 0x{op.flags:x} do not fit a {'modify' if has_modify else 'select'}")
    return _path(compiler, env, op)


def _path(compiler: Compiles, env: Scope, op: PathOp | PathSelect | PathModify) -> Path:
    cell: list[Any] = [UNKNOWN, UNKNOWN, UNKNOWN]
    inner = env.with_loop(cell)
    try:
        levels = build(op.steps, lambda f: compiler.value(f, inner))
    except PathError as exc:
        raise ExprError(str(exc)) from exc
    modify = getattr(op, "modify", None)
    return Path(levels, op.flags, cell, None if modify is None else compiler.value(modify, inner))


def path_select(compiler: Compiles, e: PathSelect, env: Scope) -> Value:
    return _run(compiler.value(e.bin, env), _path(compiler, env, e).select, meta.IS_TYPE[e.type])


def path_modify(compiler: Compiles, e: PathModify, env: Scope) -> Value:
    return _run(compiler.value(e.bin, env), _path(compiler, env, e).modify, meta.IS_TYPE[e.type])


def _run(container: Value, walk: Callable[[Any, RecordView], Any], is_type: Callable[[Any], bool]) -> Value:
    def run(r: RecordView) -> Any:
        root = container(r)
        if not isinstance(root, (list, dict)):
            return UNKNOWN
        try:
            result = walk(root, r)
        except PathError:
            return UNKNOWN
        return result if is_type(result) else UNKNOWN
    return run
