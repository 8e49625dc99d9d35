"""CDT navigation of the verb table: the ``on_*`` steps into lists and maps, and the reads of a selection.

A step (``on_map_key("a")``, ``on_list_rank_range(0, 3)`` ...) is data — a :class:`Selector`: which
client builder family (map or list), which ``get_by_*`` / ``remove_by_*`` pair, its arguments, and the
``CTX`` that leads one level deeper when the step picks a single element (None when it picks many,
which ends the path). Steps chain: each earlier step becomes context of the later ones, exactly as
aerospike-sdk 1.0.0 builds them, so the same chain sends the same bytes.

The selection terminals (``get_values``, ``count``, ``get_all_other_keys`` ...) are data too: a
return type, inverted or not, maps only or not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MethodType
from typing import Any, Generic, Literal, ParamSpec, Protocol, Self, TypeVar, overload

import aerospike_native as an

from aerolite.sdk.collection_verbs import values_of
from aerolite.sdk.verb_table import Path, named, register, shown

P = ParamSpec("P")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True, slots=True)
class Selector:
    """One navigation step: ``{get,remove}_{by}(bin, *args, return_type)`` of the map or list builders."""

    family: Literal["map", "list"]
    by: str
    args: tuple[Any, ...]
    step: Any | None
    """The ``CTX`` into the selected element (None: the step selects many elements, so the path ends)."""
    map_key: Any | None = None
    """The key, for ``on_map_key`` (which also allows ``set_to`` and ``add``)."""
    is_map_key: bool = False

    @property
    def return_types(self) -> Any:
        """``MapReturnType`` or ``ListReturnType``."""
        return an.MapReturnType if self.family == "map" else an.ListReturnType

    def operation(self, action: Literal["get", "remove"], path: Path, return_type: Any) -> Any:
        """The client operation acting on this selection at ``path``."""
        builders = an.MapOperation if self.family == "map" else an.ListOperation
        return path.at(getattr(builders, f"{action}_{self.by}")(path.bin, *self.args, return_type))


class Navigates(Protocol[T_co]):
    """A builder a step can start from: it makes the builder of the selection."""

    def _navigate(self, selector: Selector) -> T_co: ...


class Step(Generic[P]):
    """A navigation verb as a class attribute; through a builder it returns the selection's builder."""


    def __init__(self, select: Callable[P, Selector]) -> None:
        self.select = select
        self.entry = register(select.__name__, "navigation", select.__doc__)
        self.__doc__ = select.__doc__

        def method(builder: Any, *args: Any, **kwargs: Any) -> Any:
            return builder._navigate(select(*args, **kwargs))

        self.method = named(method, self.entry, select)

    @overload
    def __get__(self, instance: None, owner: type) -> Self: ...
    @overload
    def __get__(self, instance: Navigates[T], owner: type) -> Callable[P, T]: ...

    def __get__(self, instance: Any, owner: type) -> Any:
        return self if instance is None else MethodType(self.method, instance)

    def __repr__(self) -> str:
        return shown(self.method)


def _int(verb_name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{verb_name}() takes an int index or rank, not {value!r}")
    return value


def _count(verb_name: str, count: Any) -> int | None:
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        raise ValueError(f"{verb_name}() takes a count >= 0, or None for all the rest, not {count!r}")
    return count


# -- map steps ----------------------------------------------------------------------------------------

@Step
def on_map_key(key: Any, *, create_type: Any = None) -> Selector:
    """Select the map entry with ``key`` (``create_type``: create the map level if it is missing).

    Example::

        session.update(users.id(1)).bin("stats").on_map_key("visits").add(1)
    """
    step = an.CTX.map_key(key) if create_type is None else an.CTX.map_key_create(key, create_type)
    return Selector("map", "by_key", (key,), step, map_key=key, is_map_key=True)


@Step
def on_map_index(index: int) -> Selector:
    """Select the map entry at ``index`` in key order.

    Example::

        session.get(users.id(1)).bin("stats").on_map_index(0).get_keys_and_values()
    """
    index = _int("on_map_index", index)
    return Selector("map", "by_index", (index,), an.CTX.map_index(index))


@Step
def on_map_rank(rank: int) -> Selector:
    """Select the map entry of value rank ``rank`` (0: lowest value, -1: highest).

    Example::

        session.get(board.id(1)).bin("scores").on_map_rank(-1).get_keys()
    """
    rank = _int("on_map_rank", rank)
    return Selector("map", "by_rank", (rank,), an.CTX.map_rank(rank))


@Step
def on_map_value(value: Any) -> Selector:
    """Select the map entries whose value is ``value``.

    Example::

        session.update(users.id(1)).bin("flags").on_map_value(False).remove()
    """
    return Selector("map", "by_value", (value,), an.CTX.map_value(value))


@Step
def on_map_index_range(index: int, count: int | None = None) -> Selector:
    """Select ``count`` map entries from ``index`` in key order (None: through the end).

    Example::

        session.get(users.id(1)).bin("stats").on_map_index_range(0, 3).get_keys()
    """
    index, count = _int("on_map_index_range", index), _count("on_map_index_range", count)
    if count is None:
        return Selector("map", "by_index_range_from", (index,), None)
    return Selector("map", "by_index_range", (index, count), None)


@Step
def on_map_key_range(start: Any, end: Any) -> Selector:
    """Select the map entries with keys from ``start`` up to, not including, ``end`` (None: open).

    Example::

        session.update(users.id(1)).bin("days").on_map_key_range("2024-01", "2024-07").remove()
    """
    return Selector("map", "by_key_range", (start, end), None)


@Step
def on_map_rank_range(rank: int, count: int | None = None) -> Selector:
    """Select ``count`` map entries from value rank ``rank`` (None: through the highest).

    Example::

        session.get(board.id(1)).bin("scores").on_map_rank_range(-3).get_keys()
    """
    rank, count = _int("on_map_rank_range", rank), _count("on_map_rank_range", count)
    if count is None:
        return Selector("map", "by_rank_range_from", (rank,), None)
    return Selector("map", "by_rank_range", (rank, count), None)


@Step
def on_map_value_range(start: Any, end: Any) -> Selector:
    """Select the map entries with values from ``start`` up to, not including, ``end`` (None: open).

    Example::

        session.update(board.id(1)).bin("scores").on_map_value_range(None, 10).remove()
    """
    return Selector("map", "by_value_range", (start, end), None)


@Step
def on_map_key_relative_index_range(key: Any, index: int, count: int | None = None) -> Selector:
    """Select ``count`` map entries from ``index`` places after the key ``key`` would have.

    Example::

        session.get(users.id(1)).bin("days").on_map_key_relative_index_range("2024-03", 0, 2).get_keys()
    """
    index = _int("on_map_key_relative_index_range", index)
    count = _count("on_map_key_relative_index_range", count)
    return Selector("map", "by_key_relative_index_range", (key, index, count), None)


@Step
def on_map_value_relative_rank_range(value: Any, rank: int, count: int | None = None) -> Selector:
    """Select ``count`` map entries from ``rank`` places after the rank ``value`` would have.

    Example::

        session.get(board.id(1)).bin("scores").on_map_value_relative_rank_range(50, 0).count()
    """
    rank = _int("on_map_value_relative_rank_range", rank)
    count = _count("on_map_value_relative_rank_range", count)
    return Selector("map", "by_value_relative_rank_range", (value, rank, count), None)


@Step
def on_map_key_list(keys: Any) -> Selector:
    """Select the map entries whose keys are in ``keys``.

    Example::

        session.update(users.id(1)).bin("prefs").on_map_key_list(["a", "b"]).remove_all_others()
    """
    return Selector("map", "by_key_list", (values_of("on_map_key_list", keys),), None)


@Step
def on_map_value_list(values: Any) -> Selector:
    """Select the map entries whose values are in ``values``.

    Example::

        session.get(users.id(1)).bin("prefs").on_map_value_list([1, 2]).get_keys()
    """
    return Selector("map", "by_value_list", (values_of("on_map_value_list", values),), None)


# -- list steps ---------------------------------------------------------------------------------------

@Step
def on_list_index(index: int, *, order: Any = None, pad: bool = False) -> Selector:
    """Select the list element at ``index`` (``order`` / ``pad``: create the list level if missing).

    Example::

        session.update(users.id(1)).bin("matrix").on_list_index(0).list_append(5)
    """
    index = _int("on_list_index", index)
    if order is not None or pad:
        step = an.CTX.list_index_create(index, order if order is not None else an.ListOrderType.UNORDERED, pad)
    else:
        step = an.CTX.list_index(index)
    return Selector("list", "by_index", (index,), step)


@Step
def on_list_rank(rank: int) -> Selector:
    """Select the list element of rank ``rank`` (0: lowest, -1: highest).

    Example::

        session.get(board.id(1)).bin("times").on_list_rank(0).get_values()
    """
    rank = _int("on_list_rank", rank)
    return Selector("list", "by_rank", (rank,), an.CTX.list_rank(rank))


@Step
def on_list_value(value: Any) -> Selector:
    """Select the list elements equal to ``value``.

    Example::

        task.update(users).bin("tags").on_list_value("trial").remove()
    """
    return Selector("list", "by_value", (value,), an.CTX.list_value(value))


@Step
def on_list_index_range(index: int, count: int | None = None) -> Selector:
    """Select ``count`` list elements from ``index`` (None: through the end).

    Example::

        session.update(users.id(1)).bin("log").on_list_index_range(0, 100).remove_all_others()
    """
    index, count = _int("on_list_index_range", index), _count("on_list_index_range", count)
    return Selector("list", "by_index_range", (index, count), None)


@Step
def on_list_rank_range(rank: int, count: int | None = None) -> Selector:
    """Select ``count`` list elements from rank ``rank`` (None: through the highest).

    Example::

        session.get(board.id(1)).bin("times").on_list_rank_range(0, 3).get_values()
    """
    rank, count = _int("on_list_rank_range", rank), _count("on_list_rank_range", count)
    return Selector("list", "by_rank_range", (rank, count), None)


@Step
def on_list_value_range(start: Any, end: Any) -> Selector:
    """Select the list elements from ``start`` up to, not including, ``end`` (None: open).

    Example::

        task.update(readings).bin("temps").on_list_value_range(None, -50).remove()
    """
    return Selector("list", "by_value_range", (start, end), None)


@Step
def on_list_value_relative_rank_range(value: Any, rank: int, count: int | None = None) -> Selector:
    """Select ``count`` list elements from ``rank`` places after the rank ``value`` would have.

    Example::

        session.get(board.id(1)).bin("times").on_list_value_relative_rank_range(60, 0).count()
    """
    rank = _int("on_list_value_relative_rank_range", rank)
    count = _count("on_list_value_relative_rank_range", count)
    return Selector("list", "by_value_relative_rank_range", (value, rank, count), None)


@Step
def on_list_value_list(values: Any) -> Selector:
    """Select the list elements equal to any of ``values``.

    Example::

        task.update(users).bin("tags").on_list_value_list(["a", "b"]).remove()
    """
    return Selector("list", "by_value_list", (values_of("on_list_value_list", values),), None)


class Navigation:
    """The navigation verbs, for every builder with a ``_navigate``."""

    __slots__ = ()
    on_map_key = on_map_key
    on_map_index = on_map_index
    on_map_rank = on_map_rank
    on_map_value = on_map_value
    on_map_index_range = on_map_index_range
    on_map_key_range = on_map_key_range
    on_map_rank_range = on_map_rank_range
    on_map_value_range = on_map_value_range
    on_map_key_relative_index_range = on_map_key_relative_index_range
    on_map_value_relative_rank_range = on_map_value_relative_rank_range
    on_map_key_list = on_map_key_list
    on_map_value_list = on_map_value_list
    on_list_index = on_list_index
    on_list_rank = on_list_rank
    on_list_value = on_list_value
    on_list_index_range = on_list_index_range
    on_list_rank_range = on_list_rank_range
    on_list_value_range = on_list_value_range
    on_list_value_relative_rank_range = on_list_value_relative_rank_range
    on_list_value_list = on_list_value_list


# -- selection reads ----------------------------------------------------------------------------------

class Selects(Protocol[T_co]):
    """A selection builder: a terminal reads its selection with a return type."""

    def _select(self, terminal: Terminal) -> T_co: ...


class Terminal:
    """A selection read as data: the return type it asks for, inverted or not, maps only or not."""


    def __init__(self, name: str, return_type: str, what: str, *, inverted: bool = False,
                 map_only: bool = False) -> None:
        self.return_type = return_type
        self.inverted = inverted
        self.map_only = map_only
        scope = "every element except the selected ones" if inverted else "the selected elements"
        doc = (f"Read {what} of {scope}{' (maps only)' if map_only else ''}.\n\n"
               f"Example::\n\n    session.get(users.id(1)).bin(\"m\").on_map_key_range(\"a\", \"c\").{name}()\n")
        self.entry = register(name, "selection_read", doc)
        self.__doc__ = doc
        spec = self

        def method(builder: Any) -> Any:
            return builder._select(spec)

        self.method = named(method, self.entry)

    @overload
    def __get__(self, instance: None, owner: type) -> Self: ...
    @overload
    def __get__(self, instance: Selects[T], owner: type) -> Callable[[], T]: ...

    def __get__(self, instance: Any, owner: type) -> Any:
        return self if instance is None else MethodType(self.method, instance)


class SelectionReads:
    """The reads of a selection (``CTX``-path aware), for selection builders."""

    __slots__ = ()
    get_values = Terminal("get_values", "VALUE", "the values")
    get_keys = Terminal("get_keys", "KEY", "the keys", map_only=True)
    get_keys_and_values = Terminal("get_keys_and_values", "KEY_VALUE", "the entries", map_only=True)
    get_as_map = Terminal("get_as_map", "UNORDERED_MAP", "an unordered map", map_only=True)
    get_as_ordered_map = Terminal("get_as_ordered_map", "ORDERED_MAP", "a key-ordered map", map_only=True)
    count = Terminal("count", "COUNT", "the number")
    exists = Terminal("exists", "EXISTS", "whether there is any")
    get_indexes = Terminal("get_indexes", "INDEX", "the indexes")
    get_reverse_indexes = Terminal("get_reverse_indexes", "REVERSE_INDEX", "the indexes from the end")
    get_ranks = Terminal("get_ranks", "RANK", "the value ranks")
    get_reverse_ranks = Terminal("get_reverse_ranks", "REVERSE_RANK", "the value ranks from the highest")
    get_all_other_values = Terminal("get_all_other_values", "VALUE", "the values", inverted=True)
    get_all_other_keys = Terminal("get_all_other_keys", "KEY", "the keys", inverted=True, map_only=True)
    get_all_other_keys_and_values = Terminal("get_all_other_keys_and_values", "KEY_VALUE", "the entries",
                                             inverted=True, map_only=True)
    count_all_others = Terminal("count_all_others", "COUNT", "the number", inverted=True)
    get_all_other_indexes = Terminal("get_all_other_indexes", "INDEX", "the indexes", inverted=True)
    get_all_other_reverse_indexes = Terminal("get_all_other_reverse_indexes", "REVERSE_INDEX",
                                             "the indexes from the end", inverted=True)
    get_all_other_ranks = Terminal("get_all_other_ranks", "RANK", "the value ranks", inverted=True)
    get_all_other_reverse_ranks = Terminal("get_all_other_reverse_ranks", "REVERSE_RANK",
                                           "the value ranks from the highest", inverted=True)
