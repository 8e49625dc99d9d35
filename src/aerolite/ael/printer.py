"""IR → AEL text that parses back to the same IR.

Contract: ``to_text(e)`` writes canonical AEL: every bin read pinned (``$.age:INT``), every binary
operator parenthesised, n-ary or unary arithmetic as a function call (``add(a, b, c)``), CDT reads as
paths with an explicit ``.get(type:, return:)`` where it is not the default. ``parse(to_text(e)) == e``
for every tree the language can spell; a tree it cannot spell (a CDT read on a computed container, a
one-argument ``min``, INF as a literal…) raises ``ExprError`` naming the node.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from aerolite.ael import path_printer
from aerolite.ael.literals import escape, render
from aerolite.ael.parser import FUNCTIONS, METADATA, TYPE_NAMES
from aerolite.ael.paths import LIST, MAP, SELECTOR_OF_CTX, SELECTOR_OF_OP
from aerolite.ael.strings import NAME_OF as STRING_METHOD_NAME
from aerolite.ael.strings import printed_args
from aerolite.expr.codes import INVERTED, ExpType, ListOp, MapOp, Op, ReturnType
from aerolite.expr.errors import ExprError
from aerolite.expr.nodes import (
    Ael,
    Apply,
    BinRead,
    BinType,
    CdtRead,
    Ctx,
    Expr,
    KeyRead,
    Let,
    Regex,
    Val,
    Var,
)
from aerolite.expr.paths import LoopPart, LoopVar, PathModify, PathSelect
from aerolite.expr.strings import StrCall, StrOp
from aerolite.values.types import Special

_SYMBOLS = {
    Op.EQ: "==", Op.NE: "!=", Op.GT: ">", Op.GE: ">=", Op.LT: "<", Op.LE: "<=",
    Op.ADD: "+", Op.SUB: "-", Op.MUL: "*", Op.DIV: "/", Op.MOD: "%", Op.POW: "**",
    Op.INT_AND: "&", Op.INT_OR: "|", Op.INT_XOR: "^",
    Op.INT_LSHIFT: "<<", Op.INT_ARSHIFT: ">>", Op.INT_RSHIFT: ">>>",
}
_FUNCTION_NAME = {op: name for name, (op, *_) in reversed(FUNCTIONS.items())}
_FUNCTION_NAME[Op.INT_COUNT] = "countOneBits"
_CAST_NAME = {Op.TO_INT: "toInt", Op.TO_FLOAT: "toFloat"}
_METADATA_NAME = {op: name for name, op in reversed(METADATA.items())}
_TYPE_NAME: dict[ExpType, str] = {t: name for name, t in TYPE_NAMES.items() if name != "GEOJSON"}
_RETURN_NAME = {int(r): r.name for r in ReturnType}
_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_REGEX_LETTERS = ((1, "x"), (2, "i"), (4, "n"), (8, "m"))
_WORDS = frozenset({"true", "false", "nil", "null", "in"})


def to_text(e: Expr) -> str:
    """Canonical AEL for ``e``."""
    if isinstance(e, Val):
        return _literal(e.value)
    printer = _PRINTERS.get(type(e))
    if printer is None:
        raise ExprError(f"{type(e).__name__} has no AEL spelling")
    return printer(e)


def _literal(value: Any) -> str:
    if isinstance(value, Special):
        raise ExprError(f"{value!r} has no AEL spelling")
    return render(value)


def _args(args: tuple[Expr, ...]) -> str:
    return ", ".join(to_text(a) for a in args)


def _apply(e: Apply) -> str:  # one branch per operator family
    op, args = e.op, e.args
    if op in _SYMBOLS and len(args) == 2:
        return f"({to_text(args[0])} {_SYMBOLS[op]} {to_text(args[1])})"
    if op in (Op.AND, Op.OR) and len(args) >= 2:
        return "(" + f" {op.name.lower()} ".join(to_text(a) for a in args) + ")"
    if op == Op.NOT:
        return f"not({to_text(args[0])})"
    if op == Op.EXCLUSIVE and len(args) >= 2:
        return f"exclusive({_args(args)})"
    if op == Op.COND:
        branches = [f"{to_text(c)} => {to_text(v)}" for c, v in zip(args[:-1:2], args[1::2], strict=True)]
        return f"when({', '.join(branches)}, default => {to_text(args[-1])})"
    if op == Op.UNKNOWN:
        return "unknown"
    if op in _METADATA_NAME:
        return f"$.{_METADATA_NAME[op]}()"
    if op == Op.DIGEST_MODULO and isinstance(args[0], Val):
        return f"$.digestModulo({args[0].value})"
    if op in _CAST_NAME:
        return f"{_CAST_NAME[op]}({to_text(args[0])})"
    if op == Op.TO_STRING:
        return f"{_receiver(args[0])}.toString()"
    if op in _FUNCTION_NAME:
        low = FUNCTIONS[_FUNCTION_NAME[op]][1]
        if len(args) >= low:
            return f"{_FUNCTION_NAME[op]}({_args(args)})"
    raise ExprError(f"{op.name} with {len(args)} arguments has no AEL spelling")


def _bin_name(name: str) -> str:
    return name if _BARE_NAME.fullmatch(name) else f"'{escape(name)}'"


def _pin(t: ExpType) -> str:
    if t not in _TYPE_NAME:
        raise ExprError(f"type {t.name} cannot be written as a pin")
    return ":" + _TYPE_NAME[t]


def _bin_read(e: BinRead) -> str:
    return f"$.{_bin_name(e.name)}{_pin(e.type)}"


def _bin_type(e: BinType) -> str:
    return f"$.{_bin_name(e.name)}.binType()"


def _key(e: KeyRead) -> str:
    return f"$.key(){_pin(e.type)}"


def _regex(e: Regex) -> str:
    if "\n" in e.pattern or "\\" in e.pattern or e.flags & ~15:
        raise ExprError(f"regex {e.pattern!r} with flags {e.flags} has no AEL spelling")
    letters = "".join(letter for bit, letter in _REGEX_LETTERS if e.flags & bit)
    return f"({to_text(e.arg)} =~ /{e.pattern.replace('/', chr(92) + '/')}/{letters})"


def _let(e: Let) -> str:
    defs = ", ".join(f"{name} = {to_text(value)}" for name, value in e.bindings)
    return f"let ({defs}) then ({to_text(e.body)})"


def _var(e: Var) -> str:
    return "${" + e.name + "}"


def _ael(e: Ael) -> str:
    return e.text


def _selector_value(value: Any) -> str:
    if isinstance(value, (list, dict, Special)):
        raise ExprError(f"{value!r} cannot be written inside a path selector")
    return render(value)


def _key_part(value: Any) -> str:
    """A map-key path part, with its leading dot."""
    if isinstance(value, str) and _BARE_NAME.fullmatch(value) and value not in _WORDS:
        return f".{value}"
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return f".{_selector_value(value)}"
    return ".{" + _selector_value(value) + "}"


def _ctx_part(step: Ctx) -> str:
    container, kind = SELECTOR_OF_CTX[step.kind]
    if kind == "key":
        return _key_part(step.value)
    return "." + _selector(container, kind, (step.value,), False)


def _range(start: Any, count: tuple[Any, ...]) -> str:
    return f"{start}:" + (f"{start + count[0]}" if count else "")


def _selector(container: ExpType, kind: str, args: tuple[Any, ...], inverted: bool) -> str:  # per kind
    bang = "!" if inverted else ""
    open_, close = ("[", "]") if container == LIST else ("{", "}")
    if kind == "index":
        body = str(args[0])
    elif kind == "rank":
        body = f"#{args[0]}"
    elif kind == "value":
        body = "=" + _selector_value(args[0])
    elif kind in ("value_list", "key_list") and len(args[0]) >= 2:
        body = ("=" if kind == "value_list" else "") + ",".join(_selector_value(v) for v in args[0])
    elif kind == "index_range":
        body = _range(args[0], args[1:])
    elif kind == "rank_range":
        body = "#" + _range(args[0], args[1:])
    elif kind == "value_range":
        body = "=" + _selector_value(args[0]) + ":" + (_selector_value(args[1]) if len(args) > 1 else "")
    elif kind == "rel_rank":
        body = "#" + _range(args[1], args[2:]) + "~" + _selector_value(args[0])
    elif kind == "rel_index":
        body = _range(args[1], args[2:]) + "~" + _selector_value(args[0])
    elif kind == "key_range" and args[0] is None:
        body = "@:" + (_selector_value(args[1]) if len(args) > 1 else "")
    elif kind == "key_range":
        body = _selector_value(args[0]) + "-" + (_selector_value(args[1]) if len(args) > 1 else "")
    elif kind == "key":
        body = _selector_value(args[0])
    else:
        raise ExprError(f"selector {kind} with {args!r} has no AEL spelling")
    return open_ + bang + body + close


def _cdt(e: CdtRead) -> str:
    if e.op == ListOp.JOIN:  # reads the whole list at the path, as count() does
        whole = _cdt(CdtRead(ExpType.INT, ListOp.SIZE, None, (), e.bin, e.ctx))
        return whole.removesuffix(".count()") + f".join({_args(e.args)})"
    if e.op == ListOp.GET_ALL_BY_VALUE and e.return_type == ReturnType.EXISTS and not e.ctx:
        return f"({to_text(e.args[0])} in {to_text(e.bin)})"
    root = e.bin
    on_loop = isinstance(root, LoopVar) and root.part == LoopPart.VALUE
    if not isinstance(root, (BinRead, LoopVar)) or not all(isinstance(a, Val) for a in e.args):
        raise ExprError("a CDT read on a computed container has no AEL spelling")
    if (not on_loop and isinstance(root, LoopVar)) or (on_loop and not e.ctx and e.op in (ListOp.SIZE, MapOp.SIZE)):
        raise ExprError("this read of a loop variable has no AEL spelling")
    head = f"$.{_bin_name(root.name)}" if isinstance(root, BinRead) else "@"
    ctx = "".join(_ctx_part(step) for step in e.ctx)
    if e.op in (ListOp.SIZE, MapOp.SIZE):
        size_of = LIST if e.op == ListOp.SIZE else MAP
        if not e.ctx:
            return f"{head}{_pin(size_of)}.count()" if root.type == size_of else _no_spelling(e)
        first = SELECTOR_OF_CTX[e.ctx[0].kind][0]
        pin = _pin(root.type) if root.type != first else ""
        if pin and on_loop:
            raise ExprError("a path into a loop variable starts with the container its first part names")
        return f"{head}{pin}{ctx}{_pin(size_of)}.count()"
    container = LIST if e.op < MapOp.SIZE else MAP
    first = SELECTOR_OF_CTX[e.ctx[0].kind][0] if e.ctx else container
    pin = _pin(root.type) if root.type != first else ""
    if pin and on_loop:
        raise ExprError("a path into a loop variable starts with the container its first part names")
    rt = e.return_type or 0
    values = tuple(a.value for a in e.args)  # type: ignore[attr-defined]
    kind = SELECTOR_OF_OP.get(e.op)
    if kind is None:  # the list join (8.2) has no path spelling
        raise ExprError(f"CDT op {e.op} has no AEL spelling")
    last = _key_part(values[0]) if kind == "key" else "." + _selector(container, kind, values, bool(rt & INVERTED))
    params = []
    if kind in ("index", "rank", "key"):
        params.append(f"type: {_TYPE_NAME[e.type]}")
    if rt & ~INVERTED != ReturnType.VALUE:
        params.append(f"return: {_RETURN_NAME[rt & ~INVERTED]}")
    suffix = f".get({', '.join(params)})" if params else ""
    return f"{head}{pin}{ctx}{last}{suffix}"


def _no_spelling(e: Expr) -> str:
    raise ExprError(f"{e!r} has no AEL spelling")


def _receiver(e: Expr) -> str:
    """A method's receiver: paths and method chains as they are, anything else in parentheses."""
    text = to_text(e)
    return text if isinstance(e, (BinRead, CdtRead, StrCall)) else f"({text})"


def _string_call(e: StrCall) -> str:
    return f"{_receiver(e.src)}.{STRING_METHOD_NAME[StrOp(e.op)]}({_args(tuple(printed_args(e)))})"


_PRINTERS: dict[type, Callable[[Any], str]] = {
    Apply: _apply, BinRead: _bin_read, BinType: _bin_type, KeyRead: _key, Regex: _regex, Let: _let,
    Var: _var, CdtRead: _cdt, Ael: _ael, StrCall: _string_call,
    PathSelect: lambda e: path_printer.select(e, to_text, _ctx_part),
    PathModify: lambda e: path_printer.modify(e, to_text, _ctx_part),
    LoopVar: lambda e: path_printer.loop_var(e, _pin),
}
