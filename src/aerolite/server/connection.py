"""One client connection: frames in, replies out, strictly in order.

Framing violations end the connection the way a node ends it (a reset for a bad version or type,
a plain close for an oversized frame); everything else is answered and the connection stays usable.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
from typing import cast

from aerolite.result_codes import ResultCode
from aerolite.server import info_commands
from aerolite.server.dispatch import Dispatcher
from aerolite.server.info_commands import InfoContext
from aerolite.wire.framing import FrameBuffer, FramingError, ProtoType, frame
from aerolite.wire.info import encode_reply, split_commands
from aerolite.wire.message import error_frame

log = logging.getLogger("aerolite.server")

_SECURITY_NOT_SUPPORTED = frame(ProtoType.ADMIN, bytes((0, ResultCode.SECURITY_NOT_SUPPORTED)) + bytes(14))
_ENTERPRISE_ONLY = error_frame(ResultCode.ENTERPRISE_ONLY)


class NodeProtocol(asyncio.Protocol):
    """Serves one connection."""

    def __init__(self, dispatcher: Dispatcher, info: InfoContext, max_frame: int) -> None:
        self.dispatcher = dispatcher
        self.info = info
        self.buffer = FrameBuffer(max_frame)
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        transport = self.transport
        assert transport is not None
        try:
            frames = self.buffer.feed(data)
        except FramingError as exc:
            log.info("closing connection: %s", exc)
            if exc.reset:
                self._reset(transport)
            else:
                transport.close()
            return
        if not frames:
            return
        replies = [self._answer(ptype, body) for ptype, body in frames]
        transport.write(replies[0] if len(replies) == 1 else b"".join(replies))

    def _answer(self, ptype: int, body: memoryview) -> bytes:
        if ptype == ProtoType.MESSAGE:
            return self.dispatcher.handle(body)
        if ptype == ProtoType.INFO:
            return self._answer_info(body)
        if ptype == ProtoType.ADMIN:
            return _SECURITY_NOT_SUPPORTED
        return _ENTERPRISE_ONLY

    def _answer_info(self, body: memoryview) -> bytes:
        if not body:
            return encode_reply(info_commands.summary(self.info))
        commands = split_commands(body)
        return encode_reply([(cmd, info_commands.answer(self.info, cmd)) for cmd in commands])

    @staticmethod
    def _reset(transport: asyncio.Transport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
