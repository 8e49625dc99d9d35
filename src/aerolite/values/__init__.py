"""The value vocabulary shared by every layer: what a bin, a key or an expression literal can hold.

Plain Python types carry most values (``int``, ``float``, ``str``, ``bytes``, ``bool``, ``None``,
``list``, ``dict``). The few Aerospike values that have no exact Python twin get a thin subclass here,
so that every layer (expressions, wire, engine, SDK) agrees on them without depending on each other.
"""

from aerolite.values.types import (
    INF,
    WILDCARD,
    GeoJson,
    Hll,
    KeyOrderedMap,
    OrderedList,
    Special,
    Value,
)

__all__ = ["INF", "WILDCARD", "GeoJson", "Hll", "KeyOrderedMap", "OrderedList", "Special", "Value"]
