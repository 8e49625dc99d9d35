"""Persistence for file-backed namespaces: a CRC-checked append-only log, compacted on open.

Why a log: every acknowledged write is one ``write(2)`` of one small entry to an O_APPEND file before
the reply is sent, so a ``kill -9`` (which keeps the OS page cache) never loses an acknowledged write,
and appending costs a few microseconds, far less than rewriting pages of a B-tree from Python. A crash
in the middle of an append leaves a torn final entry; its length or CRC does not check out, and opening
the log cuts the file back to the last whole entry. Power loss may drop the writes of the last moments
unless ``fsync_each_write`` is set.

Entry: ``u32 length | u32 crc32(payload) | payload``; the payload is one value in aerolite's msgpack
dialect: ``[digest, set, key, generation, void_time, last_update_ns, bins]`` for a stored record,
``[digest]`` for a deletion, ``["truncate", set or None, before_ns]`` for a truncate.
Compaction rewrites the live records into a new file and renames it over the old one (atomic).
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from aerolite.engine.record import Record
from aerolite.values.msgpack_codec import MsgpackError, pack, unpack

_ENTRY_HEADER = struct.Struct(">II")
RECORD_ENVELOPE = 2
"""A record entry wraps its bins in two levels (the entry list, the bin map) beyond their own nesting."""
_MAX_ENTRY = 256 * 1024 * 1024


class Truncation:
    """A replayed truncate: records of ``set_name`` (all when None) updated before ``before_ns`` go."""

    __slots__ = ("before_ns", "set_name")

    def __init__(self, set_name: str | None, before_ns: int) -> None:
        self.set_name = set_name
        self.before_ns = before_ns


class RecordLog:
    """The append-only log of one namespace."""

    def __init__(self, path: Path, *, fsync_each_write: bool = False) -> None:
        self.path = path
        self.fsync_each_write = fsync_each_write
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        self.entries = 0

    def replay(self) -> Iterator[Record | bytes | Truncation]:
        """Yield each whole entry in order (a Record, a deleted digest, or a Truncation); cut a torn tail."""
        with open(self.path, "rb") as f:
            data = f.read()
        pos = 0
        good_end = 0
        while pos + _ENTRY_HEADER.size <= len(data):
            length, crc = _ENTRY_HEADER.unpack_from(data, pos)
            start = pos + _ENTRY_HEADER.size
            end = start + length
            if length > _MAX_ENTRY or end > len(data):
                break
            payload = data[start:end]
            if zlib.crc32(payload) != crc:
                break
            try:
                entry = _decode_entry(unpack(payload, RECORD_ENVELOPE))
            except (MsgpackError, ValueError, TypeError, IndexError):
                break
            pos = good_end = end
            self.entries += 1
            yield entry
        if good_end != len(data):
            os.truncate(self.path, good_end)

    def append_record(self, record: Record) -> None:
        self._append(_record_payload(record))

    def append_delete(self, digest: bytes) -> None:
        self._append(pack([digest]))

    def append_truncate(self, set_name: str | None, before_ns: int) -> None:
        self._append(pack(["truncate", set_name, before_ns]))

    def _append(self, payload: bytes) -> None:
        os.write(self._fd, _ENTRY_HEADER.pack(len(payload), zlib.crc32(payload)) + payload)
        if self.fsync_each_write:
            os.fsync(self._fd)
        self.entries += 1

    def compact(self, live: Iterable[Record]) -> None:
        """Rewrite the log with only ``live`` records; atomic through a rename."""
        tmp = self.path.with_suffix(".compact")
        count = 0
        with open(tmp, "wb") as f:
            for record in live:
                payload = _record_payload(record)
                f.write(_ENTRY_HEADER.pack(len(payload), zlib.crc32(payload)) + payload)
                count += 1
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        os.close(self._fd)
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND)
        self.entries = count

    def close(self) -> None:
        os.close(self._fd)


def _record_payload(record: Record) -> bytes:
    return pack([record.digest, record.set_name, record.key, record.generation, record.void_time,
                 record.last_update_ns, record.bins], RECORD_ENVELOPE)


def _decode_entry(value: Any) -> Record | bytes | Truncation:
    if not isinstance(value, list):
        raise ValueError("log entry is not a list")
    if len(value) == 1:
        return bytes(value[0])
    if len(value) == 3 and value[0] == "truncate":
        return Truncation(value[1], int(value[2]))
    digest, set_name, key, generation, void_time, last_update_ns, bins = value
    return Record(bytes(digest), set_name, key, dict(bins), generation, void_time, last_update_ns)
