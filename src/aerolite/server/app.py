"""The server process: binds the listener, owns the engine, sweeps expired records.

``Server`` can run inside any asyncio loop (tests, the embedded starter); ``run`` is the blocking
entry point used by ``aerolite serve`` and prefers uvloop when it is installed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import replace

from aerolite.engine.engine import Engine
from aerolite.engine.jobs import Job
from aerolite.server import info_commands
from aerolite.server.config import ServerConfig
from aerolite.server.connection import Connections, NodeProtocol
from aerolite.server.dispatch import Dispatcher
from aerolite.server.gc_policy import CollectorPolicy
from aerolite.server.info_commands import InfoContext
from aerolite.server.job_runner import run_job
from aerolite.server.metadata import MetadataRelay
from aerolite.server.security.peers import PeerKey, new_key
from aerolite.server.security.startup import open_peer_tls, open_security, open_tls

log = logging.getLogger("aerolite.server")

LISTEN_BACKLOG = 4096
"""Pending connections the kernel queues (it caps this at net.core.somaxconn): a client opening
hundreds of connections at once must not see SYNs dropped and retried a second later."""


class Server:
    """An aerolite node: one engine behind one TCP listener."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        layout = config.layout()
        # Without the supervisor's key (a node started by hand), no peer trusts this node.
        peers = PeerKey(config.cluster_key or new_key()) if layout.size > 1 else None
        self.security = open_security(config.access, config.data_dir, peers)
        self.tls = open_tls(config.access)
        self.engine = Engine(config.namespaces, config.data_dir / "udf" if config.data_dir else None)
        self.engine.jobs.retention = config.job_retention_seconds
        self.dispatcher = Dispatcher(self.engine, start_job=self._start_job)
        self._job_tasks: set[asyncio.Task[None]] = set()
        self.info = InfoContext(self.engine, config, start_background=self._start_background, security=self.security)
        if peers is not None:
            self.dispatcher.owned = layout.owned
            self.info.relay = MetadataRelay(config.host, layout.peer_ports(), peers, open_peer_tls(config.access))
        self.connections = Connections(config.max_connections, config.idle_timeout_seconds)
        self._server: asyncio.Server | None = None
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self) -> int:
        """Start listening; returns the bound port (useful with port 0)."""
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: NodeProtocol(self.dispatcher, self.info, self.config.max_frame_bytes, self.connections,
                                 self.security),
            self.config.host,
            self.config.port,
            reuse_address=True,
            backlog=LISTEN_BACKLOG,
            ssl=self.tls,
        )
        port = int(self._server.sockets[0].getsockname()[1])
        if port != self.config.port:
            self.config = replace(self.config, port=port)
            self.info.config = self.config
        self._sweeper = asyncio.create_task(self._sweep_forever())
        if self.info.relay is not None:
            for command in await self.info.relay.join():
                info_commands.apply_from_peer(self.info, command)
        log.info("aerolite listening on %s:%d, namespaces %s", self.config.host, port, ", ".join(self.engine.namespaces))
        return port

    def _start_job(self, job: Job) -> None:
        self._track(asyncio.get_running_loop().create_task(run_job(job)))

    def _start_background(self, step: Callable[[], bool]) -> None:
        """Run ``step`` repeatedly, yielding to the loop between calls, until it returns True."""
        async def drive() -> None:
            while not step():
                await asyncio.sleep(0)
        self._track(asyncio.get_running_loop().create_task(drive()))

    def _track(self, task: asyncio.Task[None]) -> None:
        self._job_tasks.add(task)
        task.add_done_callback(self._job_tasks.discard)

    async def _sweep_forever(self) -> None:
        collector = CollectorPolicy()
        collector.tick()
        while True:
            await asyncio.sleep(self.config.expiry_sweep_seconds)
            collector.tick()
            self.connections.reap()
            removed = self.engine.sweep_expired()
            if removed:
                log.debug("expired %d records", removed)
            for ns in self.engine.namespaces.values():
                ns.compact_if_worthwhile()

    async def stop(self) -> None:
        for task in list(self._job_tasks):
            task.cancel()
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        self.engine.close()


async def serve(config: ServerConfig, on_listening: Callable[[int], None] | None = None) -> None:
    """Run a server until SIGINT or SIGTERM; ``on_listening`` gets the bound port."""
    server = Server(config)
    port = await server.start()
    if on_listening is not None:
        on_listening(port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop()


def run(config: ServerConfig, on_listening: Callable[[int], None] | None = None) -> None:
    """Blocking entry point; uses uvloop when available."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(config, on_listening))
    else:
        uvloop.run(serve(config, on_listening))
