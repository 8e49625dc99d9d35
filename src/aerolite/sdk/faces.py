"""The parts of ``Cluster``, ``Session`` and ``BackgroundTask`` that do no I/O, shared by both faces.

Each face (``aerolite.sdk.aio``, ``aerolite.sdk.sync.client``) subclasses these and adds only the
methods that talk to a node, each one line running a flow through the face's driver.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, Protocol, TypeVar, overload

import aerospike_native as an

from aerolite.sdk import flows
from aerolite.sdk.background import BackgroundTaskSession, CountT, Runner, TaskT
from aerolite.sdk.behavior import Behavior
from aerolite.sdk.dataset import DataSet
from aerolite.sdk.embedded import EmbeddedServer
from aerolite.sdk.jobs import TaskStatus
from aerolite.sdk.kv import KeyPlan, ReadBuilder, ReadKind, WriteBuilder, WriteKind
from aerolite.sdk.query import QueryBuilder, QueryPlan
from aerolite.sdk.session_state import SessionState

SessionT = TypeVar("SessionT")
OneT = TypeVar("OneT", covariant=True)
ManyT = TypeVar("ManyT", covariant=True)
StreamT = TypeVar("StreamT", covariant=True)

Key = Any
"""A client ``aerospike_native.Key`` (untyped: the client ships no type information mypy reads)."""


class SessionRunner(Runner[TaskT, CountT], Protocol[TaskT, CountT, OneT, ManyT, StreamT]):
    """What a face gives the builders: job submits and counts, key-value plans, query plans."""

    def one(self, plan: KeyPlan) -> OneT: ...

    def many(self, plan: KeyPlan) -> ManyT: ...

    def stream(self, plan: QueryPlan) -> StreamT: ...

    def rows(self, plan: KeyPlan) -> StreamT: ...


class TaskBase:
    """A job's identity: the client that polls it, and the client's task handle when this session
    started it (None for a job found by id, e.g. one started by another process)."""

    __slots__ = ("_client", "_id", "_native")

    def __init__(self, client: Any, native_task: Any | None, task_id: int | None = None) -> None:
        self._client = client
        self._native = native_task
        self._id = int(native_task.task_id) if native_task is not None else task_id
        if self._id is None:
            raise ValueError("a task needs the client's task handle or a task id")

    @property
    def task_id(self) -> int:
        """The job's id on every node (what ``query-show`` lists).

        Example::

            print(f"job {task.task_id} started")
        """
        assert self._id is not None
        return self._id

    def _status_flow(self) -> flows.Flow[TaskStatus]:
        return flows.task_status(self._client, self._native, self.task_id)

    def _wait_flow(self, sleep_time: float, timeout: float | None) -> flows.Flow[bool]:
        return flows.wait(self._native, f"job {self.task_id}", sleep_time, timeout, self._status_flow)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(task_id={self.task_id})"


class SessionBase(Generic[TaskT, CountT, OneT, ManyT, StreamT]):
    """Commands under one :class:`Behavior`: key-value verbs, queries, and background jobs.

    Each key-value verb takes one key (``users.id(7)``; ``execute()`` gives one ``RecordResult``) or
    a list of keys (``users.ids(1, 2)``; a list of results, in key order, through one batch command).
    """

    __slots__ = ("_state",)

    def __init__(self, state: SessionState) -> None:
        self._state = state

    @property
    def behavior(self) -> Behavior:
        """The behavior this session's commands use."""
        return self._state.behavior

    def background_task(self) -> BackgroundTaskSession[TaskT, CountT]:
        """Start building a background job (update, delete, touch or UDF).

        Example::

            task = session.background_task().update(users).bin("score").add(1).execute()
        """
        return BackgroundTaskSession(self._runner(self._state.checked()))

    @overload
    def upsert(self, keys: Sequence[Key], /) -> WriteBuilder[ManyT]: ...
    @overload
    def upsert(self, keys: Key, /) -> WriteBuilder[OneT]: ...

    def upsert(self, keys: Any, /) -> WriteBuilder[Any]:
        """Create the record(s), or merge the written bins into existing ones.

        Example::

            await session.upsert(users.id(1)).put({"name": "Ann", "age": 31}).execute()
        """
        return self._write("upsert", keys)

    @overload
    def insert(self, keys: Sequence[Key], /) -> WriteBuilder[ManyT]: ...
    @overload
    def insert(self, keys: Key, /) -> WriteBuilder[OneT]: ...

    def insert(self, keys: Any, /) -> WriteBuilder[Any]:
        """Create the record(s); one that already exists fails with ``RecordExistsError``.

        Example::

            await session.insert(users.id(2)).put({"name": "Bo"}).execute()
        """
        return self._write("insert", keys)

    @overload
    def update(self, keys: Sequence[Key], /) -> WriteBuilder[ManyT]: ...
    @overload
    def update(self, keys: Key, /) -> WriteBuilder[OneT]: ...

    def update(self, keys: Any, /) -> WriteBuilder[Any]:
        """Change existing record(s); a missing one fails with ``RecordNotFoundError``.

        Example::

            await session.update(users.id(1)).bin("age").add(1).execute()
        """
        return self._write("update", keys)

    @overload
    def replace(self, keys: Sequence[Key], /) -> WriteBuilder[ManyT]: ...
    @overload
    def replace(self, keys: Key, /) -> WriteBuilder[OneT]: ...

    def replace(self, keys: Any, /) -> WriteBuilder[Any]:
        """Create the record(s), or replace all bins of existing ones with the written bins.

        Example::

            await session.replace(users.id(1)).put({"name": "Ann"}).execute()
        """
        return self._write("replace", keys)

    @overload
    def delete(self, keys: Sequence[Key], /) -> WriteBuilder[ManyT]: ...
    @overload
    def delete(self, keys: Key, /) -> WriteBuilder[OneT]: ...

    def delete(self, keys: Any, /) -> WriteBuilder[Any]:
        """Delete the record(s); a missing one answers ``KEY_NOT_FOUND`` (``result.ok`` is False).

        Example::

            await session.delete(users.id(1)).execute()
        """
        return self._write("delete", keys)

    @overload
    def touch(self, keys: Sequence[Key], /) -> WriteBuilder[ManyT]: ...
    @overload
    def touch(self, keys: Key, /) -> WriteBuilder[OneT]: ...

    def touch(self, keys: Any, /) -> WriteBuilder[Any]:
        """Refresh the record(s)' TTL and generation without changing bins.

        Example::

            await session.touch(users.id(1)).expire_record_after_seconds(3600).execute()
        """
        return self._write("touch", keys)

    @overload
    def get(self, keys: Sequence[Key], /) -> ReadBuilder[ManyT]: ...
    @overload
    def get(self, keys: Key, /) -> ReadBuilder[OneT]: ...

    def get(self, keys: Any, /) -> ReadBuilder[Any]:
        """Read the record(s); a missing one answers ``KEY_NOT_FOUND`` with ``record`` None.

        Example::

            user = await session.get(users.id(1)).select("name").execute()
        """
        return self._read("get", keys)

    @overload
    def exists(self, keys: Sequence[Key], /) -> ReadBuilder[ManyT]: ...
    @overload
    def exists(self, keys: Key, /) -> ReadBuilder[OneT]: ...

    def exists(self, keys: Any, /) -> ReadBuilder[Any]:
        """Whether the record(s) exist (``result.ok``), with their generation and TTL, no bins.

        Example::

            if (await session.exists(users.id(1)).execute()).ok: ...
        """
        return self._read("exists", keys)

    @overload
    def query(self, target: DataSet, /) -> QueryBuilder[StreamT]: ...
    @overload
    def query(self, target: Any, /) -> ReadBuilder[StreamT]: ...

    def query(self, target: Any, /) -> QueryBuilder[StreamT] | ReadBuilder[StreamT]:
        """Start a foreground query over a data set, or over keys; ``execute()`` streams the records.

        Over keys (``users.id(1)``, ``users.ids(1, 2)``) the stream holds the records found, in key order
        (a missing key is left out), as with aerospike-sdk; ``get()`` answers one result per key instead.

        Example::

            stream = await session.query(users).where("$.age > %s", 30).limit(100).execute()
            rows = await stream.collect()
            row = await (await session.query(users.id(1)).bin("tags").list_size().execute()).first_or_raise()
        """
        state = self._state.checked()
        if isinstance(target, an.Key) or (isinstance(target, Sequence) and not isinstance(target, str | bytes)):
            return ReadBuilder("get", target, state.behavior, self._runner(state).rows)
        return QueryBuilder(target, state.behavior, self._runner(state).stream)

    def _write(self, kind: WriteKind, keys: Any) -> WriteBuilder[Any]:
        state = self._state.checked()
        runner = self._runner(state)
        finish = runner.one if isinstance(keys, an.Key) else runner.many
        return WriteBuilder(kind, keys, state.behavior, finish, state.client.is_strong_consistency)

    def _read(self, kind: ReadKind, keys: Any) -> ReadBuilder[Any]:
        state = self._state.checked()
        runner = self._runner(state)
        return ReadBuilder(kind, keys, state.behavior, runner.one if isinstance(keys, an.Key) else runner.many)

    def _runner(self, state: SessionState) -> SessionRunner[TaskT, CountT, OneT, ManyT, StreamT]:
        raise NotImplementedError


class ClusterBase(Generic[SessionT]):
    """An open connection to a cluster (and the embedded node, if this SDK started one)."""

    __slots__ = ("_server", "_state")

    def __init__(self, client: Any, server: EmbeddedServer | None, seeds: str) -> None:
        self._state = SessionState(client, Behavior.DEFAULT, seeds)
        self._server = server

    @property
    def address(self) -> str:
        """``host:port`` of the seed node (the embedded node's free port, for an embedded cluster)."""
        return self._state.seeds

    @property
    def native_client(self) -> Any:
        """The underlying ``aerospike_native`` client, for commands the SDK does not wrap."""
        return self._state.checked().client

    def create_session(self, behavior: Behavior = Behavior.DEFAULT) -> SessionT:
        """A session whose commands follow ``behavior``.

        Example::

            session = cluster.create_session(Behavior.DEFAULT)
        """
        return self._session(self._state.checked().with_behavior(behavior))

    def _session(self, state: SessionState) -> SessionT:
        raise NotImplementedError
