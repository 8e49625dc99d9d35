"""Aerospike's msgpack dialect: the encoding of list and map bins, CDT arguments and expressions.

Differences from plain msgpack: every string or blob payload starts with its particle type byte
(``0x03`` string, ``0x04`` blob, ``0x17`` GeoJSON, ``0x12`` HLL); an ordered map or list announces its
order with a zero-length ext as its first key or element; INF and WILDCARD are fixext1 of type -1.
Decoding uses the C unpacker and a single conversion pass; encoding is a small recursive writer so that
the header forms match the official clients byte for byte (``d9`` for 32-255 byte strings, smallest
integer forms). Both directions refuse values nested deeper than ``nesting.MAX_NESTING``.
"""

from __future__ import annotations

import struct
from typing import Any

import msgpack

from aerolite.values.nesting import MAX_NESTING
from aerolite.values.types import INF, WILDCARD, GeoJson, Hll, KeyOrderedMap, OrderedList, Special

STRING_PREFIX = 0x03
BLOB_PREFIX = 0x04
GEOJSON_PREFIX = 0x17
HLL_PREFIX = 0x12

_PACK_DOUBLE = struct.Struct(">Bd").pack


class MsgpackError(ValueError):
    """Raised for bytes that are not valid Aerospike msgpack."""


def _too_deep() -> MsgpackError:
    return MsgpackError(f"list or map nested deeper than {MAX_NESTING} levels")


def pack(value: Any, envelope: int = 0) -> bytes:
    """Encode one value in Aerospike's msgpack dialect.

    ``envelope`` is how many outer levels of ``value`` only wrap stored values (a log entry's list and a
    record's bin map): they do not count against the nesting limit, so every storable value fits.
    """
    out = bytearray()
    _pack_into(out, value, -envelope)
    return bytes(out)


def pack_raw_str(out: bytearray, text: str) -> None:
    """Append a str with no particle prefix (expression bin names, variables, regex patterns)."""
    _pack_str_header(out, text.encode())


def _pack_str_header(out: bytearray, payload: bytes) -> None:
    n = len(payload)
    if n < 32:
        out.append(0xA0 | n)
    elif n < 0x100:
        out += b"\xd9" + bytes((n,))
    elif n < 0x10000:
        out += b"\xda" + n.to_bytes(2, "big")
    else:
        out += b"\xdb" + n.to_bytes(4, "big")
    out += payload


def _pack_int(out: bytearray, v: int) -> None:
    if 0 <= v < 0x80 or -32 <= v < 0:
        out += (v & 0xFF).to_bytes(1, "big")
    elif v >= 0:
        if v < 0x100:
            out += b"\xcc" + v.to_bytes(1, "big")
        elif v < 0x10000:
            out += b"\xcd" + v.to_bytes(2, "big")
        elif v < 0x100000000:
            out += b"\xce" + v.to_bytes(4, "big")
        elif v < 0x10000000000000000:
            out += b"\xcf" + v.to_bytes(8, "big")
        else:
            raise MsgpackError(f"integer {v} does not fit in 64 bits")
    elif v >= -0x80:
        out += b"\xd0" + v.to_bytes(1, "big", signed=True)
    elif v >= -0x8000:
        out += b"\xd1" + v.to_bytes(2, "big", signed=True)
    elif v >= -0x80000000:
        out += b"\xd2" + v.to_bytes(4, "big", signed=True)
    elif v >= -0x8000000000000000:
        out += b"\xd3" + v.to_bytes(8, "big", signed=True)
    else:
        raise MsgpackError(f"integer {v} does not fit in 64 bits")


def _pack_array_header(out: bytearray, n: int) -> None:
    if n < 16:
        out.append(0x90 | n)
    elif n < 0x10000:
        out += b"\xdc" + n.to_bytes(2, "big")
    else:
        out += b"\xdd" + n.to_bytes(4, "big")


def _pack_map_header(out: bytearray, n: int) -> None:
    if n < 16:
        out.append(0x80 | n)
    elif n < 0x10000:
        out += b"\xde" + n.to_bytes(2, "big")
    else:
        out += b"\xdf" + n.to_bytes(4, "big")


def _pack_into(out: bytearray, v: Any, depth: int) -> None:
    if v is None:
        out.append(0xC0)
    elif v is True:
        out.append(0xC3)
    elif v is False:
        out.append(0xC2)
    elif isinstance(v, int):
        _pack_int(out, v)
    elif isinstance(v, float):
        out += _PACK_DOUBLE(0xCB, v)
    elif isinstance(v, str):
        prefix = GEOJSON_PREFIX if isinstance(v, GeoJson) else STRING_PREFIX
        _pack_str_header(out, bytes((prefix,)) + v.encode())
    elif isinstance(v, (bytes, bytearray, memoryview)):
        prefix = HLL_PREFIX if isinstance(v, Hll) else BLOB_PREFIX
        _pack_str_header(out, bytes((prefix,)) + bytes(v))
    elif isinstance(v, list):
        depth += 1
        if depth > MAX_NESTING:
            raise _too_deep()
        if isinstance(v, OrderedList):
            _pack_array_header(out, len(v) + 1)
            out += b"\xc7\x00\x01"
        else:
            _pack_array_header(out, len(v))
        for item in v:
            _pack_into(out, item, depth)
    elif isinstance(v, dict):
        depth += 1
        if depth > MAX_NESTING:
            raise _too_deep()
        if isinstance(v, KeyOrderedMap):
            _pack_map_header(out, len(v) + 1)
            out += b"\xc7\x00" + bytes((v.flags,)) + b"\xc0"
        else:
            _pack_map_header(out, len(v))
        for key, item in v.items():
            _pack_into(out, key, depth)
            _pack_into(out, item, depth)
    elif isinstance(v, Special):
        out += b"\xd4\xff" + bytes((v.code,))
    elif isinstance(v, tuple):
        _pack_into(out, list(v), depth)
    else:
        raise MsgpackError(f"cannot encode a value of type {type(v).__name__}")


def unpack(data: bytes | memoryview, envelope: int = 0) -> Any:
    """Decode one value; raises MsgpackError for malformed or trailing bytes (``envelope`` as in ``pack``)."""
    try:
        raw = msgpack.unpackb(data, raw=True, strict_map_key=False, use_list=True)
    except (ValueError, msgpack.UnpackException, TypeError):
        # The C unpacker refuses ext type -1 (INF, WILDCARD) as a malformed timestamp.
        return _Reader(bytes(data), -envelope).read_all()
    return convert(raw, -envelope)


def convert(raw: Any, depth: int = 0) -> Any:
    """Turn msgpack's raw decoding (bytes payloads, ext markers) into aerolite values."""
    if isinstance(raw, bytes):
        return _convert_payload(raw)
    if isinstance(raw, (list, dict)):
        depth += 1
        if depth > MAX_NESTING:
            raise _too_deep()
    if isinstance(raw, list):
        if raw and isinstance(raw[0], msgpack.ExtType) and not raw[0].data:
            return OrderedList(convert(x, depth) for x in raw[1:])
        return [convert(x, depth) for x in raw]
    if isinstance(raw, dict):
        items = iter(raw.items())
        first = next(iter(raw), None)
        if isinstance(first, msgpack.ExtType) and not first.data:
            next(items)
            return KeyOrderedMap(((_convert_key(k, depth), convert(v, depth)) for k, v in items), flags=first.code)
        return {_convert_key(k, depth): convert(v, depth) for k, v in items}
    if isinstance(raw, msgpack.ExtType):
        raise MsgpackError(f"unexpected msgpack ext type {raw.code}")
    return raw


def _convert_key(raw: Any, depth: int) -> Any:
    return _key(convert(raw, depth))


def _convert_payload(raw: bytes) -> Any:
    if not raw:
        raise MsgpackError("string or blob without a particle type byte")
    kind = raw[0]
    if kind == STRING_PREFIX:
        try:
            return raw[1:].decode()
        except UnicodeDecodeError as exc:
            raise MsgpackError("string value is not valid UTF-8") from exc
    if kind == GEOJSON_PREFIX:
        return GeoJson(raw[1:].decode(errors="replace"))
    if kind == HLL_PREFIX:
        return Hll(raw[1:])
    return raw[1:]


_FIXED = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8, 0xD0: 1, 0xD1: 2, 0xD2: 4, 0xD3: 8}


class _Reader:
    """A small pure-Python decoder for the inputs the C unpacker refuses (INF and WILDCARD)."""

    __slots__ = ("data", "depth", "pos")

    def __init__(self, data: bytes, depth: int = 0) -> None:
        self.data = data
        self.pos = 0
        self.depth = depth

    def read_all(self) -> Any:
        value = self.read()
        if self.pos != len(self.data):
            raise MsgpackError(f"{len(self.data) - self.pos} trailing bytes after a msgpack value")
        return value

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if end > len(self.data):
            raise MsgpackError("msgpack value runs past the end of its buffer")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def uint(self, n: int) -> int:
        return int.from_bytes(self.take(n), "big")

    def read(self) -> Any:
        b = self.uint(1)
        if b < 0x80:
            return b
        if b >= 0xE0:
            return b - 0x100
        if 0xA0 <= b <= 0xBF:
            return _convert_payload(self.take(b & 0x1F))
        if 0x90 <= b <= 0x9F:
            return self.array(b & 0x0F)
        if 0x80 <= b <= 0x8F:
            return self.map(b & 0x0F)
        if b == 0xC0:
            return None
        if b in (0xC2, 0xC3):
            return b == 0xC3
        if b in _FIXED:
            return int.from_bytes(self.take(_FIXED[b]), "big", signed=b >= 0xD0)
        if b == 0xCA:
            return float(struct.unpack(">f", self.take(4))[0])
        if b == 0xCB:
            return float(struct.unpack(">d", self.take(8))[0])
        if b in (0xD9, 0xC4):
            return _convert_payload(self.take(self.uint(1)))
        if b in (0xDA, 0xC5):
            return _convert_payload(self.take(self.uint(2)))
        if b in (0xDB, 0xC6):
            return _convert_payload(self.take(self.uint(4)))
        if b == 0xDC:
            return self.array(self.uint(2))
        if b == 0xDD:
            return self.array(self.uint(4))
        if b == 0xDE:
            return self.map(self.uint(2))
        if b == 0xDF:
            return self.map(self.uint(4))
        if b == 0xD4:
            return self.ext(1)
        if b == 0xC7:
            return self.ext(self.uint(1))
        raise MsgpackError(f"unsupported msgpack type byte 0x{b:02x}")

    def ext(self, length: int) -> Any:
        code = int.from_bytes(self.take(1), "big", signed=True)
        data = self.take(length)
        if code == -1 and data in (b"\x00", b"\x01"):
            return INF if data == b"\x01" else WILDCARD
        raise MsgpackError(f"unexpected msgpack ext type {code}")

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _too_deep()

    def array(self, n: int) -> Any:
        self.nest()
        items: list[Any] = []
        for _ in range(n):
            if not items and self._peek_marker():
                self.read_marker()
                ordered = OrderedList(self.read() for _ in range(n - 1))
                self.depth -= 1
                return ordered
            items.append(self.read())
        self.depth -= 1
        return items

    def map(self, n: int) -> Any:
        self.nest()
        if n and self._peek_marker():
            flags = self.read_marker()
            self.read()
            result: dict[Any, Any] = KeyOrderedMap(((_key(self.read()), self.read()) for _ in range(n - 1)), flags=flags)
        else:
            result = {_key(self.read()): self.read() for _ in range(n)}
        self.depth -= 1
        return result

    def _peek_marker(self) -> bool:
        return self.data[self.pos : self.pos + 2] == b"\xc7\x00"

    def read_marker(self) -> int:
        self.take(2)
        return self.uint(1)


def _key(key: Any) -> Any:
    key = tuple(key) if isinstance(key, list) else key
    try:
        hash(key)
    except TypeError:
        raise MsgpackError(f"a map key cannot be a {type(key).__name__} holding maps or lists") from None
    return key
