"""Server configuration: where to listen, which namespaces to serve, how to present itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from aerolite.engine.namespace import NamespaceConfig
from aerolite.engine.sizing import parse_size
from aerolite.server.cluster import ClusterLayout, node_name_for
from aerolite.server.security.config import AccessConfig
from aerolite.wire.framing import DEFAULT_MAX_FRAME

BUILD = "8.2.0.0"
"""The build advertised to clients by default; it selects the wire formats they use. 8.2 is the first
build with server-compiled AEL, which aerolite supports (aerospike-sdk refuses string filters below it)."""


@dataclass(frozen=True, slots=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 3000
    namespaces: tuple[NamespaceConfig, ...] = (NamespaceConfig("test"),)
    cluster_name: str = "null"
    max_frame_bytes: int = DEFAULT_MAX_FRAME
    expiry_sweep_seconds: float = 1.0
    data_dir: Path | None = None
    node_id: str = field(default="")
    build: str = BUILD
    job_retention_seconds: float = 3600.0
    """How long finished jobs stay listed by ``query-show``."""
    access: AccessConfig = field(default_factory=AccessConfig)
    """Access control and TLS (both off by default)."""
    cluster_ports: tuple[int, ...] = ()
    """The ports of every node of a local cluster, in order (empty: a single node)."""
    node_index: int = 0
    """This node's place in ``cluster_ports``."""
    cluster_key: bytes = field(default=b"", repr=False)
    """The secret the nodes of a local cluster prove themselves to each other with (``security.peers``)."""
    max_connections: int = 15_000
    """Client connections served at once (a node's ``proto-fd-max``); the ones beyond are closed at once."""
    idle_timeout_seconds: float = 60.0
    """A connection that sends nothing for this long, even in the middle of a frame, is closed (a node's
    ``proto-fd-idle-ms``); 0 keeps idle connections forever. A connection streaming a reply is never idle."""

    def node_name(self) -> str:
        """A stable 15-hex-digit node name (clients drop a node whose name changes)."""
        return self.node_id or node_name_for(self.host, self.port)

    def layout(self) -> ClusterLayout:
        """The cluster this node belongs to (itself alone when no cluster ports are set)."""
        return _layout(self.host, self.cluster_ports or (self.port,), self.node_index if self.cluster_ports else 0)


_layout = lru_cache(maxsize=16)(ClusterLayout)


def parse_namespace_spec(spec: str, data_dir: Path | None, **limits: int) -> NamespaceConfig:
    """``NAME[:memory|:file][:compact][:SIZE]`` (file namespaces live under ``data_dir``; ``compact`` packs
    records; SIZE like ``64M`` or ``4G``); ``limits`` are further ``NamespaceConfig`` fields
    (``stop_writes_used_pct``, ...)."""
    name, *parts = spec.split(":")
    storage = parts.pop(0) if parts and parts[0] in ("memory", "file") else "memory"
    compact = bool(parts) and parts[0] == "compact"
    if compact:
        parts.pop(0)
    if len(parts) > 1 or (parts and not parts[0][:1].isdigit()):
        raise ValueError(f"a namespace is NAME[:memory|:file][:compact][:SIZE] (SIZE like 64M or 4G), not {spec!r}")
    if parts:
        limits["size_bytes"] = parse_size(parts[0])
    if storage == "file" and data_dir is None:
        raise ValueError(f"namespace {name!r} is stored in a file: give --data-dir")
    return NamespaceConfig(name, "file" if storage == "file" else "memory", data_dir, compact=compact, **limits)
