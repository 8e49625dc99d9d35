"""Read-touch: a read near a record's end of life extends it, so a namespace can serve as an LRU cache.

A read carries a percentage (the request's record TTL slot; 0 means the namespace's
``default-read-touch-ttl-pct``, 0xFFFFFFFF never). The TTL of the record's last write is its void time
minus its last-update time; a read in the last ``pct`` percent of that span gives the record the same
TTL again from now, and a new last-update time, keeping its generation (a node does not bump it, so
generation checks of other clients are not disturbed). A record without expiry is never touched, nor
one whose void time would not move. The read itself answers the record as it was.
"""

from __future__ import annotations

from aerolite.engine.clock import now_ns_ms_resolution, now_since_2010
from aerolite.engine.namespace import Namespace
from aerolite.engine.record import CITRUSLEAF_EPOCH, Record
from aerolite.result_codes import AerospikeResultError, ResultCode

USE_NAMESPACE_DEFAULT = 0
NEVER = 0xFFFFFFFF


def touch_due(ns: Namespace, record: Record, pct: int) -> bool:
    """Whether a read asking for ``pct`` must touch ``record`` (4 for a percentage above 100)."""
    if not record.void_time or pct == NEVER:
        return False
    if pct == USE_NAMESPACE_DEFAULT:
        pct = ns.config.default_read_touch_ttl_pct
        if not pct:
            return False
    elif pct > 100:
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"read-touch-ttl-pct {pct} is above 100")
    write_ttl = _write_ttl(record)
    return now_since_2010() >= record.void_time - write_ttl * pct // 100


def touch(ns: Namespace, record: Record) -> None:
    """Give ``record`` its last write's TTL again from now (nothing when that would not extend it)."""
    void_time = now_since_2010() + _write_ttl(record)
    if void_time <= record.void_time:
        return
    record.void_time = void_time
    record.last_update_ns = now_ns_ms_resolution()
    ns.store(record, 0)  # metadata only: the record keeps the size it was stored with


def _write_ttl(record: Record) -> int:
    return max(0, record.void_time - (record.last_update_ns // 1_000_000_000 - CITRUSLEAF_EPOCH))
