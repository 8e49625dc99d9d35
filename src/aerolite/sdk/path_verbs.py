"""Path verbs of the verb table: select or modify many elements of a list or map at once (Aerospike 8.1.1).

The ``on_*`` navigation of :mod:`aerolite.sdk.navigation` reaches one element (or one range) and acts
there. A *path* walks whole levels instead: ``on_each_child()`` takes every child, ``on_each_child_where
(predicate)`` the matching ones, ``on_map_keys_in(keys)`` the listed keys, and ``and_filter(predicate)``
narrows the step before it. A path ends in one select or modify operation over everything it reached
(``collect_values()``, ``modify_by(expression)``, ``remove_matches()`` ...). Names, steps and produced
operations follow aerospike-sdk 1.0.0's path builder, so the same chain sends the same bytes.

Predicates and modify expressions are ``FilterExpression`` objects over the element's loop variable,
e.g. ``FilterExpression.gt(FilterExpression.int_loop_var(LoopVarPart.VALUE), FilterExpression.int_val(5))``.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MethodType
from typing import Any, Generic, NamedTuple, ParamSpec, Protocol, Self, TypeVar, overload

import aerospike_native as an

from aerolite.sdk.collection_verbs import values_of
from aerolite.sdk.verb_table import Entry, Group, Path, named, register, shown, verb

P = ParamSpec("P")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Walk(NamedTuple):
    """One path step: the ``CTX`` it adds, whether ``and_filter`` may follow it, whether it is that filter."""

    ctx: Any
    filterable: bool
    is_filter: bool = False


class Walks(Protocol[T_co]):
    """A builder a path step can start from."""

    def _walk(self, walk: Walk) -> T_co: ...


class PathStep(Generic[P]):
    """A path step as a class attribute; through a builder it returns the path's builder."""

    def __init__(self, group: Group, step: Callable[P, Walk]) -> None:
        self.step = step
        self.entry = register(step.__name__, group, step.__doc__)
        self.__doc__ = step.__doc__

        def method(builder: Any, *args: Any, **kwargs: Any) -> Any:
            return builder._walk(step(*args, **kwargs))

        self.method = named(method, self.entry, step)

    @overload
    def __get__(self, instance: None, owner: type) -> Self: ...
    @overload
    def __get__(self, instance: Walks[T], owner: type) -> Callable[P, T]: ...

    def __get__(self, instance: Any, owner: type) -> Any:
        return self if instance is None else MethodType(self.method, instance)

    def __repr__(self) -> str:
        return shown(self.method)


def step(group: Group) -> Callable[[Callable[P, Walk]], PathStep[P]]:
    """Declare a path step of ``group``."""

    def declare(make: Callable[P, Walk]) -> PathStep[P]:
        return PathStep(group, make)

    return declare


def _expression(verb_name: str, expression: Any) -> Any:
    if not isinstance(expression, an.FilterExpression):
        raise TypeError(f"{verb_name}() takes a FilterExpression over the element's loop variable, "
                        f"e.g. FilterExpression.int_loop_var(LoopVarPart.VALUE) > 5, not {type(expression).__name__}")
    return expression


# -- steps that start or widen a path ------------------------------------------------------------------

@step("path_start")
def on_each_child() -> Walk:
    """Select every child of the current list or map (chain again to go a level deeper).

    Example::

        session.get(shop.id(1)).bin("prices").on_each_child().collect_values()
    """
    return Walk(an.CTX.all_children(), False)


@step("path_start")
def on_each_child_where(predicate: Any) -> Walk:
    """Select the children for which ``predicate`` (a FilterExpression over the loop variable) is true.

    Example::

        session.update(shop.id(1)).bin("nums").on_each_child_where(over_5).remove_matches()
    """
    return Walk(an.CTX.all_children_with_filter(_expression("on_each_child_where", predicate)), False)


@step("path_start")
def on_map_keys_in(keys: Any) -> Walk:
    """Select the map entries whose key is in ``keys``.

    Example::

        session.get(shop.id(1)).bin("prices").on_map_keys_in(["apple", "pear"]).collect_map_entries()
    """
    return Walk(an.CTX.map_keys_in(values_of("on_map_keys_in", keys)), True)


@step("path_filter")
def and_filter(predicate: Any) -> Walk:
    """Keep the element(s) the step before selected only where ``predicate`` holds.

    Follows a single-element step (``on_map_key`` ...) or ``on_map_keys_in``; not a range, a map index
    or rank, a child wildcard, or another ``and_filter`` (combine conditions in one predicate).

    Example::

        session.get(shop.id(1)).bin("prices").on_map_keys_in(["a", "b"]).and_filter(over_10).collect_values()
    """
    return Walk(an.CTX.and_filter(_expression("and_filter", predicate)), False, True)


# -- single steps inside a path ------------------------------------------------------------------------

@step("path_step")
def on_map_key(key: Any) -> Walk:
    """Step into the map entry ``key`` and continue the path.

    Example::

        session.get(shop.id(1)).bin("catalog").on_each_child().on_map_key("title").collect_values()
    """
    return Walk(an.CTX.map_key(key), True)


@step("path_step")
def on_list_index(index: int) -> Walk:
    """Step into the list element at ``index`` and continue the path.

    Example::

        session.get(shop.id(1)).bin("rows").on_each_child().on_list_index(0).collect_values()
    """
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"on_list_index() takes an int index, not {index!r}")
    return Walk(an.CTX.list_index(index), True)


@step("path_step")
def on_map_value(value: Any) -> Walk:
    """Step into the map entries whose value is ``value`` and continue the path.

    Example::

        session.get(shop.id(1)).bin("m").on_each_child().on_map_value(0).collect_values()
    """
    return Walk(an.CTX.map_value(value), True)


@step("path_step")
def on_list_value(value: Any) -> Walk:
    """Step into the list elements equal to ``value`` and continue the path.

    Example::

        session.get(shop.id(1)).bin("rows").on_each_child().on_list_value(0).collect_values()
    """
    return Walk(an.CTX.list_value(value), True)


# -- what a path does at its end -----------------------------------------------------------------------

def _select(path: Path, flags: Any, no_fail: bool, shortcut: Callable[[str, list[Any]], Any]) -> Any:
    if no_fail:
        return an.CdtOperation.select_by_path(path.bin, flags | an.SelectFlags.NO_FAIL, list(path.ctx))
    return shortcut(path.bin, list(path.ctx))


@verb("path_read")
def collect_values(path: Path, *, no_fail: bool = False) -> Any:
    """Read the values of every selected element, as one list (``no_fail``: skip what a filter cannot judge).

    Example::

        session.get(shop.id(1)).bin("prices").on_each_child().collect_values()
    """
    return _select(path, an.SelectFlags.VALUE, no_fail, an.CdtOperation.select_values)


@verb("path_read")
def collect_map_keys(path: Path, *, no_fail: bool = False) -> Any:
    """Read the keys of every selected map entry.

    Example::

        session.get(shop.id(1)).bin("prices").on_each_child_where(over_10).collect_map_keys()
    """
    return _select(path, an.SelectFlags.MAP_KEY, no_fail, an.CdtOperation.select_map_keys)


@verb("path_read")
def collect_map_entries(path: Path, *, no_fail: bool = False) -> Any:
    """Read every selected map entry, as one flat list of keys and values.

    Example::

        session.get(shop.id(1)).bin("prices").on_map_keys_in(["a", "b"]).collect_map_entries()
    """
    return _select(path, an.SelectFlags.MAP_KEY_VALUE, no_fail, an.CdtOperation.select_map_entries)


@verb("path_read")
def collect_matching_tree(path: Path, *, no_fail: bool = False) -> Any:
    """Read the selection as a tree, keeping the nesting it was found in.

    Example::

        session.get(shop.id(1)).bin("catalog").on_each_child_where(in_stock).collect_matching_tree()
    """
    return _select(path, an.SelectFlags.MATCHING_TREE, no_fail, an.CdtOperation.select_matching_tree)


@verb("path_read")
def collect_by_path(path: Path, flags: Any) -> Any:
    """Read the selection with explicit ``SelectFlags`` (what to return, NO_FAIL).

    Example::

        session.get(shop.id(1)).bin("m").on_each_child().collect_by_path(SelectFlags.MAP_KEY)
    """
    return an.CdtOperation.select_by_path(path.bin, flags, list(path.ctx))


@verb("path_read")
def collect_values_as_expression_read(path: Path, bin_type: Any, *, no_fail: bool = False,
                                      ignore_eval_failure: bool = False) -> Any:
    """Read the values the path selects through an expression read (``bin_type``: ExpType.MAP or LIST).

    Example::

        session.get(shop.id(1)).bin("catalog").on_each_child().collect_values_as_expression_read(ExpType.MAP)
    """
    if bin_type == an.ExpType.MAP:
        source = an.FilterExpression.map_bin(path.bin)
    elif bin_type == an.ExpType.LIST:
        source = an.FilterExpression.list_bin(path.bin)
    else:
        raise ValueError(f"collect_values_as_expression_read() takes ExpType.MAP or ExpType.LIST (the bin's "
                         f"type; a path selects from a collection), not {bin_type!r}")
    flags = an.SelectFlags.VALUE | an.SelectFlags.NO_FAIL if no_fail else an.SelectFlags.VALUE
    read_flags = an.ExpReadFlags.EVAL_NO_FAIL if ignore_eval_failure else an.ExpReadFlags.DEFAULT
    expression = an.FilterExpression.exp_select_by_path(an.ExpType.LIST, int(flags), source, list(path.ctx))
    return an.ExpOperation.read(path.bin, expression, read_flags)


@verb("path_write")
def modify_by(path: Path, expression: Any, flags: Any = None) -> Any:
    """Rewrite every selected element to ``expression`` (over the loop variable; ``flags``: ModifyFlags).

    Example::

        session.update(shop.id(1)).bin("nums").on_each_child().modify_by(plus_10)
    """
    chosen = an.ModifyFlags.DEFAULT if flags is None else flags
    return an.CdtOperation.modify_by_path(path.bin, chosen, _expression("modify_by", expression), list(path.ctx))


@verb("path_write")
def modify_no_fail(path: Path, expression: Any) -> Any:
    """Rewrite every selected element, skipping the ones ``expression`` cannot rewrite.

    Example::

        task.update(shop).bin("nums").on_each_child().modify_no_fail(plus_10)
    """
    return an.CdtOperation.modify_no_fail(path.bin, _expression("modify_no_fail", expression), list(path.ctx))


@verb("path_write")
def remove_matches(path: Path) -> Any:
    """Remove every selected element.

    Example::

        task.update(shop).bin("nums").on_each_child_where(over_5).remove_matches()
    """
    return an.CdtOperation.remove(path.bin, list(path.ctx))


# -- the builders --------------------------------------------------------------------------------------

class Takes(Protocol):
    """A command builder that takes the operations a path builds."""

    def _take(self, operation: Any, entry: Entry) -> Self: ...


ParentT = TypeVar("ParentT", bound=Takes)


class PathStarts:
    """Steps that start a path, for bin steps, selections and paths."""

    __slots__ = ()
    on_each_child = on_each_child
    on_each_child_where = on_each_child_where
    on_map_keys_in = on_map_keys_in


class PathReader(PathStarts, Generic[ParentT]):
    """A path in a list or map bin of a read: walk further, or read what it selects.

    Example::

        session.get(shop.id(1)).bin("catalog").on_each_child().on_map_key("price").collect_values()
    """

    __slots__ = ("_bin", "_ctx", "_filterable", "_parent")
    and_filter = and_filter
    on_map_key = on_map_key
    on_list_index = on_list_index
    on_map_value = on_map_value
    on_list_value = on_list_value
    collect_values = collect_values
    collect_map_keys = collect_map_keys
    collect_map_entries = collect_map_entries
    collect_matching_tree = collect_matching_tree
    collect_by_path = collect_by_path
    collect_values_as_expression_read = collect_values_as_expression_read

    def __init__(self, parent: ParentT, bin_name: str, ctx: tuple[Any, ...], filterable: bool) -> None:
        self._parent = parent
        self._bin = bin_name
        self._ctx = ctx
        self._filterable = filterable

    def _walk(self, walk: Walk) -> Self:
        if walk.is_filter and not self._filterable:
            raise TypeError("and_filter() follows a selecting step such as on_map_keys_in() or on_map_key(): "
                            "filter children with on_each_child_where(), and combine conditions in one predicate")
        return type(self)(self._parent, self._bin, (*self._ctx, walk.ctx), walk.filterable)

    def _path(self) -> Path:
        return Path(self._bin, self._ctx)

    def _emit(self, operation: Any, entry: Entry) -> ParentT:
        return self._parent._take(operation, entry)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {len(self._ctx)} steps in bin {self._bin!r}>"


class PathWriter(PathReader[ParentT]):
    """A path in a list or map bin of a write or background job: also modify or remove what it selects.

    Example::

        task.update(shop).bin("nums").on_each_child_where(over_5).remove_matches()
    """

    __slots__ = ()
    modify_by = modify_by
    modify_no_fail = modify_no_fail
    remove_matches = remove_matches
