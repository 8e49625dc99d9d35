"""Malformed input over raw sockets: the node drops or answers it the way a real node does, and keeps serving.

Frames are built by hand here (not with aerolite.wire) so that a codec bug cannot hide itself. Every
socket has a timeout and every loop a bound; everything stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from typing import Any

import pytest
from aerospike_native import Key

from aerolite.wire.digest import key_digest
from tests.conftest import ServerProcess

SET = "badinput"
TIMEOUT = 5.0

# --- hand-made frames -----------------------------------------------------------------------------


def proto(ptype: int, body: bytes, *, version: int = 2, length: int | None = None) -> bytes:
    size = len(body) if length is None else length
    return ((version << 56) | (ptype << 48) | size).to_bytes(8, "big") + body


def field(ftype: int, data: bytes) -> bytes:
    return struct.pack(">IB", len(data) + 1, ftype) + data


def op(op_type: int, name: bytes, ptype: int = 0, value: bytes = b"") -> bytes:
    return struct.pack(">IBBBB", 4 + len(name) + len(value), op_type, ptype, 0, len(name)) + name + value


def as_msg(
    info1: int, info2: int, fields: list[bytes], ops: list[bytes], *, n_fields: int | None = None,
    n_ops: int | None = None,
) -> bytes:
    head = struct.pack(
        ">BBBBBBIIIHH", 22, info1, info2, 0, 0, 0, 0, 0, 1000,
        len(fields) if n_fields is None else n_fields, len(ops) if n_ops is None else n_ops,
    )
    return head + b"".join(fields) + b"".join(ops)


def key_fields(user_key: str, ns: bytes = b"test") -> list[bytes]:
    return [field(0, ns), field(1, SET.encode()), field(4, key_digest(SET, user_key))]


def int_value(v: int) -> bytes:
    return v.to_bytes(8, "big", signed=True)


def put(user_key: str, value: int) -> bytes:
    return proto(3, as_msg(0, 0x01, key_fields(user_key), [op(2, b"v", 1, int_value(value))]))


def get(user_key: str) -> bytes:
    return proto(3, as_msg(0x03, 0, key_fields(user_key), []))


def delete(user_key: str) -> bytes:
    return proto(3, as_msg(0, 0x03, key_fields(user_key), []))


# --- raw socket helpers ---------------------------------------------------------------------------


@contextmanager
def connect(server: ServerProcess) -> Iterator[socket.socket]:
    with closing(socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        yield sock


def recv_exact(sock: socket.socket, n: int) -> bytes:
    data = bytearray()
    deadline = time.monotonic() + TIMEOUT
    while len(data) < n:
        assert time.monotonic() < deadline, "timed out reading a reply"
        chunk = sock.recv(n - len(data))
        assert chunk, f"connection closed after {len(data)} of {n} bytes"
        data += chunk
    return bytes(data)


def read_frame(sock: socket.socket) -> tuple[int, bytes]:
    word = int.from_bytes(recv_exact(sock, 8), "big")
    assert word >> 56 == 2
    return (word >> 48) & 0xFF, recv_exact(sock, word & 0xFFFFFFFFFFFF)


class Reply:
    """A decoded single as_msg reply."""

    def __init__(self, body: bytes) -> None:
        (_, self.info1, self.info2, self.info3, _, self.rc, self.generation, self.void_time, _,
         self.n_fields, self.n_ops) = struct.unpack_from(">BBBBBBIIIHH", body)
        self.bins: dict[str, bytes] = {}
        pos = 22
        for _ in range(self.n_fields):
            pos += 4 + int.from_bytes(body[pos : pos + 4], "big")
        for _ in range(self.n_ops):
            size, _, _, _, name_len = struct.unpack_from(">IBBBB", body, pos)
            name = body[pos + 8 : pos + 8 + name_len].decode()
            self.bins[name] = body[pos + 8 + name_len : pos + 4 + size]
            pos += 4 + size


def request(sock: socket.socket, data: bytes) -> Reply:
    sock.sendall(data)
    ptype, body = read_frame(sock)
    assert ptype == 3
    return Reply(body)


def expect_dropped(sock: socket.socket) -> None:
    """The node ends the connection (FIN or RST) without sending a single byte."""
    received = b""
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            chunk = sock.recv(4096)
            if not chunk:
                break
            received += chunk
        else:
            pytest.fail("the connection was not closed")
    except ConnectionResetError:
        pass
    except TimeoutError:
        pytest.fail("the connection was neither answered nor closed")
    assert received == b"", f"unexpected answer {received[:64]!r}"


def assert_still_serving(server: ServerProcess, tag: str) -> None:
    """The process lives and a fresh connection can write and read a record."""
    assert server.process.poll() is None, "the server process died"
    with connect(server) as sock:
        assert request(sock, put(tag, 77)).rc == 0
        reply = request(sock, get(tag))
        assert reply.rc == 0 and reply.bins == {"v": int_value(77)}


# --- connections that must be dropped -------------------------------------------------------------

DROPPED = {
    "http_garbage": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "random_garbage": bytes(range(256)),
    "version_0": proto(3, as_msg(0x03, 0, key_fields("x"), []), version=0),
    "version_1": proto(1, b"build\n", version=1),
    "version_3": proto(3, as_msg(0x03, 0, key_fields("x"), []), version=3),
    "type_9": proto(9, b"\x00" * 22),
    "type_0": proto(0, b""),
    "oversized_200MiB_as_msg": proto(3, b"", length=200 * 1024 * 1024),
    "oversized_2pow40_info": proto(1, b"", length=2**40),
    "oversized_max_48bit": proto(3, b"\x00" * 100, length=2**48 - 1),
}


@pytest.mark.parametrize("name", sorted(DROPPED))
def test_unframeable_input_drops_the_connection(server: ServerProcess, name: str) -> None:
    with connect(server) as sock:
        sock.sendall(DROPPED[name])
        expect_dropped(sock)
    assert_still_serving(server, f"after-{name}")


def test_bad_frame_does_not_disturb_other_open_connections(server: ServerProcess) -> None:
    with connect(server) as good, connect(server) as bad:
        assert request(good, put("neighbour", 1)).rc == 0
        bad.sendall(DROPPED["version_1"])
        expect_dropped(bad)
        reply = request(good, get("neighbour"))
        assert reply.rc == 0 and reply.bins == {"v": int_value(1)}


def test_answered_frame_before_a_bad_header_in_the_same_write(server: ServerProcess) -> None:
    """A node reads frame by frame: the valid get is answered, then the bad version resets."""
    with connect(server) as sock:
        assert request(sock, put("before-bad", 5)).rc == 0
    with connect(server) as sock:
        sock.sendall(get("before-bad") + proto(3, b"\x00" * 22, version=1))
        ptype, body = read_frame(sock)
        assert ptype == 3 and Reply(body).bins == {"v": int_value(5)}
        expect_dropped(sock)


# --- malformed messages answered with an error, connection kept -----------------------------------

GOOD_WRITE_OP = op(2, b"v", 1, int_value(1))
ANSWERED = {
    "empty_body": (proto(3, b""), 4),
    "ten_byte_body": (proto(3, b"\x16" + b"\x00" * 9), 4),
    "field_count_past_end": (proto(3, as_msg(0x03, 0, [field(0, b"test")], [], n_fields=3)), 4),
    "field_runs_past_end": (proto(3, as_msg(0x03, 0, key_fields("m"), [])[:-6]), 4),
    "op_count_past_end": (proto(3, as_msg(0, 1, key_fields("m"), [GOOD_WRITE_OP], n_ops=3)), 4),
    "op_runs_past_end": (proto(3, as_msg(0, 1, key_fields("m"), [GOOD_WRITE_OP])[:-3]), 4),
    "unknown_particle_type": (proto(3, as_msg(0, 1, key_fields("m"), [op(2, b"v", 99, b"xx")])), 4),
    "unknown_op_type_on_write": (proto(3, as_msg(0, 1, key_fields("m"), [op(99, b"v", 1, int_value(1))])), 4),
    "write_without_ops": (proto(3, as_msg(0, 1, key_fields("m"), [])), 4),
    "no_read_or_write_flag": (proto(3, as_msg(0, 0, key_fields("m"), [])), 4),
    "ten_byte_digest": (proto(3, as_msg(0x03, 0, [field(0, b"test"), field(4, b"\x01" * 10)], [])), 4),
    "missing_namespace": (proto(3, as_msg(0x03, 0, key_fields("m")[1:], [])), 20),
    "unknown_namespace": (proto(3, as_msg(0x03, 0, key_fields("m", b"nope"), [])), 20),
    "sixteen_byte_bin_name": (proto(3, as_msg(0, 1, key_fields("m"), [op(2, b"b" * 16, 1, int_value(1))])), 21),
}


@pytest.mark.parametrize("name", sorted(ANSWERED))
def test_malformed_message_is_answered_and_the_connection_stays_usable(server: ServerProcess, name: str) -> None:
    data, rc = ANSWERED[name]
    with connect(server) as sock:
        sock.sendall(delete("m"))
        read_frame(sock)
        reply = request(sock, data)
        assert reply.rc == rc
        assert reply.n_ops == 0
        # The same connection goes on working, and the broken request wrote nothing.
        assert request(sock, get("m")).rc == 2
        assert request(sock, put("m", 3)).rc == 0
        assert request(sock, get("m")).bins == {"v": int_value(3)}


@pytest.mark.parametrize(
    ("ptype", "value"),
    [
        (1, b"\x00\x00\x00"),  # 3-byte integer
        (2, b"\x00" * 4),  # 4-byte double
        (17, b"\x01\x01"),  # 2-byte bool
        (20, b"\x93\x01"),  # list of 3 with 1 element
        (20, b"\xc1"),  # never-used msgpack byte
        (19, b"\x81\xa2\x03k"),  # map entry without a value
    ],
)
def test_bad_particle_is_a_parameter_error_and_writes_nothing(server: ServerProcess, ptype: int, value: bytes) -> None:
    with connect(server) as sock:
        request(sock, delete("particle"))
        ops = [op(2, b"ok", 1, int_value(1)), op(2, b"bad", ptype, value)]
        reply = request(sock, proto(3, as_msg(0, 1, key_fields("particle"), ops)))
        assert reply.rc == 4
        assert request(sock, get("particle")).rc == 2, "the good op of a rejected write was applied"


def test_integer_of_four_bytes_is_accepted_and_read_back_as_eight(server: ServerProcess) -> None:
    with connect(server) as sock:
        write = proto(3, as_msg(0, 1, key_fields("short-int"), [op(2, b"v", 1, b"\x00\x00\x01\x00")]))
        assert request(sock, write).rc == 0
        assert request(sock, get("short-int")).bins == {"v": int_value(256)}


# --- framing edge cases ---------------------------------------------------------------------------


def test_frame_split_into_single_bytes_is_answered_once(server: ServerProcess) -> None:
    with connect(server) as sock:
        assert request(sock, put("split", 9)).rc == 0
        data = get("split")
        for i in range(len(data)):
            sock.sendall(data[i : i + 1])
            time.sleep(0.001)
        ptype, body = read_frame(sock)
        assert ptype == 3 and Reply(body).bins == {"v": int_value(9)}
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            sock.recv(1)


def test_several_frames_in_one_write_are_answered_in_order(server: ServerProcess) -> None:
    with connect(server) as sock:
        info = proto(1, b"namespaces\n")
        sock.sendall(put("pipelined", 1) + get("pipelined") + info + put("pipelined", 2) + get("pipelined"))
        replies = [read_frame(sock) for _ in range(5)]
        assert [t for t, _ in replies] == [3, 3, 1, 3, 3]
        assert Reply(replies[0][1]).rc == 0
        assert Reply(replies[1][1]).bins == {"v": int_value(1)}
        assert replies[2][1].startswith(b"namespaces\t") and b"test" in replies[2][1]
        assert Reply(replies[4][1]).bins == {"v": int_value(2)} and Reply(replies[4][1]).generation == 2


def test_abandoned_partial_frames_do_not_block_others(server: ServerProcess) -> None:
    socks: list[socket.socket] = []
    try:
        for i in range(20):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT)
            socks.append(s)
            whole = put(f"partial-{i}", i)
            s.sendall(whole[: 3 + i * 3])  # part of a header, or a header and part of a body
        assert_still_serving(server, "partial-neighbour")
        socks[0].close()
        socks[1].shutdown(socket.SHUT_WR)
        assert_still_serving(server, "partial-neighbour-2")
    finally:
        for s in socks:
            s.close()
    with connect(server) as sock:
        assert request(sock, get("partial-5")).rc == 2  # half-sent writes were never applied


def test_security_and_compressed_frames_are_refused_politely(server: ServerProcess) -> None:
    with connect(server) as sock:
        sock.sendall(proto(2, b"\x00" * 16))
        ptype, body = read_frame(sock)
        assert ptype == 2 and body[1] == 51
        sock.sendall(proto(4, b"\x00\x00\x00\x00\x00\x00\x00\x10garbage-not-zlib"))
        ptype, body = read_frame(sock)
        assert ptype == 3 and Reply(body).rc in (4, 25)
        assert request(sock, put("after-security", 1)).rc == 0


# --- many connections at once ---------------------------------------------------------------------

MALFORMED_KINDS: list[tuple[bytes, bool]] = [
    (DROPPED["http_garbage"], True),
    (DROPPED["version_1"], True),
    (DROPPED["type_9"], True),
    (DROPPED["oversized_200MiB_as_msg"], True),
    (ANSWERED["field_count_past_end"][0], False),
    (ANSWERED["unknown_particle_type"][0], False),
    (ANSWERED["ten_byte_body"][0], False),
    (put("conc", 1)[:20], False),  # half a frame, then the client goes away
]


async def poke(port: int, index: int) -> str:
    data, dropped = MALFORMED_KINDS[index % len(MALFORMED_KINDS)]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        if dropped:
            try:
                got = await asyncio.wait_for(reader.read(4096), TIMEOUT)
            except ConnectionResetError:
                got = b""
            return "dropped" if got == b"" else f"answered {got[:16]!r}"
        if data[1] == 3 and len(data) - 8 == int.from_bytes(data[2:8], "big"):
            head = await asyncio.wait_for(reader.readexactly(8), TIMEOUT)
            body = await asyncio.wait_for(reader.readexactly(int.from_bytes(head[2:8], "big")), TIMEOUT)
            return f"rc {body[5]}"
        return "abandoned"
    finally:
        writer.close()
        with suppress(ConnectionError, TimeoutError):
            await asyncio.wait_for(writer.wait_closed(), TIMEOUT)


async def test_200_concurrent_malformed_connections(server: ServerProcess, client: Any) -> None:
    outcomes = await asyncio.wait_for(
        asyncio.gather(*(poke(server.port, i) for i in range(200)), return_exceptions=True), 60
    )
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert not errors, f"{len(errors)} connections failed, e.g. {errors[0]!r}"
    counts: dict[str, int] = {}
    for outcome in outcomes:
        assert isinstance(outcome, str)
        counts[outcome] = counts.get(outcome, 0) + 1
    assert counts == {"dropped": 100, "rc 4": 75, "abandoned": 25}
    assert server.process.poll() is None
    k = Key("test", SET, "after-storm")
    await client.put(k, {"ok": 1})
    rec = await client.get(k)
    assert rec.bins == {"ok": 1}


def test_foreground_query_with_a_write_operation_is_a_parameter_error(server: ServerProcess) -> None:
    query = as_msg(0x01, 0, [field(0, b"test"), field(1, SET.encode()), field(7, (77).to_bytes(8, "big"))],
                   [op(2, b"v", 1, int_value(1))])
    with connect(server) as sock:
        reply = request(sock, proto(3, query))
        assert (reply.rc, reply.info3 & 0x01) == (4, 1)
    assert_still_serving(server, "query-write-op")
