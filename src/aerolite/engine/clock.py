"""Time as a node counts it: void times in seconds since 2010, update times in Unix nanoseconds."""

from __future__ import annotations

import time

from aerolite.engine.record import CITRUSLEAF_EPOCH

TTL_NAMESPACE_DEFAULT = 0
TTL_NEVER_EXPIRE = 0xFFFFFFFF
TTL_DONT_UPDATE = 0xFFFFFFFE


def now_since_2010() -> int:
    """Whole seconds since 2010-01-01 UTC."""
    return int(time.time()) - CITRUSLEAF_EPOCH


def now_ns_ms_resolution() -> int:
    """Unix nanoseconds truncated to whole milliseconds, as last-update times are kept."""
    return (time.time_ns() // 1_000_000) * 1_000_000


def void_time_for(ttl: int, default_ttl: int, current_void_time: int | None) -> int:
    """The void time a write gets from the TTL it asked for (wire semantics, see the module constants).

    ``current_void_time`` is None for a record being created.
    """
    if ttl == TTL_DONT_UPDATE:
        if current_void_time is not None:
            return current_void_time
        ttl = TTL_NAMESPACE_DEFAULT
    if ttl == TTL_NAMESPACE_DEFAULT:
        ttl = default_ttl
    if ttl == 0 or ttl == TTL_NEVER_EXPIRE or ttl >= 0x80000000:
        return 0
    return now_since_2010() + ttl
