"""The registered UDF modules, by file name, as ``udf-put`` / ``udf-get`` / ``udf-list`` / ``udf-remove`` see them.

Contract: ``put`` validates like a node (a file name of ``[A-Za-z0-9._-$]``, not starting with a dot,
with an extension, under 128 bytes; Lua that compiles) and only then replaces the module. ``version``
increases on every change so runners know when compiled code is stale. With a directory, each module is
one file there, written to a temporary name and renamed into place (a crash leaves the old or the new
content, never a torn file), and the directory is read back on construction.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path

from aerolite.engine.udf.errors import UdfRegistrationError
from aerolite.engine.udf.syntax import check_syntax

MEMORY_ONLY_DIRECTORY = "/opt/aerolite/udf/lua"
"""The directory named in error texts when modules live only in memory (a node always names one)."""

_FILENAME = re.compile(r"[A-Za-z0-9_$-][A-Za-z0-9._$-]{0,126}")


def _valid_filename(filename: str) -> bool:
    """The node's rule; it also keeps names free of path parts and distinct from our hidden temp files."""
    first_dot = filename.find(".")
    return _FILENAME.fullmatch(filename) is not None and 0 < first_dot < len(filename) - 1


def _node_hash(filename: str, content: bytes) -> str:
    """What a node lists as ``hash=``: SHA-1 of its stored metadata value, a JSON object holding the
    base64 content, the type and the name (jansson's default layout, which ``json.dumps`` reproduces)."""
    value = json.dumps({"content64": base64.b64encode(content).decode(), "type": "LUA", "name": filename})
    return hashlib.sha1(value.encode()).hexdigest()


class UdfRegistry:
    """Modules keyed by file name (``name.lua``); thread-unsafe by design, like the rest of the engine."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._modules: dict[str, bytes] = {}
        self._hashes: dict[str, str] = {}
        self.version = 0
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            for path in sorted(directory.iterdir()):
                if path.is_file() and _valid_filename(path.name):
                    self._store(path.name, path.read_bytes())

    @property
    def error_directory(self) -> str:
        """The directory a node puts in front of ``<module>.lua:<line>:`` in Lua error texts."""
        return str(self._directory) if self._directory is not None else MEMORY_ONLY_DIRECTORY

    def put(self, filename: str, content: bytes) -> None:
        """Validate and store (or replace) a module; raises :class:`UdfRegistrationError` / ``UdfCompileError``."""
        if not _valid_filename(filename):
            raise UdfRegistrationError("invalid_filename", f"invalid UDF file name {filename!r}")
        check_syntax(filename, content)
        if self._directory is not None:
            self._write(self._directory / filename, content)
        self._store(filename, content)
        self.version += 1

    def get(self, filename: str) -> bytes | None:
        """The module's content, or None when no such file is registered."""
        return self._modules.get(filename)

    def list(self) -> list[tuple[str, str]]:
        """``(filename, hash)`` per module, in registration order, exactly as a node's ``udf-list`` reports.

        The hash is not the SHA-1 of the content but the node's (see ``_node_hash``), so the same file gives
        the same ``udf-list`` line on aerolite and on a real node.
        """
        return list(self._hashes.items())

    def remove(self, filename: str) -> None:
        """Forget a module; absent names are fine (a node answers ``ok`` to removing an unknown file)."""
        if self._modules.pop(filename, None) is None:
            return
        del self._hashes[filename]
        if self._directory is not None:
            (self._directory / filename).unlink(missing_ok=True)
        self.version += 1

    def _store(self, filename: str, content: bytes) -> None:
        self._modules[filename] = content
        self._hashes[filename] = _node_hash(filename, content)

    @staticmethod
    def _write(path: Path, content: bytes) -> None:
        """Durable replace: temp file, fsync, atomic rename."""
        temp = path.with_name(f".{path.name}.tmp")
        with open(temp, "wb") as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
