"""Running CDT ops on a Record the way the engine's op loop does."""

from __future__ import annotations

from typing import Any

from aerolite.engine.ops import NO_RESULT, Op, OpKind, apply_write, read_op
from aerolite.engine.record import Record


def record(**bins: Any) -> Record:
    return Record(b"\x00" * 20, "s", None, dict(bins))


def read(rec: Record, name: str, value: Any) -> Any:
    return read_op(rec, Op(OpKind.CDT_READ, name, value))


def modify(rec: Record, name: str, value: Any) -> Any:
    """The op's answer (None when it answers nothing)."""
    answer = apply_write(rec, Op(OpKind.CDT_MODIFY, name, value))
    return None if answer is NO_RESULT else answer
