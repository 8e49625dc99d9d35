"""What list and map ops share: op decoding, argument checks, write-flag policy, selection and copying.

Selections reuse the expression layer's CDT reads (``expr.cdt.read``): the same call that shapes an
answer for a return type also yields the positions (indices for lists, keys for maps) a remove op
must drop, so reads, removes and filter expressions cannot disagree about what a selector picks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, NoReturn

from aerolite.expr.cdt import read
from aerolite.expr.codes import CDT_ARITY, CDT_CONTEXT_EVAL, INVERTED, SINGULAR_CDT, ListOp, MapOp, ReturnType
from aerolite.expr.view import UNKNOWN
from aerolite.result_codes import AerospikeResultError, ResultCode, SubCode
from aerolite.values.ordering import normalize_map_order, sort_key, sorted_items
from aerolite.values.types import KeyOrderedMap, OrderedList

NO_FAIL = 0x04
DO_PARTIAL = 0x08
KV_REPLY_FLAGS = 0x08
"""Map flags of a KEY_VALUE answer: "preserve order", as a node sends it."""
_RANK_RANGES = frozenset({ListOp.GET_BY_RANK_RANGE, MapOp.GET_BY_RANK_RANGE})


class CdtOp(NamedTuple):
    """One decoded CDT op: its code, its arguments and the raw context pairs (empty without one)."""

    code: int
    args: tuple[Any, ...]
    ctx: list[Any]


def fail(code: ResultCode, message: str, sub_code: int = 0) -> NoReturn:
    raise AerospikeResultError(code, message, sub_code=sub_code)


def bad(message: str) -> NoReturn:
    fail(ResultCode.PARAMETER_ERROR, message)


def parse_op(value: Any) -> CdtOp:
    """Split ``[code, args...]`` or ``[0xff, [ctx...], [code, args...]]``."""
    if not isinstance(value, list) or not value or not is_int(value[0]):
        bad(f"a CDT op must be an array starting with an op code, not {value!r}")
    if value[0] == CDT_CONTEXT_EVAL:
        if len(value) != 3 or not isinstance(value[1], list) or not isinstance(value[2], list):
            bad("a context op must be [0xff, [ctx...], [op...]]")
        inner = parse_op(value[2])
        return CdtOp(inner.code, inner.args, value[1])
    return CdtOp(value[0], tuple(value[1:]), [])


def is_int(value: Any) -> bool:
    return type(value) is int


def arity(op: CdtOp, least: int, most: int) -> None:
    if not least <= len(op.args) <= most:
        bad(f"CDT op {op.code} takes {least} to {most} arguments, got {len(op.args)}")


def int_arg(args: tuple[Any, ...], i: int, default: int | None = None) -> int:
    """Argument ``i`` as an integer; ``default`` when absent (a missing argument without one is malformed)."""
    if i >= len(args) or (args[i] is None and default is not None):
        if default is None:
            bad(f"missing integer argument {i}")
        return default
    if not is_int(args[i]):
        bad(f"argument {i} must be an integer, not {args[i]!r}")
    return int(args[i])


def list_arg(args: tuple[Any, ...], i: int) -> list[Any]:
    if i >= len(args) or not isinstance(args[i], list):
        bad(f"argument {i} must be a list")
    return [stored(v) for v in args[i]]


def stored(value: Any) -> Any:
    """A value as a node stores it inside a collection (unordered maps sorted by key)."""
    return normalize_map_order(value)


def accept(items: Iterable[Any], violation: Callable[[Any], tuple[ResultCode, str] | None], flags: int) -> list[Any] | None:
    """The items a write may apply under the NO_FAIL / DO_PARTIAL policy, None to apply nothing.

    A violating item fails the op, unless NO_FAIL: then the whole op is skipped, or with DO_PARTIAL
    just that item.
    """
    kept: list[Any] = []
    for item in items:
        problem = violation(item)
        if problem is None:
            kept.append(item)
            continue
        if not flags & NO_FAIL:
            fail(*problem)
        if not flags & DO_PARTIAL:
            return None
    return kept


def check_position(index: int, n: int) -> None:
    """A single-element index or rank must exist (26 otherwise, as a node answers)."""
    if not -n <= index < n:
        fail(ResultCode.OP_NOT_APPLICABLE, f"index {index} is out of range for {n} elements",
             SubCode.OPNOT_CDT_INDEX_OUT_OF_BOUNDS)


def shaped(get_code: int, rt: int, args: tuple[Any, ...], container: Any, singular: bool) -> Any:
    """The answer of a selection for return type ``rt``."""
    result = read(get_code, rt, args, container, singular and not rt & INVERTED)
    if result is UNKNOWN:
        bad(f"CDT op {get_code} cannot answer return type {rt} with arguments {args!r}")
    if rt & ~INVERTED == ReturnType.KEY_VALUE:
        return KeyOrderedMap(result.items(), flags=KV_REPLY_FLAGS)
    if get_code in _RANK_RANGES and not rt & INVERTED and isinstance(result, list):
        return _heap_order(int_arg(args, 0), result, container)
    return result


def _heap_order(rank: int, result: list[Any], container: Any) -> list[Any]:
    """A rank range of a container not kept in value order, in the order a node answers it.

    A node picks the range with a heap and reads it in pop order: a range in the lower half comes
    from a min-heap (descending ranks, e.g. ranks 0..1 of [3, 1, 2, 9] answer [2, 1]), one in the
    upper half from a max-heap (ascending ranks).
    """
    if isinstance(container, OrderedList) or (isinstance(container, KeyOrderedMap) and container.flags == 3):
        return result
    n = len(container)
    start = max(rank + n if rank < 0 else rank, 0)
    return result[::-1] if start + len(result) <= n - start else result


def positions(get_code: int, rt: int, args: tuple[Any, ...], container: Any) -> list[Any]:
    """What a selection picks: indices of a list, keys of a map."""
    want = ReturnType.KEY if isinstance(container, dict) else ReturnType.INDEX
    picked = read(get_code, want | (rt & INVERTED), args, container, False)
    if picked is UNKNOWN:
        bad(f"CDT op {get_code} has malformed arguments {args!r}")
    return list(picked)


def clone(container: Any) -> Any:
    """A shallow copy that keeps the container's kind and order flags."""
    if isinstance(container, KeyOrderedMap):
        return KeyOrderedMap(container, flags=container.flags)
    if isinstance(container, dict):
        return dict(container)
    if isinstance(container, OrderedList):
        return OrderedList(container)
    return list(container)


def reorder(container: Any) -> Any:
    """Restore the invariant of an ordered container after elements changed."""
    if isinstance(container, KeyOrderedMap):
        return KeyOrderedMap(sorted_items(container), flags=container.flags)
    if isinstance(container, OrderedList):
        return OrderedList(sorted(container, key=sort_key))
    return container


Handler = Callable[[Any, CdtOp], tuple[Any, Any]]
"""One op on one container: (old container or None when missing, op) → (new container, answer)."""


def add_number(current: Any, delta: Any) -> Any:
    """``current + delta`` for an increment; the stored element keeps its numeric type."""
    if type(delta) not in (int, float):
        bad(f"cannot increment by {delta!r}")
    if current is None:
        return delta
    if type(current) is int:
        return int(current + delta)
    if type(current) is float:
        return float(current + delta)
    fail(ResultCode.BIN_TYPE_ERROR, f"cannot increment a {type(current).__name__}")


def selector(get_code: int, remove: bool) -> Handler:
    """A get_by_* (or, with ``remove``, remove_by_*) handler: ``[rt, selector args...]``."""
    least, most = CDT_ARITY[get_code]

    def run(container: Any, op: CdtOp) -> tuple[Any, Any]:
        arity(op, least + 1, most + 1)
        return select(container, get_code, int_arg(op.args, 0), op.args[1:], remove)

    return run


def select(container: Any, get_code: int, rt: int, args: tuple[Any, ...], remove: bool) -> tuple[Any, Any]:
    """Answer a selection and, for removes, drop what it picked."""
    if container is None:
        return None, None
    singular = get_code in SINGULAR_CDT
    if singular and get_code != MapOp.GET_BY_KEY:
        check_position(int_arg(args, 0), len(container))
    answer = shaped(get_code, rt, args, container, singular)
    if remove:
        drop = positions(get_code, rt, args, container)
        kept = clone(container)
        if isinstance(kept, dict):
            for key in drop:
                del kept[key]
        else:
            gone = set(drop)
            kept[:] = [v for i, v in enumerate(container) if i not in gone]
        container = kept
    return container, answer


def emptied(container: Any) -> Any:
    """The container with no elements (same kind and order); None stays None."""
    if container is None:
        return None
    result = clone(container)
    result.clear()
    return result
