"""The verb table: every bin verb of the SDK, described once, and the descriptors that put it on builders.

A verb is a typed function ``build(path, *args) -> client operation`` registered with its group in
:data:`TABLE`. Builders carry verbs as class attributes (``list_append = collection.list_append``);
reading the attribute through a builder instance gives a method with the function's own signature
(minus ``path``) that builds the operation at the builder's place and hands it to the builder's
``_emit``, which returns whatever the verb returns (the builder the chain came from). The one
description thus serves foreground writes, background jobs, reads, nested CDT paths and the blocking
face, and editors and ``mypy`` see every verb with its real parameters.

Groups say where a verb may appear (``tests/sdk/test_verb_table.py`` checks every face against them):

========================  ====================================================================
``bin_write``             whole-bin writes: ``set_to``, ``add``, HLL writes, ``upsert_from`` ...
``collection_write``      list / map writes, at a bin or at a navigated CDT element
``collection_read``       list / map reads (``list_size``, ``list_get`` ...), likewise
``bin_read``              whole-bin reads: ``get``, HLL reads, ``select_from``
``navigation``            CDT steps (``on_map_key`` ...), leading to a selection
``selection_read``        reads of a selection (``get_values``, ``count`` ...)
``selection_write``       writes of a selection (``remove``, ``remove_all_others``, ``set_to`` ...)
``string_write``          string writes (``str_upper``, ``str_pad_end`` ...), at a bin or an element
``string_read``           string reads (``str_strlen``, ``str_find`` ...), likewise
``path_start``            path steps over many children (``on_each_child``, ``on_map_keys_in`` ...)
``path_filter``           ``and_filter``: narrow a selected element or a path step by a predicate
``path_step``             single steps inside a path (``on_map_key`` ...), continuing the path
``path_read``             reads of a path (``collect_values``, ``collect_map_keys`` ...)
``path_write``            writes of a path (``modify_by``, ``remove_matches`` ...)
========================  ====================================================================
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import MethodType
from typing import (
    Any,
    Concatenate,
    Generic,
    Literal,
    NamedTuple,
    ParamSpec,
    Protocol,
    Self,
    TypeVar,
    overload,
)

P = ParamSpec("P")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

Group = Literal["bin_write", "collection_write", "collection_read", "bin_read", "navigation",
                "selection_read", "selection_write", "string_write", "string_read", "path_start",
                "path_filter", "path_step", "path_read", "path_write"]
WRITE_GROUPS: frozenset[Group] = frozenset({"bin_write", "collection_write", "selection_write", "string_write",
                                            "path_write"})


class Path(NamedTuple):
    """Where an operation applies: a bin, and the CDT context leading into it (empty: the bin itself)."""

    bin: str
    ctx: tuple[Any, ...] = ()

    def at(self, operation: Any) -> Any:
        """``operation`` with this path's context attached (unchanged at the bin itself)."""
        return operation.set_context(list(self.ctx)) if self.ctx else operation


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of the verb table."""

    name: str
    group: Group
    doc: str

    @property
    def writes(self) -> bool:
        """True if the verb changes data (so a read-only face refuses it)."""
        return self.group in WRITE_GROUPS


TABLE: dict[tuple[Group, str], Entry] = {}
"""Every verb by group and name (``set_to``, ``add`` and ``remove`` exist at a bin and at a selection)."""


def register(name: str, group: Group, doc: str | None) -> Entry:
    """Add a verb to :data:`TABLE` (a name appears once per group)."""
    if (group, name) in TABLE:
        raise ValueError(f"verb {name!r} is described twice in group {group!r}")
    entry = TABLE[group, name] = Entry(name, group, doc or "")
    return entry


def entries(group: Group) -> list[Entry]:
    """The verbs of one group, in table order."""
    return [entry for entry in TABLE.values() if entry.group == group]


class Emits(Protocol[T_co]):
    """A builder a verb can live on: it knows its place and takes the built operation."""

    def _path(self) -> Path: ...

    def _emit(self, operation: Any, entry: Entry) -> T_co: ...


class Verb(Generic[P]):
    """A table verb as a class attribute; through an instance it is that builder's typed method."""


    def __init__(self, build: Callable[Concatenate[Path, P], Any], group: Group) -> None:
        self.build = build
        self.entry = entry = register(build.__name__, group, build.__doc__)
        self.__doc__ = build.__doc__

        def method(builder: Any, *args: Any, **kwargs: Any) -> Any:
            return builder._emit(build(builder._path(), *args, **kwargs), entry)

        self.method = named(method, entry, build)

    @overload
    def __get__(self, instance: None, owner: type) -> Self: ...
    @overload
    def __get__(self, instance: Emits[T], owner: type) -> Callable[P, T]: ...

    def __get__(self, instance: Any, owner: type) -> Any:
        return self if instance is None else MethodType(self.method, instance)

    def __repr__(self) -> str:
        return shown(self.method)


def shown(method: Callable[..., Any]) -> str:
    """How a verb shows itself: ``<verb list_append(value, *, unique=False ...)>``."""
    signature = inspect.signature(method)
    return f"<verb {method.__name__}{signature.replace(parameters=list(signature.parameters.values())[1:])}>"


_SELF = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)


def named(method: Callable[..., Any], entry: Entry, parameters: Callable[..., Any] | None = None) -> Callable[..., Any]:
    """``method`` carrying the verb's name, docstring and parameters (what ``help()`` shows on a builder).

    ``parameters``: the function whose parameters the verb takes (None: none); a builder fills ``path``.
    """
    method.__name__ = method.__qualname__ = entry.name
    method.__doc__ = entry.doc
    taken = [] if parameters is None else [
        p for p in inspect.signature(parameters).parameters.values() if p.name != "path"]
    method.__signature__ = inspect.Signature([_SELF, *taken])  # type: ignore[attr-defined]
    return method


def verb(group: Group) -> Callable[[Callable[Concatenate[Path, P], Any]], Verb[P]]:
    """Declare a table verb: ``@verb("collection_write") def list_clear(path: Path) -> op``."""

    def declare(build: Callable[Concatenate[Path, P], Any]) -> Verb[P]:
        return Verb(build, group)

    return declare


F = TypeVar("F", bound=Callable[..., Any])


def listed(group: Group) -> Callable[[F], F]:
    """Enter a hand-written builder method into :data:`TABLE` (for verbs whose shape is their own)."""

    def enter(method: F) -> F:
        register(method.__name__, group, method.__doc__)
        return method

    return enter
