"""Proto framing: the 8-byte header in front of every message, and splitting a byte stream into frames.

Header: version (always 2), message type, 48-bit big-endian body length. The buffer below never
interprets bodies; it only cuts the stream and reports framing violations so the connection can be
dropped the way a node drops it (bad version or type: reset; oversized length: close).
"""

from __future__ import annotations

from enum import IntEnum

PROTO_VERSION = 2
HEADER_SIZE = 8
DEFAULT_MAX_FRAME = 128 * 1024 * 1024
"""A node refuses bodies above 128 MiB (PROTO_SIZE_MAX)."""


class ProtoType(IntEnum):
    """Message types carried in byte 1 of the proto header."""

    INFO = 1
    ADMIN = 2
    MESSAGE = 3
    COMPRESSED = 4


class FramingError(Exception):
    """The stream cannot be framed; ``reset`` tells whether a node resets (True) or just closes."""

    def __init__(self, message: str, *, reset: bool) -> None:
        super().__init__(message)
        self.reset = reset


def frame_header(proto_type: int, length: int) -> bytes:
    """The 8-byte header for a body of ``length`` bytes."""
    return ((PROTO_VERSION << 56) | (proto_type << 48) | length).to_bytes(8, "big")


def frame(proto_type: int, body: bytes) -> bytes:
    """A complete frame: header plus body."""
    return frame_header(proto_type, len(body)) + body


class FrameBuffer:
    """Accumulates received bytes and yields complete ``(type, body)`` frames in order."""

    __slots__ = ("_buf", "_max_body", "error")

    def __init__(self, max_body: int = DEFAULT_MAX_FRAME) -> None:
        self._buf = bytearray()
        self._max_body = max_body
        self.error: FramingError | None = None

    def feed(self, data: bytes) -> list[tuple[int, memoryview]]:
        """Add bytes; return every frame now complete.

        Raises FramingError on an unframeable stream when no whole frame precedes the damage;
        otherwise returns those frames and keeps the error in ``error``, so that the caller can
        answer them first (as a node, reading frame by frame, does) and then drop the connection.
        """
        buf = self._buf
        if not buf and len(data) >= HEADER_SIZE:
            # Common case: exactly one whole frame arrived; use it without copying into the buffer.
            word = int.from_bytes(data[:HEADER_SIZE], "big")
            if word >> 56 == PROTO_VERSION and (word & 0xFFFFFFFFFFFF) == len(data) - HEADER_SIZE:
                proto_type = (word >> 48) & 0xFF
                if proto_type in _KNOWN_TYPES and len(data) - HEADER_SIZE <= self._max_body:
                    return [(proto_type, memoryview(data)[HEADER_SIZE:])]
        buf += data
        frames: list[tuple[int, memoryview]] = []
        pos = 0
        end = len(buf)
        while end - pos >= HEADER_SIZE:
            word = int.from_bytes(buf[pos : pos + HEADER_SIZE], "big")
            version = word >> 56
            proto_type = (word >> 48) & 0xFF
            length = word & 0xFFFFFFFFFFFF
            problem = self._check(version, proto_type, length)
            if problem is not None:
                if not frames:
                    raise problem
                self.error = problem
                break
            start = pos + HEADER_SIZE
            if end - start < length:
                break
            frames.append((proto_type, memoryview(bytes(buf[start : start + length]))))
            pos = start + length
        if pos:
            del buf[:pos]
        return frames

    def _check(self, version: int, proto_type: int, length: int) -> FramingError | None:
        if version != PROTO_VERSION:
            return FramingError(f"unsupported proto version {version}", reset=True)
        if proto_type not in _KNOWN_TYPES:
            return FramingError(f"unknown message type {proto_type}", reset=True)
        if length > self._max_body:
            return FramingError(f"frame of {length} bytes exceeds the {self._max_body}-byte limit", reset=False)
        return None


_KNOWN_TYPES = frozenset(int(t) for t in ProtoType)
