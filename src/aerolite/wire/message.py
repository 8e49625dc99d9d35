"""AS_MSG: the 22-byte header, fields and operations of every data command and reply.

``parse_message`` turns a body into a ``Message`` whose field and op values are memoryviews into the
body (no copies); ``encode_message`` builds a reply body. Structural damage (a field or op running past
the end, counts larger than what is present, a body shorter than its header) raises ``MessageError``
with result code 4, which is what a node answers before closing nothing.
"""

from __future__ import annotations

import struct
from typing import Any, NamedTuple

from aerolite.op_kinds import OpKind
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.wire.framing import ProtoType, frame_header
from aerolite.wire.particles import encode_particle

MSG_HEADER_SIZE = 22
_HEADER = struct.Struct(">BBBBBBIIIHH")
_FIELD_HEADER = struct.Struct(">IB")
_OP_HEADER = struct.Struct(">IBBBB")


class FieldType:
    """Field type bytes: plain ints, since members of an enum class cost several times more to look up
    and every request reads a handful of them."""

    NAMESPACE = 0
    SET = 1
    KEY = 2
    RECORD_VERSION = 3
    DIGEST = 4
    MRT_ID = 5
    MRT_DEADLINE = 6
    TASK_ID = 7
    SOCKET_TIMEOUT = 9
    RECORDS_PER_SECOND = 10
    PID_ARRAY = 11
    DIGEST_ARRAY = 12
    MAX_RECORDS = 13
    BVAL_ARRAY = 15
    INDEX_NAME = 21
    INDEX_RANGE = 22
    INDEX_CONTEXT = 23
    INDEX_EXPRESSION = 24
    INDEX_TYPE = 26
    UDF_FILENAME = 30
    UDF_FUNCTION = 31
    UDF_ARGLIST = 32
    UDF_OP = 33
    BATCH_INDEX = 41
    BATCH_INDEX_WITH_SET = 42
    FILTER_EXP = 43
    WHERE_AEL = 44
    ERROR_DETAIL = 45


OpType = OpKind
"""Op type bytes: the operation numbering shared with the engine."""


class Info1:
    READ = 0x01
    GET_ALL = 0x02
    SHORT_QUERY = 0x04
    BATCH = 0x08
    GET_NO_BINS = 0x20
    COMPRESS_RESPONSE = 0x80


class Info2:
    WRITE = 0x01
    DELETE = 0x02
    GENERATION = 0x04
    GENERATION_GT = 0x08
    DURABLE_DELETE = 0x10
    CREATE_ONLY = 0x20
    RESPOND_ALL_OPS = 0x80


class Info3:
    LAST = 0x01
    PARTITION_DONE = 0x04
    UPDATE_ONLY = 0x08
    CREATE_OR_REPLACE = 0x10
    REPLACE_ONLY = 0x20


class WireOp(NamedTuple):
    """One operation as received: its value stays undecoded until the command needs it."""

    op_type: int
    particle_type: int
    name: str
    value: memoryview


class Message(NamedTuple):
    """A parsed AS_MSG."""

    info1: int
    info2: int
    info3: int
    info4: int
    result_code: int
    generation: int
    record_ttl: int
    transaction_ttl: int
    fields: dict[int, memoryview]
    ops: list[WireOp]


class MessageError(AerospikeResultError):
    """A structurally broken AS_MSG (answered with result 4)."""

    def __init__(self, message: str) -> None:
        super().__init__(ResultCode.PARAMETER_ERROR, message)


def parse_message(body: memoryview) -> Message:
    """Parse an AS_MSG body (everything after the proto header)."""
    size = len(body)
    if size < MSG_HEADER_SIZE:
        raise MessageError(f"as_msg body of {size} bytes is shorter than its 22-byte header")
    _hsz, info1, info2, info3, info4, rc, gen, ttl, txn_ttl, n_fields, n_ops = _HEADER.unpack_from(body)
    fields, ops, _end = parse_fields_and_ops(body, MSG_HEADER_SIZE, n_fields, n_ops)
    return Message(info1, info2, info3, info4, rc, gen, ttl, txn_ttl, fields, ops)


_NAMES: dict[bytes, str] = {}
_MAX_NAMES = 65_536


def shared_text(raw: bytes, *, lenient: bool = False) -> str:
    """Bin and set names as one shared string per distinct name: a million records then hold one copy
    of each name instead of a million, and a lookup costs less than decoding. ``lenient`` replaces
    invalid UTF-8 (such text is not shared) instead of raising ``MessageError``."""
    name = _NAMES.get(raw)
    if name is None:
        try:
            name = raw.decode()
        except UnicodeDecodeError as exc:
            if lenient:
                return raw.decode("utf-8", "replace")
            raise MessageError("bin name is not valid UTF-8") from exc
        if len(_NAMES) >= _MAX_NAMES:
            _NAMES.clear()
        _NAMES[raw] = name
    return name


def parse_fields_and_ops(
    data: memoryview, pos: int, n_fields: int, n_ops: int
) -> tuple[dict[int, memoryview], list[WireOp], int]:
    """The fields, then the ops, starting at ``pos`` (messages and batch rows share this layout);
    also returns where they end."""
    size = len(data)
    fields: dict[int, memoryview] = {}
    for _ in range(n_fields):
        if pos + 5 > size:
            raise MessageError("field header runs past the message end")
        fsize, ftype = _FIELD_HEADER.unpack_from(data, pos)
        end = pos + 4 + fsize
        if fsize < 1 or end > size:
            raise MessageError(f"field size {fsize} runs past the message end")
        fields[ftype] = data[pos + 5 : end]
        pos = end
    ops: list[WireOp] = []
    names = _NAMES
    for _ in range(n_ops):
        if pos + 8 > size:
            raise MessageError("op header runs past the message end")
        osize, op_type, ptype, _flags, name_len = _OP_HEADER.unpack_from(data, pos)
        end = pos + 4 + osize
        name_end = pos + 8 + name_len
        if osize < 4 + name_len or end > size:
            raise MessageError(f"op size {osize} runs past the message end")
        raw = bytes(data[pos + 8 : name_end])
        name = names.get(raw) or shared_text(raw)
        # tuple.__new__ skips the NamedTuple's Python-level constructor: this runs for every op.
        ops.append(tuple.__new__(WireOp, (op_type, ptype, name, data[name_end:end])))
        pos = end
    return fields, ops, pos


def encode_header(
    result_code: int,
    generation: int = 0,
    void_time: int = 0,
    n_fields: int = 0,
    n_ops: int = 0,
    *,
    info1: int = 0,
    info3: int = 0,
    transaction_ttl: int = 0,
) -> bytes:
    """The 22-byte AS_MSG header of a reply."""
    return _HEADER.pack(
        MSG_HEADER_SIZE, info1, 0, info3, 0, result_code, generation, void_time, transaction_ttl, n_fields, n_ops
    )


def encode_field(ftype: int, data: bytes) -> bytes:
    """One field: size, type, data."""
    return _FIELD_HEADER.pack(len(data) + 1, ftype) + data


def encode_op(op_type: int, name: bytes, ptype: int, data: bytes) -> bytes:
    """One operation: size, type, particle type, flags, name length, name, value."""
    return _OP_HEADER.pack(4 + len(name) + len(data), op_type, ptype, 0, len(name)) + name + data


def encode_bin_op(op_type: int, name: str, value: Any) -> bytes:
    """An op carrying a bin value (``None`` gives the value-less NULL particle)."""
    name_bytes = name.encode()
    value_type = type(value)
    if value is None:
        return _OP_HEADER.pack(4 + len(name_bytes), op_type, 0, 0, len(name_bytes)) + name_bytes
    if value_type is int:
        data: bytes = value.to_bytes(8, "big", signed=True)
        return _OP_HEADER.pack(12 + len(name_bytes), op_type, 1, 0, len(name_bytes)) + name_bytes + data
    if value_type is str:
        data = value.encode("utf-8", "surrogateescape")
        return _OP_HEADER.pack(4 + len(name_bytes) + len(data), op_type, 3, 0, len(name_bytes)) + name_bytes + data
    ptype, data = encode_particle(value)
    return encode_op(op_type, name_bytes, ptype, data)


def message_frame(body: bytes) -> bytes:
    """Wrap an AS_MSG body in its proto header."""
    return frame_header(ProtoType.MESSAGE, len(body)) + body


def error_frame(result_code: int, generation: int = 0, void_time: int = 0, detail: bytes = b"") -> bytes:
    """A complete reply frame with no ops (``detail``: an encoded error-detail field, or nothing)."""
    return message_frame(encode_header(result_code, generation, void_time, 1 if detail else 0) + detail)


class IndexRange(NamedTuple):
    """A secondary-index filter (field 22): one bin, a particle type, and a begin/end pair."""

    bin_name: str
    particle_type: int
    begin: memoryview
    end: memoryview


def parse_index_range(data: memoryview) -> IndexRange:
    """Decode field 22; aerolite, like a node, takes one range."""
    try:
        name_len = data[1]
        pos = 2 + name_len
        name = bytes(data[2:pos]).decode()
        ptype = data[pos]
        begin_len = int.from_bytes(data[pos + 1 : pos + 5], "big")
        begin = data[pos + 5 : pos + 5 + begin_len]
        pos += 5 + begin_len
        end_len = int.from_bytes(data[pos : pos + 4], "big")
        end = data[pos + 4 : pos + 4 + end_len]
    except (IndexError, UnicodeDecodeError) as exc:
        raise MessageError(f"malformed index range field: {exc}") from exc
    if len(begin) != begin_len or len(end) != end_len or data[0] < 1:
        raise MessageError("index range field runs past its end")
    return IndexRange(name, ptype, begin, end)
