"""The filter-expression IR: one small frozen dataclass per node shape.

Contract: nodes are immutable values with structural equality; they mirror the wire format closely
enough that ``decode(encode(e)) == e`` for every tree, yet are shaped for the compiler and the AEL
printer rather than for msgpack. Most operators share the generic ``Apply`` node (opcode plus
argument tuple); nodes whose arguments are not expressions (bin names, type codes, regex patterns,
variable names, CDT contexts) get their own class.

Literal equality is wire equality: ``Val(1) != Val(True) != Val(1.0)``, which plain Python equality
would blur.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aerolite.expr.codes import ExpType, Op
from aerolite.values.msgpack_codec import pack


class Expr:
    """Base of every IR node."""

    __slots__ = ()


@dataclass(frozen=True, slots=True, eq=False)
class Val(Expr):
    """A literal: int, float, str, bytes, bool, None, list, dict, GeoJson, Hll, INF or WILDCARD."""

    value: Any

    def __eq__(self, other: object) -> bool:
        return type(other) is Val and (self.value is other.value or pack(self.value) == pack(other.value))

    def __hash__(self) -> int:
        return hash(pack(self.value))


@dataclass(frozen=True, slots=True)
class Apply(Expr):
    """An operator whose arguments are all expressions (comparisons, logic, arithmetic, metadata…)."""

    op: Op
    args: tuple[Expr, ...] = ()


@dataclass(frozen=True, slots=True)
class BinRead(Expr):
    """Read a bin as a given type; another stored type reads as unknown."""

    type: ExpType
    name: str


@dataclass(frozen=True, slots=True)
class BinType(Expr):
    """The particle type of a bin, 0 when the bin is missing."""

    name: str


@dataclass(frozen=True, slots=True)
class KeyRead(Expr):
    """The stored user key, read as a given type."""

    type: ExpType


@dataclass(frozen=True, slots=True)
class Regex(Expr):
    """POSIX-flavoured regular expression match of a string expression."""

    flags: int
    pattern: str
    arg: Expr


@dataclass(frozen=True, slots=True)
class Let(Expr):
    """Sequential variable definitions visible in later definitions and in ``body``."""

    bindings: tuple[tuple[str, Expr], ...]
    body: Expr


@dataclass(frozen=True, slots=True)
class Var(Expr):
    """Read a variable defined by an enclosing ``Let``."""

    name: str


@dataclass(frozen=True, slots=True)
class Ctx:
    """One step into a nested list or map: a ``CtxType`` and its literal operand."""

    kind: int
    value: Any

    def __eq__(self, other: object) -> bool:
        return type(other) is Ctx and self.kind == other.kind and Val(self.value) == Val(other.value)

    def __hash__(self) -> int:
        return hash((self.kind, Val(self.value)))


@dataclass(frozen=True, slots=True)
class CdtRead(Expr):
    """A list or map read (CALL, system CDT): ``op`` with ``return_type`` (None for SIZE) and
    ``args`` on the container produced by ``bin`` after descending through ``ctx``.

    ``type`` is the result type sent on the wire: the value type for singular reads, the type the
    return type implies otherwise.
    """

    type: ExpType
    op: int
    return_type: int | None
    args: tuple[Expr, ...]
    bin: Expr
    ctx: tuple[Ctx, ...] = ()


@dataclass(frozen=True, slots=True)
class Ael(Expr):
    """Server-compiled AEL text (opcode 128), replaced by its parse before compiling."""

    text: str


UNKNOWN_EXPR = Apply(Op.UNKNOWN)
