"""Value types with no exact Python twin (GeoJSON, HLL, ordered CDTs, INF and WILDCARD)."""

from __future__ import annotations

from typing import Any, Final, TypeAlias


class GeoJson(str):
    """A GeoJSON document stored as text; distinct from a plain string bin."""

    __slots__ = ()


class Hll(bytes):
    """A HyperLogLog sketch; distinct from a plain blob bin."""

    __slots__ = ()


class KeyOrderedMap(dict[Any, Any]):
    """A map that keeps its keys sorted; ``flags`` are Aerospike's map-order flags (1 or 3)."""

    __slots__ = ("flags",)

    def __init__(self, *args: Any, flags: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.flags = flags


class OrderedList(list[Any]):
    """A list whose elements are kept in value order (Aerospike list flag 1)."""

    __slots__ = ()


class Special:
    """INF and WILDCARD: sentinels used as range ends and wildcards in CDT and expression values."""

    __slots__ = ("code", "name")

    def __init__(self, name: str, code: int) -> None:
        self.name = name
        self.code = code

    def __repr__(self) -> str:
        return self.name


INF: Final = Special("INF", 1)
WILDCARD: Final = Special("WILDCARD", 0)

Value: TypeAlias = Any
"""Any value a bin can hold; kept as ``Any`` because lists and maps nest arbitrarily."""
