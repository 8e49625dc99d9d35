"""Run-time semantics of paths: walking nested lists and maps level by level, as a node does.

Contract: ``build`` turns path IR into a ``Path`` once (filters and the modify expression compiled by
the caller's compiler, sharing one loop-variable cell); ``Path.select(root, r)`` and
``Path.modify(root, r)`` then run per record and raise ``PathError`` with the node's result code:

* a step's type family (list 0x10 / map 0x20) that does not fit the container, a key step on a list,
  or a filter that is not exactly true or false: PARAMETER_ERROR (4) — unless NO_FAIL, which counts
  an unknown filter as false; so is an AND filter that does not follow a single non-filter step;
* a top level that is not a list or map, map keys asked of a list at the last level, a modify result
  that cannot be stored (INF, WILDCARD): BIN_TYPE_ERROR (12) — map keys of a list are skipped
  under NO_FAIL;
* a modify expression evaluating to unknown: SERVER_ERROR (1), or the child left alone under NO_FAIL.

Levels: each step selects children of the containers the previous step reached. Before the last
level, a selected child that is a list or map is descended into; a scalar is dropped by the leaf
modes (values, keys, key/value pairs), kept as it is by MATCHING_TREE and left alone by a modify.
Map children are visited in key order. Inside filters and the modify expression the loop variable
holds the child's map key, value and list index (the part a container does not have reads unknown).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, NoReturn

from aerolite.expr.cdt import same
from aerolite.expr.nodes import Val
from aerolite.expr.paths import AND_FILTER, MODE_MASK, NO_FAIL, FilterStep, Select, Step
from aerolite.expr.view import UNKNOWN, RecordView
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.values.ordering import sort_key, sorted_items
from aerolite.values.types import KeyOrderedMap, OrderedList, Special

Value = Callable[[RecordView], Any]
_INDEX, _RANK, _KEY, _VALUE, _FILTER, _KEY_LIST = 0, 1, 2, 3, 4, 0x0A
_LIST_FAMILIES = frozenset({0x00, 0x10})
_MAP_FAMILIES = frozenset({0x00, 0x20})
_TRUE = Val(True)
"""The filter that stands for "every child"."""
_VALUE_MODES = frozenset({Select.VALUE, Select.COUNT, Select.EXISTS})
_MAP_KEY = 0x22
_KEY_PART, _INDEX_PART = 0, 2
"""Where the loop-variable cell keeps a map key and a list index (the value sits at 1)."""
_MISSING = object()


class _Remove:
    """The value of ``remove_result``: drop the child."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "REMOVE"


REMOVE: Final = _Remove()


class PathError(AerospikeResultError):
    """A path that cannot run on this value, with the result code a node answers."""


def _fail(code: ResultCode, message: str) -> NoReturn:
    raise PathError(code, message)


@dataclass
class LevelStep:
    """One compiled level: the step's kind and literal, or its filter, plus AND filters narrowing it."""

    kind: int
    operand: Any = None
    test: Value | None = None
    narrow: list[Value] = field(default_factory=list)


def build(steps: tuple[Step, ...], compile_filter: Callable[[Any], Value]) -> list[LevelStep]:
    """The compiled levels of ``steps`` (``compile_filter`` compiles a filter in the loop scope)."""
    levels: list[LevelStep] = []
    for step in steps:
        if isinstance(step, FilterStep):
            test = None if step.filter == _TRUE else compile_filter(step.filter)
            if step.kind == AND_FILTER:
                if not levels or levels[-1].narrow or levels[-1].kind & 0x0F == _FILTER:
                    _fail(ResultCode.PARAMETER_ERROR, "an AND filter narrows one step that is not a filter")
                levels[-1].narrow.append(compile_filter(step.filter))
                continue
            levels.append(LevelStep(step.kind, test=test))
        else:
            levels.append(LevelStep(step.kind, step.value))
    return levels


@dataclass
class Path:
    """A compiled path: its levels, flags, optional modify expression and loop-variable cell."""

    levels: list[LevelStep]
    flags: int
    cell: list[Any]
    modify_value: Value | None = None
    mode: int = field(init=False)
    no_fail: bool = field(init=False)

    def __post_init__(self) -> None:
        self.mode = self.flags & MODE_MASK
        self.no_fail = bool(self.flags & NO_FAIL)

    def select(self, root: Any, r: RecordView) -> Any:
        """The selection: a flat list for the leaf modes, the pruned tree for MATCHING_TREE, the number
        of values reached for COUNT and whether there is any for EXISTS."""
        _container(root)
        if self.mode == Select.MATCHING_TREE:
            return self._tree(root, 0, r)
        out: list[Any] = []
        self._leaves(root, 0, r, out)
        if self.mode == Select.COUNT:
            return len(out)
        return bool(out) if self.mode == Select.EXISTS else out

    def modify(self, root: Any, r: RecordView) -> Any:
        """A copy of ``root`` with the modify expression applied to every selected child."""
        _container(root)
        return self._apply(root, 0, r)

    def _leaves(self, node: Any, level: int, r: RecordView, out: list[Any]) -> None:
        mode = self.mode
        if level + 1 < len(self.levels):
            for _, _, child in self._pick(node, level, r):
                if isinstance(child, (list, dict)):
                    self._leaves(child, level + 1, r, out)
        elif mode in _VALUE_MODES:
            out += [child for _, _, child in self._pick(node, level, r)]
        elif not isinstance(node, dict):
            if node and not self.no_fail:
                _fail(ResultCode.BIN_TYPE_ERROR, "map keys selected from a list")
        elif mode == Select.MAP_KEY:
            out += [key for _, key, _ in self._pick(node, level, r)]
        else:
            for _, key, child in self._pick(node, level, r):
                out += (key, child)

    def _tree(self, node: Any, level: int, r: RecordView) -> Any:
        last = level + 1 == len(self.levels)
        kept = [(key, self._tree(child, level + 1, r) if not last and isinstance(child, (list, dict)) else child)
                for _, key, child in self._pick(node, level, r)]
        return _like(node, kept)

    def _apply(self, node: Any, level: int, r: RecordView) -> Any:
        picked = self._pick(node, level, r)
        changes: dict[Any, Any] = {}
        if level + 1 < len(self.levels):
            for slot, _, child in picked:
                if isinstance(child, (list, dict)):
                    changes[slot] = self._apply(child, level + 1, r)
        elif picked:
            changes = self._modified(node, picked, r)
        return _rebuilt(node, changes) if changes else node

    def _modified(self, node: Any, picked: list[tuple[Any, Any, Any]], r: RecordView) -> dict[Any, Any]:
        """Slot → new value (or REMOVE) for the children picked at the last level."""
        modify, cell, changes = self.modify_value, self.cell, {}
        assert modify is not None
        bound = _KEY_PART if isinstance(node, dict) else _INDEX_PART
        cell[_KEY_PART + _INDEX_PART - bound] = UNKNOWN
        for slot, _, child in picked:
            cell[bound] = slot
            cell[1] = child
            value = modify(r)
            if value is UNKNOWN:
                if self.no_fail:
                    continue
                _fail(ResultCode.SERVER_ERROR, "the path's modify expression evaluated to unknown")
            if isinstance(value, Special):
                _fail(ResultCode.BIN_TYPE_ERROR, "a path cannot store INF or WILDCARD")
            changes[slot] = value
        return changes

    def _bind(self, node: Any, key: Any, child: Any, index: Any) -> None:
        cell = self.cell
        if isinstance(node, dict):
            cell[0], cell[1], cell[2] = key, child, UNKNOWN
        else:
            cell[0], cell[1], cell[2] = UNKNOWN, child, index

    def _pick(self, node: Any, level: int, r: RecordView) -> list[tuple[Any, Any, Any]]:
        """The selected children of ``node`` at ``level`` as (slot, map key or None, value), in order;
        the slot is the map key or the list index."""
        step = self.levels[level]
        is_map = isinstance(node, dict)
        if step.kind & 0xF0 not in (_MAP_FAMILIES if is_map else _LIST_FAMILIES):
            _fail(ResultCode.PARAMETER_ERROR, f"path step 0x{step.kind:x} does not apply to a "
                  f"{'map' if is_map else 'list'}")
        if step.kind & 0x0F == _FILTER and not step.narrow:
            return self._filtered(step.test, node, is_map, r)
        if step.kind == _MAP_KEY and is_map and type(step.operand) is str and not step.narrow:
            child = node.get(step.operand, _MISSING)  # a str key equals only itself: one lookup
            return [] if child is _MISSING else [(step.operand, step.operand, child)]
        if is_map:
            items = sorted_items(node)
            keys: list[Any] = [k for k, _ in items]
            values: list[Any] = [v for _, v in items]
        else:
            keys, values = [None] * len(node), node
        base = step.kind & 0x0F
        if base in (_INDEX, _RANK):
            chosen = _positional(base, step.operand, keys, values, is_map)
        else:
            chosen = [i for i in range(len(values)) if self._test(step, node, keys[i], values[i], i, r)]
        for extra in step.narrow:
            chosen = [i for i in chosen if self._decide(self._run(extra, node, keys[i], values[i], i, r))]
        if is_map:
            return [(keys[i], keys[i], values[i]) for i in chosen]
        return [(i, None, values[i]) for i in chosen]

    def _filtered(self, test: Value | None, node: Any, is_map: bool, r: RecordView) -> list[tuple[Any, Any, Any]]:
        """``_pick`` for the commonest step, every child for which ``test`` holds, in one tight loop."""
        pairs = sorted_items(node) if is_map else enumerate(node)
        if test is None:
            return [(slot, slot if is_map else None, v) for slot, v in pairs]
        cell, decide, out = self.cell, self._decide, []
        bound = _KEY_PART if is_map else _INDEX_PART
        cell[_KEY_PART + _INDEX_PART - bound] = UNKNOWN
        for slot, v in pairs:
            cell[bound] = slot
            cell[1] = v
            verdict = test(r)
            if verdict is True or (verdict is not False and decide(verdict)):
                out.append((slot, slot if is_map else None, v))
        return out

    def _test(self, step: LevelStep, node: Any, key: Any, value: Any, i: int, r: RecordView) -> bool:
        base, is_map = step.kind & 0x0F, isinstance(node, dict)
        if base == _FILTER:  # with AND filters after it; ``_filtered`` takes the others
            return True if step.test is None else self._decide(self._run(step.test, node, key, value, i, r))
        if base == _VALUE:
            return same(value, step.operand)
        if base == _KEY and is_map:
            return same(key, step.operand)
        if base == _KEY_LIST and is_map:
            if not isinstance(step.operand, list):
                _fail(ResultCode.PARAMETER_ERROR, "a key-list path step needs a list")
            return any(same(key, k) for k in step.operand)
        return self._decide(UNKNOWN)

    def _run(self, test: Value, node: Any, key: Any, value: Any, i: int, r: RecordView) -> Any:
        self._bind(node, key, value, i)
        return test(r)

    def _decide(self, verdict: Any) -> bool:
        if type(verdict) is bool:
            return verdict
        if self.no_fail:
            return False
        _fail(ResultCode.PARAMETER_ERROR, "a path filter evaluated to unknown")




def _positional(base: int, operand: Any, keys: list[Any], values: list[Any], is_map: bool) -> list[int]:
    if type(operand) is not int:
        _fail(ResultCode.PARAMETER_ERROR, f"a path index or rank must be an integer, not {operand!r}")
    n = len(values)
    at = operand + n if operand < 0 else operand
    if not 0 <= at < n:
        return []
    if base == _INDEX:
        return [at]
    return [sorted(range(n), key=lambda i: sort_key(values[i]))[at]]


def _container(value: Any) -> None:
    if not isinstance(value, (list, dict)):
        _fail(ResultCode.BIN_TYPE_ERROR, f"a path needs a list or map, not a {type(value).__name__}")


def _rebuilt(node: Any, changes: dict[Any, Any]) -> Any:
    """A copy of ``node`` with ``changes`` (slot → new value or REMOVE) applied."""
    if isinstance(node, dict):
        items = [(k, changes.get(k, v)) for k, v in node.items()]
        return _like(node, [(k, v) for k, v in items if v is not REMOVE])
    values = [changes.get(i, v) for i, v in enumerate(node)]
    return _like(node, [(None, v) for v in values if v is not REMOVE], resort=True)


def _like(node: Any, items: list[tuple[Any, Any]], resort: bool = False) -> Any:
    """A container of ``node``'s kind and order holding ``items`` (key, value) pairs."""
    if isinstance(node, KeyOrderedMap):
        return KeyOrderedMap(items, flags=node.flags)
    if isinstance(node, dict):
        return dict(items)
    values = [v for _, v in items]
    if isinstance(node, OrderedList):
        return OrderedList(sorted(values, key=sort_key) if resort else values)
    return values
