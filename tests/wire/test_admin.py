"""The admin codec: requests as the clients lay them out, malformed bodies, the list fields, replies."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aerolite.wire.admin import (
    AdminCommand,
    AdminField,
    AdminFormatError,
    UnknownAdminCommandError,
    WirePrivilege,
    blocks_frame,
    decode_privileges,
    decode_roles,
    decode_u32,
    decode_whitelist,
    encode_privileges,
    encode_roles,
    parse_request,
    reply_frame,
)


def field(field_id: int, data: bytes) -> bytes:
    return struct.pack(">IB", len(data) + 1, field_id) + data


def body(command: int, *fields: bytes) -> bytes:
    return bytes((0, 0, command, len(fields))) + bytes(12) + b"".join(fields)


def test_create_user_request() -> None:
    roles = bytes((2, 4)) + b"read" + bytes((5,)) + b"write"
    request = parse_request(body(1, field(0, b"ann"), field(1, b"$2a$10$hash"), field(10, roles)))
    assert request.command is AdminCommand.CREATE_USER
    assert request.text(AdminField.USER) == "ann"
    assert request.fields[AdminField.PASSWORD] == b"$2a$10$hash"
    assert decode_roles(request.fields[AdminField.ROLES]) == ["read", "write"]


def test_privileges_carry_a_scope_only_for_data_codes() -> None:
    data = bytes((3, 0, 10, 4)) + b"test" + bytes((1,)) + b"s" + bytes((13, 0, 0))
    assert decode_privileges(data) == [WirePrivilege(0), WirePrivilege(10, "test", "s"), WirePrivilege(13)]


@pytest.mark.parametrize(("raw", "problem"), [
    (b"\x00" * 15, "shorter than its 16-byte header"),
    (body(99), "unknown admin command 99"),  # UnknownAdminCommandError: answered INVALID_COMMAND
    (body(0)[:3] + b"\x01" + bytes(12), "past the end"),
    (body(0, field(0, b"abc"))[:-1], "does not fit"),
    (body(0) + b"x", "after the last admin field"),
    (bytes((0, 0, 0, 1)) + bytes(12) + struct.pack(">IB", 0, 0), "length 0"),
])
def test_malformed_bodies_name_the_problem(raw: bytes, problem: str) -> None:
    with pytest.raises(AdminFormatError, match=problem):
        parse_request(raw)


@pytest.mark.parametrize("data", [b"", bytes((2, 1)) + b"a", bytes((1, 200)) + b"x", bytes((1, 1, 0xFF))])
def test_malformed_role_lists(data: bytes) -> None:
    with pytest.raises(AdminFormatError):
        decode_roles(data)


def test_unknown_command_is_its_own_error() -> None:
    with pytest.raises(UnknownAdminCommandError):
        parse_request(body(7))


def test_small_fields() -> None:
    assert decode_whitelist(b"10.0.0.1, 127.0.0.0/8,,") == ["10.0.0.1", "127.0.0.0/8"]
    assert decode_u32(b"\x00\x00\x01\x00") == 256
    with pytest.raises(AdminFormatError):
        decode_u32(b"\x01")


@given(st.lists(st.text(max_size=20), max_size=6))
def test_roles_round_trip(names: list[str]) -> None:
    encoded = encode_roles(names)
    assert decode_roles(encoded[5:]) == names


@given(st.lists(st.sampled_from([0, 1, 2, 3, 4, 10, 11, 12, 13, 14]), max_size=6), st.text(max_size=10))
def test_privileges_round_trip(codes: list[int], namespace: str) -> None:
    privileges = [WirePrivilege(c, namespace, "s") if c >= 10 else WirePrivilege(c) for c in codes]
    assert decode_privileges(encode_privileges(privileges)[5:]) == privileges


def test_replies() -> None:
    assert reply_frame(65) == struct.pack(">Q", (2 << 56) | (2 << 48) | 16) + bytes((0, 65)) + bytes(14)
    frame = blocks_frame([bytes((0, 0, 0, 0)) + bytes(12)])
    assert frame[8:] == bytes(16) + bytes((0, 50)) + bytes(14)
