"""Value conversion between aerolite values and the Lua values a UDF handles.

To Lua: ``str`` becomes a Lua string, ``bytes`` a ``bytes`` object, ``list``/``dict`` (and their ordered
subclasses) ``list``/``map`` objects, recursively; values Lua has no type for (GeoJSON, HLL, ...) travel
as opaque handles (``tostring`` shows them) and come back unchanged within the same call.
From Lua: strings become ``str`` (UTF-8, invalid bytes replaced), ``list`` objects and sequences
``list``, ``map`` objects and other tables ``dict``, ``bytes`` objects ``bytes``, integers ``int``,
floats ``float``; functions, records and threads have no stored form and become None, as a node turns
them into no value. Cyclic or absurdly deep tables are refused (:data:`MAX_DEPTH`).
"""

from __future__ import annotations

from typing import Any

import lupa.lua54 as lua

from aerolite.engine.udf.errors import UdfExecutionError
from aerolite.engine.udf.sandbox import LuaSandbox
from aerolite.values import GeoJson, Hll

MAX_DEPTH = 64
"""Deeper nesting is refused rather than risking Python's recursion limit (Lua tables can be cyclic)."""

_SCALARS = (int, float, bool, type(None))


class ValueConverter:
    """Both directions, bound to one sandbox (Lua objects belong to one runtime)."""

    def __init__(self, sandbox: LuaSandbox) -> None:
        self._sandbox = sandbox
        self._opaque: dict[int, Any] = {}

    def start_call(self) -> None:
        """Forget the previous call's opaque values (a handle kept in a Lua global then reads as None)."""
        self._opaque.clear()

    def _to_opaque(self, value: Any) -> Any:
        handle = len(self._opaque)
        self._opaque[handle] = value
        return self._sandbox.new_opaque(handle, str(value).encode("utf-8", "replace"))

    def to_lua(self, value: Any) -> Any:
        """The Lua representation of an aerolite value."""
        kind = type(value)
        if kind is str:
            return value.encode("utf-8", "surrogateescape")
        if kind in _SCALARS:
            return value
        if isinstance(value, (GeoJson, Hll)):
            return self._to_opaque(value)
        if isinstance(value, str):
            return value.encode("utf-8", "surrogateescape")
        if isinstance(value, (bytes, bytearray)):
            return self._sandbox.new_bytes(bytes(value))
        if isinstance(value, list):
            items = [self.to_lua(item) for item in value]
            return self._sandbox.adopt_list(self._sandbox.table_from(items), len(items))
        if isinstance(value, dict):
            entries = {self.to_lua(k): self.to_lua(v) for k, v in value.items()}
            return self._sandbox.adopt_map(self._sandbox.table_from(entries))
        return self._to_opaque(value)

    def from_lua(self, value: Any, depth: int = 0) -> Any:
        """The aerolite value of a Lua value (see the module docstring for the mapping)."""
        kind = type(value)
        if kind is bytes:
            return value.decode("utf-8", "replace")
        if kind in _SCALARS:
            return value
        if lua.lua_type(value) != "table":
            return None
        if depth >= MAX_DEPTH:
            raise UdfExecutionError(f"UDF: value nested deeper than {MAX_DEPTH} levels")
        described = self._sandbox.describe(value)
        shape = described if isinstance(described, bytes) else described[0]
        if shape == b"list":
            return [self.from_lua(value[i], depth + 1) for i in range(1, described[1] + 1)]
        if shape == b"map":
            try:
                return {self.from_lua(k, depth + 1): self.from_lua(v, depth + 1) for k, v in value.items()}
            except TypeError as exc:
                raise UdfExecutionError("UDF: a map key must be a string, number, boolean or bytes") from exc
        if shape == b"bytes":
            return bytes(described[1])
        if shape == b"opaque":
            return self._opaque.get(described[1])
        return None
