"""CDT paths (``$.bin.part.part.function()``) → list/map reads with contexts.

Contract: the parser collects a ``PathSpec`` (bin, pins, parts, chosen return type) and
``PathSpec.build(value_type)`` turns it into IR: every part but the last becomes a ``Ctx`` step, the
last part becomes the read op. The value type of a singular read comes from a pin
(``:INT`` / ``.get(type: INT)``) or, when the parser cannot tell yet, from type inference; until then
the spec travels in a ``PendingPath`` node (see ``pending``). Selector semantics follow
reference/ael.md §6: ranges are written ``start:end`` with the end exclusive and sent as a count.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from aerolite.expr.codes import (
    INVERTED,
    SINGULAR_CDT,
    CtxType,
    ExpType,
    ListOp,
    MapOp,
    Op,
    ReturnType,
    plural_result_type,
)
from aerolite.expr.nodes import Apply, BinRead, BinType, CdtRead, Ctx, Expr, Val
from aerolite.expr.paths import LoopPart, LoopVar

LIST, MAP = ExpType.LIST, ExpType.MAP
LOOP_ROOT = "\x00@"
"""The bin name of a path rooted at the loop variable (``@.price`` in a path filter)."""

# (container, selector kind) → (op, context type or None when the selector is plural)
_SELECTORS: dict[tuple[ExpType, str], tuple[int, int | None]] = {
    (LIST, "index"): (ListOp.GET_BY_INDEX, CtxType.LIST_INDEX),
    (LIST, "rank"): (ListOp.GET_BY_RANK, CtxType.LIST_RANK),
    (LIST, "value"): (ListOp.GET_ALL_BY_VALUE, CtxType.LIST_VALUE),
    (LIST, "value_list"): (ListOp.GET_BY_VALUE_LIST, None),
    (LIST, "index_range"): (ListOp.GET_BY_INDEX_RANGE, None),
    (LIST, "value_range"): (ListOp.GET_BY_VALUE_INTERVAL, None),
    (LIST, "rank_range"): (ListOp.GET_BY_RANK_RANGE, None),
    (LIST, "rel_rank"): (ListOp.GET_BY_VALUE_REL_RANK_RANGE, None),
    (MAP, "key"): (MapOp.GET_BY_KEY, CtxType.MAP_KEY),
    (MAP, "index"): (MapOp.GET_BY_INDEX, CtxType.MAP_INDEX),
    (MAP, "rank"): (MapOp.GET_BY_RANK, CtxType.MAP_RANK),
    (MAP, "value"): (MapOp.GET_ALL_BY_VALUE, CtxType.MAP_VALUE),
    (MAP, "value_list"): (MapOp.GET_BY_VALUE_LIST, None),
    (MAP, "index_range"): (MapOp.GET_BY_INDEX_RANGE, None),
    (MAP, "value_range"): (MapOp.GET_BY_VALUE_INTERVAL, None),
    (MAP, "rank_range"): (MapOp.GET_BY_RANK_RANGE, None),
    (MAP, "rel_rank"): (MapOp.GET_BY_VALUE_REL_RANK_RANGE, None),
    (MAP, "key_range"): (MapOp.GET_BY_KEY_INTERVAL, None),
    (MAP, "key_list"): (MapOp.GET_BY_KEY_LIST, None),
    (MAP, "rel_index"): (MapOp.GET_BY_KEY_REL_INDEX_RANGE, None),
}
SELECTOR_OF_OP = {op: kind for (_, kind), (op, _) in _SELECTORS.items()}
SELECTOR_OF_CTX = {ctx: (container, kind) for (container, kind), (_, ctx) in _SELECTORS.items() if ctx}
_SINGULAR_DEFAULT = {LIST: ExpType.INT, MAP: ExpType.STRING}
_INT_RETURNS = frozenset({ReturnType.INDEX, ReturnType.REVERSE_INDEX, ReturnType.RANK,
                          ReturnType.REVERSE_RANK, ReturnType.COUNT})


@dataclass(frozen=True, slots=True)
class Part:
    """One path step: a selector on a list or map (``designator`` is ``[]`` / ``{}``)."""

    container: ExpType
    kind: str
    args: tuple[Any, ...] = ()
    inverted: bool = False
    pin: ExpType | None = None

    @property
    def singular(self) -> bool:
        return self.kind == "designator" or _SELECTORS[(self.container, self.kind)][1] is not None


@dataclass(frozen=True, slots=True)
class PathSpec:
    """Everything a path says except, possibly, the type of the value it reads."""

    bin: str
    bin_pin: ExpType | None = None
    parts: tuple[Part, ...] = ()
    return_type: int = ReturnType.VALUE
    value_pin: ExpType | None = None
    size: bool = False

    def with_return(self, rt: int) -> PathSpec:
        return replace(self, return_type=rt)

    def wire_return(self) -> int:
        """The return type as sent: INVERTED added when the last selector says ``!``."""
        inverted = bool(self.parts) and self.parts[-1].inverted
        return self.return_type | (INVERTED if inverted else 0)

    def last_pin(self) -> ExpType | None:
        """The explicit type of the value read: ``.get(type:)`` or the last ``:TYPE`` pin."""
        if self.value_pin is not None:
            return self.value_pin
        return self.parts[-1].pin if self.parts else self.bin_pin

    def decided_type(self) -> ExpType | None:
        """The result type when the path alone decides it, else None (inference must)."""
        pinned = self.last_pin()
        if self.size:
            return ExpType.INT
        if self.parts and self.parts[-1].kind == "designator":
            return self.parts[-1].container
        parts = self.parts
        if not parts:
            return pinned
        last = parts[-1]
        rt = self.return_type & ~INVERTED
        if not last.singular or last.kind == "value":
            return plural_result_type(self.wire_return())
        if rt == ReturnType.EXISTS:
            return ExpType.BOOL
        if rt in _INT_RETURNS:
            return ExpType.INT
        return pinned

    def default_type(self) -> ExpType:
        parts = self.effective_parts()
        if not parts:
            return ExpType.INT
        return _SINGULAR_DEFAULT[parts[-1].container]

    def effective_parts(self) -> tuple[Part, ...]:
        """The parts without a trailing designator (``$.l.[0].[]`` reads ``[0]`` as a list)."""
        if self.parts and self.parts[-1].kind == "designator":
            return self.parts[:-1]
        return self.parts

    def container(self) -> ExpType:
        if self.bin_pin in (LIST, MAP):
            return self.bin_pin
        return self.parts[0].container if self.parts else LIST

    def root(self, t: ExpType) -> Expr:
        """The read the path starts from: the bin, or the loop variable for ``@.path``."""
        return LoopVar(t, int(LoopPart.VALUE)) if self.bin == LOOP_ROOT else BinRead(t, self.bin)

    def build(self, value_type: ExpType | None) -> Expr:
        """The IR read, with ``value_type`` used where the path does not decide it."""
        decided = self.decided_type()
        vt: ExpType = decided if decided is not None else (value_type or self.default_type())
        parts = self.effective_parts()
        bin_read = self.root(self.container())
        if self.size:
            pinned = self.last_pin()
            size_of = pinned if pinned in (LIST, MAP) else (
                self.parts[-1].container if self.parts and self.parts[-1].kind == "designator" else LIST)
            assert size_of is not None
            size_op = ListOp.SIZE if size_of == LIST else MapOp.SIZE
            if not parts:
                return CdtRead(ExpType.INT, size_op, None, (), self.root(size_of))
            return CdtRead(ExpType.INT, size_op, None, (), bin_read, tuple(part_ctx(p) for p in parts))
        if not parts:
            return self.root(vt)
        last = parts[-1]
        op, _ = _SELECTORS[(last.container, last.kind)]
        rt = self.wire_return()
        result = vt if op in SINGULAR_CDT else plural_result_type(rt)
        args = tuple(Val(a) for a in last.args)
        return CdtRead(result, op, rt, args, bin_read, tuple(part_ctx(p) for p in parts[:-1]))


def part_ctx(part: Part) -> Ctx:
    """The context step of a singular part."""
    kind = _SELECTORS[(part.container, part.kind)][1]
    assert kind is not None  # the parser only lets singular parts stand before the last one
    return Ctx(kind, part.args[0])


def bin_exists(name: str) -> Expr:
    """``$.bin.exists()``: the bin's particle type is not 0."""
    return Apply(Op.NE, (BinType(name), Val(0)))
