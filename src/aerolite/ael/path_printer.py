"""Path IR → G4 AEL text: wildcard paths, their filters and result functions, loop variables.

Contract: the functions spell exactly the shapes ``path_select`` builds, so that
``parse(to_text(e)) == e``; anything else (NO_FAIL flags, family-typed filter steps, a select whose
declared type is not the one its mode gives, ``remove_result`` outside a path) raises ``ExprError``.
The printer passes ``text`` (its ``to_text``) and ``ctx_part`` (a literal step as a path part).
"""

from __future__ import annotations

from collections.abc import Callable

from aerolite.ael.literals import render
from aerolite.expr import paths as xp
from aerolite.expr.codes import ExpType
from aerolite.expr.errors import ExprError
from aerolite.expr.nodes import BinRead, Ctx, Expr, Val
from aerolite.values.types import Special

Text = Callable[[Expr], str]
CtxPart = Callable[[Ctx], str]
# mode → (function written after the path, the result type the parser gives it; None: the bin's)
_SUFFIX: dict[int, tuple[str, ExpType | None]] = {
    xp.Select.VALUE: ("", ExpType.LIST), xp.Select.MAP_KEY: (".getKeys()", ExpType.LIST),
    xp.Select.MAP_KEY_VALUE: (".getKeyValues()", ExpType.LIST), xp.Select.MATCHING_TREE: (".getTree()", None),
    xp.Select.COUNT: (".count()", ExpType.INT), xp.Select.EXISTS: (".exists()", ExpType.BOOL),
}
_LOOP_NAME = {xp.LoopPart.VALUE: "@", xp.LoopPart.MAP_KEY: "@key", xp.LoopPart.INDEX: "@index"}


def select(e: xp.PathSelect, text: Text, ctx_part: CtxPart) -> str:
    if e.flags not in _SUFFIX:
        raise ExprError(f"a path select with flags {e.flags} has no AEL spelling")
    suffix, declared = _SUFFIX[e.flags]
    if e.type != (_container(e.bin) if declared is None else declared):
        raise ExprError(f"a path select with flags {e.flags} and type {e.type.name} has no AEL spelling")
    return _path(e.bin, e.steps, text, ctx_part) + suffix


def modify(e: xp.PathModify, text: Text, ctx_part: CtxPart) -> str:
    if e.flags & ~xp.NO_FAIL != xp.Select.APPLY or e.type != _container(e.bin):
        raise ExprError(f"a path modify with flags {e.flags} and type {e.type.name} has no AEL spelling")
    action = ".remove()" if isinstance(e.modify, xp.RemoveResult) else f".modify({text(e.modify)})"
    return _path(e.bin, e.steps, text, ctx_part) + action + (":NO_FAIL" if e.flags & xp.NO_FAIL else "")


def loop_var(e: xp.LoopVar, pin: Callable[[ExpType], str]) -> str:
    if e.part == xp.LoopPart.INDEX:
        if e.type != ExpType.INT:
            raise ExprError("@index reads an INT")
        return "@index"
    return _LOOP_NAME[xp.LoopPart(e.part)] + pin(e.type)


def _container(e: Expr) -> ExpType:
    if not isinstance(e, BinRead) or e.type not in (ExpType.LIST, ExpType.MAP):
        raise ExprError("a path over anything but a LIST or MAP bin has no AEL spelling")
    return e.type


def _path(root: Expr, steps: tuple[xp.Step, ...], text: Text, ctx_part: CtxPart) -> str:
    out = [text(BinRead(_container(root), root.name))]  # type: ignore[attr-defined]
    if not any(isinstance(s, xp.FilterStep) for s in steps):
        raise ExprError("a path without a wildcard or filter has no wildcard-path spelling")
    for step in steps:
        if isinstance(step, Ctx):
            out.append(_literal(step, ctx_part))
        elif step.kind == xp.FILTER:
            out.append(".*" if step.filter == Val(True) else f".*[?({text(step.filter)})]")
        elif step.kind == xp.AND_FILTER:
            out.append(f"&[?({text(step.filter)})]")
        else:
            raise ExprError(f"path step 0x{step.kind:x} has no AEL spelling")
    return "".join(out)


def _literal(step: Ctx, ctx_part: CtxPart) -> str:
    if step.kind == xp.KEY_LIST:
        keys = step.value
        if not isinstance(keys, list) or len(keys) < 2:
            raise ExprError("a key list of fewer than two keys has no AEL spelling")
        if any(isinstance(k, (list, dict, Special)) for k in keys):
            raise ExprError("a key list of collections has no AEL spelling")
        return ".{@" + ",".join(render(k) for k in keys) + "}"
    try:
        return ctx_part(step)
    except KeyError:
        raise ExprError(f"path step 0x{step.kind:x} has no AEL spelling") from None
