"""Naming and loading Lua UDF modules for registration."""

from __future__ import annotations

from pathlib import Path


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
