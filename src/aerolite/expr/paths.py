"""Path expressions (8.1.1+): the IR of loop variables, ``remove_result`` and select/modify by path.

A path is a list of steps, one per nesting level. A step is either a literal ``Ctx`` (index, rank,
key, value or a key list, as in ordinary CDT contexts) or a ``FilterStep`` carrying an expression
evaluated per child ("all children with filter"; ``Val(True)`` is plain "all children"). An
``AND_FILTER`` step narrows the selection of the step before it instead of descending a level.
Inside a filter or a modify expression, ``LoopVar`` reads the current child's map key, value or
list index.

Wire shapes (the official builders' bytes):

* loop variable ``[122, type, part]``; remove marker ``[100]``;
* select ``[127, type, 0, [0xfe, [steps...], flags], bin]``;
* modify ``[127, type, 0x40, [0xfe, [steps...], flags | APPLY, modify], bin]``;
* the CDT operations carry the inner array alone: ``[0xfe, [steps...], flags(, modify)]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from aerolite.expr.codes import ExpType
from aerolite.expr.nodes import Ctx, Expr

PATH_OP = 0xFE
MODIFY_SYSTEM = 0x40
MAX_LEVELS = 64


class LoopPart(IntEnum):
    """Which part of the current child a loop variable reads."""

    MAP_KEY = 0
    VALUE = 1
    INDEX = 2


class Select(IntEnum):
    """The low nibble of a path's flags: what a select answers, or APPLY for a modify."""

    MATCHING_TREE = 0
    VALUE = 1
    MAP_KEY = 2
    MAP_KEY_VALUE = 3
    APPLY = 4
    COUNT = 10
    EXISTS = 11


SELECT_MODES = frozenset({Select.MATCHING_TREE, Select.VALUE, Select.MAP_KEY, Select.MAP_KEY_VALUE, Select.COUNT,
                          Select.EXISTS})
"""The modes a select may ask for (COUNT and EXISTS are 8.2's aggregates over the values reached)."""


NO_FAIL = 0x10
"""Flag bit: an unknown filter or modify result counts as "skip" instead of failing."""
MODE_MASK = 0x0F

FILTER = 0x04
"""Step kind (base 4): every child for which the step's expression is true."""
AND_FILTER = 0x204
"""Step kind: narrow the previous step's selection with another expression."""
KEY_LIST = 0x2A
"""Step kind: the map entries whose key is in a literal list."""
_FAMILIES = (0x00, 0x10, 0x20)
LITERAL_KINDS = frozenset({base | family for base in range(4) for family in _FAMILIES} | {KEY_LIST})
FILTER_KINDS = frozenset({FILTER | family for family in _FAMILIES} | {AND_FILTER})


@dataclass(frozen=True, slots=True)
class FilterStep:
    """A step whose operand is an expression evaluated per child."""

    kind: int
    filter: Expr


Step = Ctx | FilterStep


@dataclass(frozen=True, slots=True)
class LoopVar(Expr):
    """The current child's ``part`` inside a path filter or modify expression, read as ``type``."""

    type: ExpType
    part: int


@dataclass(frozen=True, slots=True)
class RemoveResult(Expr):
    """As a modify result: remove the child instead of replacing it."""


@dataclass(frozen=True, slots=True)
class PathSelect(Expr):
    """What the children reached by ``steps`` from ``bin`` give, shaped by ``flags`` (``Select``)."""

    type: ExpType
    flags: int
    bin: Expr
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class PathModify(Expr):
    """A copy of ``bin`` with each child reached by ``steps`` replaced by ``modify`` (or removed).

    ``flags`` are the wire flags, APPLY included.
    """

    type: ExpType
    flags: int
    bin: Expr
    modify: Expr
    steps: tuple[Step, ...]
