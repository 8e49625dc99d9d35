"""A loopback TCP proxy in front of a node that keeps every AS_MSG a client sends through it.

Tests point a client at :attr:`Recorder.address` and then compare what two clients sent for the same
request, byte for byte (the operations of each message, see :func:`operations`).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

from aerolite.wire.message import parse_message

AS_MSG = 3


class Recorder:
    """Forwards loopback connections to ``target`` and records the client-to-node AS_MSG bodies."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.messages: list[bytes] = []
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def close(self) -> None:
        self.listener.close()
        for sock in self.sockets:
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, record: bool) -> None:
        pending = b""
        while True:
            try:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
            except OSError:
                break
            if record:
                pending = self._frames(pending + data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _frames(self, data: bytes) -> bytes:
        while len(data) >= 8:
            size = int.from_bytes(data[2:8], "big")
            if len(data) < 8 + size:
                break
            if data[1] == AS_MSG:
                with self.lock:
                    self.messages.append(data[8:8 + size])
            data = data[8 + size:]
        return data


def operations(body: bytes) -> list[tuple[int, int, str, bytes]]:
    """The operations of an AS_MSG body: (op type, particle type, bin name, value bytes)."""
    return [(op.op_type, op.particle_type, op.name, bytes(op.value)) for op in parse_message(memoryview(body)).ops]


def last_with_operations(recorder: Recorder) -> list[tuple[int, int, str, bytes]]:
    """The operations of the last message the recorder saw that carried any."""
    with recorder.lock:
        bodies: list[Any] = list(recorder.messages)
    for body in reversed(bodies):
        ops = operations(body)
        if ops:
            return ops
    raise AssertionError("no message with operations went through the recorder")
