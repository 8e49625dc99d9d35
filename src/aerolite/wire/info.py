"""The info protocol: newline-separated text commands, answered ``<command>\\t<value>\\n`` in order.

Only terminated commands are answered; an empty request asks for the summary of every name.
"""

from __future__ import annotations

from aerolite.wire.framing import ProtoType, frame


def split_commands(body: bytes | memoryview) -> list[str]:
    """The commands of an info request, in order; a final unterminated command is dropped."""
    text = bytes(body).decode("utf-8", "replace")
    lines = text.split("\n")
    return lines[:-1]


def parse_params(command: str) -> tuple[str, dict[str, str]]:
    """Split ``name:k1=v1;k2=v2`` (or ``name/a/b``) into the name and its parameters."""
    name, sep, rest = command.partition(":")
    params: dict[str, str] = {}
    if sep:
        for part in rest.split(";"):
            if not part:
                continue
            key, _, value = part.partition("=")
            params[key.strip()] = value
    return name, params


def encode_reply(answers: list[tuple[str, str]]) -> bytes:
    """An info reply frame: one ``command\\tvalue\\n`` line per answered command."""
    body = "".join(f"{cmd}\t{value}\n" for cmd, value in answers).encode()
    return frame(ProtoType.INFO, body)
