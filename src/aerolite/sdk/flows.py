"""The SDK's procedures as sans-IO generators, run by an async or a blocking driver.

Each flow is a generator that *yields* the I/O it needs as small step objects and receives the result:
``Call`` (invoke a client method; the blocking driver calls its ``*_blocking`` sibling), ``Drain``
(count what a record stream yields) and ``Sleep``. Everything else — validation, policy building,
parsing of info replies, polling logic, timeouts — lives here once, so ``aerolite`` (asyncio) and
``aerolite.sync`` differ only in a driver of a dozen lines each (the httpx / h11 split).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import aerospike_native as an

from aerolite.sdk.background import Job, Selection
from aerolite.sdk.behavior import Behavior
from aerolite.sdk.errors import ConnectionError, InvalidRequestError, TimeoutError
from aerolite.sdk.indexes import IndexRequest
from aerolite.sdk.jobs import (
    FAILURES_COMMAND,
    FOREGROUND_JOB_TYPES,
    JobFailures,
    JobProgress,
    TaskStatus,
    abort_outcome,
    job_not_found,
    merge_failures,
    merge_nodes,
    namespace_rps_cap,
)
from aerolite.sdk.overview import (
    IndexStatus,
    NamespaceStats,
    index_status,
    namespace_names,
    namespace_stats,
    parse_index_list,
)
from aerolite.sdk.query import QueryPlan
from aerolite.sdk.udf import UdfModule, parse_udf_list

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Call:
    """Invoke ``target.<method>(*args, **kwargs)`` (the async name; blocking drivers add ``_blocking``)."""

    target: Any
    method: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Drain:
    """Consume a record stream and answer how many records it yielded."""

    recordset: Any


def drain(records: Iterable[Any]) -> int:
    """Consume a (blocking) record stream, counting."""
    return sum(1 for _ in records)


@dataclass(frozen=True, slots=True)
class Sleep:
    """Pause for ``seconds``."""

    seconds: float


Step = Call | Drain | Sleep
Flow = Generator[Step, Any, T]


class Stepper(Generic[T]):
    """Iterate a flow's steps; a driver answers each one with :meth:`answer`, then reads :attr:`value`."""

    __slots__ = ("_answer", "_flow", "value")

    def __init__(self, flow: Flow[T]) -> None:
        self._flow = flow
        self._answer: Any = None
        self.value: T

    def __iter__(self) -> Iterator[Step]:
        try:
            step = next(self._flow)
            while True:
                yield step
                step = self._flow.send(self._answer)
        except StopIteration as stop:
            self.value = stop.value

    def answer(self, result: Any) -> None:
        """The result of the step just yielded, sent into the flow on the next iteration."""
        self._answer = result


def connect(policy: Any, seeds: str) -> Flow[Any]:
    """Open a client on ``seeds`` (``host:port``)."""
    client = yield Call(an, "new_client", (policy, seeds))
    return client


def close(client: Any) -> Flow[None]:
    """Close a client and its connections."""
    yield Call(client, "close")


def info_all(client: Any, command: str) -> Flow[list[str]]:
    """Send an info command to every node; the value each one answered.

    No node at all (every one is down or unreachable) is a ``ConnectionError``, not an empty answer:
    "no jobs" and "no cluster" must not look alike.
    """
    replies: dict[str, dict[str, str]] = yield Call(client, "info_on_all_nodes", (command,))
    if not replies:
        raise ConnectionError(-8, f"SERVER_NOT_AVAILABLE (-8): no node of the cluster answered {command!r}: "
                              "is it running and reachable?")
    return [next(iter(reply.values()), "") for reply in replies.values()]


def submit(client: Any, behavior: Behavior, job: Job) -> Flow[Any]:
    """Start a job on every node (checking a requested rate against the namespace cap first)."""
    namespace = job.selection.dataset.namespace
    if job.records_per_second:
        caps = [namespace_rps_cap(r) for r in (yield from info_all(client, f"namespace/{namespace}"))]
        check_rps(job.records_per_second, namespace, caps)
    policy = job.write_policy(behavior, bool(client.is_strong_consistency(namespace)))
    statement = job.selection.statement()
    if job.udf is not None:
        package, function, args = job.udf
        task = yield Call(client, "query_execute_udf", (statement, package, function, list(args)),
                          {"write_policy": policy})
    else:
        task = yield Call(client, "query_operate", (statement, list(job.operations)), {"write_policy": policy})
    return task


def check_rps(requested: int, namespace: str, caps: list[int]) -> None:
    """Refuse a rate above any node's ``background-query-max-rps`` (0 there means no cap).

    >>> check_rps(500, "test", [0, 1000])
    >>> check_rps(5000, "test", [1000])
    Traceback (most recent call last):
    ...
    aerolite.sdk.errors.InvalidRequestError: PARAMETER_ERROR (4): records_per_second(5000) ...
    """
    limits = [cap for cap in caps if cap > 0]
    if limits and requested > min(limits):
        cap = min(limits)
        raise InvalidRequestError(
            4,
            f"PARAMETER_ERROR (4): records_per_second({requested}) is above namespace {namespace!r}'s "
            f"background-query-max-rps of {cap}: ask for at most {cap}, or raise the namespace setting",
        )


def status(native_task: Any) -> Flow[TaskStatus]:
    """One status poll of a client task (all nodes)."""
    native = yield Call(native_task, "query_status")
    return TaskStatus.of_native(native)


def job_status(client: Any, task_id: int) -> Flow[TaskStatus]:
    """One status poll of a job known only by its id (one this session did not start)."""
    jobs = merge_nodes((yield from info_all(client, f"query-show:id={task_id}")))
    if not jobs:
        return TaskStatus.NOT_FOUND
    return TaskStatus.IN_PROGRESS if jobs[0].status == "active" else TaskStatus.COMPLETE


def task_status(client: Any, native_task: Any | None, task_id: int) -> Flow[TaskStatus]:
    """A status poll through the client's task handle when there is one, else by id."""
    if native_task is None:
        return (yield from job_status(client, task_id))
    return (yield from status(native_task))


def wait(native_task: Any, what: str, sleep_time: float, timeout: float | None,
         poll: Callable[[], Flow[TaskStatus]] | None = None) -> Flow[bool]:
    """Poll until the task is no longer in progress (NOT_FOUND counts as finished); True when done.

    ``poll`` replaces the client task's own status poll (for jobs known only by id).
    """
    if sleep_time <= 0:
        raise ValueError(f"sleep_time must be > 0 seconds, not {sleep_time!r}")
    deadline = None if timeout is None else time.monotonic() + timeout
    poll = poll or (lambda: status(native_task))
    while (yield from poll()) is TaskStatus.IN_PROGRESS:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise TimeoutError(9, f"TIMEOUT (9): {what} still running after {timeout} s: wait longer or abort it")
        yield Sleep(sleep_time if remaining is None else min(sleep_time, remaining))
    return True


def progress(client: Any, task_id: int) -> Flow[JobProgress]:
    """The job's counters from every node's job table, summed."""
    jobs = merge_nodes((yield from info_all(client, f"query-show:id={task_id}")))
    if not jobs:
        raise job_not_found(task_id)
    return jobs[0]


def failures(client: Any, task_id: int) -> Flow[JobFailures]:
    """The failed records the nodes kept for the job (none, with a note, from nodes that keep none)."""
    return merge_failures(task_id, (yield from info_all(client, f"{FAILURES_COMMAND}:id={task_id}")))


def abort(client: Any, task_id: int) -> Flow[bool]:
    """Stop the job on every node; True if some node was still running it."""
    replies = yield from info_all(client, f"query-abort:id={task_id}")
    return any([abort_outcome(reply) for reply in replies])


def list_jobs(client: Any) -> Flow[list[JobProgress]]:
    """Every background job the nodes' job tables hold (running and recently finished)."""
    jobs = merge_nodes((yield from info_all(client, "query-show")))
    return [job for job in jobs if job.job_type not in FOREGROUND_JOB_TYPES]


def namespaces(client: Any) -> Flow[list[NamespaceStats]]:
    """Every namespace the nodes serve, with record counts, memory and sets."""
    found = []
    for name in namespace_names((yield from info_all(client, "namespaces"))):
        namespace_replies = yield from info_all(client, f"namespace/{name}")
        set_replies = yield from info_all(client, f"sets/{name}")
        found.append(namespace_stats(name, namespace_replies, set_replies))
    return found


def indexes(client: Any) -> Flow[list[IndexStatus]]:
    """Every secondary index the nodes list, with its entries and build progress."""
    found = []
    for definition in parse_index_list((yield from info_all(client, "sindex-list"))):
        stat = f"sindex-stat:namespace={definition.get('ns', '')};indexname={definition['indexname']}"
        found.append(index_status(definition, (yield from info_all(client, stat))))
    return found


def count(client: Any, behavior: Behavior, selection: Selection) -> Flow[int]:
    """How many records a selection picks now: a keys-only foreground query, counted."""
    policy = selection.count_policy(behavior)
    records = yield Call(client, "query", (selection.statement(), an.PartitionFilter.all()), {"policy": policy})
    counted: int = yield Drain(records)
    return counted


def register_udf(client: Any, body: bytes, server_path: str) -> Flow[None]:
    """Register a Lua module and wait until every node has it."""
    task = yield Call(client, "register_udf", (body, server_path, an.UDFLang.LUA))
    yield from wait(task, f"registering {server_path}", 0.05, 30.0)


def list_udfs(client: Any) -> Flow[list[UdfModule]]:
    """The Lua modules registered on the seed node, in registration order."""
    replies = yield from info_all(client, "udf-list")
    return parse_udf_list(replies[0])


def remove_udf(client: Any, server_path: str) -> Flow[None]:
    """Remove a Lua module and wait until no node has it."""
    task = yield Call(client, "remove_udf", (server_path,))
    yield from wait(task, f"removing {server_path}", 0.05, 30.0)


def query(client: Any, plan: QueryPlan) -> Flow[Any]:
    """Start a foreground query; the client's record stream."""
    records = yield Call(client, "query", (plan.statement, plan.partitions), {"policy": plan.policy})
    return records


def create_index(client: Any, request: IndexRequest, timeout: float | None) -> Flow[None]:
    """Create a secondary index and wait until every node has built it."""
    task = yield Call(client, request.method, request.args)
    yield from wait(task, f"building index {request.name}", 0.1, timeout)


def drop_index(client: Any, request: IndexRequest) -> Flow[None]:
    """Drop a secondary index and wait until no node has it."""
    task = yield Call(client, request.method, request.args)
    yield from wait(task, f"dropping index {request.name}", 0.05, 30.0)
