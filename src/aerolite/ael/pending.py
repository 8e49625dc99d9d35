"""Type inference for AEL: reads whose type the text leaves open, and how context closes them.

Contract: the parser builds IR eagerly but leaves ``PendingBin`` / ``PendingKey`` / ``PendingPath``
where a read's type is not written. ``resolve(e, hint)`` replaces them: a comparison passes the
other side's type, a logical operator passes BOOL, arithmetic passes its numeric type down to its
operands, ``when`` passes it to its actions. When nothing decides, the G1 defaults apply: a bare bin
is INT, a list element INT, a map element STRING (reference/ael.md §5.7). Pending nodes never leave
the ael package.
"""

from __future__ import annotations

from dataclasses import dataclass

from aerolite.ael.paths import PathSpec
from aerolite.expr.codes import ExpType, Op
from aerolite.expr.nodes import Apply, BinRead, Expr, KeyRead, Let
from aerolite.expr.paths import LoopPart, LoopVar

NUMERIC = frozenset({ExpType.INT, ExpType.FLOAT})
_KEY_TYPES = frozenset({ExpType.INT, ExpType.STRING, ExpType.BLOB})
_PASS_DOWN = frozenset({Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.ABS, Op.MIN, Op.MAX})


@dataclass(frozen=True, slots=True)
class PendingBin(Expr):
    """``$.name`` with no type written."""

    name: str


@dataclass(frozen=True, slots=True)
class PendingKey(Expr):
    """``$.key()`` with no type written."""


@dataclass(frozen=True, slots=True)
class PendingPath(Expr):
    """A CDT path whose value type is not written."""

    spec: PathSpec


@dataclass(frozen=True, slots=True)
class PendingLoop(Expr):
    """``@`` or ``@key`` in a path filter with no type written (``@`` defaults to INT, ``@key`` to STRING)."""

    part: int


def resolve(e: Expr, hint: ExpType | None) -> Expr:
    """``e`` with every pending read typed, using ``hint`` where the read itself says nothing."""
    if isinstance(e, PendingBin):
        return BinRead(hint if hint is not None and hint != ExpType.NIL else ExpType.INT, e.name)
    if isinstance(e, PendingKey):
        return KeyRead(hint if hint in _KEY_TYPES else ExpType.INT)
    if isinstance(e, PendingPath):
        return e.spec.build(hint)
    if isinstance(e, PendingLoop):
        default = ExpType.STRING if e.part == LoopPart.MAP_KEY else ExpType.INT
        return LoopVar(hint if hint is not None and hint != ExpType.NIL else default, e.part)
    if isinstance(e, Apply):
        if e.op in _PASS_DOWN:
            return _rebuild(e, tuple(resolve(a, hint if hint in NUMERIC else None) for a in e.args))
        if e.op == Op.COND:
            args = tuple(resolve(a, hint) if i % 2 or i == len(e.args) - 1 else a for i, a in enumerate(e.args))
            return _rebuild(e, args)
        return e
    if isinstance(e, Let):
        body = resolve(e.body, hint)
        return e if body is e.body else Let(e.bindings, body)
    return e


def _rebuild(e: Apply, args: tuple[Expr, ...]) -> Apply:
    if all(a is b for a, b in zip(args, e.args, strict=True)):
        return e
    return Apply(e.op, args)


def is_pending(e: Expr) -> bool:
    """Whether ``e`` itself is an untyped read."""
    return isinstance(e, (PendingBin, PendingKey, PendingPath, PendingLoop))
