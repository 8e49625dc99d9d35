"""Naming and loading Lua UDF modules for registration, and reading what nodes say about them."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class UdfModule:
    """A registered Lua module: its name (for ``function()``), the node's hash of it, its language."""

    name: str
    hash: str
    language: str


def parse_udf_list(reply: str) -> list[UdfModule]:
    """Modules from a ``udf-list`` answer (``filename=..,hash=..,type=LUA;`` per module).

    >>> parse_udf_list("filename=scoring.lua,hash=ab12,type=LUA;")
    [UdfModule(name='scoring', hash='ab12', language='LUA')]
    """
    modules = []
    for entry in filter(None, reply.split(";")):
        fields = dict(part.partition("=")[::2] for part in entry.split(","))
        modules.append(UdfModule(fields.get("filename", "").removesuffix(".lua"), fields.get("hash", ""),
                                 fields.get("type", "")))
    return modules


_COMPILE_ERROR = re.compile(r"compile_error;file=([^;]*);line=(\d+);message=([A-Za-z0-9+/=]*)")


def explain_compile_error(text: str) -> str:
    """A node's ``udf-put`` compile error with its base64 message decoded, or ``text`` unchanged.

    >>> explain_compile_error("compile_error;file=m.lua;line=2;message=J2VuZCcgZXhwZWN0ZWQ=")
    "m.lua:2: 'end' expected"
    """
    found = _COMPILE_ERROR.search(text)
    if found is None:
        return text
    try:
        message = base64.b64decode(found.group(3)).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return text
    return f"{found.group(1)}:{found.group(2)}: {message}"


def udf_module(source: str | bytes | Path, name: str | None) -> tuple[bytes, str]:
    """The module's bytes and its server file name (``<name>.lua``) from a path or Lua source text.

    A ``Path``, or a one-line ``str`` naming an existing file, is read; any other ``str``/``bytes`` is
    the module's source. ``name`` defaults to the file's stem.

    >>> udf_module("function bump(rec) end", "scoring")
    (b'function bump(rec) end', 'scoring.lua')
    """
    path: Path | None = None
    if isinstance(source, Path):
        path = source
    elif isinstance(source, str) and "\n" not in source and len(source) < 4096 and Path(source).is_file():
        path = Path(source)
    if path is not None:
        body = path.read_bytes()
        name = name or path.stem
    else:
        body = source.encode() if isinstance(source, str) else bytes(source)
    if not name:
        raise ValueError("register_udf() of source text needs a module name, e.g. register_udf(text, 'scoring')")
    module = name.removesuffix(".lua")
    if not module or "/" in module:
        raise ValueError(f"a UDF module name must be a plain file name, not {name!r}")
    if not body.strip():
        raise ValueError("the UDF module is empty")
    return body, f"{module}.lua"
