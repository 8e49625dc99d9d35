"""Cluster definitions, behaviors and UDF module loading (no node needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aerolite import Behavior, ClusterDefinition
from aerolite.sdk.embedded import embedded_spec
from aerolite.sdk.udf import udf_module
from aerolite.sync import ClusterDefinition as SyncClusterDefinition


def test_embedded_spec_defaults_to_files_with_a_data_dir() -> None:
    assert embedded_spec(None, ["test"]).embedded_namespaces == ("test",)
    assert embedded_spec("/d", ["a", "b:memory"]).embedded_namespaces == ("a:file", "b:memory")
    with pytest.raises(TypeError, match="list"):
        embedded_spec(None, "test")
    with pytest.raises(ValueError, match="at least one"):
        embedded_spec(None, [])


def test_embedded_cluster_size() -> None:
    assert embedded_spec(None, ["test"], nodes=3).nodes == 3
    assert ClusterDefinition.embedded(nodes=2).spec.nodes == 2
    for bad in (0, 65, 1.5):
        with pytest.raises(ValueError, match="nodes"):
            embedded_spec(None, ["test"], nodes=bad)  # type: ignore[arg-type]


def test_definitions() -> None:
    assert repr(ClusterDefinition("10.0.0.1", 3100)) == "ClusterDefinition(10.0.0.1:3100)"
    assert SyncClusterDefinition.embedded().spec.is_embedded
    with pytest.raises(ValueError, match=r"1\.\.65535"):
        ClusterDefinition("h", 0)


def test_behavior_policies() -> None:
    fast = Behavior.DEFAULT.derive(submit_total_timeout_ms=1234, query_max_retries=0)
    assert fast.background_write_policy().total_timeout == 1234
    assert fast.background_write_policy().max_retries == 0
    assert fast.query_policy().max_retries == 0
    assert Behavior.DEFAULT.durable_delete(True) and not Behavior.DEFAULT.durable_delete(False)


def test_udf_module_from_file_text_and_bytes(tmp_path: Path) -> None:
    source = tmp_path / "scoring.lua"
    source.write_text("function f(rec) end\n")
    assert udf_module(source, None) == (b"function f(rec) end\n", "scoring.lua")
    assert udf_module(str(source), "other.lua") == (b"function f(rec) end\n", "other.lua")
    assert udf_module(b"function f(rec) end", "m")[1] == "m.lua"
    with pytest.raises(ValueError, match="module name"):
        udf_module("function f(rec) end", None)
    with pytest.raises(ValueError, match="empty"):
        udf_module("  ", "m")
