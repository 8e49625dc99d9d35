"""``Behavior``: how a session talks to the cluster, turned into the client's policy objects.

A behavior is an immutable bundle of timeouts and defaults; sessions hand it to every command they
build. A background submit is never retried (``max_retries`` 0): resubmitting would start the job
twice; foreground writes are not retried either by default (a retried write may apply twice), reads are.
The plain policies of foreground commands are built once per behavior and shared (they are never
changed after creation); commands with options get fresh copies.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, ClassVar

import aerospike_native as an


@dataclass(frozen=True, slots=True)
class Behavior:
    """Timeouts and defaults for a session's commands; derive variants with :meth:`derive`.

    >>> Behavior.DEFAULT.derive(submit_total_timeout_ms=60_000).submit_total_timeout_ms
    60000
    """

    DEFAULT: ClassVar[Behavior]

    submit_total_timeout_ms: int = 30_000
    """Budget for a job submit round trip (the job itself runs on the node, unbounded)."""
    submit_socket_timeout_ms: int = 5_000
    query_total_timeout_ms: int = 0
    """Budget for foreground queries such as ``count()``; 0 = no overall limit."""
    query_socket_timeout_ms: int = 30_000
    query_max_retries: int = 5
    durable_delete_ap: bool = False
    """Durable deletes by default on AP namespaces (tombstones cost space; rarely wanted)."""
    durable_delete_sc: bool = True
    """Durable deletes by default on strong-consistency namespaces, which refuse any other kind."""
    read_total_timeout_ms: int = 5_000
    """Budget for a foreground read (get, exists, batch read), retries included."""
    read_max_retries: int = 2
    write_total_timeout_ms: int = 5_000
    """Budget for a foreground write (upsert ... touch, batch writes)."""
    write_max_retries: int = 0
    socket_timeout_ms: int = 5_000
    """Idle budget of one network round trip of a foreground command."""
    send_key: bool = False
    """Store the user key with written records (so queries return it, not just its digest)."""

    def derive(self, **changes: Any) -> Behavior:
        """A copy with some fields changed.

        >>> Behavior.DEFAULT.derive(query_max_retries=0).query_max_retries
        0
        """
        return dataclasses.replace(self, **changes)

    def background_write_policy(self) -> Any:
        """A fresh client ``WritePolicy`` for submitting a background job."""
        policy = an.WritePolicy()
        policy.total_timeout = self.submit_total_timeout_ms
        policy.socket_timeout = self.submit_socket_timeout_ms
        policy.max_retries = 0
        return policy

    def query_policy(self) -> Any:
        """A fresh client ``QueryPolicy`` for a foreground query."""
        policy = an.QueryPolicy()
        policy.total_timeout = self.query_total_timeout_ms
        policy.socket_timeout = self.query_socket_timeout_ms
        policy.max_retries = self.query_max_retries
        return policy

    def read_policy(self) -> Any:
        """The shared client ``ReadPolicy`` of plain single-record reads (do not modify it)."""
        return _read_policy(self)

    def read_policy_with(self, **fields: Any) -> Any:
        """A fresh client ``ReadPolicy`` with this behavior's timeouts plus ``fields``."""
        policy = an.ReadPolicy.from_fields(
            total_timeout=self.read_total_timeout_ms, socket_timeout=self.socket_timeout_ms,
            max_retries=self.read_max_retries,
        )
        return assign_fields(policy, fields)

    def write_policy(self, action: Any = None) -> Any:
        """The shared client ``WritePolicy`` of plain single-record writes with ``action`` (do not modify it)."""
        return _write_policy(self, action)

    def write_policy_with(self, **fields: Any) -> Any:
        """A fresh client ``WritePolicy`` with this behavior's timeouts plus ``fields``."""
        policy = an.WritePolicy.from_fields(
            total_timeout=self.write_total_timeout_ms, socket_timeout=self.socket_timeout_ms,
            max_retries=self.write_max_retries, send_key=self.send_key,
        )
        return assign_fields(policy, fields)

    def batch_policy(self, write: bool) -> Any:
        """The shared client ``BatchPolicy`` of batch reads or writes (do not modify it)."""
        return _batch_policy(self, write)

    def durable_delete(self, strong_consistency: bool) -> bool:
        """Whether deletes are durable by default in a namespace of this consistency mode."""
        return self.durable_delete_sc if strong_consistency else self.durable_delete_ap


Behavior.DEFAULT = Behavior()


def assign_fields(policy: Any, fields: dict[str, Any]) -> Any:
    """``policy`` with each of ``fields`` set on it (client policies take attributes one by one)."""
    for name, value in fields.items():
        setattr(policy, name, value)
    return policy


@functools.lru_cache(maxsize=64)
def _read_policy(behavior: Behavior) -> Any:
    return behavior.read_policy_with()


@functools.lru_cache(maxsize=256)
def _write_policy(behavior: Behavior, action: Any) -> Any:
    return behavior.write_policy_with(**({} if action is None else {"record_exists_action": action}))


@functools.lru_cache(maxsize=64)
def _batch_policy(behavior: Behavior, write: bool) -> Any:
    return an.BatchPolicy.from_fields(
        total_timeout=behavior.write_total_timeout_ms if write else behavior.read_total_timeout_ms,
        socket_timeout=behavior.socket_timeout_ms,
        max_retries=behavior.write_max_retries if write else behavior.read_max_retries,
    )
