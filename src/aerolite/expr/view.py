"""What the compiled callables read from a record, and the value that stands for "unknown".

Contract: evaluation depends only on the ``RecordView`` attributes below, which the engine's
``Record`` has; expr never imports the engine. ``UNKNOWN`` is the third truth value: a missing bin, a
read of the wrong type or a failed operation yields it, and it propagates.
"""

from __future__ import annotations

from typing import Any, Final, Protocol


class RecordView(Protocol):
    """The read-only face of a record that filters need."""

    digest: bytes
    set_name: str
    key: Any
    bins: dict[str, Any]
    generation: int
    void_time: int
    last_update_ns: int


class _Unknown:
    """The singleton type of ``UNKNOWN``; falsy so that accidental truth tests never select."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Final = _Unknown()
