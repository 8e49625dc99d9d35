"""IR → Python closures, built once per command or job and then called once per record.

Contract: ``compile_value(e)`` returns ``f(record) -> value | UNKNOWN`` and ``compile_filter(e)``
returns ``f(record) -> bool`` that is True exactly when the value is True (false and unknown both
reject). All checking happens here, at compile time: unbound variables, ill-typed arguments
(``static.check``), unsupported nodes and bad regexes raise ``ExprError`` before any record is read.
What only a record can decide (a variable of unknown type meeting an INT, a failed CDT lookup) yields
UNKNOWN at run time.

Speed: there is no tree walk per record. Each node becomes one closure over its children's closures;
the common shapes (typed bin compared with a literal, two- and three-way and/or) become a single
specialised closure, generated from templates once at import time.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aerolite.expr import arith, cdt, geo, meta, path_compile, static, text
from aerolite.expr.codes import COMPARISONS, LIST_OPS, SINGULAR_CDT, ExpType, ListOp, MapOp, Op, ReturnType
from aerolite.expr.errors import ExprError
from aerolite.expr.nodes import Ael, Apply, BinRead, BinType, CdtRead, Expr, KeyRead, Let, Regex, Val, Var
from aerolite.expr.path_eval import Path
from aerolite.expr.path_wire import PathOp
from aerolite.expr.paths import LoopVar, PathModify, PathSelect, RemoveResult
from aerolite.expr.strings import STRING_FUNCTIONS, StrCall, evaluator
from aerolite.expr.text import TextError
from aerolite.expr.view import UNKNOWN, RecordView
from aerolite.values.ordering import sort_key, sorted_items

Value = Callable[[RecordView], Any]
Filter = Callable[[RecordView], bool]

_SYMBOL = {Op.EQ: "==", Op.NE: "!=", Op.GT: ">", Op.GE: ">=", Op.LT: "<", Op.LE: "<="}
_PYOP: dict[Op, Callable[[Any, Any], bool]] = {
    Op.EQ: operator.eq, Op.NE: operator.ne, Op.GT: operator.gt,
    Op.GE: operator.ge, Op.LT: operator.lt, Op.LE: operator.le,
}
_MIRROR = {Op.EQ: Op.EQ, Op.NE: Op.NE, Op.GT: Op.LT, Op.GE: Op.LE, Op.LT: Op.GT, Op.LE: Op.GE}
_EXACT = {ExpType.INT: int, ExpType.FLOAT: float, ExpType.STRING: str, ExpType.BOOL: bool}
_NATIVE_ORDER = frozenset({ExpType.INT, ExpType.FLOAT, ExpType.STRING, ExpType.BOOL, ExpType.BLOB})
_REGEX_ICASE, _REGEX_NEWLINE = 2, 8
_AND, _OR, _NOT = Op.AND, Op.OR, Op.NOT  # enum attribute reads are slow; compile runs per command


def _templates(body: str) -> dict[Op, Callable[..., Value]]:
    """One closure factory per comparison operator, generated from ``body`` once at import."""
    made: dict[Op, Callable[..., Value]] = {}
    for op, symbol in _SYMBOL.items():
        namespace: dict[str, Any] = {"UNKNOWN": UNKNOWN}
        exec(body.replace("OP", symbol), namespace)
        made[op] = namespace["make"]
    return made


_BIN_VS_CONST_PRED = _templates(
    "def make(name, kind, c):\n"
    "    def f(r):\n"
    "        v = r.bins.get(name)\n"
    "        return type(v) is kind and v OP c\n"
    "    return f\n"
)
_BIN_VS_CONST_VALUE = _templates(
    "def make(name, kind, c):\n"
    "    def f(r):\n"
    "        v = r.bins.get(name)\n"
    "        return (v OP c) if type(v) is kind else UNKNOWN\n"
    "    return f\n"
)
_BIN_VS_CONST_AND = _templates(
    "def make(name, kind, c, rest):\n"
    "    def f(r):\n"
    "        v = r.bins.get(name)\n"
    "        return type(v) is kind and v OP c and rest(r)\n"
    "    return f\n"
)
_BIN_VS_CONST_OR = _templates(
    "def make(name, kind, c, rest):\n"
    "    def f(r):\n"
    "        v = r.bins.get(name)\n"
    "        return (type(v) is kind and v OP c) or rest(r)\n"
    "    return f\n"
)
_VALUE_VS_CONST_PRED = _templates(
    "def make(f, c):\n"
    "    def g(r):\n"
    "        v = f(r)\n"
    "        return v is not UNKNOWN and v OP c\n"
    "    return g\n"
)
_VALUE_VS_CONST_VALUE = _templates(
    "def make(f, c):\n"
    "    def g(r):\n"
    "        v = f(r)\n"
    "        return UNKNOWN if v is UNKNOWN else v OP c\n"
    "    return g\n"
)


def compile_value(expr: Expr) -> Value:
    """A callable giving the value of ``expr`` for a record, or ``UNKNOWN``."""
    return _Compiler().value(expr, _Env())


def compile_filter(expr: Expr) -> Filter:
    """A predicate that selects a record exactly when ``expr`` evaluates to True on it."""
    return _Compiler().pred(expr, _Env())


def compile_path(op: PathOp) -> Path:
    """The walk of a select/modify by path CDT operation, its expressions compiled once."""
    return path_compile.compile_path_op(_Compiler(), _Env(), op)


@dataclass
class _Env:
    """Variables in scope: their static types and the cells their per-record values live in."""

    types: dict[str, ExpType | None] = field(default_factory=dict)
    cells: dict[str, tuple[list[Any], int]] = field(default_factory=dict)
    loop: list[Any] | None = None
    """The loop-variable cell of the innermost path filter or modify expression."""

    def with_loop(self, cell: list[Any]) -> _Env:
        """The scope of a path filter or modify expression: its own loop cell and, as on a node (each is
        a separate expression there), no variables of the enclosing ``let``."""
        return _Env(loop=cell)


class _Compiler:
    """Turns one IR tree into closures; holds no state between trees."""

    def value(self, e: Expr, env: _Env) -> Value:
        fused = _fused_compare(e, _BIN_VS_CONST_VALUE)
        if fused is not None:  # a typed bin against a literal of its type: nothing to check
            return fused
        static.check(e, env.types)
        if isinstance(e, Val):
            v = e.value
            return lambda r: v
        if isinstance(e, Apply):
            return self.apply(e, env)
        handler = _NODE_HANDLERS.get(type(e))
        if handler is None:
            raise ExprError(f"cannot compile {type(e).__name__}")
        return handler(self, e, env)

    def pred(self, e: Expr, env: _Env) -> Filter:
        fused: Filter | None = _fused_compare(e, _BIN_VS_CONST_PRED)
        if fused is not None:  # a typed bin against a literal of its type: nothing to check
            return fused
        if isinstance(e, Apply):
            static.check(e, env.types)
            op = e.op
            if op in COMPARISONS:
                fused = self.typed_compare(e, env, _VALUE_VS_CONST_PRED)
                if fused is not None:
                    return fused
            elif op in (_AND, _OR):
                return self.junction(e, env)
            elif op == _NOT:
                inner = self.value(e.args[0], env)
                return lambda r: inner(r) is False
        whole = self.value(e, env)
        return lambda r: whole(r) is True

    def junction(self, e: Apply, env: _Env) -> Filter:
        """``and`` / ``or``: a typed-bin-versus-literal test with more tests after it becomes one
        closure that tests and then calls the rest, one call per test and record instead of two."""
        combine, chained = (_all, _BIN_VS_CONST_AND) if e.op == _AND else (_any, _BIN_VS_CONST_OR)
        steps = [_fused_operands(a) or self.pred(a, env) for a in e.args]  # left to right, as errors go
        tail: list[Filter] = []
        for step in reversed(steps):
            if not isinstance(step, tuple):
                tail.insert(0, step)
                continue
            op, name, kind, c = step
            tail = [chained[op](name, kind, c, combine(tail)) if tail else _BIN_VS_CONST_PRED[op](name, kind, c)]
        return combine(tail)

    def apply(self, e: Apply, env: _Env) -> Value:
        op = e.op
        if op in COMPARISONS:  # value() has tried the fused form
            return self.typed_compare(e, env, _VALUE_VS_CONST_VALUE) or self.compare(e, env)
        if op in _LOGIC:
            return _LOGIC[op]([self.value(a, env) for a in e.args])
        if op in arith.FUNCTIONS:
            args = [self.value(a, env) for a in e.args]
            kind = static.static_type(e, env.types) if len(args) == 2 else None
            fast = arith.BINARY_FAST.get((op, kind)) if kind is not None else None
            if fast is not None and {static.static_type(a, env.types) for a in e.args} == {kind}:
                return _strict(fast, args)
            return _strict(arith.FUNCTIONS[op], args)
        if op in meta.METADATA:
            return meta.METADATA[op]
        if op == Op.DIGEST_MODULO:
            return meta.digest_modulo(e.args[0].value)  # type: ignore[attr-defined]
        if op == Op.UNKNOWN:
            return lambda r: UNKNOWN
        if op == Op.COND:
            return _cond([self.value(a, env) for a in e.args])
        if op == Op.IN_LIST:
            return _strict(_in_list, [self.value(a, env) for a in e.args])
        if op == Op.GEO:
            return self.geo(e, env)
        if op == Op.TO_STRING:
            return _strict(_guarded(text.to_string), [self.value(e.args[0], env)])
        if op in (Op.MAP_KEYS, Op.MAP_VALUES):
            part = 0 if op == Op.MAP_KEYS else 1
            return _strict(lambda m: [kv[part] for kv in sorted_items(m)] if isinstance(m, dict) else UNKNOWN,
                           [self.value(a, env) for a in e.args])
        raise ExprError(f"operator {op.name} is not supported in filters")

    def typed_compare(self, e: Apply, env: _Env, templates: dict[Op, Callable[..., Value]]) -> Value | None:
        """``expr OP literal`` (either order) where ``expr`` is known to give the literal's native type."""
        left, right, op = e.args[0], e.args[1], e.op
        if isinstance(left, Val) and not isinstance(right, Val):
            left, right, op = right, left, _MIRROR[op]
        if not isinstance(right, Val) or isinstance(left, Val):
            return None
        t = static.static_type(left, env.types)
        if t not in _EXACT or type(right.value) is not _EXACT[t]:
            return None
        return templates[op](self.value(left, env), right.value)

    def compare(self, e: Apply, env: _Env) -> Value:
        left, right = e.args
        types = {static.static_type(left, env.types), static.static_type(right, env.types)}
        pyop = _PYOP[e.op]
        if not types <= _NATIVE_ORDER:
            pyop = _by_sort_key(pyop)
        if None in types:
            pyop = _same_kind(pyop)
        return _strict(pyop, [self.value(left, env), self.value(right, env)])

    def geo(self, e: Apply, env: _Env) -> Value:
        def parsed(arg: Expr) -> Value:
            if isinstance(arg, Val):
                doc = geo.parse(arg.value)
                return lambda r: doc
            f = self.value(arg, env)
            return lambda r: geo.parse(v) if isinstance(v := f(r), str) else UNKNOWN
        return _strict(lambda a, b: UNKNOWN if (m := geo.geo_match(a, b)) is None else m,
                       [parsed(a) for a in e.args])

    def bin_read(self, e: BinRead, env: _Env) -> Value:
        name = e.name
        exact = _EXACT.get(e.type)
        if exact is not None:
            def read_exact(r: RecordView) -> Any:
                v = r.bins.get(name)
                return v if type(v) is exact else UNKNOWN
            return read_exact
        is_type = meta.IS_TYPE[e.type]

        def read(r: RecordView) -> Any:
            v = r.bins.get(name, UNKNOWN)
            return v if v is not UNKNOWN and is_type(v) else UNKNOWN
        return read

    def bin_type(self, e: BinType, env: _Env) -> Value:
        name = e.name
        return lambda r: meta.particle_type(r.bins.get(name))

    def key(self, e: KeyRead, env: _Env) -> Value:
        is_type = meta.IS_TYPE[e.type]
        return lambda r: r.key if r.key is not None and is_type(r.key) else UNKNOWN

    def regex(self, e: Regex, env: _Env) -> Value:
        flags = (re.IGNORECASE if e.flags & _REGEX_ICASE else 0)
        flags |= re.MULTILINE if e.flags & _REGEX_NEWLINE else re.DOTALL
        try:
            search = re.compile(e.pattern, flags).search
        except re.error as exc:
            raise ExprError(f"bad regular expression {e.pattern!r}: {exc}") from exc
        return _strict(lambda s: search(s) is not None if isinstance(s, str) else UNKNOWN,
                       [self.value(e.arg, env)])

    def let(self, e: Let, env: _Env) -> Value:
        cell: list[Any] = [None] * len(e.bindings)
        inner = _Env(dict(env.types), dict(env.cells), env.loop)
        steps = []
        for i, (name, bound) in enumerate(e.bindings):
            steps.append(self.value(bound, inner))
            inner.types[name] = static.static_type(bound, inner.types)
            inner.cells[name] = (cell, i)
        body = self.value(e.body, inner)
        indexed = list(enumerate(steps))

        def run(r: RecordView) -> Any:
            for i, step in indexed:
                cell[i] = step(r)
            return body(r)
        return run

    def var(self, e: Var, env: _Env) -> Value:
        if e.name not in env.cells:
            raise ExprError(f"variable {e.name!r} is not defined by an enclosing let")
        cell, i = env.cells[e.name]
        return lambda r: cell[i]

    def cdt_read(self, e: CdtRead, env: _Env) -> Value:
        container_type = ExpType.LIST if e.op in LIST_OPS else ExpType.MAP
        is_container = meta.IS_TYPE[container_type]
        is_result = meta.IS_TYPE[e.type]
        op, rt, ctx = e.op, e.return_type, e.ctx
        singular = e.op in SINGULAR_CDT
        direct = _direct_read(e)
        if direct is not None:
            container = self.value(e.bin, env)

            def read_direct(r: RecordView) -> Any:
                target = container(r)
                if ctx:
                    target = cdt.descend(target, ctx)
                if not is_container(target):
                    return UNKNOWN
                v = direct(target)
                return v if v is not UNKNOWN and is_result(v) else UNKNOWN
            return read_direct

        def read(container: Any, *args: Any) -> Any:
            target = cdt.descend(container, ctx) if ctx else container
            if not is_container(target):
                return UNKNOWN
            result = cdt.read(op, rt, args, target, singular)
            return result if result is not UNKNOWN and is_result(result) else UNKNOWN
        return _strict(read, [self.value(e.bin, env), *(self.value(a, env) for a in e.args)])

    def string_call(self, e: StrCall, env: _Env) -> Value:
        fn = _guarded(evaluator(STRING_FUNCTIONS[e.op], len(e.args)))
        return _strict(lambda s, *a: fn(s, *a) if type(s) is str else UNKNOWN,
                       [self.value(e.src, env), *(self.value(a, env) for a in e.args)])

    def ael(self, e: Ael, env: _Env) -> Value:
        raise ExprError("server-compiled AEL must be parsed before compiling (aerolite.ael.filter_from_wire)")


_NODE_HANDLERS: dict[type, Callable[[_Compiler, Any, _Env], Value]] = {
    BinRead: _Compiler.bin_read, BinType: _Compiler.bin_type, KeyRead: _Compiler.key,
    Regex: _Compiler.regex, Let: _Compiler.let, Var: _Compiler.var, CdtRead: _Compiler.cdt_read,
    Ael: _Compiler.ael, StrCall: _Compiler.string_call,
    LoopVar: path_compile.loop_var, RemoveResult: path_compile.remove_result,
    PathSelect: path_compile.path_select, PathModify: path_compile.path_modify,
}


def _fused_compare(e: Expr, templates: dict[Op, Callable[..., Value]]) -> Value | None:
    """The single-closure form of ``typed bin OP literal`` (either order), or None."""
    parts = _fused_operands(e)
    return None if parts is None else templates[parts[0]](*parts[1:])


def _fused_operands(e: Expr) -> tuple[Op, str, type, Any] | None:
    """``(op, bin name, Python type, literal)`` when ``e`` compares a typed bin with a literal of
    that type (either order; a literal on the left mirrors the operator), else None."""
    if not isinstance(e, Apply) or e.op not in COMPARISONS:
        return None
    left, right = e.args
    op = e.op
    if isinstance(left, Val) and isinstance(right, BinRead):
        left, right, op = right, left, _MIRROR[op]
    if not (isinstance(left, BinRead) and isinstance(right, Val)):
        return None
    kind = _EXACT.get(left.type)
    if kind is None or type(right.value) is not kind:
        return None
    return op, left.name, kind, right.value


def _strict(fn: Callable[..., Any], args: list[Value]) -> Value:
    """Apply ``fn`` to the arguments' values; unknown if any argument is unknown."""
    if len(args) == 1:
        (a,) = args

        def one(r: RecordView) -> Any:
            x = a(r)
            return UNKNOWN if x is UNKNOWN else fn(x)
        return one
    if len(args) == 2:
        a, b = args

        def two(r: RecordView) -> Any:
            x = a(r)
            if x is UNKNOWN:
                return UNKNOWN
            y = b(r)
            return UNKNOWN if y is UNKNOWN else fn(x, y)
        return two

    def many(r: RecordView) -> Any:
        values = []
        for f in args:
            v = f(r)
            if v is UNKNOWN:
                return UNKNOWN
            values.append(v)
        return fn(*values)
    return many


def _direct_read(e: CdtRead) -> Callable[[Any], Any] | None:
    """A one-lookup reader for a literal list index or string map key returning the value."""
    if e.return_type != ReturnType.VALUE or len(e.args) != 1 or not isinstance(e.args[0], Val):
        return None
    at = e.args[0].value
    if e.op == ListOp.GET_BY_INDEX and type(at) is int:
        def by_index(items: Any) -> Any:
            try:
                return items[at]
            except IndexError:
                return UNKNOWN
        return by_index
    if e.op == MapOp.GET_BY_KEY and type(at) is str:
        return lambda m: m.get(at, UNKNOWN)
    return None


def _guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with a string function's refusal (``TextError``) turned into unknown."""
    def call(*args: Any) -> Any:
        try:
            return fn(*args)
        except TextError:
            return UNKNOWN
    return call


def _in_list(value: Any, items: Any) -> Any:
    return any(cdt.same(value, i) for i in items) if isinstance(items, list) else UNKNOWN


def _by_sort_key(pyop: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    return lambda a, b: pyop(sort_key(a), sort_key(b))


def _same_kind(pyop: Callable[[Any, Any], bool]) -> Callable[[Any, Any], Any]:
    """Guard a comparison whose operand types only a record can tell: different types are unknown."""
    def compare(a: Any, b: Any) -> Any:
        try:
            if static.value_type(a) is not static.value_type(b):
                return UNKNOWN
            return pyop(a, b)
        except (TypeError, ExprError):
            return UNKNOWN
    return compare


def _all(preds: list[Filter]) -> Filter:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda r: a(r) and b(r)
    if len(preds) == 3:
        a, b, c = preds
        return lambda r: a(r) and b(r) and c(r)
    return lambda r: all(p(r) for p in preds)  # preds return exact bools, so and/or stay bools


def _any(preds: list[Filter]) -> Filter:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda r: a(r) or b(r)
    return lambda r: any(p(r) for p in preds)


def _junction(decisive: bool) -> Callable[[list[Value]], Value]:
    """``and`` (decisive False) or ``or`` (decisive True): the decisive value wins, else unknown wins."""
    def build(parts: list[Value]) -> Value:
        def run(r: RecordView) -> Any:
            result: Any = not decisive
            for f in parts:
                v = f(r)
                if v is decisive:
                    return decisive
                if v is not result:
                    result = UNKNOWN
            return result
        return run
    return build


def _not(parts: list[Value]) -> Value:
    (inner,) = parts

    def run(r: RecordView) -> Any:
        v = inner(r)
        return (not v) if type(v) is bool else UNKNOWN
    return run


def _exclusive(parts: list[Value]) -> Value:
    def run(r: RecordView) -> Any:
        values = [f(r) for f in parts]
        if any(type(v) is not bool for v in values):
            return UNKNOWN
        return values.count(True) == 1
    return run


def _cond(parts: list[Value]) -> Value:
    pairs = list(zip(parts[:-1:2], parts[1::2], strict=True))
    default = parts[-1]

    def run(r: RecordView) -> Any:
        for test, action in pairs:
            hit = test(r)
            if hit is True:
                return action(r)
            if hit is not False:
                return UNKNOWN
        return default(r)
    return run


_LOGIC: dict[Op, Callable[[list[Value]], Value]] = {
    Op.AND: _junction(False), Op.OR: _junction(True), Op.NOT: _not, Op.EXCLUSIVE: _exclusive,
}
