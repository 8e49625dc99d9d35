"""gold_udf.lua behaves as the real node did in udf_single / udf_background(_error) / legacy_udf_info."""

from __future__ import annotations

from pathlib import Path

import pytest

from aerolite.engine.udf import MEMORY_ONLY_DIRECTORY, UdfAction, UdfExecutionError, UdfRegistry, UdfRunner
from tests.engine.test_udf_helpers import DIGEST, GOLD_UDF, Udf, make_record


@pytest.fixture
def gold() -> Udf:
    return Udf({"gold_udf.lua": GOLD_UDF.read_bytes()})


def test_hello(gold: Udf) -> None:
    record = make_record({"i": 1}, generation=1)
    outcome = gold.call("hello", "world", record=record, module="gold_udf")
    assert outcome.return_value == "hello world"
    assert outcome.action is UdfAction.NONE
    assert outcome.bins == {"i": 1}


def test_bump_updates_and_returns(gold: Udf) -> None:
    record = make_record({"i": 1}, generation=1)
    outcome = gold.call("bump", 5, record=record, module="gold_udf")
    assert outcome.return_value == 6
    assert outcome.action is UdfAction.UPDATE
    assert outcome.bins == {"i": 6, "tag": "udf"}
    assert outcome.ttl is None
    assert record.bins == {"i": 1}  # the live record is never touched


def test_error_text_names_the_udf_directory_and_line(gold: Udf) -> None:
    with pytest.raises(UdfExecutionError) as caught:
        gold.call("always_fail", record=make_record({"i": 1}), module="gold_udf")
    assert str(caught.value) == f"{MEMORY_ONLY_DIRECTORY}/gold_udf.lua:24: always_fail called"
    assert caught.value.code == 100


def test_error_text_uses_the_registry_directory(tmp_path: Path) -> None:
    registry = UdfRegistry(tmp_path)
    registry.put("gold_udf.lua", GOLD_UDF.read_bytes())
    with pytest.raises(UdfExecutionError, match=f"^{tmp_path}/gold_udf.lua:24: always_fail called$"):
        UdfRunner(registry).call("gold_udf", "always_fail", [], None, set_name="s", digest=DIGEST, key=None)


def test_unknown_function_and_module(gold: Udf) -> None:
    with pytest.raises(UdfExecutionError, match=r"^function not found$"):
        gold.call("nosuchfn", record=make_record({"i": 1}), module="gold_udf")
    with pytest.raises(UdfExecutionError, match=r"^UDF: Execution Error 1$"):
        gold.call("hello", "x", record=make_record({"i": 1}), module="gold_nomodule")


def test_update_of_a_missing_record_creates_nothing(gold: Udf) -> None:
    outcome = gold.call("bump", 1, module="gold_udf")
    assert outcome.return_value == 1
    assert outcome.action is UdfAction.NONE
    assert outcome.bins == {}


def test_hello_on_a_missing_record(gold: Udf) -> None:
    assert gold.call("hello", "x", module="gold_udf").return_value == "hello x"


def test_fail_on_over_a_set_fails_one_record_only(gold: Udf) -> None:
    """udf_background_error: fail_on(3) over i = 0..4 leaves 4 updated with u=1 and record 3 unchanged."""
    succeeded, failed, after = 0, 0, []
    for i in range(5):
        record = make_record({"i": i}, generation=1)
        try:
            outcome = gold.call("fail_on", 3, record=record, module="gold_udf")
        except UdfExecutionError as exc:
            assert str(exc) == f"{MEMORY_ONLY_DIRECTORY}/gold_udf.lua:16: fail_on hit 3"
            failed += 1
            after.append(record.bins)
        else:
            assert outcome.action is UdfAction.UPDATE
            succeeded += 1
            after.append(outcome.bins)
    assert (succeeded, failed) == (4, 1)
    assert after == [{"i": 0, "u": 1}, {"i": 1, "u": 1}, {"i": 2, "u": 1}, {"i": 3}, {"i": 4, "u": 1}]


def test_bump_over_a_set(gold: Udf) -> None:
    """udf_background: bump(5) over i = 0..5."""
    results = [gold.call("bump", 5, record=make_record({"i": i}), module="gold_udf").bins for i in range(6)]
    assert results == [{"i": i + 5, "tag": "udf"} for i in range(6)]
