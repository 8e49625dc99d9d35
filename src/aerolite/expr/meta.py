"""Typed reads of stored values: bins, the user key and record metadata.

Contract: ``IS_TYPE[t](v)`` says whether a stored Python value has expression type ``t`` (ints are
not bools, strings are not GeoJSON, blobs are not HLLs). ``metadata(op)`` returns a callable that
computes one metadata value from a ``RecordView`` in the node's units: TTL in seconds and SINCE_UPDATE
in milliseconds (both read the clock once per call), VOID_TIME and LAST_UPDATE in nanoseconds since
the Unix epoch (VOID_TIME and TTL are -1 for records that never expire). The sizes are the msgpack
size of the bins and the key, an approximation of the stored size (aerolite keeps no device layout);
IS_TOMBSTONE is always false because filters only ever see live records.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from aerolite.expr.codes import ExpType, Op
from aerolite.expr.view import RecordView
from aerolite.values.msgpack_codec import pack
from aerolite.values.types import GeoJson, Hll

CITRUSLEAF_EPOCH = 1262304000
"""Unix time of 2010-01-01T00:00:00Z, the origin of void times."""

IS_TYPE: dict[ExpType, Callable[[Any], bool]] = {
    ExpType.NIL: lambda v: v is None,
    ExpType.BOOL: lambda v: type(v) is bool,
    ExpType.INT: lambda v: type(v) is int,
    ExpType.STRING: lambda v: isinstance(v, str) and not isinstance(v, GeoJson),
    ExpType.LIST: lambda v: isinstance(v, list),
    ExpType.MAP: lambda v: isinstance(v, dict),
    ExpType.BLOB: lambda v: isinstance(v, (bytes, bytearray)) and not isinstance(v, Hll),
    ExpType.FLOAT: lambda v: type(v) is float,
    ExpType.GEO: lambda v: isinstance(v, GeoJson),
    ExpType.HLL: lambda v: isinstance(v, Hll),
}

# Particle type numbers a node reports for BIN_TYPE, most specific Python type first.
_PARTICLES: tuple[tuple[type, int], ...] = (
    (bool, 17), (int, 1), (float, 2), (GeoJson, 23), (str, 3), (Hll, 18), (bytes, 4), (bytearray, 4),
    (dict, 19), (list, 20),
)


def particle_type(value: Any) -> int:
    """The particle type of a stored value; 0 for a missing bin."""
    for kind, code in _PARTICLES:
        if isinstance(value, kind):
            return code
    return 0


def record_size(r: RecordView) -> int:
    """Approximate stored size in bytes: bin names and msgpack values, plus the key if stored."""
    size = sum(len(name.encode()) + len(pack(value)) for name, value in r.bins.items())
    return size + (len(pack(r.key)) if r.key is not None else 0)


def _ttl(r: RecordView) -> int:
    if not r.void_time:
        return -1
    return max(r.void_time + CITRUSLEAF_EPOCH - time.time_ns() // 1_000_000_000, 0)


def _void_time(r: RecordView) -> int:
    return (r.void_time + CITRUSLEAF_EPOCH) * 1_000_000_000 if r.void_time else -1


METADATA: dict[Op, Callable[[RecordView], Any]] = {
    Op.TTL: _ttl,
    Op.VOID_TIME: _void_time,
    Op.LAST_UPDATE: lambda r: r.last_update_ns,
    Op.SINCE_UPDATE: lambda r: max((time.time_ns() - r.last_update_ns) // 1_000_000, 0),
    Op.SET_NAME: lambda r: r.set_name,
    Op.KEY_EXISTS: lambda r: r.key is not None,
    Op.IS_TOMBSTONE: lambda r: False,
    Op.RECORD_SIZE: record_size,
    Op.DEVICE_SIZE: record_size,
    Op.MEMORY_SIZE: record_size,
}


def digest_modulo(modulus: int) -> Callable[[RecordView], int]:
    """Digest bytes 16..19 read as a little-endian u32, modulo ``modulus``."""
    return lambda r: int.from_bytes(r.digest[16:20], "little") % modulus
