"""What a record weighs, and how full a namespace may get: a node's size limits.

A record's size is estimated the way a node's storage counts it, closely enough for limits: a fixed
index entry, the stored key, each bin name and its value (8 bytes for numbers, the bytes of strings
and blobs, the plain msgpack form of lists and maps, measured by the C packer: a write must not pay a
Python walk of a large list). A namespace adds up its records' sizes; once they
reach ``stop_writes_used_pct`` of its size, writes are refused with SERVER_FULL (8) while reads and
deletes go on, as on a node in stop-writes. A record above ``max_record_bytes`` is RECORD_TOO_BIG (13).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import msgpack

from aerolite.engine.record import Record

RECORD_OVERHEAD = 64
"""A node's primary-index entry per record."""
MAX_RECORD_BYTES = 1024 * 1024
"""A node's default ``max-record-size``."""
STOP_WRITES_USED_PCT = 70
"""A node's default ``stop-writes-used-pct``."""
LARGE_RECORD = 4096
"""Records at least this large keep their measured size (``Namespace``), so rewriting one measures it once."""
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_MEASURE = msgpack.Packer(default=lambda value: 0, use_bin_type=True, unicode_errors="surrogateescape")
"""Values msgpack has no form for (INF, WILDCARD) count as one byte."""


def default_namespace_bytes() -> int:
    """4 GiB, or an eighth of the machine's memory when that is less (the process needs several times
    the data's size, so a runaway load stops writing long before the machine runs out)."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        physical = 32 << 30
    return min(4 << 30, physical // 8)


def parse_size(text: str) -> int:
    """``4096``, ``64K``, ``64M``, ``4G`` or ``1T`` (binary units, case-insensitive) as bytes."""
    digits = text.strip().upper().removesuffix("B")
    unit = digits[-1:] if digits[-1:] in _UNITS else ""
    number = digits[: len(digits) - len(unit)]
    if not number.isdigit() or int(number) == 0:
        raise ValueError(f"invalid size {text!r}: write a positive number with an optional K, M, G or T")
    return int(number) * _UNITS[unit]


def value_bytes(value: Any) -> int:
    kind = type(value)
    if kind is str:
        return len(value) if value.isascii() else len(value.encode("utf-8", "surrogateescape"))
    if kind is int or kind is float or kind is bool:  # the common cases first, without isinstance
        return 8
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, str):
        return len(value.encode("utf-8", "surrogateescape"))
    if isinstance(value, (list, dict)):
        return len(_MEASURE.pack(value))
    return 8


def record_bytes(record: Record) -> int:
    """The estimated stored size of ``record``."""
    size = RECORD_OVERHEAD + (value_bytes(record.key) if record.key is not None else 0)
    for name, value in record.bins.items():
        size += len(name) + value_bytes(value)
    return size


def bins_change(before: dict[str, Any], after: dict[str, Any], names: Iterable[str]) -> int:
    """How many bytes bigger the bins ``names`` are in ``after`` than in ``before`` (an update that
    touches only those bins changes its record's size by exactly this)."""
    change = 0
    for name in set(names):
        if name in after:
            change += len(name) + value_bytes(after[name])
        if name in before:
            change -= len(name) + value_bytes(before[name])
    return change
