"""The parts of ``Cluster``, ``Session`` and ``BackgroundTask`` that do no I/O, shared by both faces.

Each face (``aerolite.sdk.aio``, ``aerolite.sdk.sync.client``) subclasses these and adds only the
methods that talk to a node, each one line running a flow through the face's driver.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from aerolite.sdk.background import BackgroundTaskSession, CountT, Runner, TaskT
from aerolite.sdk.behavior import Behavior
from aerolite.sdk.embedded import EmbeddedServer
from aerolite.sdk.session_state import SessionState

SessionT = TypeVar("SessionT")


class TaskBase:
    """A submitted job's identity: the client that polls it and the client's task handle."""

    __slots__ = ("_client", "_native")

    def __init__(self, client: Any, native_task: Any) -> None:
        self._client = client
        self._native = native_task

    @property
    def task_id(self) -> int:
        """The job's id on every node (what ``query-show`` lists).

        Example::

            print(f"job {task.task_id} started")
        """
        return int(self._native.task_id)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(task_id={self.task_id})"


class SessionBase(Generic[TaskT, CountT]):
    """Commands under one :class:`Behavior`; background jobs start from :meth:`background_task`."""

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

    def _runner(self, state: SessionState) -> Runner[TaskT, CountT]:
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
