"""One stored record: bins plus the metadata a node keeps for it.

Times follow the node's conventions: ``void_time`` is the expiry in seconds since 2010-01-01 UTC
(0 = never expires), ``last_update_ns`` is nanoseconds since the Unix epoch at millisecond resolution.
"""

from __future__ import annotations

from typing import Any

CITRUSLEAF_EPOCH = 1262304000
"""Unix time of 2010-01-01T00:00:00Z, the origin of void times."""


class Record:
    """A live record. Bins keep insertion order, which is the order replies list them in."""

    __slots__ = ("bins", "digest", "generation", "key", "last_update_ns", "set_name", "void_time")

    def __init__(
        self,
        digest: bytes,
        set_name: str,
        key: Any = None,
        bins: dict[str, Any] | None = None,
        generation: int = 0,
        void_time: int = 0,
        last_update_ns: int = 0,
    ) -> None:
        self.digest = digest
        self.set_name = set_name
        self.key = key
        self.bins: dict[str, Any] = bins if bins is not None else {}
        self.generation = generation
        self.void_time = void_time
        self.last_update_ns = last_update_ns

    def copy(self) -> Record:
        """A shallow copy whose bin dict can be changed without touching this record."""
        return Record(
            self.digest, self.set_name, self.key, dict(self.bins),
            self.generation, self.void_time, self.last_update_ns,
        )

    def __repr__(self) -> str:
        return f"Record({self.digest.hex()}, set={self.set_name!r}, gen={self.generation}, bins={self.bins!r})"
