"""Map ops (codes 64-110): order, put/add/replace with the map write flags, increments and selectors.

Keys are integers, strings or blobs. Unordered maps (``dict``) keep insertion order for storage and
are indexed in key order; key-ordered maps (``KeyOrderedMap``, flags 1 or 3) are kept sorted by key.
The map order given with a write applies only when the write creates the map.
"""

from __future__ import annotations

from typing import Any

from aerolite.engine.cdt.common import (
    CdtOp,
    Handler,
    accept,
    add_number,
    arity,
    bad,
    clone,
    emptied,
    int_arg,
    reorder,
    selector,
    stored,
)
from aerolite.expr.codes import MapOp
from aerolite.result_codes import ResultCode
from aerolite.values.ordering import sorted_items
from aerolite.values.types import KeyOrderedMap

_CREATE_ONLY = 0x01
_UPDATE_ONLY = 0x02
_ORDER_MASK = 0x0F
_ORDERS = (1, 3)
_REMOVES = {
    76: MapOp.GET_BY_KEY, 77: MapOp.GET_BY_INDEX, 78: MapOp.GET_BY_VALUE, 79: MapOp.GET_BY_RANK,
    81: MapOp.GET_BY_KEY_LIST, 82: MapOp.GET_ALL_BY_VALUE, 83: MapOp.GET_BY_VALUE_LIST,
    84: MapOp.GET_BY_KEY_INTERVAL, 85: MapOp.GET_BY_INDEX_RANGE, 86: MapOp.GET_BY_VALUE_INTERVAL,
    87: MapOp.GET_BY_RANK_RANGE, 88: MapOp.GET_BY_KEY_REL_INDEX_RANGE, 89: MapOp.GET_BY_VALUE_REL_RANK_RANGE,
}
"""remove_by_* code → the get_by_* selection it removes."""


def _new(attr: int) -> dict[Any, Any]:
    order = attr & _ORDER_MASK
    return KeyOrderedMap(flags=order) if order in _ORDERS else {}


def _key(key: Any) -> Any:
    if type(key) not in (int, str, bytes):
        bad(f"a map key must be an integer, string or blob, not {key!r}")
    return key


def _set_type(m: Any, op: CdtOp) -> tuple[Any, Any]:
    arity(op, 1, 1)
    order = int_arg(op.args, 0) & _ORDER_MASK
    items = sorted_items(m) if m else []
    return (KeyOrderedMap(items, flags=order) if order in _ORDERS else dict(items)), None


def _put_items(m: Any, items: list[tuple[Any, Any]], attr: int, flags: int) -> tuple[Any, Any]:
    result = _new(attr) if m is None else clone(m)

    def violation(item: tuple[Any, Any]) -> tuple[ResultCode, str] | None:
        present = item[0] in result
        if present and flags & _CREATE_ONLY:
            return ResultCode.ELEMENT_EXISTS, f"map key {item[0]!r} exists"
        if not present and flags & _UPDATE_ONLY:
            return ResultCode.ELEMENT_NOT_FOUND, f"map key {item[0]!r} does not exist"
        return None

    for key, value in accept(items, violation, flags) or ():
        result[key] = value
    return reorder(result), len(result)


def _put(fixed_flags: int | None) -> Handler:
    """put / add / replace of one pair: ``[key, value, attr?, flags?]`` (add and replace fix the flags)."""

    def run(m: Any, op: CdtOp) -> tuple[Any, Any]:
        arity(op, 2, 4 if fixed_flags is None else 3)
        flags = int_arg(op.args, 3, 0) if fixed_flags is None else fixed_flags
        return _put_items(m, [(_key(op.args[0]), stored(op.args[1]))], int_arg(op.args, 2, 0), flags)

    return run


def _put_many(fixed_flags: int | None) -> Handler:
    """put_items / add_items / replace_items: ``[map, attr?, flags?]``."""

    def run(m: Any, op: CdtOp) -> tuple[Any, Any]:
        arity(op, 1, 3 if fixed_flags is None else 2)
        if not isinstance(op.args[0], dict):
            bad("map items must be a map")
        items = [(_key(k), stored(v)) for k, v in op.args[0].items()]
        flags = int_arg(op.args, 2, 0) if fixed_flags is None else fixed_flags
        return _put_items(m, items, int_arg(op.args, 1, 0), flags)

    return run


def _increment(sign: int) -> Handler:
    """increment (sign 1) / decrement (-1): ``[key, delta?, attr?, flags?]``; answers the new value."""

    def run(m: Any, op: CdtOp) -> tuple[Any, Any]:
        arity(op, 1, 4)
        key = _key(op.args[0])
        delta = op.args[1] if len(op.args) > 1 and op.args[1] is not None else 1
        result = _new(int_arg(op.args, 2, 0)) if m is None else clone(m)
        value = add_number(result.get(key), sign * delta)
        result[key] = value
        return reorder(result), value

    return run


def _clear(m: Any, op: CdtOp) -> tuple[Any, Any]:
    arity(op, 0, 0)
    return emptied(m), None


def _size(m: Any, op: CdtOp) -> tuple[Any, Any]:
    arity(op, 0, 0)
    return m, len(m)


_GETS = [code for code in MapOp if code != MapOp.SIZE]

READS: dict[int, Handler] = {MapOp.SIZE: _size, **{code: selector(code, False) for code in _GETS}}
WRITES: dict[int, Handler] = {
    64: _set_type,
    65: _put(_CREATE_ONLY),
    66: _put_many(_CREATE_ONLY),
    67: _put(None),
    68: _put_many(None),
    69: _put(_UPDATE_ONLY),
    70: _put_many(_UPDATE_ONLY),
    73: _increment(1),
    74: _increment(-1),
    75: _clear,
    **{code: selector(get_code, True) for code, get_code in _REMOVES.items()},
}
