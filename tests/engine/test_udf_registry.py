"""UdfRegistry: node-like validation, udf-list hashes, persistence."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from aerolite.engine.udf import UdfCompileError, UdfRegistrationError, UdfRegistry
from tests.engine.test_udf_helpers import GOLD_UDF

GOLDEN_HASH = "32ec34b5f129f4cd06dcaac14a5259f490cf405e"  # udf-list of the real node (udf_register.md)


def test_put_get_list_remove() -> None:
    registry = UdfRegistry(None)
    registry.put("a.lua", b"function f(r) return 1 end")
    registry.put("b.lua", b"x = 1")
    assert registry.get("a.lua") == b"function f(r) return 1 end"
    assert registry.get("nope.lua") is None
    assert [name for name, _ in registry.list()] == ["a.lua", "b.lua"]
    registry.remove("a.lua")
    registry.remove("a.lua")  # absent: no error, like the node's "ok"
    assert [name for name, _ in registry.list()] == ["b.lua"]


def test_list_hash_is_the_nodes_hash_of_gold_udf() -> None:
    registry = UdfRegistry(None)
    registry.put("gold_udf.lua", GOLD_UDF.read_bytes())
    assert registry.list() == [("gold_udf.lua", GOLDEN_HASH)]


def test_list_hash_is_sha1_of_the_nodes_metadata_value() -> None:
    content = b"function f(r) return 'x' end\n"
    registry = UdfRegistry(None)
    registry.put("m.lua", content)
    value = json.dumps({"content64": base64.b64encode(content).decode(), "type": "LUA", "name": "m.lua"})
    assert registry.list() == [("m.lua", hashlib.sha1(value.encode()).hexdigest())]


def test_version_changes_on_every_change_only() -> None:
    registry = UdfRegistry(None)
    start = registry.version
    registry.put("a.lua", b"")
    registry.put("a.lua", b"x = 2")
    registry.remove("missing.lua")
    assert registry.version == start + 2
    registry.remove("a.lua")
    assert registry.version == start + 3


def test_compile_error_matches_the_node() -> None:
    registry = UdfRegistry(None)
    with pytest.raises(UdfCompileError) as caught:
        registry.put("gold_bad.lua", b"function broken(rec\n  return 1\n")
    error = caught.value
    assert (error.token, error.file, error.line) == ("compile_error", "gold_bad.lua", 2)
    # the base64 the real node answered in udf_register.md
    assert base64.b64encode(error.lua_message.encode()) == b"JyknIGV4cGVjdGVkIG5lYXIgJ3JldHVybic="
    assert registry.get("gold_bad.lua") is None


@pytest.mark.parametrize(
    ("source", "line"),
    [(b"x = = 1", 1), (b"\n\n\nfunction f(\n", 5), (b"local a = 1\nlocal b = 'unterminated\n", 2)],
)
def test_compile_error_line(source: bytes, line: int) -> None:
    with pytest.raises(UdfCompileError) as caught:
        UdfRegistry(None).put("m.lua", source)
    assert caught.value.line == line


def test_failed_put_keeps_the_previous_version() -> None:
    registry = UdfRegistry(None)
    registry.put("m.lua", b"x = 1")
    with pytest.raises(UdfCompileError):
        registry.put("m.lua", b"x = ")
    assert registry.get("m.lua") == b"x = 1"


@pytest.mark.parametrize(
    "filename", ["noext", "trailingdot.", ".hidden.lua", "../up.lua", "a/b.lua", "sp ace.lua", "", "x" * 130 + ".lua"],
)
def test_invalid_filenames(filename: str) -> None:
    with pytest.raises(UdfRegistrationError) as caught:
        UdfRegistry(None).put(filename, b"x = 1")
    assert caught.value.token == "invalid_filename"


def test_modules_persist_across_instances(tmp_path: Path) -> None:
    directory = tmp_path / "udf"
    first = UdfRegistry(directory)
    first.put("keep.lua", b"function f(r) return 1 end")
    first.put("gone.lua", b"x = 1")
    first.remove("gone.lua")
    assert sorted(p.name for p in directory.iterdir()) == ["keep.lua"]  # no temp files left behind
    second = UdfRegistry(directory)
    assert second.get("keep.lua") == b"function f(r) return 1 end"
    assert second.get("gone.lua") is None
    assert second.list() == first.list()
    assert second.error_directory == str(directory)


def test_interrupted_write_is_ignored_on_load(tmp_path: Path) -> None:
    (tmp_path / ".half.lua.tmp").write_bytes(b"function broken(")
    assert UdfRegistry(tmp_path).list() == []
