"""Admin (proto type 2) frames built by hand, for checks no client API reaches (expired tokens, fuzzing).

Independent of aerolite's own codec on purpose: the layout is written here from the protocol notes.
"""

from __future__ import annotations

import socket
import struct

import bcrypt

LOGIN, AUTHENTICATE = 20, 0
USER, CREDENTIAL, SESSION_TOKEN, SESSION_TTL = 0, 3, 5, 6


def field(field_id: int, data: bytes) -> bytes:
    return struct.pack(">IB", len(data) + 1, field_id) + data


def admin_frame(command: int, *fields: bytes) -> bytes:
    return framed(bytes((0, 0, command, len(fields))) + bytes(12) + b"".join(fields))


def framed(body: bytes) -> bytes:
    """A type-2 frame around any body."""
    return struct.pack(">Q", (2 << 56) | (2 << 48) | len(body)) + body


def info_frame(*commands: str) -> bytes:
    body = "".join(f"{c}\n" for c in commands).encode()
    return struct.pack(">Q", (2 << 56) | (1 << 48) | len(body)) + body


def credential(password: str) -> bytes:
    return bytes(bcrypt.hashpw(password.encode(), b"$2a$10$7EqJtq98hPqEX7fNZaFWoO"))


def read_frame(sock: socket.socket) -> tuple[int, bytes]:
    """(proto type, body) of the next frame; ConnectionError when the node closed the connection."""
    header = _read_exactly(sock, 8)
    (word,) = struct.unpack(">Q", header)
    return (word >> 48) & 0xFF, _read_exactly(sock, word & 0xFFFFFFFFFFFF)


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("closed by the node")
        data += chunk
    return data


def reply_fields(body: bytes) -> dict[int, bytes]:
    """The fields of an admin reply body."""
    fields, offset = {}, 16
    for _ in range(body[3]):
        size, field_id = struct.unpack_from(">IB", body, offset)
        fields[field_id] = body[offset + 5 : offset + 4 + size]
        offset += 4 + size
    return fields


def exchange(sock: socket.socket, request: bytes) -> bytes:
    """Send one admin frame and return the reply body."""
    sock.sendall(request)
    return read_frame(sock)[1]


def login_frame(user: str, password: str) -> bytes:
    return admin_frame(LOGIN, field(USER, user.encode()), field(CREDENTIAL, credential(password)))


def login_code(port: int, user: str, password: str) -> int:
    """The result code of a login to the node on ``port`` alone (0: logged in)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        return exchange(sock, login_frame(user, password))[1]


def info_as(port: int, user: str, password: str, *commands: str) -> dict[str, str]:
    """Info values from the node on ``port`` alone, asked on a connection logged in as ``user``."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        assert exchange(sock, login_frame(user, password))[1] == 0
        sock.sendall(info_frame(*commands))
        _, body = read_frame(sock)
    return dict(line.split("\t", 1) for line in body.decode().splitlines())


CREATE_USER, DROP_USER = 1, 2
PASSWORD, ROLES = 1, 10


def create_user_frame(user: str, password: str, roles: list[str]) -> bytes:
    listed = bytes((len(roles),)) + b"".join(bytes((len(r),)) + r.encode() for r in roles)
    return admin_frame(CREATE_USER, field(USER, user.encode()), field(PASSWORD, credential(password)),
                       field(ROLES, listed))


def drop_user_frame(user: str) -> bytes:
    return admin_frame(DROP_USER, field(USER, user.encode()))


def admin_as(port: int, user: str, password: str, *frames: bytes) -> list[int]:
    """The result codes of admin ``frames`` sent to the node on ``port`` alone, logged in as ``user``."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        assert exchange(sock, login_frame(user, password))[1] == 0
        return [exchange(sock, request)[1] for request in frames]
