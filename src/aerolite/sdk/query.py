"""Foreground queries: ``session.query(users).where(...).select(...).limit(n).execute()``.

The builder is pure, like every builder: verbs validate on the spot, ``execute()`` freezes a
:class:`QueryPlan` (statement, partition filter, policy) and hands it to the session's face, which
starts the query and wraps the client's record stream. :class:`StreamCore` is what both faces' record
streams share: it pulls records from the client's stream (which keeps at most ``record_queue_size``
records in memory, the node pausing behind TCP backpressure meanwhile), turns them into
:class:`~aerolite.sdk.records.RecordResult` rows, enforces the limit, and closes the stream early when
the caller stops reading — which tells the node to stop too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from itertools import islice
from typing import Any, Generic, Self, TypeVar

import aerospike_native as an

from aerolite.sdk.background import Selection
from aerolite.sdk.behavior import Behavior
from aerolite.sdk.bins import ReadBinBuilder
from aerolite.sdk.dataset import DataSet
from aerolite.sdk.errors import converted
from aerolite.sdk.records import RecordResult
from aerolite.sdk.verbs import IndexFilterVerb, OperationsVerb, WhereVerb, check_bin_name, check_rps

StreamT = TypeVar("StreamT", covariant=True)

STREAM_CHUNK = 512
"""Rows a record stream pulls at a time (the async face: per worker-thread hop, which costs more than a row)."""


class QueryPlan:
    """What a face needs to start a query: ``client.query(statement, partitions, policy=policy)``."""

    __slots__ = ("limit", "partitions", "policy", "statement")

    def __init__(self, statement: Any, policy: Any, limit: int) -> None:
        self.statement = statement
        self.partitions = an.PartitionFilter.all()
        self.policy = policy
        self.limit = limit


class QueryBuilder(WhereVerb, IndexFilterVerb, OperationsVerb, Generic[StreamT]):
    """A foreground query over a data set: filters, bin selection or per-bin reads, a limit; ``execute()``
    streams rows."""

    __slots__ = ("_behavior", "_bins", "_dataset", "_filter_expression", "_include_bins", "_index_filter",
                 "_limit", "_operations", "_records_per_second", "_start")
    _writes_ok = False

    def __init__(self, dataset: DataSet, behavior: Behavior, start: Callable[[QueryPlan], StreamT]) -> None:
        if not isinstance(dataset, DataSet):
            raise TypeError(f"query() takes a DataSet, e.g. DataSet.of('test', 'users'), or keys (users.id(1)), "
                            f"not {type(dataset).__name__}")
        self._dataset = dataset
        self._behavior = behavior
        self._start = start
        self._filter_expression: Any | None = None
        self._index_filter: Any | None = None
        self._bins: list[str] | None = None
        self._include_bins = True
        self._limit = 0
        self._records_per_second = 0
        self._operations: list[Any] = []

    def select(self, *bins: str) -> Self:
        """Return only these bins of each record (default: all bins).

        Example::

            stream = await session.query(users).select("name", "age").execute()
        """
        if not bins:
            raise ValueError("select() needs at least one bin name; use no_bins() for keys and metadata only")
        if not self._include_bins:
            raise ValueError("no_bins() was called: a query returns either selected bins or none, not both")
        if self._operations:
            raise ValueError("select() after bin() steps: read whole bins with .bin(name).get() instead")
        self._bins = [check_bin_name(name) for name in bins]
        return self

    def bin(self, name: str) -> ReadBinBuilder[Self]:
        """Start a read step on bin ``name`` for every row (the row then holds only what the steps read).

        Example::

            stream = await session.query(users).bin("tags").list_size().bin("prefs").on_map_key("lang").get_values().execute()
        """
        return ReadBinBuilder(self, name)

    def _add(self, operation: Any) -> Self:
        if self._bins is not None or not self._include_bins:
            raise ValueError("bin() steps after select() or no_bins(): a row holds either whole bins or step answers")
        self._operations.append(operation)
        return self

    def _purpose(self) -> str:
        return "query()"

    def no_bins(self) -> Self:
        """Return keys and metadata (generation, TTL) only, no bins.

        Example::

            keys = [row.key for row in await (await session.query(users).no_bins().execute()).collect()]
        """
        if self._bins is not None:
            raise ValueError("select() was called: a query returns either selected bins or none, not both")
        self._include_bins = False
        return self

    def limit(self, n: int) -> Self:
        """Stop after ``n`` records.

        Example::

            first_ten = await (await session.query(users).limit(10).execute()).collect()
        """
        if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
            raise ValueError(f"limit() takes a number of records > 0, not {n!r}; omit it to read everything")
        self._limit = n
        return self

    def records_per_second(self, rps: int) -> Self:
        """Let the node send at most ``rps`` records per second (0: as fast as it can).

        Example::

            stream = await session.query(users).records_per_second(1_000).execute()
        """
        self._records_per_second = check_rps(rps)
        return self

    def execute(self) -> StreamT:
        """Start the query; the stream yields one ``RecordResult`` per record, in no particular order.

        Example::

            async with await session.query(users).where("$.age > 30").execute() as stream:
                async for row in stream:
                    print(row.key, row.bins)
        """
        return self._start(self._plan())

    def _plan(self) -> QueryPlan:
        selection = Selection(self._dataset, self._filter_expression, self._index_filter)
        policy = self._behavior.query_policy()
        policy.include_bin_data = self._include_bins
        if self._filter_expression is not None:
            policy.filter_expression = self._filter_expression
        if self._limit:
            policy.max_records = self._limit
        if self._records_per_second:
            policy.records_per_second = self._records_per_second
        statement = selection.statement(self._bins)
        if self._operations:
            statement.set_operations(list(self._operations))
        return QueryPlan(statement, policy, self._limit)

    def __repr__(self) -> str:
        return f"<QueryBuilder of {self._dataset}>"


class Fetched:
    """Rows already read (the records a key read found), served like a client record stream."""

    __slots__ = ("_rows",)

    def __init__(self, rows: list[RecordResult]) -> None:
        self._rows = rows

    def __iter__(self) -> Iterator[RecordResult]:
        return iter(self._rows)

    async def __aiter__(self) -> AsyncIterator[RecordResult]:
        for row in self._rows:
            yield row

    def close(self) -> None:
        self._rows = []


def _row(record: Any) -> RecordResult:
    return RecordResult(record.key, record)


def _same(row: RecordResult) -> RecordResult:
    return row


class StreamCore:
    """A client record stream as ``RecordResult`` rows, with a limit and an early close.

    The blocking face pulls with :meth:`take` from one thread; the async face awaits the client's
    own async iteration and counts rows with :meth:`counted`. (Pulling the client's blocking iterator
    from changing worker threads loses records, so the async face must not use :meth:`take`.)
    A key read's rows (:meth:`of_rows`) go through the same stream, so both kinds read alike.
    """

    __slots__ = ("_left", "_records", "_row", "closed", "recordset")

    def __init__(self, recordset: Any, limit: int, row: Callable[[Any], RecordResult] = _row) -> None:
        self.recordset = recordset
        self._records: Iterator[Any] | None = None
        self._left = limit or -1
        self._row = row
        self.closed = False

    @classmethod
    def of_rows(cls, rows: list[RecordResult]) -> StreamCore:
        """A stream of rows already read."""
        return cls(Fetched(rows), 0, _same)

    def counted(self, record: Any) -> RecordResult:
        """One more row of the stream; the stream closes when it reaches its limit."""
        if self._left > 0:
            self._left -= 1
            if self._left == 0:
                self.close()
        return self._row(record)

    def take(self, n: int) -> list[RecordResult]:
        """Up to ``n`` more rows (fewer only at the end of the stream); blocks while the node sends."""
        rows: list[RecordResult] = []
        if self.closed:
            return rows
        wanted = n if self._left < 0 else min(n, self._left)
        if self._records is None:
            self._records = iter(self.recordset)  # one iterator for the whole stream
        with converted():
            rows.extend(map(self._row, islice(self._records, wanted)))
        if self._left >= 0:
            self._left -= len(rows)
        if len(rows) < wanted or self._left == 0:
            self.close()
        return rows

    def close(self) -> None:
        """Stop reading: the client drops what it buffered and the node stops sending (idempotent)."""
        if not self.closed:
            self.closed = True
            self.recordset.close()
