"""The asyncio face: ``ClusterDefinition`` → ``Cluster`` → ``Session`` → builders → ``BackgroundTask``.

Thin: every procedure is a flow of :mod:`aerolite.sdk.flows`, run here by an async driver that awaits
the client's coroutine methods and converts its exceptions. :mod:`aerolite.sdk.sync` is the same
surface with a blocking driver.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import aerospike_native as an

from aerolite.sdk import flows
from aerolite.sdk.background import Job, Selection
from aerolite.sdk.dataset import DataSet
from aerolite.sdk.embedded import ClusterDefinitionBase, ClusterSpec
from aerolite.sdk.errors import NATIVE_ERRORS, converted
from aerolite.sdk.faces import ClusterBase, SessionBase, TaskBase
from aerolite.sdk.indexes import IndexRequest
from aerolite.sdk.jobs import JobFailures, JobProgress, TaskStatus
from aerolite.sdk.kv import KeyPlan
from aerolite.sdk.overview import IndexStatus, NamespaceStats
from aerolite.sdk.query import QueryPlan, StreamCore
from aerolite.sdk.records import RecordResult, first_found
from aerolite.sdk.session_state import SessionState
from aerolite.sdk.udf import UdfModule, udf_module

T = TypeVar("T")


async def run(flow: flows.Flow[T]) -> T:
    """Drive a flow: await each client call it yields, send back the result."""
    stepper = flows.Stepper(flow)
    with converted():
        for step in stepper:
            stepper.answer(await _perform(step))
    return stepper.value


async def _perform(step: flows.Step) -> Any:
    if isinstance(step, flows.Call):
        return await getattr(step.target, step.method)(*step.args, **step.kwargs)
    if isinstance(step, flows.Drain):
        # Iterating the stream on a worker thread is ~7x faster than one await per record.
        return await asyncio.to_thread(flows.drain, step.recordset)
    await asyncio.sleep(step.seconds)
    return None


class BackgroundTask(TaskBase):
    """A submitted background job: poll it, wait for it, watch its counters, or abort it."""

    __slots__ = ()

    async def status(self) -> TaskStatus:
        """Where the job stands on all nodes: IN_PROGRESS, COMPLETE or NOT_FOUND (also "finished").

        Example::

            if await task.status() is TaskStatus.COMPLETE: ...
        """
        return await run(self._status_flow())

    async def wait_till_complete(self, sleep_time: float = 0.25, timeout: float | None = 60.0) -> bool:
        """Poll every ``sleep_time`` s until the job is done; ``TimeoutError`` after ``timeout`` s (None: never).

        Example::

            await task.wait_till_complete(sleep_time=0.1, timeout=300)
        """
        return await run(self._wait_flow(sleep_time, timeout))

    async def progress(self) -> JobProgress:
        """The job's counters now: scanned, written, failed, filtered out, rate, percent, status.

        Example::

            p = await task.progress(); print(f"{p.percent:.0f}% at {p.rate:,.0f} rec/s")
        """
        return await run(flows.progress(self._client, self.task_id))

    async def watch(self, interval: float = 0.5) -> AsyncIterator[JobProgress]:
        """Yield the job's progress every ``interval`` s, ending with the final snapshot.

        Example::

            async for p in task.watch(0.2): print(f"{p.percent:.0f}%, {p.eta or 0:.0f} s left")
        """
        while not (snapshot := await self.progress()).done:
            yield snapshot
            await asyncio.sleep(interval)
        yield snapshot

    async def failures(self) -> JobFailures:
        """The failed records the nodes kept for this job (the first 20 each): digest, key, code, message.

        Empty with ``kept`` False and a ``note`` when the nodes keep no samples (only aerolite does).

        Example::

            for f in await task.failures(): print(f.key, f.code_name, f.message)
        """
        return await run(flows.failures(self._client, self.task_id))

    async def abort(self) -> bool:
        """Stop the job on every node; False if it had already finished. Written records stay written.

        Example::

            if await task.abort(): print("stopped")
        """
        return await run(flows.abort(self._client, self.task_id))




class RecordStream:
    """The rows of a query, as they arrive: ``async for row in stream``, or ``await stream.collect()``.

    Leave early with ``break`` inside ``async with stream:`` (or call :meth:`close`): the node stops.
    """

    __slots__ = ("_core", "_records")

    def __init__(self, core: StreamCore) -> None:
        self._core = core
        self._records: AsyncIterator[Any] = core.recordset.__aiter__()

    def __aiter__(self) -> RecordStream:
        return self

    async def __anext__(self) -> RecordResult:
        if self._core.closed:
            raise StopAsyncIteration
        try:
            with converted():
                record = await self._records.__anext__()
        except StopAsyncIteration:
            self._core.close()
            raise
        return self._core.counted(record)

    async def collect(self) -> list[RecordResult]:
        """Every remaining row, in a list (mind the memory of big results: prefer ``async for``).

        Example::

            rows = await (await session.query(users).limit(10).execute()).collect()
        """
        return [row async for row in self]

    async def first(self) -> RecordResult | None:
        """The next row (None when the stream is done); the rest of the stream is closed.

        Example::

            row = await (await session.query(users.id(1)).execute()).first()
        """
        async for row in self:
            self.close()
            return row
        return None

    async def first_or_raise(self) -> RecordResult:
        """The next row, or its error raised; ``RecordNotFoundError`` when the stream is empty.

        Example::

            bins = (await (await session.query(users.id(1)).execute()).first_or_raise()).bins
        """
        return first_found(await self.first())

    def close(self) -> None:
        """Stop the query: buffered rows are dropped and the node stops sending (idempotent).

        Example::

            stream.close()
        """
        self._core.close()

    async def __aenter__(self) -> RecordStream:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        self.close()


class _Runner:
    """How the async session's builders run: job submits and counts, key-value plans, queries."""

    __slots__ = ("_state",)

    def __init__(self, state: SessionState) -> None:
        self._state = state

    async def submit(self, job: Job) -> BackgroundTask:
        native = await run(flows.submit(self._state.client, self._state.behavior, job))
        return BackgroundTask(self._state.client, native)

    async def count(self, selection: Selection) -> int:
        return await run(flows.count(self._state.client, self._state.behavior, selection))

    async def one(self, plan: KeyPlan) -> RecordResult:
        return await self._perform(plan)  # type: ignore[no-any-return]

    async def many(self, plan: KeyPlan) -> list[RecordResult]:
        return await self._perform(plan)  # type: ignore[no-any-return]

    async def _perform(self, plan: KeyPlan) -> Any:
        try:
            answer = await getattr(self._state.client, plan.method)(*plan.args, **plan.kwargs)
        except NATIVE_ERRORS as exc:
            return plan.failed(exc)
        return plan.done(answer)

    async def stream(self, plan: QueryPlan) -> RecordStream:
        recordset = await run(flows.query(self._state.client, plan))
        return RecordStream(StreamCore(recordset, plan.limit))

    async def rows(self, plan: KeyPlan) -> RecordStream:
        return RecordStream(StreamCore.of_rows(plan.found(await self._perform(plan))))


class Session(SessionBase[
    Coroutine[Any, Any, BackgroundTask], Coroutine[Any, Any, int], Coroutine[Any, Any, RecordResult],
    Coroutine[Any, Any, list[RecordResult]], Coroutine[Any, Any, RecordStream],
]):
    """Commands under one :class:`Behavior`: key-value verbs, queries, indexes, background jobs."""

    __slots__ = ()

    async def create_index(self, dataset: DataSet, name: str, bin: str | None = None, *,
                           index_type: Any = an.IndexType.NUMERIC, collection: Any = None,
                           expression: str | None = None, timeout: float | None = 300.0) -> None:
        """Create a secondary index on a bin (or an AEL expression) and wait until the node has built it.

        Example::

            await session.create_index(users, "users_age", "age", index_type=IndexType.NUMERIC)
            await session.create_index(users, "users_adult", expression="$.age >= 18 ? 1 : 0")
        """
        request = IndexRequest.create(dataset, name, bin, index_type, collection, expression)
        await run(flows.create_index(self._state.checked().client, request, timeout))

    async def drop_index(self, dataset: DataSet, name: str) -> None:
        """Drop a secondary index (and wait until the node has).

        Example::

            await session.drop_index(users, "users_age")
        """
        await run(flows.drop_index(self._state.checked().client, IndexRequest.drop(dataset, name)))

    def _runner(self, state: SessionState) -> _Runner:
        return _Runner(state)

    async def background_jobs(self) -> list[JobProgress]:
        """Every job the nodes list, running or recently finished, newest last.

        Example::

            for job in await session.background_jobs(): print(job.task_id, job.status)
        """
        return await run(flows.list_jobs(self._state.checked().client))

    async def register_udf(self, source: str | bytes | Path, name: str | None = None) -> str:
        """Register a Lua module from a file path or source text; returns the name for ``function()``.

        Example::

            pkg = await session.register_udf(Path("scoring.lua"))
        """
        body, server_path = udf_module(source, name)
        await run(flows.register_udf(self._state.checked().client, body, server_path))
        return server_path.removesuffix(".lua")

    async def namespaces(self) -> list[NamespaceStats]:
        """The namespaces the cluster serves: records, memory (data and indexes) and each set's records.

        Example::

            for ns in await session.namespaces(): print(ns.name, ns.objects, [s.name for s in ns.sets])
        """
        return await run(flows.namespaces(self._state.checked().client))

    async def indexes(self) -> list[IndexStatus]:
        """The secondary indexes of the cluster, with their entries and build progress (``load_pct``).

        Example::

            building = [i.name for i in await session.indexes() if not i.ready]
        """
        return await run(flows.indexes(self._state.checked().client))

    async def udfs(self) -> list[UdfModule]:
        """The Lua modules registered on the cluster.

        Example::

            names = [module.name for module in await session.udfs()]
        """
        return await run(flows.list_udfs(self._state.checked().client))

    def background_job(self, task_id: int) -> BackgroundTask:
        """The task of an existing job, by id (e.g. one another process started): poll, watch or abort it.

        Example::

            await session.background_job(12345).abort()
        """
        return BackgroundTask(self._state.checked().client, None, task_id)

    async def remove_udf(self, name: str) -> None:
        """Remove a registered Lua module.

        Example::

            await session.remove_udf("scoring")
        """
        await run(flows.remove_udf(self._state.checked().client, f"{name.removesuffix('.lua')}.lua"))


class Cluster(ClusterBase[Session]):
    """An open connection to a cluster (and the embedded node, if this SDK started one)."""

    __slots__ = ()

    def _session(self, state: SessionState) -> Session:
        return Session(state)

    async def close(self) -> None:
        """Close the connections and stop the embedded node (idempotent)."""
        if self._state.close():
            try:
                await run(flows.close(self._state.client))
            finally:
                if self._server is not None:
                    await asyncio.to_thread(self._server.stop)

    async def __aenter__(self) -> Cluster:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()


async def _open(spec: ClusterSpec) -> Cluster:
    server, seeds = await asyncio.to_thread(spec.start)
    try:
        client = await run(flows.connect(*spec.client_args(seeds)))
    except BaseException:
        if server is not None:
            await asyncio.to_thread(server.stop)
        raise
    return Cluster(client, server, seeds)


class Connecting:
    """What ``connect()`` returns: ``await`` it, or use it as ``async with``."""

    __slots__ = ("_cluster", "_spec")

    def __init__(self, spec: ClusterSpec) -> None:
        self._spec = spec
        self._cluster: Cluster | None = None

    def __await__(self) -> Any:
        return _open(self._spec).__await__()

    async def __aenter__(self) -> Cluster:
        self._cluster = await _open(self._spec)
        return self._cluster

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._cluster is not None:
            await self._cluster.close()


class ClusterDefinition(ClusterDefinitionBase):
    """Where the cluster is: ``ClusterDefinition(host, port)`` or ``ClusterDefinition.embedded()``.

    Example::

        async with ClusterDefinition("127.0.0.1", 3000).connect() as cluster:
            session = cluster.create_session()
    """

    __slots__ = ()

    def connect(self) -> Connecting:
        """Connect (starting the embedded node first, if this is one).

        Example::

            async with ClusterDefinition.embedded().connect() as cluster: ...
        """
        return Connecting(self.spec)
