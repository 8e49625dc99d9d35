"""What an expression tree reads, answered without evaluating it.

A node tells a record rejected by a filter that only looks at metadata (kept in the primary index:
TTL, void and update times, set name, digest, sizes) from one rejected after reading the record's
storage (bins, their types, the stored key); the difference is the FILTERED_OUT sub-code. The walk is
generic over the IR's dataclass fields, so every node shape is covered, including future ones.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from aerolite.expr.nodes import BinRead, BinType, Expr, KeyRead

_STORAGE_READS = (BinRead, BinType, KeyRead)


def reads_bins(e: Expr) -> bool:
    """Whether evaluating ``e`` needs the record's bins or stored key, not only its metadata."""
    if isinstance(e, _STORAGE_READS):
        return True
    return any(_reads(getattr(e, f.name)) for f in fields(e))  # type: ignore[arg-type]


def _reads(value: Any) -> bool:
    if isinstance(value, Expr):
        return reads_bins(value)
    if isinstance(value, tuple):
        return any(_reads(item) for item in value)
    return False
