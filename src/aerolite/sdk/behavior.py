"""``Behavior``: how a session talks to the cluster, turned into the client's policy objects.

A behavior is an immutable bundle of timeouts and defaults; sessions hand it to every command they
build. Only what background jobs and their dry runs need is here. A background submit is never
retried (``max_retries`` 0): resubmitting would start the job twice.
"""

from __future__ import annotations

import dataclasses
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

    def durable_delete(self, strong_consistency: bool) -> bool:
        """Whether deletes are durable by default in a namespace of this consistency mode."""
        return self.durable_delete_sc if strong_consistency else self.durable_delete_ap


Behavior.DEFAULT = Behavior()
