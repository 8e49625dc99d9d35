"""Which records a query or a background job visits, and in what order.

Records are visited partition by partition, in partition-id order, and inside a partition in byte
order of their digests: that order is what makes the clients' resume points (the last digest seen
per partition) meaningful. Each partition is read from the namespace only when the scan reaches it,
so starting a scan costs nothing and no step blocks for longer than one partition (a few hundred
records per million); records written or deleted meanwhile are seen as a node would see them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from aerolite.digest import N_PARTITIONS, partition_id
from aerolite.engine.clock import now_since_2010
from aerolite.engine.namespace import Namespace
from aerolite.engine.record import Record


def set_size(ns: Namespace, set_name: str | None) -> int:
    """How many records a scan of ``set_name`` (all when None or empty) will visit, about."""
    return len(ns) if not set_name else ns.set_sizes.get(set_name, 0)


def wanted_partitions(partitions: Collection[int] | None, resume: dict[int, bytes]) -> list[int]:
    """Partition ids to visit, in order; partitions named only by a resume point are included."""
    if partitions is None and not resume:
        return list(range(N_PARTITIONS))
    return sorted(set(partitions or ()) | set(resume))


def scan(
    ns: Namespace,
    partitions: Collection[int] | None = None,
    resume: dict[int, bytes] | None = None,
) -> Iterator[list[bytes]]:
    """Digests one partition at a time, in (partition, digest) order, after any resume digest.

    Each partition is read when the scan reaches it; empty ones are skipped. Which of them are still
    records of the wanted set is decided when they are processed (``current``).
    """
    resume = resume or {}
    for pid in wanted_partitions(partitions, resume):
        digests = sorted(ns.partitions[pid])
        after = resume.get(pid)
        if after is not None:
            digests = [d for d in digests if d > after]
        if digests:
            yield digests


def scan_set(
    ns: Namespace,
    set_name: str | None,
    partitions: Collection[int] | None = None,
    resume: dict[int, bytes] | None = None,
) -> Iterator[list[bytes]]:
    """What a scan of ``set_name`` visits: through the set's index when one is built (only the set's
    records, in the same order), else every partition (``scan``)."""
    if set_name:
        for index in ns.indexes.values():
            members = index.members() if index.definition.set_name == set_name else None
            if members is not None:
                return chunks(ordered_subset(ns, set_name, members, partitions, resume))
    return scan(ns, partitions, resume)


CHUNK = 256


def chunks(digests: list[bytes]) -> Iterator[list[bytes]]:
    """A digest list (a secondary-index lookup) a few hundred at a time."""
    for start in range(0, len(digests), CHUNK):
        yield digests[start : start + CHUNK]


def current(ns: Namespace, set_name: str | None, digests: list[bytes]) -> list[Record]:
    """The live records of ``set_name`` (all sets when None or empty) behind ``digests``, as they are now."""
    now = now_since_2010()
    get = ns.get
    found = [r for r in map(get, digests) if r is not None and not (r.void_time and r.void_time <= now)]
    if set_name:
        return [r for r in found if r.set_name == set_name]
    return found


def ordered_subset(
    ns: Namespace,
    set_name: str | None,
    source: Iterable[bytes],
    partitions: Collection[int] | None = None,
    resume: dict[int, bytes] | None = None,
) -> list[bytes]:
    """Like ``scan`` but over the digests of ``source`` only (a secondary-index lookup)."""
    resume = resume or {}
    wanted = None if partitions is None and not resume else set(wanted_partitions(partitions, resume))
    get = ns.get
    keyed: list[tuple[int, bytes]] = []
    for digest in source:
        record = get(digest)
        if record is None or (set_name and record.set_name != set_name):
            continue
        pid = partition_id(digest)
        if (wanted is None or pid in wanted) and digest > resume.get(pid, b""):
            keyed.append((pid, digest))
    keyed.sort()
    return [d for _, d in keyed]
