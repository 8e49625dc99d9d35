"""One client connection: frames in, replies out, strictly in order.

Most requests are answered synchronously inside ``data_received``. A query answer is a stream; while
it is being written (respecting the transport's flow control) later frames of the same connection
wait their turn. Framing violations end the connection the way a node ends it (a reset for a bad
version or type, a plain close for an oversized frame); everything else is answered and the
connection stays usable. Each connection notes when it last received bytes, so that the server can
close the ones that went silent (``Connections``), and registers itself there while open.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable
from typing import cast

from aerolite.result_codes import ResultCode
from aerolite.server import info_commands
from aerolite.server.dispatch import Answer, Dispatcher
from aerolite.server.info_commands import InfoContext
from aerolite.server.metadata import is_cluster_wide
from aerolite.server.security import replication
from aerolite.server.security.guard import Guard, Security
from aerolite.wire.framing import FrameBuffer, FramingError, ProtoType, frame
from aerolite.wire.info import encode_reply, split_commands
from aerolite.wire.message import error_frame

log = logging.getLogger("aerolite.server")

_SECURITY_NOT_SUPPORTED = frame(ProtoType.ADMIN, bytes((0, ResultCode.SECURITY_NOT_SUPPORTED)) + bytes(14))
_ENTERPRISE_ONLY = error_frame(ResultCode.ENTERPRISE_ONLY)
_SUMMARY_REQUEST = memoryview("".join(f"{name}\n" for name in info_commands.SUMMARY).encode())


class Connections:
    """The open connections of a server: at most ``limit`` at once, the silent ones closed on ``reap``."""

    def __init__(self, limit: int, idle_timeout: float) -> None:
        self.limit = limit
        self.idle_timeout = idle_timeout
        self.open: set[NodeProtocol] = set()
        self.refused = 0
        self.reaped = 0

    def admit(self, conn: NodeProtocol) -> bool:
        if len(self.open) >= self.limit:
            self.refused += 1
            return False
        self.open.add(conn)
        return True

    def reap(self) -> None:
        """Close every connection silent for longer than the idle timeout (none when it is 0)."""
        if self.idle_timeout <= 0:
            return
        cutoff = time.monotonic() - self.idle_timeout
        for conn in [c for c in self.open if c.last_received < cutoff and c.streaming is None]:
            log.info("closing connection from %s: idle for more than %g s", conn.peer, self.idle_timeout)
            self.reaped += 1
            conn.close()


class NodeProtocol(asyncio.Protocol):
    """Serves one connection."""

    def __init__(self, dispatcher: Dispatcher, info: InfoContext, max_frame: int, connections: Connections,
                 security: Security | None = None) -> None:
        self.security = security
        self.guard: Guard | None = None
        self.dispatcher = dispatcher
        self.info = info
        self.buffer = FrameBuffer(max_frame)
        self.connections = connections
        self.last_received = time.monotonic()
        self.transport: asyncio.Transport | None = None
        self.peer = ""
        self._pending: deque[tuple[int, memoryview]] = deque()
        self._streaming: asyncio.Task[None] | None = None
        self._writable = asyncio.Event()
        self._writable.set()

    @property
    def streaming(self) -> asyncio.Task[None] | None:
        return self._streaming

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        if not self.connections.admit(self):
            transport.close()
            return
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple) and len(peer) >= 2:
            self.peer = f"{peer[0]}:{peer[1]}"
        if self.security is not None:
            self.guard = self.security.guard(str(peer[0]) if isinstance(peer, tuple) else "")

    def connection_lost(self, exc: Exception | None) -> None:
        self.connections.open.discard(self)
        if self._streaming is not None:
            self._streaming.cancel()
        self._writable.set()

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    def data_received(self, data: bytes) -> None:
        transport = self.transport
        assert transport is not None
        self.last_received = time.monotonic()
        try:
            frames = self.buffer.feed(data)
        except FramingError as exc:
            self._drop(transport, exc)
            return
        if self._streaming is not None:
            self._pending.extend(frames)
        else:
            self._answer_frames(frames)
        if self.buffer.error is not None:
            self._drop(transport, self.buffer.error)

    def _drop(self, transport: asyncio.Transport, exc: FramingError) -> None:
        log.info("closing connection from %s: %s", self.peer, exc)
        if exc.reset:
            self._reset(transport)
        else:
            transport.close()

    async def _send_stream(self, before: list[bytes], stream: AsyncIterator[bytes]) -> None:
        transport = self.transport
        assert transport is not None
        try:
            if before:
                transport.write(b"".join(before))
            async for chunk in stream:
                if transport.is_closing():
                    return
                transport.write(chunk)
                await self._writable.wait()
        except Exception:
            # A defect while streaming: the reply is broken, so end the connection rather than hang it.
            log.exception("query stream to %s failed inside the node", self.peer)
            transport.close()
            return
        finally:
            self._streaming = None
        if self._pending and not transport.is_closing():
            pending = list(self._pending)
            self._pending.clear()
            self._answer_frames(pending)

    def _answer_frames(self, frames: list[tuple[int, memoryview]]) -> None:
        assert self.transport is not None
        replies: list[bytes] = []
        for index, (ptype, body) in enumerate(frames):
            answer = self._answer(ptype, body)
            if isinstance(answer, bytes):
                replies.append(answer)
                continue
            self._pending.extend(frames[index + 1 :])
            self._streaming = asyncio.ensure_future(self._send_stream(replies, answer))
            return
        if replies:
            self.transport.write(replies[0] if len(replies) == 1 else b"".join(replies))

    def _answer(self, ptype: int, body: memoryview) -> Answer:
        if ptype == ProtoType.MESSAGE:
            return self.dispatcher.handle(body, self.peer, self.guard)
        if ptype == ProtoType.INFO:  # with access control the summary is asked for by name, so it is checked
            return self._answer_info(body if body or self.guard is None else _SUMMARY_REQUEST)
        if ptype == ProtoType.ADMIN:
            return _SECURITY_NOT_SUPPORTED if self.guard is None else self._answer_admin(body)
        return _ENTERPRISE_ONLY

    def _answer_admin(self, body: memoryview) -> Answer:
        assert self.guard is not None and self.security is not None
        reply = self.guard.admin(body)
        changes = self.security.store.take_changes()
        relay = self.info.relay
        if relay is not None and changes is not None:
            # Users and roles are cluster-wide: answer once every peer holds the change too.
            return _after(relay.broadcast([replication.sync_command(changes)]), reply)
        return reply

    def _answer_info(self, body: memoryview) -> Answer:
        if not body:
            return encode_reply(info_commands.summary(self.info))
        commands = split_commands(body)
        guard = self.guard
        answers = [(cmd, (guard and guard.info_refusal(cmd)) or info_commands.answer(self.info, cmd))
                   for cmd in commands]
        relay = self.info.relay
        shared = [cmd for cmd, value in answers if value == "ok" and is_cluster_wide(cmd)] if relay else []
        if relay is not None and shared:
            # Cluster-wide metadata: answer once every peer has it too.
            return _after(relay.broadcast(shared), encode_reply(answers))
        return encode_reply(answers)

    @staticmethod
    def _reset(transport: asyncio.Transport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()


_RELAYING: set[asyncio.Future[None]] = set()
"""Broadcasts to peers still running for a client that has gone (held here so they finish)."""


async def _after(work: Awaitable[None], reply: bytes) -> AsyncIterator[bytes]:
    """``reply`` once ``work`` (a broadcast to the peers) is done; a client that leaves first does not stop it."""
    task = asyncio.ensure_future(work)
    _RELAYING.add(task)
    task.add_done_callback(_RELAYING.discard)
    await asyncio.shield(task)
    yield reply
