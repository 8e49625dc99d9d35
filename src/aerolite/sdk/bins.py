"""The bin builders every face shares: ``.bin(name)`` on writes, jobs and reads, and CDT selections.

Each builder is a stack of verb mixins from the verb table plus a few lines saying where it writes
(``_path``) and whom it reports to (``_emit`` → the command builder's ``_take``, which checks that the
command may read or write). So foreground writes, background jobs, key reads and the blocking face
carry the same verbs with the same signatures:

* :class:`WriteBinBuilder` — ``session.update(k).bin(..)`` and ``background_task().update(ds).bin(..)``:
  whole-bin writes and reads, list/map and string verbs, navigation into a :class:`CdtWriter`, paths
  (``on_each_child()`` ...) into a :class:`~aerolite.sdk.path_verbs.PathWriter`.
* :class:`ReadBinBuilder` — ``session.get(k).bin(..)`` and ``session.query(k).bin(..)``: reads, and
  navigation into a :class:`CdtReader` or a :class:`~aerolite.sdk.path_verbs.PathReader`.
"""

from __future__ import annotations

from typing import Any, Generic, Protocol, Self, TypeVar

import aerospike_native as an

from aerolite.sdk import bin_verbs, bit_verbs, collection_verbs, string_verbs
from aerolite.sdk.navigation import Navigation, SelectionReads, Selector, Terminal
from aerolite.sdk.path_verbs import PathReader, PathStarts, PathWriter, Walk, and_filter
from aerolite.sdk.verb_table import TABLE, Entry, Path, listed
from aerolite.sdk.verbs import check_bin_name


class Takes(Protocol):
    """A command builder that takes the operations its bin steps build."""

    def _take(self, operation: Any, entry: Entry) -> Self: ...


ParentT = TypeVar("ParentT", bound=Takes)


class BinWrites:
    """Whole-bin writes."""

    __slots__ = ()
    set_to = bin_verbs.set_to
    set_to_geo_json = bin_verbs.set_to_geo_json
    add = bin_verbs.add
    append = bin_verbs.append
    prepend = bin_verbs.prepend
    remove = bin_verbs.remove
    hll_init = bin_verbs.hll_init
    hll_add = bin_verbs.hll_add
    hll_set_union = bin_verbs.hll_set_union
    hll_fold = bin_verbs.hll_fold
    hll_refresh_count = bin_verbs.hll_refresh_count
    upsert_from = bin_verbs.upsert_from
    insert_from = bin_verbs.insert_from
    update_from = bin_verbs.update_from
    bit_resize = bit_verbs.bit_resize
    bit_insert = bit_verbs.bit_insert
    bit_remove = bit_verbs.bit_remove
    bit_set = bit_verbs.bit_set
    bit_or = bit_verbs.bit_or
    bit_xor = bit_verbs.bit_xor
    bit_and = bit_verbs.bit_and
    bit_not = bit_verbs.bit_not
    bit_lshift = bit_verbs.bit_lshift
    bit_rshift = bit_verbs.bit_rshift
    bit_add = bit_verbs.bit_add
    bit_subtract = bit_verbs.bit_subtract
    bit_set_int = bit_verbs.bit_set_int


class BinReads:
    """Whole-bin reads."""

    __slots__ = ()
    get = bin_verbs.get
    select_from = bin_verbs.select_from
    hll_get_count = bin_verbs.hll_get_count
    hll_describe = bin_verbs.hll_describe
    hll_get_union = bin_verbs.hll_get_union
    hll_get_union_count = bin_verbs.hll_get_union_count
    hll_get_intersect_count = bin_verbs.hll_get_intersect_count
    hll_get_similarity = bin_verbs.hll_get_similarity
    bit_get = bit_verbs.bit_get
    bit_count = bit_verbs.bit_count
    bit_lscan = bit_verbs.bit_lscan
    bit_rscan = bit_verbs.bit_rscan
    bit_get_int = bit_verbs.bit_get_int
    bit_b64_encode = bit_verbs.bit_b64_encode
    read_as_string = string_verbs.read_as_string


class CollectionWrites:
    """List and map writes, at a bin or at a selected element."""

    __slots__ = ()
    list_append = collection_verbs.list_append
    list_append_items = collection_verbs.list_append_items
    list_add = collection_verbs.list_add
    list_add_items = collection_verbs.list_add_items
    list_insert = collection_verbs.list_insert
    list_insert_items = collection_verbs.list_insert_items
    list_set = collection_verbs.list_set
    list_increment = collection_verbs.list_increment
    list_remove = collection_verbs.list_remove
    list_remove_range = collection_verbs.list_remove_range
    list_pop = collection_verbs.list_pop
    list_pop_range = collection_verbs.list_pop_range
    list_trim = collection_verbs.list_trim
    list_clear = collection_verbs.list_clear
    list_sort = collection_verbs.list_sort
    list_set_order = collection_verbs.list_set_order
    list_create = collection_verbs.list_create
    map_upsert_items = collection_verbs.map_upsert_items
    map_insert_items = collection_verbs.map_insert_items
    map_update_items = collection_verbs.map_update_items
    map_clear = collection_verbs.map_clear
    map_create = collection_verbs.map_create
    map_set_policy = collection_verbs.map_set_policy


class CollectionReads:
    """List and map reads, at a bin or at a selected element."""

    __slots__ = ()
    list_size = collection_verbs.list_size
    list_get = collection_verbs.list_get
    list_get_range = collection_verbs.list_get_range
    list_join = collection_verbs.list_join
    map_size = collection_verbs.map_size


class StringWrites:
    """String writes, at a bin or at a selected element."""

    __slots__ = ()
    str_insert = string_verbs.str_insert
    str_overwrite = string_verbs.str_overwrite
    str_concat = string_verbs.str_concat
    str_append = string_verbs.str_append
    str_prepend = string_verbs.str_prepend
    str_snip = string_verbs.str_snip
    str_replace = string_verbs.str_replace
    str_replace_all = string_verbs.str_replace_all
    str_regex_replace = string_verbs.str_regex_replace
    str_upper = string_verbs.str_upper
    str_lower = string_verbs.str_lower
    str_case_fold = string_verbs.str_case_fold
    str_normalize_nfc = string_verbs.str_normalize_nfc
    str_trim_start = string_verbs.str_trim_start
    str_trim_end = string_verbs.str_trim_end
    str_trim = string_verbs.str_trim
    str_pad_start = string_verbs.str_pad_start
    str_pad_end = string_verbs.str_pad_end
    str_repeat = string_verbs.str_repeat


class StringReads:
    """String reads, at a bin or at a selected element."""

    __slots__ = ()
    str_strlen = string_verbs.str_strlen
    str_substr = string_verbs.str_substr
    str_char_at = string_verbs.str_char_at
    str_find = string_verbs.str_find
    str_contains = string_verbs.str_contains
    str_starts_with = string_verbs.str_starts_with
    str_ends_with = string_verbs.str_ends_with
    str_to_integer = string_verbs.str_to_integer
    str_to_double = string_verbs.str_to_double
    str_byte_length = string_verbs.str_byte_length
    str_is_numeric = string_verbs.str_is_numeric
    str_is_upper = string_verbs.str_is_upper
    str_is_lower = string_verbs.str_is_lower
    str_to_blob = string_verbs.str_to_blob
    str_split = string_verbs.str_split
    str_b64_decode = string_verbs.str_b64_decode
    str_regex_compare = string_verbs.str_regex_compare


class _BinStep(Generic[ParentT]):
    __slots__ = ("_at", "_name", "_parent")

    def __init__(self, parent: ParentT, name: str) -> None:
        self._parent = parent
        self._name = check_bin_name(name)
        self._at = Path(name)

    def _path(self) -> Path:
        return self._at

    def _emit(self, operation: Any, entry: Entry) -> ParentT:
        return self._parent._take(operation, entry)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of bin {self._name!r}>"


class WriteBinBuilder(BinWrites, CollectionWrites, StringWrites, BinReads, CollectionReads, StringReads, Navigation,
                      PathStarts, _BinStep[ParentT]):
    """One step on one bin of a write or a background job; each verb returns the command builder.

    Example::

        await session.update(users.id(1)).bin("tags").list_append("vip").bin("n").add(1).execute()
    """

    __slots__ = ()

    def _navigate(self, selector: Selector) -> CdtWriter[ParentT]:
        return CdtWriter(self._parent, self._name, (), selector)

    def _walk(self, walk: Walk) -> PathWriter[ParentT]:
        return PathWriter(self._parent, self._name, (walk.ctx,), walk.filterable)


class ReadBinBuilder(BinReads, CollectionReads, StringReads, Navigation, PathStarts, _BinStep[ParentT]):
    """One read step on one bin of a key read; each verb returns the read builder.

    Example::

        row = await session.get(users.id(1)).bin("tags").list_size().bin("name").get().execute()
    """

    __slots__ = ()

    def _navigate(self, selector: Selector) -> CdtReader[ParentT]:
        return CdtReader(self._parent, self._name, (), selector)

    def _walk(self, walk: Walk) -> PathReader[ParentT]:
        return PathReader(self._parent, self._name, (walk.ctx,), walk.filterable)


class CdtReader(SelectionReads, CollectionReads, StringReads, Navigation, PathStarts, Generic[ParentT]):
    """A selection inside a list or map bin: read it, or navigate further into a selected element.

    Example::

        session.get(users.id(1)).bin("stats").on_map_key("daily").on_list_index(-1).get_values()
    """

    __slots__ = ("_bin", "_ctx", "_parent", "_selector")
    and_filter = and_filter

    def __init__(self, parent: ParentT, bin_name: str, ctx: tuple[Any, ...], selector: Selector) -> None:
        self._parent = parent
        self._bin = bin_name
        self._ctx = ctx
        self._selector = selector

    def _into(self, what: str) -> tuple[Any, ...]:
        step = self._selector.step
        if step is None:
            raise TypeError(
                f"{what} needs one element, and on_*_range / on_*_list / relative selections pick many: "
                "reach a single element with on_map_key, on_map_index, on_map_rank, on_list_index ..."
            )
        return (*self._ctx, step)

    def _navigate(self, selector: Selector) -> Self:
        return type(self)(self._parent, self._bin, self._into("navigating further"), selector)

    def _walk(self, walk: Walk) -> PathReader[ParentT]:
        if walk.is_filter:
            selector = self._selector
            if selector.family == "map" and selector.by in ("by_index", "by_rank"):
                raise TypeError("and_filter() cannot follow on_map_index() or on_map_rank(): "
                                "select by key with on_map_key() or on_map_keys_in()")
            return self._start_path((*self._into("and_filter()"), walk.ctx), False)
        return self._start_path((*self._into("a path step"), walk.ctx), walk.filterable)

    def _start_path(self, ctx: tuple[Any, ...], filterable: bool) -> PathReader[ParentT]:
        return PathReader(self._parent, self._bin, ctx, filterable)

    def _path(self) -> Path:
        return Path(self._bin, self._into("a list, map or string verb"))

    def _emit(self, operation: Any, entry: Entry) -> ParentT:
        return self._parent._take(operation, entry)

    def _select(self, terminal: Terminal) -> ParentT:
        selector = self._selector
        if terminal.map_only and selector.family != "map":
            raise TypeError(f"{terminal.entry.name}() reads map keys, and this selection is in a list: "
                            "use get_values() or get_indexes()")
        return_types = selector.return_types
        return_type = getattr(return_types, terminal.return_type)
        if terminal.inverted:
            return_type = return_type | return_types.INVERTED
        return self._emit(selector.operation("get", Path(self._bin, self._ctx), return_type), terminal.entry)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._selector.family} {self._selector.by} in bin {self._bin!r}>"


_MAP_PUT_POLICY = an.MapPolicy(None, None)


class CdtWriter(CollectionWrites, StringWrites, CdtReader[ParentT]):
    """A selection inside a list or map bin of a write: also remove it, or write at it.

    Example::

        session.update(users.id(1)).bin("stats").on_map_key("visits").add(1)
    """

    __slots__ = ()

    def _start_path(self, ctx: tuple[Any, ...], filterable: bool) -> PathWriter[ParentT]:
        return PathWriter(self._parent, self._bin, ctx, filterable)

    def _remove(self, verb_name: str, return_type: Any, inverted: bool) -> ParentT:
        return_types = self._selector.return_types
        chosen = return_types.NONE if return_type is None else return_type
        if inverted:
            chosen = chosen | return_types.INVERTED
        operation = self._selector.operation("remove", Path(self._bin, self._ctx), chosen)
        return self._emit(operation, TABLE["selection_write", verb_name])

    @listed("selection_write")
    def remove(self, *, return_type: Any = None) -> ParentT:
        """Remove the selected elements (``return_type``: what to return about them, e.g. ``MapReturnType.COUNT``).

        Example::

            task.update(users).bin("tags").on_list_value("trial").remove()
        """
        return self._remove("remove", return_type, False)

    @listed("selection_write")
    def remove_all_others(self, *, return_type: Any = None) -> ParentT:
        """Remove every element except the selected ones.

        Example::

            session.update(users.id(1)).bin("prefs").on_map_key_list(["a", "b"]).remove_all_others()
        """
        return self._remove("remove_all_others", return_type, True)

    def _map_key(self, verb_name: str) -> tuple[Path, Any]:
        if not self._selector.is_map_key:
            raise TypeError(f"{verb_name}() writes one map entry: select it with on_map_key(key) first")
        return Path(self._bin, self._ctx), self._selector.map_key

    @listed("selection_write")
    def set_to(self, value: Any) -> ParentT:
        """Put ``value`` under the selected map key (created if missing).

        Example::

            session.update(users.id(1)).bin("prefs").on_map_key("theme").set_to("dark")
        """
        path, key = self._map_key("set_to")
        operation = path.at(an.MapOperation.put(path.bin, key, value, _MAP_PUT_POLICY))
        return self._emit(operation, TABLE["selection_write", "set_to"])

    @listed("selection_write")
    def add(self, value: int | float) -> ParentT:
        """Add ``value`` to the number under the selected map key (a missing key counts as 0).

        Example::

            task.update(users).bin("stats").on_map_key("visits").add(1)
        """
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"add() takes an int or float, not {type(value).__name__}")
        path, key = self._map_key("add")
        operation = path.at(an.MapOperation.increment_value(path.bin, key, value, _MAP_PUT_POLICY))
        return self._emit(operation, TABLE["selection_write", "add"])
