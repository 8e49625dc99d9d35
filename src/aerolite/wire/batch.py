"""The batch-index field (41): many keyed sub-requests in one message.

Each row becomes a ``Message`` of its own (row index in ``transaction_ttl``), so a server handles a
row exactly like a single-record command. A REPEAT row reuses the previous row's namespace, set,
header and ops with its own digest.
"""

from __future__ import annotations

import struct

from aerolite.wire.message import FieldType, Message, MessageError, parse_fields_and_ops

ROW_REPEAT = 0x01
ROW_INFO23 = 0x02
ROW_GENERATION = 0x04
ROW_TTL = 0x08
ROW_INFO4 = 0x10
BATCH_RESPOND_ALL_KEYS = 0x04

_COUNTS = struct.Struct(">HH")


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


def _parse_row(data: memoryview, pos: int, index: int, digest: memoryview, row_type: int) -> tuple[Message, int]:
    size = len(data)
    header_len = 1 + (2 if row_type & ROW_INFO23 else 0) + (1 if row_type & ROW_INFO4 else 0) \
        + (2 if row_type & ROW_GENERATION else 0) + (4 if row_type & ROW_TTL else 0) + 4
    if pos + header_len > size:
        raise MessageError("batch row runs past the field end")
    info1 = data[pos]
    pos += 1
    info2 = info3 = info4 = generation = ttl = 0
    if row_type & ROW_INFO23:
        info2, info3 = data[pos], data[pos + 1]
        pos += 2
    if row_type & ROW_INFO4:
        info4 = data[pos]
        pos += 1
    if row_type & ROW_GENERATION:
        generation = int.from_bytes(data[pos : pos + 2], "big")
        pos += 2
    if row_type & ROW_TTL:
        ttl = int.from_bytes(data[pos : pos + 4], "big")
        pos += 4
    n_fields, n_ops = _COUNTS.unpack_from(data, pos)
    pos += 4
    fields, ops, pos = parse_fields_and_ops(data, pos, n_fields, n_ops)
    fields[FieldType.DIGEST] = digest
    return Message(info1, info2, info3, info4, 0, generation, ttl, index, fields, ops), pos
