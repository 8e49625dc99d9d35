"""Static result types of IR nodes and the compile-time type rules a node enforces.

Contract: ``static_type(e, env)`` returns the ``ExpType`` an expression is known to produce, or None
when only evaluation can tell (variables bound to such expressions, ``unknown``, a ``cond`` whose
branches are untyped). ``check(e, env)`` raises ``ExprError`` for a node whose argument types are
known and wrong: mixed INT/FLOAT arithmetic, comparing a STRING with an INT, ``not`` of an INT, a
list op on a map… Everything undecidable here is decided per record (the compiler yields unknown).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aerolite.expr.codes import COMPARISONS, LIST_OPS, LOGICAL, ExpType, Op
from aerolite.expr.errors import ExprError
from aerolite.expr.nodes import Apply, BinRead, BinType, CdtRead, Expr, KeyRead, Let, Regex, Val, Var
from aerolite.expr.paths import LoopVar, PathModify, PathSelect
from aerolite.expr.strings import SLOT_TYPES, STRING_FUNCTIONS, StrCall, StrOp
from aerolite.expr.text import TextError, regex
from aerolite.values.types import GeoJson, Hll, Special

TypeEnv = Mapping[str, "ExpType | None"]

NUMERIC = frozenset({ExpType.INT, ExpType.FLOAT})
_ONLY = {t: frozenset({t}) for t in ExpType}
_STRINGABLE = frozenset({ExpType.BOOL, ExpType.INT, ExpType.FLOAT, ExpType.STRING, ExpType.BLOB})
_CONTAINERS = frozenset({ExpType.LIST, ExpType.MAP})
_NAMES = {op: op.name.lower() for op in Op}  # Op.name goes through enum's slow property
_SAME_AS_ARGS = frozenset({Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.ABS, Op.MIN, Op.MAX})
_FLOAT_OPS = frozenset({Op.POW, Op.LOG, Op.FLOOR, Op.CEIL})
_INT_OPS = frozenset({
    Op.MOD, Op.INT_AND, Op.INT_OR, Op.INT_XOR, Op.INT_NOT, Op.INT_LSHIFT, Op.INT_RSHIFT, Op.INT_ARSHIFT,
    Op.INT_COUNT,
})
_RESULT: dict[Op, ExpType] = {
    **{op: ExpType.BOOL for op in COMPARISONS | LOGICAL | {Op.GEO, Op.IN_LIST}},
    **{op: ExpType.FLOAT for op in _FLOAT_OPS | {Op.TO_FLOAT}},
    **{op: ExpType.INT for op in _INT_OPS | {Op.TO_INT, Op.INT_LSCAN, Op.INT_RSCAN, Op.DIGEST_MODULO}},
    Op.DEVICE_SIZE: ExpType.INT, Op.MEMORY_SIZE: ExpType.INT, Op.RECORD_SIZE: ExpType.INT,
    Op.LAST_UPDATE: ExpType.INT, Op.SINCE_UPDATE: ExpType.INT, Op.VOID_TIME: ExpType.INT, Op.TTL: ExpType.INT,
    Op.SET_NAME: ExpType.STRING, Op.KEY_EXISTS: ExpType.BOOL, Op.IS_TOMBSTONE: ExpType.BOOL,
    Op.MAP_KEYS: ExpType.LIST, Op.MAP_VALUES: ExpType.LIST,
    Op.TO_STRING: ExpType.STRING,
}


def value_type(value: Any) -> ExpType | None:
    """The expression type of a literal value (None for INF and WILDCARD, which only CDT ops take)."""
    if value is None:
        return ExpType.NIL
    if isinstance(value, bool):
        return ExpType.BOOL
    if isinstance(value, int):
        return ExpType.INT
    if isinstance(value, float):
        return ExpType.FLOAT
    if isinstance(value, GeoJson):
        return ExpType.GEO
    if isinstance(value, str):
        return ExpType.STRING
    if isinstance(value, Hll):
        return ExpType.HLL
    if isinstance(value, (bytes, bytearray)):
        return ExpType.BLOB
    if isinstance(value, list):
        return ExpType.LIST
    if isinstance(value, dict):
        return ExpType.MAP
    if isinstance(value, Special):
        return None
    raise ExprError(f"a {type(value).__name__} cannot be an expression literal")


def static_type(e: Expr, env: TypeEnv) -> ExpType | None:
    """The type ``e`` is known to produce, or None."""
    rule = _STATIC.get(type(e))
    return rule(e, env) if rule is not None else None


def _apply_type(e: Apply, env: TypeEnv) -> ExpType | None:
    if e.op in _RESULT:
        return _RESULT[e.op]
    if e.op in _SAME_AS_ARGS:
        return _chain_type(e, env)
    if e.op == Op.COND:
        return first_known(e.args[1::2], env)
    return None


def _chain_type(e: Apply, env: TypeEnv) -> ExpType | None:
    """``first_known(e.args)``, following the first arguments of an arithmetic chain (``a + b + c`` nests
    through them) with a loop, so that a long chain costs no stack."""
    later: list[tuple[Expr, ...]] = []
    inner: Expr = e
    while isinstance(inner, Apply) and inner.op in _SAME_AS_ARGS and inner.args:
        later.append(inner.args[1:])
        inner = inner.args[0]
    known = static_type(inner, env)
    for rest in reversed(later):
        if known is not None:
            return known
        known = first_known(rest, env)
    return known


def _let_type(e: Let, env: TypeEnv) -> ExpType | None:
    inner = dict(env)
    for name, value in e.bindings:
        inner[name] = static_type(value, inner)
    return static_type(e.body, inner)


_STATIC: dict[type, Callable[[Any, TypeEnv], ExpType | None]] = {
    Val: lambda e, env: value_type(e.value),
    Apply: _apply_type,
    BinRead: lambda e, env: e.type, KeyRead: lambda e, env: e.type, CdtRead: lambda e, env: e.type,
    BinType: lambda e, env: ExpType.INT,
    Regex: lambda e, env: ExpType.BOOL,
    Var: lambda e, env: env.get(e.name),
    Let: _let_type,
    StrCall: lambda e, env: STRING_FUNCTIONS[e.op].result,
    LoopVar: lambda e, env: e.type, PathSelect: lambda e, env: e.type, PathModify: lambda e, env: e.type,
}


def first_known(args: tuple[Expr, ...], env: TypeEnv) -> ExpType | None:
    """The first statically known type among ``args``."""
    for arg in args:
        t = static_type(arg, env)
        if t is not None:
            return t
    return None


def _require(args: tuple[Expr, ...], allowed: frozenset[ExpType], env: TypeEnv, what: str) -> None:
    for arg in args:
        t = static_type(arg, env)
        if t is not None and t not in allowed:
            names = " or ".join(sorted(a.name for a in allowed))
            raise ExprError(f"{what} needs {names} arguments, got {t.name}")


def _same(args: tuple[Expr, ...], env: TypeEnv, what: str) -> None:
    known = {t for t in (static_type(a, env) for a in args) if t is not None}
    if len(known) > 1:
        names = " and ".join(sorted(t.name for t in known))
        raise ExprError(f"{what} cannot mix {names}")


def check(e: Expr, env: TypeEnv) -> None:
    """Raise ``ExprError`` when the known argument types of this one node are wrong."""
    if isinstance(e, Apply):
        _check_apply(e, env)
    elif isinstance(e, Regex):
        _require((e.arg,), _ONLY[ExpType.STRING], env, "a regex match")
    elif isinstance(e, StrCall):
        _check_string_call(e, env)
    elif isinstance(e, CdtRead):
        container = ExpType.LIST if e.op in LIST_OPS else ExpType.MAP
        outer = _CONTAINERS if e.ctx else _ONLY[container]
        _require((e.bin,), outer, env, f"a {container.name.lower()} read")
    elif isinstance(e, (PathSelect, PathModify)):
        _require((e.bin,), _CONTAINERS, env, "a path")


def _check_string_call(e: StrCall, env: TypeEnv) -> None:
    name = StrOp(e.op).name.lower()
    _require((e.src,), _ONLY[ExpType.STRING], env, f"string function {name}")
    for arg, kind in zip(e.args, STRING_FUNCTIONS[e.op].slots(len(STRING_FUNCTIONS[e.op].params)), strict=False):
        if kind in SLOT_TYPES:
            _require((arg,), _ONLY[SLOT_TYPES[kind]], env, f"string function {name}")
        elif not (isinstance(arg, Val) and type(arg.value) is int):
            raise ExprError(f"string function {name} takes its flags as an integer literal")
    pattern = e.args[0] if e.op in (StrOp.REGEX_COMPARE, StrOp.REGEX_REPLACE) else None
    if isinstance(pattern, Val) and type(pattern.value) is str:
        try:  # a literal pattern is checked once, before any record is read, like a REGEX node's
            regex(pattern.value, 0)
        except TextError as exc:
            raise ExprError(str(exc)) from None


def _check_apply(e: Apply, env: TypeEnv) -> None:
    op, args, name = e.op, e.args, _NAMES[e.op]
    if op in COMPARISONS:
        _same(args, env, f"comparison {name}")
    elif op in LOGICAL:
        _require(args, _ONLY[ExpType.BOOL], env, name)
    elif op in _SAME_AS_ARGS:
        _require(args, NUMERIC, env, name)
        _same(args, env, name)
    elif op in _FLOAT_OPS or op == Op.TO_INT:
        _require(args, _ONLY[ExpType.FLOAT], env, name)
    elif op in _INT_OPS or op == Op.TO_FLOAT:
        _require(args, _ONLY[ExpType.INT], env, name)
    elif op in (Op.INT_LSCAN, Op.INT_RSCAN):
        _require(args[:1], _ONLY[ExpType.INT], env, name)
        _require(args[1:], _ONLY[ExpType.BOOL], env, name)
    elif op == Op.GEO:
        _require(args, _ONLY[ExpType.GEO], env, "geo compare")
    elif op == Op.IN_LIST:
        _require(args[1:], _ONLY[ExpType.LIST], env, "in_list")
    elif op in (Op.MAP_KEYS, Op.MAP_VALUES):
        _require(args, _ONLY[ExpType.MAP], env, name)
    elif op == Op.TO_STRING:
        _require(args, _STRINGABLE, env, name)
    elif op == Op.COND:
        if len(args) % 2 == 0:
            raise ExprError("cond needs condition/value pairs and a default")
        _same(args[1::2] + args[-1:], env, "cond branches")
        _require(args[:-1:2], _ONLY[ExpType.BOOL], env, "cond conditions")
    elif op == Op.DIGEST_MODULO:
        arg = args[0]
        if not (isinstance(arg, Val) and type(arg.value) is int and arg.value > 0):
            raise ExprError("digest_modulo needs a positive integer literal")
