"""Namespaces: their configuration and the records they hold, keyed by digest.

Records are held as ``Record`` objects, or packed one ``bytes`` each when the namespace is
``compact`` (``record_codec``: about a third of the memory, a decode per access). Either way the rest
of the engine reads records through ``get`` and writes them through ``store``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from aerolite.digest import N_PARTITIONS, partition_id
from aerolite.engine.clock import now_since_2010
from aerolite.engine.record import Record
from aerolite.engine.record_codec import RecordCodec
from aerolite.engine.sindex import SecondaryIndex
from aerolite.engine.sizing import (
    LARGE_RECORD,
    MAX_RECORD_BYTES,
    STOP_WRITES_USED_PCT,
    default_namespace_bytes,
    record_bytes,
)
from aerolite.engine.storage import RecordLog, Truncation
from aerolite.result_codes import AerospikeResultError, ResultCode

SIZE_SAMPLE = 64
"""Records whose encoded size stands for all of a namespace's when its memory is reported."""

log = logging.getLogger("aerolite.engine")

Storage = Literal["memory", "file"]


@dataclass(frozen=True, slots=True)
class NamespaceConfig:
    """How a namespace is set up. ``background_query_max_rps`` 0 means no cap (a node's default is 10 000).

    ``size_bytes``, ``stop_writes_used_pct`` and ``max_record_bytes`` are the limits of ``engine.sizing``.
    """

    name: str
    storage: Storage = "memory"
    data_dir: Path | None = None
    default_ttl: int = 0
    nsup_period: int = 120
    background_query_max_rps: int = 0
    default_read_touch_ttl_pct: int = 0
    size_bytes: int = field(default_factory=default_namespace_bytes)
    stop_writes_used_pct: int = STOP_WRITES_USED_PCT
    max_record_bytes: int = MAX_RECORD_BYTES
    compact: bool = False
    """Hold each record packed in one bytes object: about a third of the memory, slower reads and jobs."""

    def __post_init__(self) -> None:
        if not self.name or len(self.name) > 31 or not self.name.isprintable() or any(c in self.name for c in ":;/\t\n"):
            raise ValueError(f"invalid namespace name {self.name!r}")
        if self.storage == "file" and self.data_dir is None:
            raise ValueError(f"namespace {self.name!r} is stored in a file but no data directory was given")


class Namespace:
    """The records of one namespace; persistent namespaces mirror every change into their log."""

    def __init__(self, config: NamespaceConfig) -> None:
        self.config = config
        self._records: dict[bytes, Any] = {}
        """Digest → ``Record``, or → packed bytes when compact."""
        self.codec = RecordCodec() if config.compact else None
        self.get: Callable[[bytes], Record | None] = (
            self._records.get if self.codec is None else self.codec.reader(self._records.get))
        """The record stored under a digest (expired or not), or None."""
        self.partitions: list[set[bytes]] = [set() for _ in range(N_PARTITIONS)]
        """The digests of each partition, so scans can walk one partition at a time."""
        self.set_sizes: dict[str, int] = {}
        self.indexes: dict[str, SecondaryIndex] = {}
        self.used_bytes = 0
        """The summed sizes of the records (``engine.sizing``)."""
        self._large_sizes: dict[bytes, int] = {}
        """The sizes of the records of at least ``LARGE_RECORD`` bytes."""
        self._expiring: set[bytes] = set()
        """The digests of the records that have a void time, so the never-expiring count is not a walk."""
        self.log: RecordLog | None = None
        self.index_file: Path | None = None
        if config.storage == "file":
            assert config.data_dir is not None
            self.log = RecordLog(config.data_dir / config.name / "records.log")
            self.index_file = config.data_dir / config.name / "sindexes.json"
            self._load()

    @property
    def name(self) -> str:
        return self.config.name

    def __len__(self) -> int:
        return len(self._records)

    def all_records(self) -> Iterator[Record]:
        """Every stored record (expired or not)."""
        if self.codec is None:
            return iter(self._records.values())
        unpack = self.codec.unpack
        return (unpack(d, data) for d, data in self._records.items())

    def _headers(self) -> Iterator[tuple[bytes, str, int, int]]:
        """(digest, set name, void time, last-update ns) of every record, without decoding bins."""
        codec = self.codec
        if codec is None:
            return ((d, r.set_name, r.void_time, r.last_update_ns) for d, r in self._records.items())
        return ((d, *codec.header(data)) for d, data in self._records.items())

    def non_expirable(self) -> int:
        """How many records never expire."""
        return len(self._records) - len(self._expiring)

    def _put(self, record: Record) -> None:
        if record.digest not in self._records:
            self._track(record.digest, record.set_name)
        self._records[record.digest] = record if self.codec is None else self.codec.pack(record)
        if record.void_time:
            self._expiring.add(record.digest)
        else:
            self._expiring.discard(record.digest)

    def _load(self) -> None:
        assert self.log is not None
        for entry in self.log.replay():
            if isinstance(entry, Record):
                self._put(entry)
            elif isinstance(entry, Truncation):
                self._drop_before(entry.set_name, entry.before_ns)
            else:
                self._forget(entry)
        now = now_since_2010()
        self.used_bytes = 0  # deletions replayed above subtracted from nothing
        self._large_sizes.clear()
        for record in self.all_records():
            size = record_bytes(record)
            self.used_bytes += size
            if size >= LARGE_RECORD:
                self._large_sizes[record.digest] = size
        for digest in [d for d, _s, void_time, _lut in self._headers() if void_time and void_time <= now]:
            self._forget(digest)
        log.info("namespace %s: loaded %d records from %s", self.name, len(self._records), self.log.path)
        self.compact_if_worthwhile(force=True)

    def compact_if_worthwhile(self, *, force: bool = False) -> None:
        """Rewrite the log when most of its entries are dead."""
        if self.log is None:
            return
        if force or self.log.entries > 2 * len(self._records) + 10_000:
            self.log.compact(self.all_records())

    def get_live(self, digest: bytes) -> Record | None:
        """The record, or None when absent or expired (expired records are removed on the spot)."""
        record = self.get(digest)
        if record is not None and record.void_time and record.void_time <= now_since_2010():
            self.remove(digest)
            return None
        return record

    def _track(self, digest: bytes, set_name: str) -> None:
        self.partitions[partition_id(digest)].add(digest)
        self.set_sizes[set_name] = self.set_sizes.get(set_name, 0) + 1

    def check_room(self) -> None:
        """SERVER_FULL (8) while the records fill ``stop_writes_used_pct`` of the namespace's size."""
        config = self.config
        if self.used_bytes * 100 >= config.size_bytes * config.stop_writes_used_pct:
            raise AerospikeResultError(
                ResultCode.SERVER_FULL,
                f"namespace {self.name} is in stop-writes: {self.used_bytes} bytes used of {config.size_bytes} "
                f"(stop-writes-used-pct {config.stop_writes_used_pct}); delete records or give it a larger size",
            )

    def check_record_size(self, size: int) -> None:
        """RECORD_TOO_BIG (13) for a record above the namespace's maximum record size."""
        if size > self.config.max_record_bytes:
            raise AerospikeResultError(
                ResultCode.RECORD_TOO_BIG,
                f"record of {size} bytes is above the maximum record size of {self.config.max_record_bytes}",
            )

    def size_of(self, record: Record) -> int:
        """The size of a stored record, as it was measured when stored."""
        size = self._large_sizes.get(record.digest)
        return size if size is not None else record_bytes(record)

    def is_small(self, digest: bytes) -> bool:
        """Whether the record under ``digest`` is below ``LARGE_RECORD`` bytes and the size limit is not:
        then an update that does not grow it can be stored knowing only how much it changed."""
        return digest not in self._large_sizes and self.config.max_record_bytes >= LARGE_RECORD

    def store(self, record: Record, change: int, *, size: int | None = None) -> None:
        """Store ``record``, ``change`` bytes larger than the version it replaces (its whole size when it
        is new). ``size``, what it measures now, may be left out when that is below ``LARGE_RECORD``
        before and after (``is_small``, not grown) or the bins did not change."""
        self.used_bytes += change
        if size is not None and size >= LARGE_RECORD:
            self._large_sizes[record.digest] = size
        elif size is not None:
            self._large_sizes.pop(record.digest, None)
        self._put(record)
        for index in self.indexes.values():
            index.add(record)
        if self.log is not None:
            self.log.append_record(record)

    def remove(self, digest: bytes) -> None:
        if self._forget(digest) and self.log is not None:
            self.log.append_delete(digest)

    def _forget(self, digest: bytes) -> bool:
        """Drop a record from memory and indexes (not from the log); False if it was not there."""
        stored = self._records.pop(digest, None)
        if stored is None:
            return False
        record = stored if self.codec is None else self.codec.unpack(digest, stored)
        size = self._large_sizes.pop(digest, None)
        self.used_bytes -= size if size is not None else record_bytes(record)
        self._expiring.discard(digest)
        self.partitions[partition_id(digest)].discard(digest)
        self.set_sizes[record.set_name] -= 1
        for index in self.indexes.values():
            index.remove(digest)
        return True

    def truncate(self, set_name: str | None, before_ns: int) -> int:
        """Delete the records of a set (or all) last updated before ``before_ns``; returns how many."""
        removed = self._drop_before(set_name, before_ns)
        if self.log is not None:
            self.log.append_truncate(set_name, before_ns)
            self.compact_if_worthwhile()
        return removed

    def _drop_before(self, set_name: str | None, before_ns: int) -> int:
        doomed = [
            d for d, record_set, _void_time, last_update_ns in self._headers()
            if (set_name is None or record_set == set_name) and last_update_ns < before_ns
        ]
        for digest in doomed:
            self._forget(digest)
        return len(doomed)

    def sweep_expired(self, partitions: Iterable[int] = range(N_PARTITIONS)) -> int:
        """Remove the expired records of ``partitions`` (all by default); returns how many went.

        Reads already treat expired records as missing: sweeping only gives their memory back, so the
        server sweeps a few partitions at a time and never stalls on a whole namespace.
        """
        now = now_since_2010()
        records, digests = self._records, self.partitions
        if self.codec is None:
            doomed = [d for pid in partitions for d in digests[pid] if 0 < records[d].void_time <= now]
        else:
            void_time = self.codec.void_time
            doomed = [d for pid in partitions for d in digests[pid] if 0 < void_time(records[d]) <= now]
        for digest in doomed:
            self.remove(digest)
        return len(doomed)

    def average_record_bytes(self) -> int:
        """The size of a record (``sizing.record_bytes``), averaged over a few of them.

        A sample, so that reporting memory costs the same for a thousand records as for ten million.
        """
        sample = list(islice(self.all_records(), SIZE_SAMPLE))
        if not sample:
            return 0
        return sum(record_bytes(r) for r in sample) // len(sample)

    def set_counts(self) -> dict[str, int]:
        return {name: n for name, n in self.set_sizes.items() if n}

    def close(self) -> None:
        if self.log is not None:
            self.log.close()
