"""Select and modify by path as CDT operations (``CdtOperation.select_by_path`` / ``modify_by_path``).

The op's value is ``[0xfe, [steps...], flags(, modify expression)]``, kept as bytes by the network
front because the steps hold expressions. It is decoded and compiled once per distinct value (an LRU
cache, so a job applying the same op to every record compiles it once), then walked per record.

As a node answers: a select of a missing bin is nil; a select or modify of a bin that is neither a
list nor a map, or a modify of a missing bin, is 12; APPLY flags in a read op, a modify expression
without them, an empty path and malformed steps are 4; a modify answers nothing.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aerolite.engine.cdt.common import bad, fail
from aerolite.engine.record import Record
from aerolite.expr import decode_path_op
from aerolite.expr.compiler import compile_path
from aerolite.expr.path_eval import Path
from aerolite.expr.paths import MODE_MASK, Select
from aerolite.result_codes import ResultCode


@lru_cache(maxsize=256)
def _compiled(data: bytes) -> Path:
    return compile_path(decode_path_op(data))


def path_read(record: Record, bin_name: str, data: bytes) -> Any:
    """The answer of a select by path in a read op."""
    path = _compiled(data)
    if path.mode == Select.APPLY:
        bad("a modify by path cannot run as a read op")
    value = record.bins.get(bin_name)
    return None if value is None else path.select(value, record)


def path_modify(record: Record, bin_name: str, data: bytes) -> Any:
    """Apply a modify by path to the record's bin (a select in a write op answers its selection)."""
    path = _compiled(data)
    value = record.bins.get(bin_name)
    if path.flags & MODE_MASK != Select.APPLY:
        return None if value is None else path.select(value, record)
    if value is None:
        fail(ResultCode.BIN_TYPE_ERROR, f"bin {bin_name!r} does not exist")
    record.bins[bin_name] = path.modify(value, record)
    return None
