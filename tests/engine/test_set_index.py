"""A set index: the digests of one set's records, kept current on writes, and what set scans visit."""

from __future__ import annotations

from collections.abc import Iterator

from aerolite.digest import key_digest
from aerolite.engine.indexing import create_index
from aerolite.engine.namespace import Namespace, NamespaceConfig
from aerolite.engine.record import Record
from aerolite.engine.scan import scan, scan_set
from aerolite.engine.sindex import IndexDefinition
from aerolite.engine.sizing import record_bytes


def stored(ns: Namespace, set_name: str, key: int) -> bytes:
    digest = key_digest(set_name, key)
    record = Record(digest, set_name, key, {"k": key}, 1, 0, 0)
    ns.store(record, record_bytes(record), size=record_bytes(record))
    return digest


def visited(chunks: Iterator[list[bytes]]) -> list[bytes]:
    return [d for chunk in chunks for d in chunk]


def test_set_scans_visit_only_the_set_once_the_index_is_built() -> None:
    ns = Namespace(NamespaceConfig("t"))
    wanted = {stored(ns, "users", k) for k in range(40)}
    others = {stored(ns, "orders", k) for k in range(60)}
    full = visited(scan(ns))
    index = create_index(ns, IndexDefinition("users_set", "t", "users", "", "", "set"))
    assert index is not None and index.members() is None
    assert visited(scan_set(ns, "users")) == full
    while not index.build_step(10):
        pass
    assert index.members() == wanted
    wanted.add(stored(ns, "users", 1000))
    ns.remove(next(iter(others)))
    members = visited(scan_set(ns, "users"))
    assert set(members) == wanted and members == [d for d in visited(scan(ns)) if d in wanted]
    assert visited(scan_set(ns, "orders")) == visited(scan(ns))
