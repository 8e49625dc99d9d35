"""The total order Aerospike uses between CDT values (ordered maps and lists, ranks, value ranges).

NIL < BOOL < INT < STRING < LIST < MAP < BYTES < FLOAT < GEOJSON < INF; WILDCARD sorts with INF's
neighbours only in ranges and matches anything in comparisons done by callers.
"""

from __future__ import annotations

from typing import Any

from aerolite.values.types import INF, GeoJson, KeyOrderedMap, OrderedList, Special

_NIL, _BOOL, _INT, _STRING, _LIST, _MAP, _BYTES, _FLOAT, _GEO, _INF = range(10)


def sort_key(value: Any) -> tuple[Any, ...]:
    """A key for ``sorted`` that realises the Aerospike cross-type order."""
    if value is None:
        return (_NIL,)
    if value is True or value is False:
        return (_BOOL, value)
    if isinstance(value, int):
        return (_INT, value)
    if isinstance(value, GeoJson):
        return (_GEO, str(value))
    if isinstance(value, str):
        return (_STRING, value.encode())
    if isinstance(value, (list, tuple)):
        return (_LIST, len(value), tuple(sort_key(v) for v in value))
    if isinstance(value, dict):
        return (_MAP, len(value), tuple((sort_key(k), sort_key(v)) for k, v in sorted_items(value)))
    if isinstance(value, (bytes, bytearray)):
        return (_BYTES, bytes(value))
    if isinstance(value, float):
        return (_FLOAT, value)
    if isinstance(value, Special):
        return (_INF, 1 if value is INF else 0)
    return (_INF + 1, repr(value))


def sorted_items(mapping: dict[Any, Any]) -> list[tuple[Any, Any]]:
    """Map items in key order."""
    return sorted(mapping.items(), key=lambda kv: sort_key(kv[0]))


def normalize_map_order(value: Any) -> Any:
    """Sort every unordered map by key, at every nesting level, as a node does when storing a bin."""
    if isinstance(value, dict):
        items = [(k, normalize_map_order(v)) for k, v in sorted_items(value)]
        if isinstance(value, KeyOrderedMap):
            return KeyOrderedMap(items, flags=value.flags)
        return dict(items)
    if isinstance(value, list):
        converted = [normalize_map_order(v) for v in value]
        return OrderedList(converted) if isinstance(value, OrderedList) else converted
    return value
