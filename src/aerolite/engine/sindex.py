"""Secondary indexes: definitions, maintenance on every write, range and equality lookups.

An index maps the values found in one bin (optionally inside a list or map, through a CDT context,
or computed by an expression) to the digests of the records holding them; a set index (collection
``set``, no bin and no type) holds the digests of a set's records, so scans of the set visit only them. Numeric, string and blob
values live in a sorted map, so range lookups cost O(log n + matches); geo values are kept per record
and matched geometrically. A new index is filled from existing records in slices (``build_step``)
while writes keep it current, and reports its load percentage like a node.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sortedcontainers import SortedDict

from aerolite.engine import geo
from aerolite.engine.record import Record
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.values import GeoJson

VALUE_TYPES = {"numeric": "numeric", "integer": "numeric", "string": "string", "blob": "blob",
               "geo2dsphere": "geo2dsphere"}
COLLECTIONS = ("default", "list", "mapkeys", "mapvalues", "set")
SET_INDEX = "set"

ValueExtractor = Callable[[Record], Any]
"""Computes the indexed value of a record (a bin read, a CDT context descent or an expression)."""


@dataclass(frozen=True, slots=True)
class IndexDefinition:
    """What an index covers. ``type_as_sent`` is echoed back by ``sindex-list`` as the client sent it."""

    name: str
    namespace: str
    set_name: str
    bin_name: str
    type_as_sent: str
    collection: str = "default"
    context: str | None = None
    expression: str | None = None

    @property
    def value_type(self) -> str:
        return SET_INDEX if self.collection == SET_INDEX else VALUE_TYPES[self.type_as_sent]

    def describe(self) -> str:
        if self.collection == SET_INDEX:
            # A node lists a set index without bin, type or build state.
            return f"ns={self.namespace}:indexname={self.name}:set={self.set_name}:indextype={SET_INDEX}"
        return (f"ns={self.namespace}:indexname={self.name}:set={self.set_name or 'null'}:bin={self.bin_name}"
                f":type={self.type_as_sent}:indextype={self.collection}:context={self.context or 'null'}"
                f":exp={self.expression or 'null'}:state=RW")

    def validate(self) -> None:
        if self.collection == SET_INDEX:
            self._validate_set_index()
        elif self.type_as_sent not in VALUE_TYPES:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"unknown index type {self.type_as_sent!r}")
        if self.collection not in COLLECTIONS:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"unknown index collection type {self.collection!r}")
        if not self.name or len(self.name) > 63:
            raise AerospikeResultError(ResultCode.INDEX_NAME_MAX_LEN, f"bad index name {self.name!r}")

    def _validate_set_index(self) -> None:
        if not self.set_name:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR, "a set index needs a set")
        if self.bin_name or self.type_as_sent or self.context or self.expression:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR,
                                       "a set index takes no bin, type, context or expression")


def _accepts(value_type: str, value: Any) -> bool:
    if value_type == SET_INDEX:
        return True
    if value_type == "numeric":
        return isinstance(value, int) and not isinstance(value, bool)
    if value_type == "string":
        return isinstance(value, str) and not isinstance(value, GeoJson)
    if value_type == "blob":
        return isinstance(value, bytes)
    return isinstance(value, GeoJson)


class SecondaryIndex:
    """One index and its entries."""

    def __init__(self, definition: IndexDefinition, extract: ValueExtractor, pending: Iterator[list[Record]],
                 total: int) -> None:
        self.definition = definition
        self._extract = extract
        self._sorted: SortedDict = SortedDict()
        self._geo: dict[bytes, list[str]] = {}
        self._by_digest: dict[bytes, list[Any]] = {}
        self._pending: Iterator[list[Record]] | None = pending
        self._total = total
        self._built = 0

    @property
    def load_pct(self) -> int:
        if self._pending is None:
            return 100
        return min(99, int(100 * self._built / self._total)) if self._total else 0

    def build_step(self, budget: int) -> bool:
        """Index about ``budget`` pre-existing records (whole partitions); True once all are indexed."""
        if self._pending is None:
            return True
        processed = 0
        for chunk in self._pending:
            for record in chunk:
                self.add(record)
            processed += len(chunk)
            if processed >= budget:
                self._built += processed
                return False
        self._built += processed
        self._pending = None
        return True

    def values_of(self, record: Record) -> list[Any]:
        d = self.definition
        if d.set_name and record.set_name != d.set_name:
            return []
        value = self._extract(record)
        if d.collection == "list":
            items: Iterable[Any] = value if isinstance(value, list) else ()
        elif d.collection == "mapkeys":
            items = value.keys() if isinstance(value, dict) else ()
        elif d.collection == "mapvalues":
            items = value.values() if isinstance(value, dict) else ()
        else:
            items = (value,)
        kind = d.value_type
        return list(dict.fromkeys(v for v in items if _accepts(kind, v)))

    def add(self, record: Record) -> None:
        self.remove(record.digest)
        values = self.values_of(record)
        if not values:
            return
        self._by_digest[record.digest] = values
        if self.definition.value_type == "geo2dsphere":
            self._geo[record.digest] = values
            return
        for value in values:
            digests = self._sorted.get(value)
            if digests is None:
                self._sorted[value] = digests = set()
            digests.add(record.digest)

    def remove(self, digest: bytes) -> None:
        values = self._by_digest.pop(digest, None)
        if values is None:
            return
        if self.definition.value_type == "geo2dsphere":
            self._geo.pop(digest, None)
            return
        for value in values:
            digests = self._sorted.get(value)
            if digests is not None:
                digests.discard(digest)
                if not digests:
                    del self._sorted[value]

    @property
    def entries(self) -> int:
        return sum(len(v) for v in self._by_digest.values())

    def lookup(self, begin: Any, end: Any) -> dict[bytes, Any]:
        """Digests whose value lies in [begin, end] (geo: in or containing the region), with the value."""
        if self.definition.value_type == "geo2dsphere":
            return {d: vs[0] for d, vs in self._geo.items() if any(geo.matches(v, str(begin)) for v in vs)}
        found: dict[bytes, Any] = {}
        for value in self._sorted.irange(begin, end):
            for digest in self._sorted[value]:
                found.setdefault(digest, value)
        return found

    def members(self) -> set[bytes] | None:
        """The digests of a built set index's records (None for other indexes or while building)."""
        if self.definition.collection != SET_INDEX or self._pending is not None:
            return None
        members: set[bytes] = self._sorted.get(True, set())
        return members


def decode_b64(text: str | None) -> bytes | None:
    if not text:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"bad base64 {text!r}") from exc
