"""What a cluster shares with its sessions: the client, a behavior, and whether it is still open."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from aerolite.sdk.behavior import Behavior


class Lifecycle:
    """One open/closed flag shared by a cluster and every session made from it."""

    __slots__ = ("open",)

    def __init__(self) -> None:
        self.open = True


@dataclass(frozen=True, slots=True)
class SessionState:
    """The client and behavior a session's commands run with."""

    client: Any
    behavior: Behavior
    seeds: str
    lifecycle: Lifecycle = field(default_factory=Lifecycle)

    def checked(self) -> SessionState:
        """This state, or ``RuntimeError`` if its cluster was closed."""
        if not self.lifecycle.open:
            raise RuntimeError("this cluster is closed: connect again with ClusterDefinition(...).connect()")
        return self

    def with_behavior(self, behavior: Behavior) -> SessionState:
        """The same connection under another behavior."""
        if not isinstance(behavior, Behavior):
            raise TypeError(f"create_session() takes a Behavior (e.g. Behavior.DEFAULT), not {type(behavior).__name__}")
        return dataclasses.replace(self, behavior=behavior)

    def close(self) -> bool:
        """Mark closed; True if it was open (so closing twice does the work once)."""
        was_open, self.lifecycle.open = self.lifecycle.open, False
        return was_open
