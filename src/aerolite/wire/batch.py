"""The batch-index field (41): many keyed sub-requests in one message.

Each row becomes a ``Message`` of its own (row index in ``transaction_ttl``), so a server handles a
row exactly like a single-record command. A REPEAT row reuses the previous row's namespace, set,
header and ops with its own digest.
"""

from __future__ import annotations

import struct

from aerolite.wire.message import FieldType, Message, MessageError, WireOp

ROW_REPEAT = 0x01
ROW_INFO23 = 0x02
ROW_GENERATION = 0x04
ROW_TTL = 0x08
ROW_INFO4 = 0x10
BATCH_RESPOND_ALL_KEYS = 0x04

_FIELD_HEADER = struct.Struct(">IB")
_OP_HEADER = struct.Struct(">IBBBB")


def parse_batch(data: memoryview) -> tuple[int, list[Message]]:
    """(batch flags, one Message per row) for a BATCH_INDEX field payload."""
    size = len(data)
    if size < 5:
        raise MessageError("batch field shorter than its header")
    n_rows = int.from_bytes(data[:4], "big")
    flags = data[4]
    pos = 5
    rows: list[Message] = []
    previous: Message | None = None
    for _ in range(n_rows):
        if pos + 25 > size:
            raise MessageError("batch row header runs past the field end")
        index = int.from_bytes(data[pos : pos + 4], "big")
        digest = data[pos + 4 : pos + 24]
        row_type = data[pos + 24]
        pos += 25
        if row_type & ROW_REPEAT:
            if previous is None:
                raise MessageError("the first batch row cannot repeat a previous one")
            fields = dict(previous.fields)
            fields[FieldType.DIGEST] = digest
            row = previous._replace(transaction_ttl=index, fields=fields)
        else:
            row, pos = _parse_row(data, pos, index, digest, row_type)
        rows.append(row)
        previous = row
    return flags, rows


def _take(data: memoryview, pos: int, n: int) -> tuple[memoryview, int]:
    end = pos + n
    if end > len(data):
        raise MessageError("batch row runs past the field end")
    return data[pos:end], end


def _parse_row(data: memoryview, pos: int, index: int, digest: memoryview, row_type: int) -> tuple[Message, int]:
    chunk, pos = _take(data, pos, 1)
    info1 = chunk[0]
    info2 = info3 = info4 = generation = ttl = 0
    if row_type & ROW_INFO23:
        chunk, pos = _take(data, pos, 2)
        info2, info3 = chunk[0], chunk[1]
    if row_type & ROW_INFO4:
        chunk, pos = _take(data, pos, 1)
        info4 = chunk[0]
    if row_type & ROW_GENERATION:
        chunk, pos = _take(data, pos, 2)
        generation = int.from_bytes(chunk, "big")
    if row_type & ROW_TTL:
        chunk, pos = _take(data, pos, 4)
        ttl = int.from_bytes(chunk, "big")
    chunk, pos = _take(data, pos, 4)
    n_fields, n_ops = int.from_bytes(chunk[:2], "big"), int.from_bytes(chunk[2:], "big")
    fields: dict[int, memoryview] = {}
    for _ in range(n_fields):
        chunk, pos = _take(data, pos, 5)
        fsize, ftype = _FIELD_HEADER.unpack(chunk)
        if fsize < 1:
            raise MessageError("batch row field of size 0")
        fields[ftype], pos = _take(data, pos, fsize - 1)
    fields[FieldType.DIGEST] = digest
    ops: list[WireOp] = []
    for _ in range(n_ops):
        chunk, pos = _take(data, pos, 8)
        osize, op_type, ptype, _flags, name_len = _OP_HEADER.unpack(chunk)
        if osize < 4 + name_len:
            raise MessageError("batch row op shorter than its name")
        name, pos = _take(data, pos, name_len)
        value, pos = _take(data, pos, osize - 4 - name_len)
        try:
            ops.append(WireOp(op_type, ptype, bytes(name).decode(), value))
        except UnicodeDecodeError as exc:
            raise MessageError("bin name is not valid UTF-8") from exc
    return Message(info1, info2, info3, info4, 0, generation, ttl, index, fields, ops), pos
