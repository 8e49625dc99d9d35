"""Particles: how one bin value (or user key) is typed and encoded on the wire.

Scalars use fixed encodings (8-byte big-endian integers and doubles, raw UTF-8, raw bytes, one-byte
bools); lists and maps use Aerospike's msgpack dialect; GeoJSON carries a small cell-id prefix that
clients skip. Strings that are not valid UTF-8 survive a round trip through ``surrogateescape``.
"""

from __future__ import annotations

import struct
from enum import IntEnum
from typing import Any

from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.values import GeoJson, Hll
from aerolite.values.msgpack_codec import MsgpackError, pack, unpack
from aerolite.wire.geo_cells import cell_ids


class ParticleType(IntEnum):
    """Particle type bytes."""

    NULL = 0
    INTEGER = 1
    FLOAT = 2
    STRING = 3
    BLOB = 4
    JAVA_BLOB = 7
    CSHARP_BLOB = 8
    PYTHON_BLOB = 9
    RUBY_BLOB = 10
    PHP_BLOB = 11
    ERLANG_BLOB = 12
    BOOL = 17
    HLL = 18
    MAP = 19
    LIST = 20
    GEOJSON = 23


_DOUBLE = struct.Struct(">d")
_LANGUAGE_BLOBS = frozenset(range(7, 13))


def _bad(message: str) -> AerospikeResultError:
    return AerospikeResultError(ResultCode.PARAMETER_ERROR, message)


def decode_particle(ptype: int, data: bytes | memoryview) -> Any:
    """Decode one particle into an aerolite value; raises a PARAMETER error for anything malformed."""
    if ptype == ParticleType.INTEGER:
        n = len(data)
        if n == 8:
            return int.from_bytes(data, "big", signed=True)
        if n in (1, 2, 4):
            return int.from_bytes(data, "big")
        raise _bad(f"integer particle of {n} bytes")
    if ptype == ParticleType.STRING:
        return bytes(data).decode("utf-8", "surrogateescape")
    if ptype == ParticleType.BLOB or ptype in _LANGUAGE_BLOBS:
        return bytes(data)
    if ptype == ParticleType.FLOAT:
        if len(data) != 8:
            raise _bad(f"float particle of {len(data)} bytes")
        return _DOUBLE.unpack(data)[0]
    if ptype == ParticleType.BOOL:
        if len(data) != 1:
            raise _bad(f"bool particle of {len(data)} bytes")
        return data[0] != 0
    if ptype in (ParticleType.LIST, ParticleType.MAP):
        try:
            value = unpack(data)
        except MsgpackError as exc:
            raise _bad(str(exc)) from exc
        expected = list if ptype == ParticleType.LIST else dict
        if not isinstance(value, expected):
            raise _bad(f"{ParticleType(ptype).name.lower()} particle holds a {type(value).__name__}")
        return value
    if ptype == ParticleType.GEOJSON:
        return _decode_geojson(data)
    if ptype == ParticleType.HLL:
        return Hll(data)
    if ptype == ParticleType.NULL:
        return None
    raise _bad(f"unknown particle type {ptype}")


def _decode_geojson(data: bytes | memoryview) -> GeoJson:
    if len(data) < 3:
        raise _bad("geojson particle shorter than its header")
    ncells = int.from_bytes(data[1:3], "big")
    start = 3 + 8 * ncells
    if start > len(data):
        raise _bad("geojson cell ids run past the particle")
    return GeoJson(bytes(data[start:]).decode("utf-8", "surrogateescape"))


def encode_particle(value: Any) -> tuple[int, bytes]:
    """The particle type and bytes for a value."""
    if value is True or value is False:
        return ParticleType.BOOL, b"\x01" if value else b"\x00"
    if isinstance(value, int):
        return ParticleType.INTEGER, value.to_bytes(8, "big", signed=True)
    if isinstance(value, GeoJson):
        cells = cell_ids(value)
        header = b"\x00" + len(cells).to_bytes(2, "big") + b"".join(c.to_bytes(8, "big") for c in cells)
        return ParticleType.GEOJSON, header + value.encode("utf-8", "surrogateescape")
    if isinstance(value, str):
        return ParticleType.STRING, value.encode("utf-8", "surrogateescape")
    if isinstance(value, Hll):
        return ParticleType.HLL, bytes(value)
    if isinstance(value, (bytes, bytearray)):
        return ParticleType.BLOB, bytes(value)
    if isinstance(value, float):
        return ParticleType.FLOAT, _DOUBLE.pack(value)
    if isinstance(value, list):
        return ParticleType.LIST, pack(value)
    if isinstance(value, dict):
        return ParticleType.MAP, pack(value)
    if value is None:
        return ParticleType.NULL, b""
    raise TypeError(f"no particle type for a {type(value).__name__}")


def decode_key(data: bytes | memoryview) -> Any:
    """Decode a KEY field: one particle type byte, then the key's bytes."""
    if len(data) < 1:
        raise _bad("empty key field")
    return decode_particle(data[0], data[1:])


def encode_key(key: Any) -> bytes:
    """Encode a user key as a KEY field payload."""
    ptype, data = encode_particle(key)
    return bytes((ptype,)) + data
