"""List and map verbs of the verb table: the operations at a bin or at a navigated CDT element.

Names, parameters and produced operations follow aerospike-sdk 1.0.0 (same client operation builders,
same policies), so a chain written for it writes the same bytes here. Each function takes the
:class:`~aerolite.sdk.verb_table.Path` first; on a builder that argument is filled in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import aerospike_native as an

from aerolite.sdk.verb_table import Path, verb

_UNORDERED = an.ListPolicy(None, None)
_ORDERED = an.ListPolicy(an.ListOrderType.ORDERED, None)


def list_policy(order: Any, *, unique: bool = False, bounded: bool = False, no_fail: bool = False,
                partial: bool = False) -> Any:
    """The client ``ListPolicy`` for an order and the write-flag switches."""
    flags = 0
    for on, flag in ((unique, an.ListWriteFlags.ADD_UNIQUE), (bounded, an.ListWriteFlags.INSERT_BOUNDED),
                     (no_fail, an.ListWriteFlags.NO_FAIL), (partial, an.ListWriteFlags.PARTIAL)):
        if on:
            flags |= flag
    if flags:
        return an.ListPolicy(order, flags)
    if order is None:
        return _UNORDERED
    return _ORDERED if order is an.ListOrderType.ORDERED else an.ListPolicy(order, None)


def map_policy(base_flags: int, *, order: Any = None, persist_index: bool = False, no_fail: bool = False,
               partial: bool = False) -> Any:
    """The client ``MapPolicy`` for write flags, an order and the switches."""
    flags = base_flags
    if no_fail:
        flags |= an.MapWriteFlags.NO_FAIL
    if partial:
        flags |= an.MapWriteFlags.PARTIAL
    if persist_index:
        return an.MapPolicy.new_with_flags_and_persisted_index(order, flags)
    if flags:
        return an.MapPolicy.new_with_flags(order, flags)
    return an.MapPolicy(order, None)


def items_of(verb_name: str, items: Any) -> list[tuple[Any, Any]]:
    """``(key, value)`` pairs from a mapping or a sequence of pairs."""
    if isinstance(items, Mapping):
        pairs = list(items.items())
    elif isinstance(items, Sequence) and not isinstance(items, str | bytes):
        pairs = list(items)
        for pair in pairs:
            if not (isinstance(pair, tuple | list) and len(pair) == 2):
                raise TypeError(f"{verb_name}() takes a mapping or (key, value) pairs, got the item {pair!r}")
    else:
        raise TypeError(f"{verb_name}() takes a mapping or (key, value) pairs, not {type(items).__name__}")
    if not pairs:
        raise ValueError(f"{verb_name}() got no items: give at least one key and value")
    return [(pair[0], pair[1]) for pair in pairs]


def values_of(verb_name: str, values: Any) -> list[Any]:
    """A list of values from any non-string iterable (a bare str or bytes is one value, so refused)."""
    if isinstance(values, str | bytes | bytearray) or not hasattr(values, "__iter__"):
        raise TypeError(f"{verb_name}() takes a list of values, not a single {type(values).__name__}: "
                        f"wrap one value in a list, [{values!r}]")
    return list(values)


def _int(verb_name: str, what: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{verb_name}() takes the {what} as an int, not {value!r}")
    return value


def _count(verb_name: str, count: Any) -> int | None:
    if count is None:
        return None
    if _int(verb_name, "count", count) < 0:
        raise ValueError(f"{verb_name}() takes a count >= 0, or None for all the rest, not {count}")
    return int(count)


# -- list writes --------------------------------------------------------------------------------------

@verb("collection_write")
def list_append(path: Path, value: Any, *, unique: bool = False, bounded: bool = False,
                no_fail: bool = False) -> Any:
    """Append ``value`` to the end of the (unordered) list; a missing bin becomes ``[value]``.

    Example::

        session.update(users.id(1)).bin("tags").list_append("vip", unique=True, no_fail=True)
    """
    policy = list_policy(None, unique=unique, bounded=bounded, no_fail=no_fail)
    return path.at(an.ListOperation.append(path.bin, value, policy))


@verb("collection_write")
def list_append_items(path: Path, items: Sequence[Any], *, unique: bool = False, bounded: bool = False,
                      no_fail: bool = False, partial: bool = False) -> Any:
    """Append every value of ``items`` to the end of the list.

    Example::

        session.update(users.id(1)).bin("tags").list_append_items(["a", "b"])
    """
    policy = list_policy(None, unique=unique, bounded=bounded, no_fail=no_fail, partial=partial)
    return path.at(an.ListOperation.append_items(path.bin, values_of("list_append_items", items), policy))


@verb("collection_write")
def list_add(path: Path, value: Any, *, unique: bool = False, bounded: bool = False,
             no_fail: bool = False) -> Any:
    """Add ``value`` to an ordered list at its sorted place (a missing bin becomes an ordered list).

    Example::

        session.update(board.id(1)).bin("scores").list_add(87)
    """
    policy = list_policy(an.ListOrderType.ORDERED, unique=unique, bounded=bounded, no_fail=no_fail)
    return path.at(an.ListOperation.append(path.bin, value, policy))


@verb("collection_write")
def list_add_items(path: Path, items: Sequence[Any], *, unique: bool = False, bounded: bool = False,
                   no_fail: bool = False, partial: bool = False) -> Any:
    """Add every value of ``items`` to an ordered list, each at its sorted place.

    Example::

        session.update(board.id(1)).bin("scores").list_add_items([70, 99])
    """
    policy = list_policy(an.ListOrderType.ORDERED, unique=unique, bounded=bounded, no_fail=no_fail,
                         partial=partial)
    return path.at(an.ListOperation.append_items(path.bin, values_of("list_add_items", items), policy))


@verb("collection_write")
def list_insert(path: Path, index: int, value: Any, *, unique: bool = False, bounded: bool = False,
                no_fail: bool = False) -> Any:
    """Insert ``value`` at ``index`` (negative: from the end).

    Example::

        session.update(users.id(1)).bin("queue").list_insert(0, "urgent")
    """
    policy = list_policy(None, unique=unique, bounded=bounded, no_fail=no_fail)
    return path.at(an.ListOperation.insert(path.bin, _int("list_insert", "index", index), value, policy))


@verb("collection_write")
def list_insert_items(path: Path, index: int, items: Sequence[Any], *, unique: bool = False,
                      bounded: bool = False, no_fail: bool = False, partial: bool = False) -> Any:
    """Insert the values of ``items`` starting at ``index``.

    Example::

        session.update(users.id(1)).bin("queue").list_insert_items(1, ["b", "c"])
    """
    policy = list_policy(None, unique=unique, bounded=bounded, no_fail=no_fail, partial=partial)
    return path.at(an.ListOperation.insert_items(
        path.bin, _int("list_insert_items", "index", index), values_of("list_insert_items", items), policy))


@verb("collection_write")
def list_set(path: Path, index: int, value: Any) -> Any:
    """Replace the element at ``index`` with ``value``.

    Example::

        session.update(users.id(1)).bin("slots").list_set(2, "taken")
    """
    return path.at(an.ListOperation.set(path.bin, _int("list_set", "index", index), value))


@verb("collection_write")
def list_increment(path: Path, index: int, value: int = 1) -> Any:
    """Add ``value`` (default 1) to the number at ``index``.

    Example::

        session.update(stats.id("day")).bin("hourly").list_increment(13, 5)
    """
    index = _int("list_increment", "index", index)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"list_increment() adds an int or float, not {value!r}")
    if value == 1:
        return path.at(an.ListOperation.increment_by_one(path.bin, index))
    return path.at(an.ListOperation.increment(path.bin, index, value, _UNORDERED))


@verb("collection_write")
def list_remove(path: Path, index: int) -> Any:
    """Remove the element at ``index``.

    Example::

        session.update(users.id(1)).bin("queue").list_remove(0)
    """
    return path.at(an.ListOperation.remove(path.bin, _int("list_remove", "index", index)))


@verb("collection_write")
def list_remove_range(path: Path, index: int, count: int | None = None) -> Any:
    """Remove ``count`` elements from ``index`` (None: through the end).

    Example::

        session.update(users.id(1)).bin("log").list_remove_range(0, 10)
    """
    index, count = _int("list_remove_range", "index", index), _count("list_remove_range", count)
    if count is None:
        return path.at(an.ListOperation.remove_range_from(path.bin, index))
    return path.at(an.ListOperation.remove_range(path.bin, index, count))


@verb("collection_write")
def list_pop(path: Path, index: int) -> Any:
    """Remove the element at ``index`` and return it in the result.

    Example::

        job = (await session.update(jobs.id(1)).bin("queue").list_pop(0).execute()).bins["queue"]
    """
    return path.at(an.ListOperation.pop(path.bin, _int("list_pop", "index", index)))


@verb("collection_write")
def list_pop_range(path: Path, index: int, count: int | None = None) -> Any:
    """Remove ``count`` elements from ``index`` (None: through the end) and return them.

    Example::

        session.update(jobs.id(1)).bin("queue").list_pop_range(0, 5)
    """
    index, count = _int("list_pop_range", "index", index), _count("list_pop_range", count)
    if count is None:
        return path.at(an.ListOperation.pop_range_from(path.bin, index))
    return path.at(an.ListOperation.pop_range(path.bin, index, count))


@verb("collection_write")
def list_trim(path: Path, index: int, count: int) -> Any:
    """Keep only ``count`` elements from ``index``; remove the rest.

    Example::

        session.update(users.id(1)).bin("recent").list_trim(0, 100)
    """
    kept = _count("list_trim", count)
    if kept is None:
        raise TypeError("list_trim() needs a count: how many elements to keep")
    return path.at(an.ListOperation.trim(path.bin, _int("list_trim", "index", index), kept))


@verb("collection_write")
def list_clear(path: Path) -> Any:
    """Remove every element, keeping an empty list.

    Example::

        session.update(users.id(1)).bin("cart").list_clear()
    """
    return path.at(an.ListOperation.clear(path.bin))


@verb("collection_write")
def list_sort(path: Path, flags: Any = an.ListSortFlags.DEFAULT) -> Any:
    """Sort the list (``ListSortFlags.DROP_DUPLICATES`` also drops repeats).

    Example::

        session.update(users.id(1)).bin("tags").list_sort(ListSortFlags.DROP_DUPLICATES)
    """
    return path.at(an.ListOperation.sort(path.bin, flags))


@verb("collection_write")
def list_set_order(path: Path, order: Any) -> Any:
    """Make the list ordered or unordered (``ListOrderType``) without changing its values.

    Example::

        session.update(users.id(1)).bin("scores").list_set_order(ListOrderType.ORDERED)
    """
    return path.at(an.ListOperation.set_order(path.bin, order))


@verb("collection_write")
def list_create(path: Path, order: Any, *, pad: bool = True, persist_index: bool = False) -> Any:
    """Create an empty list of the given order where none exists.

    Example::

        session.upsert(users.id(1)).bin("scores").list_create(ListOrderType.ORDERED)
    """
    return path.at(an.ListOperation.create(path.bin, order, pad, persist_index))


# -- list reads ---------------------------------------------------------------------------------------

@verb("collection_read")
def list_size(path: Path) -> Any:
    """Read the number of elements of the list.

    Example::

        n = (await session.get(users.id(1)).bin("tags").list_size().execute()).bins["tags"]
    """
    return path.at(an.ListOperation.size(path.bin))


@verb("collection_read")
def list_get(path: Path, index: int) -> Any:
    """Read the element at ``index``.

    Example::

        session.get(users.id(1)).bin("tags").list_get(0)
    """
    return path.at(an.ListOperation.get(path.bin, _int("list_get", "index", index)))


@verb("collection_read")
def list_get_range(path: Path, index: int, count: int | None = None) -> Any:
    """Read ``count`` elements from ``index`` (None: through the end).

    Example::

        session.get(users.id(1)).bin("log").list_get_range(-10)
    """
    index, count = _int("list_get_range", "index", index), _count("list_get_range", count)
    if count is None:
        return path.at(an.ListOperation.get_range_from(path.bin, index))
    return path.at(an.ListOperation.get_range(path.bin, index, count))


@verb("collection_read")
def list_join(path: Path, separator: str | None = None) -> Any:
    """Read the list's strings joined into one string, with ``separator`` between them (the inverse of ``str_split``).

    Example::

        session.get(users.id(1)).bin("tags").list_join(", ")
    """
    if separator is not None and not isinstance(separator, str):
        raise TypeError(f"list_join() takes the separator as a str or None, not {type(separator).__name__}")
    return path.at(an.ListOperation.join(path.bin, separator))


# -- map writes ---------------------------------------------------------------------------------------

def _put_items(verb_name: str, path: Path, items: Any, base_flags: int, order: Any, persist_index: bool,
               no_fail: bool, partial: bool) -> Any:
    policy = map_policy(base_flags, order=order, persist_index=persist_index, no_fail=no_fail, partial=partial)
    return path.at(an.MapOperation.put_items(path.bin, items_of(verb_name, items), policy))


@verb("collection_write")
def map_upsert_items(path: Path, items: Any, *, order: Any = None, persist_index: bool = False,
                     no_fail: bool = False, partial: bool = False) -> Any:
    """Put these entries into the map (create or overwrite each key); a missing bin becomes the map.

    Example::

        session.update(users.id(1)).bin("prefs").map_upsert_items({"theme": "dark", "lang": "en"})
    """
    return _put_items("map_upsert_items", path, items, an.MapWriteFlags.DEFAULT, order, persist_index,
                      no_fail, partial)


@verb("collection_write")
def map_insert_items(path: Path, items: Any, *, order: Any = None, persist_index: bool = False,
                     no_fail: bool = False, partial: bool = False) -> Any:
    """Put only the entries whose key is not in the map yet (an existing key fails unless ``no_fail``).

    Example::

        session.update(users.id(1)).bin("prefs").map_insert_items({"lang": "en"}, no_fail=True)
    """
    return _put_items("map_insert_items", path, items, an.MapWriteFlags.CREATE_ONLY, order, persist_index,
                      no_fail, partial)


@verb("collection_write")
def map_update_items(path: Path, items: Any, *, order: Any = None, persist_index: bool = False,
                     no_fail: bool = False, partial: bool = False) -> Any:
    """Overwrite only keys already in the map (a missing key fails unless ``no_fail``).

    Example::

        session.update(users.id(1)).bin("prefs").map_update_items({"theme": "light"})
    """
    return _put_items("map_update_items", path, items, an.MapWriteFlags.UPDATE_ONLY, order, persist_index,
                      no_fail, partial)


@verb("collection_write")
def map_clear(path: Path) -> Any:
    """Remove every entry, keeping an empty map.

    Example::

        session.update(users.id(1)).bin("prefs").map_clear()
    """
    return path.at(an.MapOperation.clear(path.bin))


@verb("collection_write")
def map_create(path: Path, order: Any) -> Any:
    """Create an empty map with the given key order (``MapOrder``) where none exists.

    Example::

        session.upsert(users.id(1)).bin("stats").map_create(MapOrder.KEY_ORDERED)
    """
    return path.at(an.MapOperation.create(path.bin, order))


@verb("collection_write")
def map_set_policy(path: Path, order: Any) -> Any:
    """Change the map's key order (``MapOrder``) without changing its entries.

    Example::

        session.update(users.id(1)).bin("stats").map_set_policy(MapOrder.KEY_ORDERED)
    """
    return path.at(an.MapOperation.set_map_policy(path.bin, an.MapPolicy(order, None)))


# -- map reads ----------------------------------------------------------------------------------------

@verb("collection_read")
def map_size(path: Path) -> Any:
    """Read the number of entries of the map.

    Example::

        n = (await session.get(users.id(1)).bin("prefs").map_size().execute()).bins["prefs"]
    """
    return path.at(an.MapOperation.size(path.bin))
