"""Compact records: one ``bytes`` per record instead of a graph of Python objects.

A record held as objects costs about 850 bytes for five bins of 170 bytes of data: the record
object, its bin dict, one ``str`` per text value (49 bytes of header each), a boxed int per number.
Packed, the same record is one bytes object of about 220 bytes:

    header  >HIqHH   generation, void time, last-update ns, set id, bin-layout id
    body    msgpack  [value of bin 1, value of bin 2, ..., user key]

Set names and bin-name tuples ("layouts") are stored once per namespace in ``Interner`` tables and
referred to by number, so a million records of the same shape share one tuple of names. Values are
packed with the C msgpack writer; GeoJSON, HLL, key-ordered maps and value-ordered lists travel as
ext types so they come back as the same Python types. Decoding builds an ordinary ``Record``, so the
rest of the engine never sees the difference; the price is a decode on every access and an encode on
every write (see the namespace setting ``compact``).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import msgpack

from aerolite.engine.record import Record
from aerolite.values.types import GeoJson, Hll, KeyOrderedMap, OrderedList

_HEADER = struct.Struct(">HIqHH")
_GEO, _HLL, _KEY_ORDERED, _VALUE_ORDERED = 1, 2, 3, 4

T = TypeVar("T")


class Interner(Generic[T]):
    """Numbers distinct values (set names, bin layouts) in order of first use."""

    __slots__ = ("ids", "values")

    def __init__(self) -> None:
        self.values: list[T] = []
        self.ids: dict[T, int] = {}

    def id_of(self, value: T) -> int:
        found = self.ids.get(value)
        if found is None:
            if len(self.values) >= 0xFFFF:
                raise OverflowError("more than 65535 distinct set names or bin layouts in one namespace")
            found = self.ids[value] = len(self.values)
            self.values.append(value)
        return found


def _ext(value: Any) -> msgpack.ExtType:
    if isinstance(value, GeoJson):
        return msgpack.ExtType(_GEO, str(value).encode())
    if isinstance(value, Hll):
        return msgpack.ExtType(_HLL, bytes(value))
    if isinstance(value, KeyOrderedMap):
        return msgpack.ExtType(_KEY_ORDERED, bytes((value.flags,)) + _pack(dict(value)))
    if isinstance(value, OrderedList):
        return msgpack.ExtType(_VALUE_ORDERED, _pack(list(value)))
    if isinstance(value, tuple):
        return msgpack.ExtType(_VALUE_ORDERED + 1, _pack(list(value)))
    raise TypeError(f"cannot store a {type(value).__name__} in a bin")


def _from_ext(code: int, data: bytes) -> Any:
    if code == _GEO:
        return GeoJson(data.decode())
    if code == _HLL:
        return Hll(data)
    if code == _KEY_ORDERED:
        return KeyOrderedMap(_unpack(data[1:]), flags=data[0])
    if code == _VALUE_ORDERED:
        return OrderedList(_unpack(data))
    if code == _VALUE_ORDERED + 1:
        return tuple(_unpack(data))
    raise ValueError(f"unknown ext type {code} in a packed record")


def _pack(value: Any) -> bytes:
    """A value (nested inside an ext type) packed by a fresh packer: the shared one is busy then."""
    packed: bytes = msgpack.packb(value, use_bin_type=True, strict_types=True, default=_ext)
    return packed


_PACKER = msgpack.Packer(use_bin_type=True, strict_types=True, default=_ext)
"""Packs every record's values: building a packer per record (what ``packb`` does) costs more than packing."""


def _unpack(data: bytes) -> Any:
    return msgpack.unpackb(data, raw=False, strict_map_key=False, ext_hook=_from_ext)


class RecordCodec:
    """Packs records of one namespace to bytes and back."""

    __slots__ = ("layouts", "sets")

    def __init__(self) -> None:
        self.sets: Interner[str] = Interner()
        self.layouts: Interner[tuple[str, ...]] = Interner()

    def pack(self, record: Record) -> bytes:
        bins = record.bins
        header = _HEADER.pack(record.generation, record.void_time, record.last_update_ns,
                              self.sets.id_of(record.set_name), self.layouts.id_of(tuple(bins)))
        packed: bytes = _PACKER.pack([*bins.values(), record.key])
        return header + packed

    def unpack(self, digest: bytes, data: bytes) -> Record:
        record = self.reader(lambda _digest: data)(digest)
        assert record is not None
        return record

    def reader(self, lookup: Callable[[bytes], bytes | None]) -> Callable[[bytes], Record | None]:
        """A function from digest to decoded record (None when ``lookup`` has none): the hot path of
        reads and jobs in a compact namespace, so everything it needs is bound locally."""
        header = _HEADER.unpack_from
        start = _HEADER.size
        unpackb = msgpack.unpackb
        sets = self.sets.values
        layouts = self.layouts.values

        def read(digest: bytes) -> Record | None:
            data = lookup(digest)
            if data is None:
                return None
            generation, void_time, last_update_ns, set_id, layout_id = header(data)
            values = unpackb(memoryview(data)[start:], raw=False, strict_map_key=False, ext_hook=_from_ext)
            key = values.pop()
            return Record(digest, sets[set_id], key, dict(zip(layouts[layout_id], values, strict=True)),
                          generation, void_time, last_update_ns)
        return read

    @staticmethod
    def void_time(data: bytes) -> int:
        return int(_HEADER.unpack_from(data)[1])

    def header(self, data: bytes) -> tuple[str, int, int]:
        """(set name, void time, last-update ns) of a packed record, without decoding its bins."""
        _generation, void_time, last_update_ns, set_id, _layout = _HEADER.unpack_from(data)
        return self.sets.values[set_id], void_time, last_update_ns
