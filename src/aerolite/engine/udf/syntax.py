"""Compile-only check of Lua source, the validation ``udf-put`` performs before storing a module.

Nothing is executed: the chunk is only parsed (``load`` in text mode), so this is safe on any input.
"""

from __future__ import annotations

import re
import threading

import lupa.lua54 as lua

from aerolite.engine.udf.errors import UdfCompileError

_POSITION = re.compile(rb"^(?:.*?):(\d+): (.*)$", re.DOTALL)

_local = threading.local()


def _loader() -> object:
    """One parser runtime per thread; created lazily because most processes never register a UDF."""
    loader = getattr(_local, "loader", None)
    if loader is None:
        runtime = lua.LuaRuntime(encoding=None, register_eval=False, register_builtins=False)
        loader = runtime.eval("function(src, name) local f, err = load(src, name, 't') return err end")
        _local.loader = loader
    return loader


def check_syntax(filename: str, content: bytes) -> None:
    """Raise :class:`UdfCompileError` (file, line, message as Lua words it) if ``content`` does not parse."""
    error = _loader()(content, b"@" + filename.encode())  # type: ignore[operator]
    if error is None:
        return
    match = _POSITION.match(error)
    if match is None:
        raise UdfCompileError(filename, 0, error.decode("utf-8", "replace"))
    raise UdfCompileError(filename, int(match.group(1)), match.group(2).decode("utf-8", "replace"))
