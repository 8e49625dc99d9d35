"""Which records a query or a background job visits, and in what order.

Foreground queries walk partitions in id order and, inside a partition, records in byte order of
their digests: that order is what makes the clients' resume points (the last digest seen per
partition) meaningful. Background jobs take a snapshot of matching digests up front and look each
record up again when they reach it, so records deleted meanwhile are skipped, never resurrected.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from aerolite.digest import partition_id
from aerolite.engine.namespace import Namespace


def set_members(ns: Namespace, set_name: str | None) -> list[bytes]:
    """Digests of every record of a set (all records when ``set_name`` is None or empty)."""
    if not set_name:
        return list(ns.records)
    return [d for d, r in ns.records.items() if r.set_name == set_name]


def partition_ordered(
    ns: Namespace,
    set_name: str | None,
    partitions: Collection[int] | None,
    resume: dict[int, bytes],
    source: Iterable[bytes] | None = None,
) -> list[bytes]:
    """Digests in (partition, digest) order; a partition with a resume digest starts after it.

    ``partitions`` None means every partition; partitions named only in ``resume`` are included.
    ``source`` narrows the candidates (a secondary-index lookup); by default the whole set.
    """
    wanted: set[int] | None = None
    if partitions is not None or resume:
        wanted = set(partitions or ()) | set(resume)
    keyed: list[tuple[int, bytes]] = []
    if source is None:
        digests: Iterable[bytes] = set_members(ns, set_name)
    else:
        records = ns.records
        digests = [d for d in source if d in records and (not set_name or records[d].set_name == set_name)]
    for digest in digests:
        pid = partition_id(digest)
        if wanted is not None and pid not in wanted:
            continue
        after = resume.get(pid)
        if after is not None and digest <= after:
            continue
        keyed.append((pid, digest))
    keyed.sort()
    return [d for _, d in keyed]
