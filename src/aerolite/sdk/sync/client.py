"""The blocking face: the surface of :mod:`aerolite.sdk.aio` without asyncio.

Same builders (``aerolite.sdk.background``), same flows (``aerolite.sdk.flows``); only the driver
differs: it calls the client's ``*_blocking`` methods and sleeps with ``time.sleep``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import aerospike_native as an

from aerolite.sdk import flows
from aerolite.sdk.background import Job, Selection
from aerolite.sdk.dataset import DataSet
from aerolite.sdk.embedded import ClusterDefinitionBase
from aerolite.sdk.errors import NATIVE_ERRORS, converted
from aerolite.sdk.faces import ClusterBase, SessionBase, TaskBase
from aerolite.sdk.indexes import IndexRequest
from aerolite.sdk.jobs import JobFailures, JobProgress, TaskStatus
from aerolite.sdk.kv import KeyPlan
from aerolite.sdk.overview import IndexStatus, NamespaceStats
from aerolite.sdk.query import STREAM_CHUNK, QueryPlan, StreamCore
from aerolite.sdk.records import RecordResult, first_found
from aerolite.sdk.session_state import SessionState
from aerolite.sdk.udf import UdfModule, udf_module

T = TypeVar("T")


def run(flow: flows.Flow[T]) -> T:
    """Drive a flow: make each client call it yields (blocking), send back the result."""
    stepper = flows.Stepper(flow)
    with converted():
        for step in stepper:
            stepper.answer(_perform(step))
    return stepper.value


def _perform(step: flows.Step) -> Any:
    if isinstance(step, flows.Call):
        return getattr(step.target, f"{step.method}_blocking")(*step.args, **step.kwargs)
    if isinstance(step, flows.Drain):
        return flows.drain(step.recordset)
    time.sleep(step.seconds)
    return None


class BackgroundTask(TaskBase):
    """A submitted background job: poll it, wait for it, watch its counters, or abort it."""

    __slots__ = ()

    def status(self) -> TaskStatus:
        """Where the job stands on all nodes: IN_PROGRESS, COMPLETE or NOT_FOUND (also "finished").

        Example::

            if task.status() is TaskStatus.COMPLETE: ...
        """
        return run(self._status_flow())

    def wait_till_complete(self, sleep_time: float = 0.25, timeout: float | None = 60.0) -> bool:
        """Poll every ``sleep_time`` s until the job is done; ``TimeoutError`` after ``timeout`` s (None: never).

        Example::

            task.wait_till_complete(sleep_time=0.1, timeout=300)
        """
        return run(self._wait_flow(sleep_time, timeout))

    def progress(self) -> JobProgress:
        """The job's counters now: scanned, written, failed, filtered out, rate, percent, status.

        Example::

            p = task.progress(); print(f"{p.percent:.0f}% at {p.rate:,.0f} rec/s")
        """
        return run(flows.progress(self._client, self.task_id))

    def watch(self, interval: float = 0.5) -> Iterator[JobProgress]:
        """Yield the job's progress every ``interval`` s, ending with the final snapshot.

        Example::

            for p in task.watch(0.2): print(f"{p.percent:.0f}%, {p.eta or 0:.0f} s left")
        """
        while not (snapshot := self.progress()).done:
            yield snapshot
            time.sleep(interval)
        yield snapshot

    def failures(self) -> JobFailures:
        """The failed records the nodes kept for this job (the first 20 each): digest, key, code, message.

        Empty with ``kept`` False and a ``note`` when the nodes keep no samples (only aerolite does).

        Example::

            for f in task.failures(): print(f.key, f.code_name, f.message)
        """
        return run(flows.failures(self._client, self.task_id))

    def abort(self) -> bool:
        """Stop the job on every node; False if it had already finished. Written records stay written.

        Example::

            if task.abort(): print("stopped")
        """
        return run(flows.abort(self._client, self.task_id))




class RecordStream:
    """The rows of a query, as they arrive: ``for row in stream``, or ``stream.collect()``.

    Leave early with ``break`` inside ``with stream:`` (or call :meth:`close`): the node stops.
    """

    __slots__ = ("_core",)

    def __init__(self, core: StreamCore) -> None:
        self._core = core

    def __iter__(self) -> Iterator[RecordResult]:
        while chunk := self._core.take(STREAM_CHUNK):
            yield from chunk

    def collect(self) -> list[RecordResult]:
        """Every remaining row, in a list (mind the memory of big results: prefer ``for``).

        Example::

            rows = session.query(users).limit(10).execute().collect()
        """
        return list(self)

    def first(self) -> RecordResult | None:
        """The next row (None when the stream is done); the rest of the stream is closed.

        Example::

            row = session.query(users.id(1)).execute().first()
        """
        for row in self:
            self.close()
            return row
        return None

    def first_or_raise(self) -> RecordResult:
        """The next row, or its error raised; ``RecordNotFoundError`` when the stream is empty.

        Example::

            bins = session.query(users.id(1)).execute().first_or_raise().bins
        """
        return first_found(self.first())

    def close(self) -> None:
        """Stop the query: buffered rows are dropped and the node stops sending (idempotent).

        Example::

            stream.close()
        """
        self._core.close()

    def __enter__(self) -> RecordStream:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class _Runner:
    """How the blocking session's builders run: job submits and counts, key-value plans, queries."""

    __slots__ = ("_state",)

    def __init__(self, state: SessionState) -> None:
        self._state = state

    def submit(self, job: Job) -> BackgroundTask:
        return BackgroundTask(self._state.client, run(flows.submit(self._state.client, self._state.behavior, job)))

    def count(self, selection: Selection) -> int:
        return run(flows.count(self._state.client, self._state.behavior, selection))

    def one(self, plan: KeyPlan) -> RecordResult:
        return self._perform(plan)  # type: ignore[no-any-return]

    def many(self, plan: KeyPlan) -> list[RecordResult]:
        return self._perform(plan)  # type: ignore[no-any-return]

    def _perform(self, plan: KeyPlan) -> Any:
        try:
            answer = getattr(self._state.client, f"{plan.method}_blocking")(*plan.args, **plan.kwargs)
        except NATIVE_ERRORS as exc:
            return plan.failed(exc)
        return plan.done(answer)

    def stream(self, plan: QueryPlan) -> RecordStream:
        return RecordStream(StreamCore(run(flows.query(self._state.client, plan)), plan.limit))

    def rows(self, plan: KeyPlan) -> RecordStream:
        return RecordStream(StreamCore.of_rows(plan.found(self._perform(plan))))


class Session(SessionBase[BackgroundTask, int, RecordResult, list[RecordResult], RecordStream]):
    """Commands under one :class:`Behavior`: key-value verbs, queries, indexes, background jobs."""

    __slots__ = ()

    def create_index(self, dataset: DataSet, name: str, bin: str | None = None, *,
                     index_type: Any = an.IndexType.NUMERIC, collection: Any = None,
                     expression: str | None = None, timeout: float | None = 300.0) -> None:
        """Create a secondary index on a bin (or an AEL expression) and wait until the node has built it.

        Example::

            session.create_index(users, "users_age", "age", index_type=IndexType.NUMERIC)
        """
        request = IndexRequest.create(dataset, name, bin, index_type, collection, expression)
        run(flows.create_index(self._state.checked().client, request, timeout))

    def drop_index(self, dataset: DataSet, name: str) -> None:
        """Drop a secondary index (and wait until the node has).

        Example::

            session.drop_index(users, "users_age")
        """
        run(flows.drop_index(self._state.checked().client, IndexRequest.drop(dataset, name)))

    def _runner(self, state: SessionState) -> _Runner:
        return _Runner(state)

    def background_jobs(self) -> list[JobProgress]:
        """Every job the nodes list, running or recently finished, newest last.

        Example::

            for job in session.background_jobs(): print(job.task_id, job.status)
        """
        return run(flows.list_jobs(self._state.checked().client))

    def register_udf(self, source: str | bytes | Path, name: str | None = None) -> str:
        """Register a Lua module from a file path or source text; returns the name for ``function()``.

        Example::

            pkg = session.register_udf(Path("scoring.lua"))
        """
        body, server_path = udf_module(source, name)
        run(flows.register_udf(self._state.checked().client, body, server_path))
        return server_path.removesuffix(".lua")

    def namespaces(self) -> list[NamespaceStats]:
        """The namespaces the cluster serves: records, memory (data and indexes) and each set's records.

        Example::

            for ns in session.namespaces(): print(ns.name, ns.objects, [s.name for s in ns.sets])
        """
        return run(flows.namespaces(self._state.checked().client))

    def indexes(self) -> list[IndexStatus]:
        """The secondary indexes of the cluster, with their entries and build progress (``load_pct``).

        Example::

            building = [i.name for i in session.indexes() if not i.ready]
        """
        return run(flows.indexes(self._state.checked().client))

    def udfs(self) -> list[UdfModule]:
        """The Lua modules registered on the cluster.

        Example::

            names = [module.name for module in session.udfs()]
        """
        return run(flows.list_udfs(self._state.checked().client))

    def background_job(self, task_id: int) -> BackgroundTask:
        """The task of an existing job, by id (e.g. one another process started): poll, watch or abort it.

        Example::

            session.background_job(12345).abort()
        """
        return BackgroundTask(self._state.checked().client, None, task_id)

    def remove_udf(self, name: str) -> None:
        """Remove a registered Lua module.

        Example::

            session.remove_udf("scoring")
        """
        run(flows.remove_udf(self._state.checked().client, f"{name.removesuffix('.lua')}.lua"))


class Cluster(ClusterBase[Session]):
    """An open connection to a cluster (and the embedded node, if this SDK started one)."""

    __slots__ = ()

    def _session(self, state: SessionState) -> Session:
        return Session(state)

    def close(self) -> None:
        """Close the connections and stop the embedded node (idempotent)."""
        if self._state.close():
            try:
                run(flows.close(self._state.client))
            finally:
                if self._server is not None:
                    self._server.stop()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class ClusterDefinition(ClusterDefinitionBase):
    """Where the cluster is: ``ClusterDefinition(host, port)`` or ``ClusterDefinition.embedded()``.

    Example::

        with ClusterDefinition("127.0.0.1", 3000).connect() as cluster:
            session = cluster.create_session()
    """

    __slots__ = ()

    def connect(self) -> Cluster:
        """Connect (starting the embedded node first, if this is one); use the cluster as ``with``.

        Example::

            with ClusterDefinition.embedded().connect() as cluster: ...
        """
        server, seeds = self.spec.start()
        try:
            client = run(flows.connect(*self.spec.client_args(seeds)))
        except BaseException:
            if server is not None:
                server.stop()
            raise
        return Cluster(client, server, seeds)
