"""Malformed admin messages get an error reply (never a hang or a crash), and the node keeps serving.

Bodies are random bytes, or a plausible header (any command, any field count) over random fields,
sent on a connection before login and on one logged in as ``admin`` (so the user-admin commands run).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import aerospike_native as an
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ServerProcess
from tests.e2e import raw_admin as raw
from tests.e2e.security_helpers import ADMIN_PASSWORD, login, start_secure_server

_fields = st.lists(st.tuples(st.integers(0, 20), st.binary(max_size=40)), max_size=5)


@st.composite
def bodies(draw: st.DrawFn) -> bytes:
    if draw(st.booleans()):
        return draw(st.binary(max_size=120))
    fields = b"".join(raw.field(i, data) for i, data in draw(_fields))
    if draw(st.booleans()) and fields:
        fields = fields[: draw(st.integers(0, len(fields) - 1))]  # cut inside a field
    header = bytes((0, 0, draw(st.integers(0, 25)), draw(st.integers(0, 8)))) + bytes(12)
    return header + fields


class Peer:
    """A raw connection that reconnects (and logs in again) when the node closes it."""

    def __init__(self, port: int, logged_in: bool) -> None:
        self.port = port
        self.logged_in = logged_in
        self.sock = self._open()
        self.closes = 0

    def _open(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        if self.logged_in:
            reply = raw.exchange(sock, raw.admin_frame(raw.LOGIN, raw.field(raw.USER, b"admin"),
                                                       raw.field(raw.CREDENTIAL, raw.credential(ADMIN_PASSWORD))))
            assert reply[1] == 0
        return sock

    def send(self, body: bytes) -> int | None:
        """The result code of the reply, or None when the node closed the connection."""
        self.sock.sendall(raw.framed(body))
        try:
            ptype, reply = raw.read_frame(self.sock)
        except (ConnectionError, OSError):
            self.sock.close()
            self.closes += 1
            self.sock = self._open()
            return None
        assert ptype == 2 and len(reply) >= 16
        return reply[1]


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data_dir: Path = tmp_path_factory.mktemp("fuzz")
    proc = start_secure_server(data_dir)
    yield proc
    proc.stop()


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "admin"])
def test_malformed_admin_messages(node: ServerProcess, logged_in: bool) -> None:
    peer = Peer(node.port, logged_in)
    codes: list[int | None] = []

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(bodies())
    def one(body: bytes) -> None:
        codes.append(peer.send(body))

    one()
    peer.sock.close()
    assert node.process.poll() is None
    assert any(code not in (None, 0) for code in codes)
    client = login(node.address, "admin", ADMIN_PASSWORD)
    try:
        client.put_blocking(an.Key("test", "fuzz", 1), {"v": 1})
        assert client.get_blocking(an.Key("test", "fuzz", 1)).bins == {"v": 1}
        assert "admin" in {u.user for u in client.query_users_blocking()}
    finally:
        client.close_blocking()
