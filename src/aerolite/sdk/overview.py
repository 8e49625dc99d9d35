"""What a cluster holds, read from the nodes' info replies: namespaces and sets (records, memory) and
secondary indexes (with their build progress).

Pure functions over the replies of ``namespace/<ns>``, ``sets/<ns>``, ``sindex-list`` and
``sindex-stat``; the flows that send those commands live in :mod:`aerolite.sdk.flows`. Counts of
several nodes are added up; a node counts replica copies too, so record counts are divided by the
namespace's replication factor (capped by the number of nodes), as ``asadm`` does.
Key names of Aerospike 7+ are read first, those of earlier servers (``memory_used_*``) otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from aerolite.sdk.errors import from_info_error


@dataclass(frozen=True, slots=True)
class SetStats:
    """One set: its records and the bytes their data takes (as the nodes report them).

    >>> parse_sets("ns=test:set=users:objects=30:data_used_bytes=2400;")
    [SetStats(namespace='test', name='users', objects=30, data_bytes=2400)]
    """

    namespace: str
    name: str
    objects: int
    data_bytes: int


@dataclass(frozen=True, slots=True)
class NamespaceStats:
    """One namespace: records, memory (data, primary index, secondary indexes) and its sets."""

    name: str
    objects: int
    data_bytes: int
    index_bytes: int
    sindex_bytes: int
    sets: tuple[SetStats, ...]

    @property
    def memory_bytes(self) -> int:
        """Data plus primary and secondary indexes: what the namespace costs the nodes.

        >>> NamespaceStats("test", 1, 100, 64, 10, ()).memory_bytes
        174
        """
        return self.data_bytes + self.index_bytes + self.sindex_bytes


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """A secondary index and how far its build has come (``load_pct`` 100: ready for queries)."""

    namespace: str
    name: str
    set_name: str
    bin: str
    value_type: str
    collection: str
    entries: int
    load_pct: int

    @property
    def ready(self) -> bool:
        """True once every node has built the index."""
        return self.load_pct >= 100


def fields_of(text: str, separator: str) -> dict[str, str]:
    """``key=value`` pairs of one reply item.

    >>> fields_of("a=1:b=x=y", ":")
    {'a': '1', 'b': 'x=y'}
    """
    return dict(part.partition("=")[::2] for part in text.split(separator) if part)


def _number(fields: Mapping[str, str], *keys: str) -> int:
    """The first of ``keys`` present, as an int (0 when none is, or it is not a number)."""
    for key in keys:
        text = fields.get(key)
        if text is not None:
            return int(text) if text.isdigit() else 0
    return 0


def checked(reply: str) -> str:
    """The reply, or its error raised."""
    error = from_info_error(reply)
    if error is not None:
        raise error
    return reply


def parse_sets(reply: str) -> list[SetStats]:
    """The sets of a ``sets/<ns>`` (or ``sets``) reply: ``ns=..:set=..:objects=..:data_used_bytes=..;`` each."""
    found = []
    for item in checked(reply).split(";"):
        fields = fields_of(item, ":")
        if "set" in fields:
            found.append(SetStats(fields.get("ns", ""), fields["set"], _number(fields, "objects"),
                                  _number(fields, "data_used_bytes", "memory_data_bytes", "device_data_bytes")))
    return found


def replication_factor(namespace_reply: str, nodes: int) -> int:
    """How many copies of each record the nodes hold (at least 1, at most one per node).

    >>> replication_factor("objects=10;replication-factor=2", 3), replication_factor("objects=10", 1)
    (2, 1)
    """
    fields = fields_of(checked(namespace_reply), ";")
    wanted = _number(fields, "effective_replication_factor", "replication-factor") or 1
    return max(1, min(wanted, nodes))


def namespace_stats(name: str, namespace_replies: list[str], sets_replies: list[str]) -> NamespaceStats:
    """One namespace from every node's ``namespace/<ns>`` and ``sets/<ns>`` replies, summed.

    >>> ns = namespace_stats("test", ["master_objects=3;data_used_bytes=300;index_used_bytes=192"],
    ...                      ["ns=test:set=a:objects=2:data_used_bytes=200;ns=test:set=b:objects=1;"])
    >>> (ns.objects, ns.memory_bytes, [(s.name, s.objects) for s in ns.sets])
    (3, 492, [('a', 2), ('b', 1)])
    """
    copies = replication_factor(namespace_replies[0], len(namespace_replies)) if namespace_replies else 1
    objects = data = index = sindex = 0
    for reply in namespace_replies:
        fields = fields_of(checked(reply), ";")
        objects += _number(fields, "master_objects", "objects")
        data += _number(fields, "data_used_bytes", "memory_used_data_bytes")
        index += _number(fields, "index_used_bytes", "memory_used_index_bytes")
        sindex += _number(fields, "sindex_used_bytes", "memory_used_sindex_bytes")
    by_set: dict[str, list[SetStats]] = {}
    for reply in sets_replies:
        for stats in parse_sets(reply):
            by_set.setdefault(stats.name, []).append(stats)
    sets = tuple(
        SetStats(name, set_name, sum(s.objects for s in parts) // copies, sum(s.data_bytes for s in parts))
        for set_name, parts in sorted(by_set.items())
    )
    return NamespaceStats(name, objects, data, index, sindex, sets)


def namespace_names(replies: Iterable[str]) -> list[str]:
    """Every namespace any node serves, in first-seen order (``namespaces`` replies, ``;``-separated)."""
    names: dict[str, None] = {}
    for reply in replies:
        names.update(dict.fromkeys(filter(None, checked(reply).split(";"))))
    return list(names)


def parse_index_list(replies: Iterable[str]) -> list[dict[str, str]]:
    """The index definitions of the nodes' ``sindex-list`` replies, once each (by namespace and name)."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for reply in replies:
        for item in checked(reply).split(";"):
            fields = fields_of(item, ":")
            if "indexname" in fields:
                found.setdefault((fields.get("ns", ""), fields["indexname"]), fields)
    return list(found.values())


def index_status(definition: Mapping[str, str], stat_replies: Iterable[str]) -> IndexStatus:
    """An index from its ``sindex-list`` fields and every node's ``sindex-stat`` reply.

    The build is as far as its slowest node; a node that does not have the index yet counts as 0 %.

    >>> index_status({"ns": "test", "indexname": "by_age", "set": "users", "bin": "age", "type": "numeric"},
    ...              ["entries=10;load_pct=100", "entries=4;load_pct=40"]).load_pct
    40
    """
    entries, loads = 0, []
    for reply in stat_replies:
        error = from_info_error(reply)
        if error is not None:
            loads.append(0)
            continue
        fields = fields_of(reply, ";")
        entries += _number(fields, "entries")
        loads.append(_number(fields, "load_pct") if "load_pct" in fields else 100)
    set_name = definition.get("set", "")
    return IndexStatus(
        namespace=definition.get("ns", ""), name=definition.get("indexname", ""),
        set_name="" if set_name == "null" else set_name, bin=definition.get("bin", ""),
        value_type=definition.get("type", ""), collection=definition.get("indextype", "default"),
        entries=entries, load_pct=min(loads, default=0),
    )
