"""List ops (codes 0-40): creation and order, adding with the list write flags, index and selector ops.

Ordered lists (``OrderedList``) stay sorted by the cross-type order and refuse positional writes
(insert, set) with 26. Legacy index ops (get, pop, remove, trim, ...) are selections by index with a
fixed return type, so they share one implementation with get_by_* and remove_by_*.
"""

from __future__ import annotations

from bisect import insort
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
    fail,
    int_arg,
    list_arg,
    reorder,
    select,
    selector,
    stored,
)
from aerolite.expr.cdt import join, same
from aerolite.expr.codes import INVERTED, ListOp, ReturnType
from aerolite.expr.view import UNKNOWN
from aerolite.result_codes import ResultCode, SubCode
from aerolite.values.ordering import sort_key
from aerolite.values.types import OrderedList

ADD_UNIQUE = 0x01
INSERT_BOUNDED = 0x02
_NO_FAIL = 0x04
_ORDERED = 0x01
_DESCENDING = 0x01
_DROP_DUPLICATES = 0x02
_REMOVE_OFFSET = 13
"""remove_by_* codes (32-40) are their get_by_* codes (19-27) plus 13."""


def _new(order: int) -> list[Any]:
    return OrderedList() if order & _ORDERED else []


def _skip_or_fail(flags: int, code: ResultCode, message: str, sub_code: int = 0) -> None:
    """Policy violations answer an error unless NO_FAIL turns the op into a no-op."""
    if not flags & _NO_FAIL:
        fail(code, message, sub_code)


def _position(index: int, n: int, flags: int, bound: int) -> int | None:
    """Where a write at ``index`` lands (past ``bound`` only without INSERT_BOUNDED; the gap is
    padded with nils); None when NO_FAIL skips an invalid one."""
    pos = index + n if index < 0 else index
    if pos < 0 or (pos > bound and flags & INSERT_BOUNDED):
        _skip_or_fail(flags, ResultCode.OP_NOT_APPLICABLE, f"list index {index} is out of bounds",
                      SubCode.OPNOT_CDT_INDEX_OUT_OF_BOUNDS)
        return None
    return pos


def _unique_filter(lst: list[Any], items: list[Any], flags: int) -> list[Any] | None:
    """The items to add under ADD_UNIQUE (checked against the list and earlier items)."""
    if not flags & ADD_UNIQUE:
        return items
    seen = list(lst)

    def duplicate(item: Any) -> tuple[ResultCode, str] | None:
        if any(same(item, s) for s in seen):
            return ResultCode.ELEMENT_EXISTS, f"{item!r} is already in the list"
        seen.append(item)
        return None

    return accept(items, duplicate, flags)


def _add(lst: Any, items: list[Any], order: int, flags: int, index: int | None) -> tuple[Any, Any]:
    lst = _new(order) if lst is None else clone(lst)
    if index is not None:
        if isinstance(lst, OrderedList):
            fail(ResultCode.OP_NOT_APPLICABLE, "cannot insert by index into an ordered list")
        index = _position(index, len(lst), flags, len(lst))
        if index is None:
            return lst, len(lst)
    kept = _unique_filter(lst, items, flags)
    if kept is None:
        return lst, len(lst)
    if isinstance(lst, OrderedList):
        for item in kept:
            insort(lst, item, key=sort_key)
    elif index is None:
        lst.extend(kept)
    else:
        lst.extend([None] * (index - len(lst)))
        lst[index:index] = kept
    return lst, len(lst)


def _set_type(lst: Any, op: CdtOp) -> tuple[Any, Any]:
    arity(op, 1, 2)
    order = int_arg(op.args, 0)
    items = [] if lst is None else lst
    return (OrderedList(sorted(items, key=sort_key)) if order & _ORDERED else list(items)), None


def _append(lst: Any, op: CdtOp) -> tuple[Any, Any]:
    arity(op, 1, 3)
    return _add(lst, [stored(op.args[0])], int_arg(op.args, 1, 0), int_arg(op.args, 2, 0), None)


def _append_items(lst: Any, op: CdtOp) -> tuple[Any, Any]:
    arity(op, 1, 3)
    return _add(lst, list_arg(op.args, 0), int_arg(op.args, 1, 0), int_arg(op.args, 2, 0), None)


def _insert(lst: Any, op: CdtOp) -> tuple[Any, Any]:
    arity(op, 2, 3)
    return _add(lst, [stored(op.args[1])], 0, int_arg(op.args, 2, 0), int_arg(op.args, 0))


def _insert_items(lst: Any, op: CdtOp) -> tuple[Any, Any]:
    arity(op, 2, 3)
    return _add(lst, list_arg(op.args, 1), 0, int_arg(op.args, 2, 0), int_arg(op.args, 0))


def _set(lst: Any, op: CdtOp) -> tuple[Any, Any]:
    arity(op, 2, 3)
    index, value, flags = int_arg(op.args, 0), stored(op.args[1]), int_arg(op.args, 2, 0)
    lst = [] if lst is None else clone(lst)
    if isinstance(lst, OrderedList):
        fail(ResultCode.OP_NOT_APPLICABLE, "cannot set by index in an ordered list")
    pos = _position(index, len(lst), flags, len(lst) - 1)
    if pos is None or not _unique_filter([v for i, v in enumerate(lst) if i != pos], [value], flags):
        return lst, None
    lst.extend([None] * (pos + 1 - len(lst)))
    lst[pos] = value
    return lst, None


def _increment(lst: Any, op: CdtOp) -> tuple[Any, Any]:
    arity(op, 1, 4)
    index, flags = int_arg(op.args, 0), int_arg(op.args, 3, 0)
    delta = op.args[1] if len(op.args) > 1 and op.args[1] is not None else 1
    lst = _new(int_arg(op.args, 2, 0)) if lst is None else clone(lst)
    pos = _position(index, len(lst), flags, len(lst) - 1)
    if pos is None:
        return lst, None
    lst.extend([None] * (pos + 1 - len(lst)))
    value = add_number(lst[pos], delta)
    lst[pos] = value
    return reorder(lst), value


def _clear(lst: Any, op: CdtOp) -> tuple[Any, Any]:
    arity(op, 0, 0)
    return emptied(lst), None


def _sort(lst: Any, op: CdtOp) -> tuple[Any, Any]:
    arity(op, 0, 1)
    flags = int_arg(op.args, 0, 0)
    if lst is None:
        return None, None
    items = sorted(lst, key=sort_key, reverse=bool(flags & _DESCENDING))
    if flags & _DROP_DUPLICATES:
        items = [v for i, v in enumerate(items) if i == 0 or not same(v, items[i - 1])]
    result = clone(lst)
    result[:] = items
    return result, None


def _size(lst: Any, op: CdtOp) -> tuple[Any, Any]:
    arity(op, 0, 0)
    return lst, len(lst)


def _by_index(get_code: int, rt: int, remove: bool, least: int) -> Handler:
    """A legacy index op: a selection by index (or index range) with a fixed return type."""
    def run(lst: Any, op: CdtOp) -> tuple[Any, Any]:
        arity(op, least, 1 if get_code == ListOp.GET_BY_INDEX else 2)
        for arg in op.args:
            if type(arg) is not int:
                bad(f"list index arguments must be integers, not {arg!r}")
        return select(lst, get_code, rt, op.args, remove)

    return run


def _join(lst: Any, op: CdtOp) -> tuple[Any, Any]:
    """The list join (8.2): the string items with the optional separator between them."""
    arity(op, 0, 1)
    joined = join(lst, *op.args)
    if joined is UNKNOWN:
        bad("a list join needs a list of strings and a string separator")
    return lst, joined


_GETS = [code for code in ListOp if code not in (ListOp.SIZE, ListOp.JOIN)]

READS: dict[int, Handler] = {
    ListOp.SIZE: _size,
    ListOp.JOIN: _join,
    17: _by_index(ListOp.GET_BY_INDEX, ReturnType.VALUE, False, 1),
    18: _by_index(ListOp.GET_BY_INDEX_RANGE, ReturnType.VALUE, False, 1),
    **{code: selector(code, False) for code in _GETS},
}
WRITES: dict[int, Handler] = {
    0: _set_type,
    1: _append,
    2: _append_items,
    3: _insert,
    4: _insert_items,
    5: _by_index(ListOp.GET_BY_INDEX, ReturnType.VALUE, True, 1),
    6: _by_index(ListOp.GET_BY_INDEX_RANGE, ReturnType.VALUE, True, 1),
    7: _by_index(ListOp.GET_BY_INDEX, ReturnType.COUNT, True, 1),
    8: _by_index(ListOp.GET_BY_INDEX_RANGE, ReturnType.COUNT, True, 1),
    9: _set,
    10: _by_index(ListOp.GET_BY_INDEX_RANGE, ReturnType.COUNT | INVERTED, True, 2),
    11: _clear,
    12: _increment,
    13: _sort,
    **{code + _REMOVE_OFFSET: selector(code, True) for code in _GETS},
}
