"""Nested contexts ``[type, value, ...]``: finding the element an op works on, and writing it back.

A step's type is a base (0 index, 1 rank, 2 key, 3 value) OR'ed with its container family (0x10
list, 0x20 map) and, optionally, create flags (0xc0 mask) saying how to create the element when it is
missing: its kind is the family of the next step (or of the op, for the last step), its order comes
from the flags. Writes copy each container on the path, so stored values are never shared-mutated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple, NoReturn

from aerolite.engine.cdt.common import bad, clone, fail, is_int, reorder
from aerolite.expr.cdt import read
from aerolite.expr.codes import ListOp, MapOp, ReturnType
from aerolite.result_codes import ResultCode
from aerolite.values.types import KeyOrderedMap, OrderedList

LIST = 0x10
MAP = 0x20
_CREATE_MASK = 0xC0
_UNBOUND = 0x80
_INDEX, _RANK, _KEY, _VALUE = range(4)
# (base, family) → the selector that finds the step's element, answering its index or key.
_FINDERS = {
    (_INDEX, LIST): ListOp.GET_BY_INDEX, (_RANK, LIST): ListOp.GET_BY_RANK,
    (_VALUE, LIST): ListOp.GET_ALL_BY_VALUE, (_INDEX, MAP): MapOp.GET_BY_INDEX,
    (_RANK, MAP): MapOp.GET_BY_RANK, (_KEY, MAP): MapOp.GET_BY_KEY, (_VALUE, MAP): MapOp.GET_ALL_BY_VALUE,
}

Modify = Callable[[Any], tuple[Any, Any]]
"""An op on the innermost container: old value (None when missing) → (new value, answer)."""


class Step(NamedTuple):
    base: int
    family: int
    create: int
    value: Any


def parse(raw: list[Any]) -> list[Step]:
    if len(raw) % 2:
        bad("a CDT context needs type/value pairs")
    steps: list[Step] = []
    for kind, value in zip(raw[::2], raw[1::2], strict=True):
        if not is_int(kind) or (kind & 0x0F, kind & 0x30) not in _FINDERS or kind & ~0x1F3:
            bad(f"unsupported CDT context type {kind!r}")
        steps.append(Step(kind & 0x0F, kind & 0x30, kind & _CREATE_MASK, value))
    return steps


def family_of(value: Any) -> int | None:
    if isinstance(value, list):
        return LIST
    return MAP if isinstance(value, dict) else None


def _locate(container: Any, step: Step) -> Any:
    """The index or key of the step's element, or None when there is none."""
    if family_of(container) != step.family:
        fail(ResultCode.BIN_TYPE_ERROR, f"context step expects a {'list' if step.family == LIST else 'map'}")
    rt = ReturnType.KEY if step.family == MAP else ReturnType.INDEX
    code = _FINDERS[(step.base, step.family)]
    found = read(code, rt, (step.value,), container, code not in (ListOp.GET_ALL_BY_VALUE, MapOp.GET_ALL_BY_VALUE))
    if isinstance(found, list):
        return found[0] if found else None
    return found


def _missing(step: Step) -> NoReturn:
    fail(ResultCode.OP_NOT_APPLICABLE, f"context element {step.value!r} does not exist")


def descend(value: Any, steps: list[Step]) -> Any:
    """The element a read op works on."""
    for step in steps:
        slot = _locate(value, step)
        if slot is None:
            _missing(step)
        value = value[slot]
    return value


def empty(family: int, create: int) -> Any:
    """A new container of ``family`` with the order the create flags ask for."""
    if family == LIST:
        return OrderedList() if create == _CREATE_MASK else []
    if create in (0x80, _CREATE_MASK):
        return KeyOrderedMap(flags=1 if create == 0x80 else 3)
    return {}


def modify(value: Any, steps: list[Step], op_family: int, fn: Modify) -> tuple[Any, Any]:
    """Apply ``fn`` at the end of ``steps``; returns the new top value and the answer."""
    if not steps:
        return fn(value)
    if value is None:
        if not steps[0].create:
            _missing(steps[0])
        value = empty(steps[0].family, 0)
    return _modify(value, steps, 0, op_family, fn)


def _modify(container: Any, steps: list[Step], i: int, op_family: int, fn: Modify) -> tuple[Any, Any]:
    if i == len(steps):
        return fn(container)
    step = steps[i]
    slot = _locate(container, step)
    container = clone(container)
    if slot is None:
        if not step.create:
            _missing(step)
        child_family = steps[i + 1].family if i + 1 < len(steps) else op_family
        slot = _make_room(container, step)
        container[slot] = empty(child_family, step.create)
    child, answer = _modify(container[slot], steps, i + 1, op_family, fn)
    container[slot] = child
    return reorder(container), answer


def _make_room(container: Any, step: Step) -> Any:
    """The slot where a created element goes: a map key, or a list index at or past the end."""
    if step.base == _KEY:
        return step.value
    if step.base == _INDEX and is_int(step.value) and step.value >= len(container):
        if step.value > len(container) and not step.create & _UNBOUND:
            fail(ResultCode.OP_NOT_APPLICABLE, f"list index {step.value} is past the end")
        container.extend([None] * (step.value - len(container) + 1))
        return step.value
    _missing(step)
