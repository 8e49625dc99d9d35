"""The security (admin) protocol, sans-IO: proto type 2 bodies for login, authentication and user admin.

A body is a 16-byte header — byte 1 the result code (replies), byte 2 the command, byte 3 the number of
fields, the rest zero — followed by fields, each a 4-byte big-endian length (counting the id byte), a
one-byte field id and the data. Lists inside fields use one-byte counts and one-byte lengths:
roles are ``count, (len, name)*``; privileges are ``count, (code[, ns_len, ns, set_len, set])*`` where
only data privileges (code >= 10) carry a scope. Query replies stream one header-plus-fields block per
user or role and end with a block whose result code is QUERY_END (50).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from aerolite.wire.framing import ProtoType, frame

HEADER_SIZE = 16
QUERY_END = 50
_SCOPED_FROM = 10


class AdminCommand(IntEnum):
    """Command byte (byte 2 of the admin header)."""

    AUTHENTICATE = 0
    CREATE_USER = 1
    DROP_USER = 2
    SET_PASSWORD = 3
    CHANGE_PASSWORD = 4
    GRANT_ROLES = 5
    REVOKE_ROLES = 6
    QUERY_USERS = 9
    CREATE_ROLE = 10
    DROP_ROLE = 11
    GRANT_PRIVILEGES = 12
    REVOKE_PRIVILEGES = 13
    SET_WHITELIST = 14
    SET_QUOTAS = 15
    QUERY_ROLES = 16
    LOGIN = 20


class AdminField(IntEnum):
    """Field ids of admin messages."""

    USER = 0
    PASSWORD = 1
    OLD_PASSWORD = 2
    CREDENTIAL = 3
    CLEAR_PASSWORD = 4
    SESSION_TOKEN = 5
    SESSION_TTL = 6
    ROLES = 10
    ROLE = 11
    PRIVILEGES = 12
    WHITELIST = 13
    READ_QUOTA = 14
    WRITE_QUOTA = 15
    READ_INFO = 16
    WRITE_INFO = 17
    CONNECTIONS = 18


class AdminFormatError(ValueError):
    """The body cannot be decoded (truncated or overlong field, bad list inside a field)."""


class UnknownAdminCommandError(AdminFormatError):
    """The command byte names no admin command."""


@dataclass(frozen=True, slots=True)
class AdminRequest:
    """One decoded admin request: its command and its fields by id (unknown ids are kept)."""

    command: AdminCommand
    fields: dict[int, bytes]

    def text(self, field: AdminField) -> str | None:
        """A UTF-8 field, or None when absent."""
        raw = self.fields.get(field)
        if raw is None:
            return None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise AdminFormatError(f"field {field.name} is not UTF-8") from None


@dataclass(frozen=True, slots=True)
class WirePrivilege:
    """A privilege as carried on the wire: a code, and a scope for data privileges ("" = global)."""

    code: int
    namespace: str = ""
    set_name: str = ""


def parse_request(body: memoryview | bytes) -> AdminRequest:
    """Decode an admin body; raises AdminFormatError on anything malformed."""
    view = memoryview(body)
    if len(view) < HEADER_SIZE:
        raise AdminFormatError(f"admin body of {len(view)} bytes is shorter than its 16-byte header")
    try:
        command = AdminCommand(view[2])
    except ValueError:
        raise UnknownAdminCommandError(f"unknown admin command {view[2]}") from None
    count = view[3]
    fields: dict[int, bytes] = {}
    offset = HEADER_SIZE
    for _ in range(count):
        if offset + 5 > len(view):
            raise AdminFormatError("admin field header past the end of the body")
        size = int.from_bytes(view[offset : offset + 4], "big")
        if size < 1 or offset + 4 + size > len(view):
            raise AdminFormatError(f"admin field of length {size} does not fit the body")
        fields[view[offset + 4]] = bytes(view[offset + 5 : offset + 4 + size])
        offset += 4 + size
    if offset != len(view):
        raise AdminFormatError(f"{len(view) - offset} bytes after the last admin field")
    return AdminRequest(command, fields)


class _Reader:
    """Bounds-checked reads of the length-prefixed lists inside one field."""

    __slots__ = ("data", "offset")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def byte(self) -> int:
        if self.offset >= len(self.data):
            raise AdminFormatError("list field ends early")
        value = self.data[self.offset]
        self.offset += 1
        return value

    def short_text(self) -> str:
        size = self.byte()
        end = self.offset + size
        if end > len(self.data):
            raise AdminFormatError("name runs past the end of its field")
        raw = self.data[self.offset : end]
        self.offset = end
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise AdminFormatError("name is not UTF-8") from None

    def finish(self) -> None:
        if self.offset != len(self.data):
            raise AdminFormatError("trailing bytes in a list field")


def decode_roles(data: bytes) -> list[str]:
    """The role names of a ROLES field."""
    reader = _Reader(data)
    names = [reader.short_text() for _ in range(reader.byte())]
    reader.finish()
    return names


def decode_privileges(data: bytes) -> list[WirePrivilege]:
    """The privileges of a PRIVILEGES field."""
    reader = _Reader(data)
    privileges = []
    for _ in range(reader.byte()):
        code = reader.byte()
        if code >= _SCOPED_FROM:
            privileges.append(WirePrivilege(code, reader.short_text(), reader.short_text()))
        else:
            privileges.append(WirePrivilege(code))
    reader.finish()
    return privileges


def decode_whitelist(data: bytes) -> list[str]:
    """The addresses of a WHITELIST field (comma-separated text)."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise AdminFormatError("allowlist is not ASCII text") from None
    return [item.strip() for item in text.split(",") if item.strip()]


def decode_u32(data: bytes) -> int:
    """A 4-byte big-endian unsigned field (quotas)."""
    if len(data) != 4:
        raise AdminFormatError(f"expected a 4-byte number, got {len(data)} bytes")
    return int.from_bytes(data, "big")


def encode_field(field_id: int, data: bytes) -> bytes:
    """One field: length (data + id byte), id, data."""
    return (len(data) + 1).to_bytes(4, "big") + bytes((field_id,)) + data


def encode_block(result: int, fields: Sequence[bytes] = ()) -> bytes:
    """A header (result code and field count) followed by already encoded fields."""
    return bytes((0, result, 0, len(fields))) + bytes(12) + b"".join(fields)


def reply_frame(result: int, fields: Sequence[bytes] = ()) -> bytes:
    """A complete type-2 reply frame."""
    return frame(ProtoType.ADMIN, encode_block(result, fields))


def blocks_frame(blocks: Iterable[bytes]) -> bytes:
    """A query reply: the given blocks, then the QUERY_END block, in one frame."""
    return frame(ProtoType.ADMIN, b"".join([*blocks, encode_block(QUERY_END)]))


def _short(text: str) -> bytes:
    raw = text.encode("utf-8")
    if len(raw) > 255:
        raise ValueError(f"name of {len(raw)} bytes does not fit a one-byte length")
    return bytes((len(raw),)) + raw


def encode_roles(names: Sequence[str]) -> bytes:
    """A ROLES field."""
    return encode_field(AdminField.ROLES, bytes((len(names),)) + b"".join(_short(n) for n in names))


def encode_privileges(privileges: Sequence[WirePrivilege]) -> bytes:
    """A PRIVILEGES field."""
    parts = [bytes((len(privileges),))]
    for p in privileges:
        parts.append(bytes((p.code,)))
        if p.code >= _SCOPED_FROM:
            parts += [_short(p.namespace), _short(p.set_name)]
    return encode_field(AdminField.PRIVILEGES, b"".join(parts))


def encode_u32(field_id: int, value: int) -> bytes:
    """A 4-byte big-endian number field."""
    return encode_field(field_id, value.to_bytes(4, "big"))

