"""List and map reads inside expressions: contexts, selectors and return types over Python values.

Contract: ``descend(value, ctx)`` follows context steps and ``read(op, rt, args, container)`` applies
one read op; both return ``UNKNOWN`` when the shape does not fit (wrong container type, index out of
range, missing key, a non-integer index). Orders follow the node: a list's index order is its
element order, a map's index order is key order, rank order is the cross-type value order of
``values.ordering`` (ties broken by index). Selections by rank are returned in rank order, all
others in index order; INVERTED selects the complement, in index order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aerolite.expr.codes import INVERTED, CtxType, ListOp, MapOp, ReturnType
from aerolite.expr.nodes import Ctx
from aerolite.expr.view import UNKNOWN
from aerolite.values.ordering import sort_key, sorted_items
from aerolite.values.types import INF, WILDCARD, KeyOrderedMap

_SCALARS = (int, str, float, bool)
_MISSING = object()
# String-keyed single-key reads answered by one dict lookup instead of a sorted view.
_FAST_KEY_RETURNS: dict[int, Callable[[Any], Any]] = {
    ReturnType.VALUE: lambda v: None if v is _MISSING else v,
    ReturnType.EXISTS: lambda v: v is not _MISSING,
    ReturnType.COUNT: lambda v: 0 if v is _MISSING else 1,
}


def same(a: Any, b: Any) -> bool:
    """CDT value equality (types must match: 1, 1.0 and True are three different values)."""
    if b is WILDCARD or a is WILDCARD:
        return True
    if type(a) is type(b) and type(a) in _SCALARS:
        return bool(a == b)
    return sort_key(a) == sort_key(b)


def _key(v: Any) -> tuple[Any, ...]:
    return sort_key(v)


class _View:
    """A list or map seen as parallel sequences in index order, with rank order computed on demand."""

    __slots__ = ("_ranks", "is_map", "keys", "values")

    def __init__(self, container: list[Any] | dict[Any, Any]) -> None:
        if isinstance(container, dict):
            items = sorted_items(container)
            self.keys: list[Any] = [k for k, _ in items]
            self.values: list[Any] = [v for _, v in items]
            self.is_map = True
        else:
            self.keys = []
            self.values = container
            self.is_map = False
        self._ranks: list[int] | None = None

    def by_rank(self) -> list[int]:
        """Indices in rank order."""
        if self._ranks is None:
            order = sorted(range(len(self.values)), key=lambda i: _key(self.values[i]))
            self._ranks = order
        return self._ranks


def _norm(index: int, n: int) -> int | None:
    i = index + n if index < 0 else index
    return i if 0 <= i < n else None


def _span(start: int, count: int | None, n: int) -> range:
    s = start + n if start < 0 else start
    e = n if count is None else s + count
    if count is not None and count < 0:
        return range(0)
    return range(max(s, 0), min(max(e, 0), n))


def _in_interval(v: Any, begin: Any, end: Any) -> bool:
    k = _key(v)
    if begin is not None and k < _key(begin):
        return False
    return end is INF or end is None or k < _key(end)


def _ints(*values: Any) -> bool:
    return all(type(v) is int for v in values if v is not None)


def _optional(args: tuple[Any, ...], i: int) -> Any:
    return args[i] if len(args) > i else None


def _select(op: int, args: tuple[Any, ...], view: _View) -> list[int] | None:
    """The selected indices, in result order; None when the arguments do not fit."""
    n = len(view.values)
    if op in (ListOp.GET_BY_INDEX, MapOp.GET_BY_INDEX):
        if not _ints(args[0]):
            return None
        i = _norm(args[0], n)
        return [] if i is None else [i]
    if op in (ListOp.GET_BY_RANK, MapOp.GET_BY_RANK):
        if not _ints(args[0]):
            return None
        r = _norm(args[0], n)
        return [] if r is None else [view.by_rank()[r]]
    if op in (ListOp.GET_BY_VALUE, ListOp.GET_ALL_BY_VALUE, MapOp.GET_BY_VALUE, MapOp.GET_ALL_BY_VALUE):
        return [i for i, v in enumerate(view.values) if same(v, args[0])]
    if op in (ListOp.GET_BY_VALUE_LIST, MapOp.GET_BY_VALUE_LIST):
        wanted = args[0]
        if not isinstance(wanted, list):
            return None
        return [i for i, v in enumerate(view.values) if any(same(v, w) for w in wanted)]
    if op in (ListOp.GET_BY_INDEX_RANGE, MapOp.GET_BY_INDEX_RANGE):
        count = _optional(args, 1)
        if not _ints(args[0], count):
            return None
        return list(_span(args[0], count, n))
    if op in (ListOp.GET_BY_RANK_RANGE, MapOp.GET_BY_RANK_RANGE):
        count = _optional(args, 1)
        if not _ints(args[0], count):
            return None
        ranks = view.by_rank()
        return [ranks[r] for r in _span(args[0], count, n)]
    if op in (ListOp.GET_BY_VALUE_INTERVAL, MapOp.GET_BY_VALUE_INTERVAL):
        end = _optional(args, 1)
        return [i for i, v in enumerate(view.values) if _in_interval(v, args[0], end)]
    if op in (ListOp.GET_BY_VALUE_REL_RANK_RANGE, MapOp.GET_BY_VALUE_REL_RANK_RANGE):
        count = _optional(args, 2)
        if not _ints(args[1], count):
            return None
        ranks = view.by_rank()
        anchor = sum(1 for i in ranks if _key(view.values[i]) < _key(args[0]))
        start = anchor + args[1]
        stop = len(ranks) if count is None else start + count
        return [ranks[r] for r in range(max(start, 0), min(stop, len(ranks)))]
    return _select_by_key(op, args, view)


def _select_by_key(op: int, args: tuple[Any, ...], view: _View) -> list[int] | None:
    keys = view.keys
    if op == MapOp.GET_BY_KEY:
        return [i for i, k in enumerate(keys) if same(k, args[0])]
    if op == MapOp.GET_BY_KEY_LIST:
        if not isinstance(args[0], list):
            return None
        return [i for i, k in enumerate(keys) if any(same(k, w) for w in args[0])]
    if op == MapOp.GET_BY_KEY_INTERVAL:
        begin, end = _optional(args, 0), _optional(args, 1)
        return [i for i, k in enumerate(keys) if _in_interval(k, begin, end)]
    if op == MapOp.GET_BY_KEY_REL_INDEX_RANGE:
        count = _optional(args, 2)
        if not _ints(args[1], count):
            return None
        anchor = sum(1 for k in keys if _key(k) < _key(args[0]))
        start = anchor + args[1]
        stop = len(keys) if count is None else start + count
        return list(range(max(start, 0), min(stop, len(keys))))
    return None


def _shape(rt: int, chosen: list[int], view: _View, singular: bool) -> Any:
    base = rt & ~INVERTED
    if base == ReturnType.COUNT:
        return len(chosen)
    if base == ReturnType.EXISTS:
        return bool(chosen)
    if base == ReturnType.NONE:
        return None
    if base in (ReturnType.KEY_VALUE, ReturnType.UNORDERED_MAP, ReturnType.ORDERED_MAP):
        pairs = [(view.keys[i], view.values[i]) for i in sorted(chosen)] if view.is_map else []
        return KeyOrderedMap(pairs) if base == ReturnType.ORDERED_MAP else dict(pairs)
    n = len(view.values)
    rank_of: Callable[[int], int] = lambda i: view.by_rank().index(i)  # noqa: E731 - small local helper
    pick: dict[int, Callable[[int], Any]] = {
        ReturnType.INDEX: lambda i: i,
        ReturnType.REVERSE_INDEX: lambda i: n - 1 - i,
        ReturnType.RANK: rank_of,
        ReturnType.REVERSE_RANK: lambda i: n - 1 - rank_of(i),
        ReturnType.KEY: lambda i: view.keys[i] if view.is_map else UNKNOWN,
        ReturnType.VALUE: lambda i: view.values[i],
    }
    fn = pick.get(base)
    if fn is None:
        return UNKNOWN
    results = [fn(i) for i in chosen]
    if any(r is UNKNOWN for r in results):
        return UNKNOWN
    if singular:
        return results[0] if results else None
    return results


def read(op: int, rt: int | None, args: tuple[Any, ...], container: Any, singular: bool) -> Any:
    """Apply one CDT read op to a list or map value."""
    if op in (ListOp.SIZE, MapOp.SIZE):
        return len(container)
    if op == ListOp.JOIN:
        return join(container, *args)
    if rt is None:
        return UNKNOWN
    if op == MapOp.GET_BY_KEY and type(args[0]) is str and rt in _FAST_KEY_RETURNS:
        return _FAST_KEY_RETURNS[rt](container.get(args[0], _MISSING))
    view = _View(container)
    chosen = _select(op, args, view)
    if chosen is None:
        return UNKNOWN
    if rt & INVERTED:
        keep = set(chosen)
        chosen = [i for i in range(len(view.values)) if i not in keep]
    return _shape(rt, chosen, view, singular)


def join(items: Any, separator: Any = "") -> Any:
    """The list join (8.2): the string items of a list, with ``separator`` between them; unknown when an
    item (or the separator) is not a string. The inverse of the string split."""
    if type(separator) is not str or not isinstance(items, list) or any(type(i) is not str for i in items):
        return UNKNOWN
    return separator.join(items)


def descend(value: Any, ctx: tuple[Ctx, ...]) -> Any:
    """Follow context steps into nested lists and maps."""
    for step in ctx:
        kind, operand = step.kind, step.value
        is_list = kind in (CtxType.LIST_INDEX, CtxType.LIST_RANK, CtxType.LIST_VALUE)
        if not isinstance(value, list if is_list else dict):
            return UNKNOWN
        if kind == CtxType.MAP_KEY and type(operand) is str and isinstance(value, dict):
            value = value.get(operand, UNKNOWN)
        else:
            value = _step(kind, operand, _View(value))
        if value is UNKNOWN:
            return UNKNOWN
    return value


def _step(kind: int, operand: Any, view: _View) -> Any:
    index: int | None
    if kind in (CtxType.LIST_INDEX, CtxType.MAP_INDEX):
        index = _norm(operand, len(view.values)) if type(operand) is int else None
    elif kind in (CtxType.LIST_RANK, CtxType.MAP_RANK):
        r = _norm(operand, len(view.values)) if type(operand) is int else None
        index = None if r is None else view.by_rank()[r]
    elif kind == CtxType.MAP_KEY:
        index = next((i for i, k in enumerate(view.keys) if same(k, operand)), None)
    else:
        index = next((i for i, v in enumerate(view.values) if same(v, operand)), None)
    return UNKNOWN if index is None else view.values[index]
