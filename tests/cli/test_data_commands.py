"""``load``, ``count`` and ``run update|touch|delete``: effects read back record by record with the client."""

from __future__ import annotations

from typing import Any

from tests.cli.conftest import Cli, generated, read_back, seed_users, summary_of


def test_load_writes_the_demos_users_and_count_selects_them(cli: Cli, node: Any, set_name: str) -> None:
    loaded = cli("load", "--set", set_name, "--records", "700")
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded 700 users" in loaded.stdout
    expected = generated(700)
    assert [r.bins for r in read_back(node, set_name, 700)] == expected
    counted = cli("count", "--set", set_name, "--where", "$.active == true")
    assert counted.returncode == 0, counted.stderr
    assert counted.stdout.startswith(f"{sum(u['active'] for u in expected):,} records in test/{set_name} match ")


def test_update_applies_each_write_to_matching_records_only(cli: Cli, node: Any, set_name: str) -> None:
    before = seed_users(node, set_name, 400)
    result = cli("run", "update", "--set", set_name, "--where", "$.active == true",
                 "--bin", "score", "--add", "10", "--bin", "bumped", "--set-to", "true",
                 "--bin", "label", "--set-to", '"7"', "--bin", "n", "--set-to", "5", "--bin", "word", "--set-to", "gold",
                 "--bin", "tags", "--set-to", '[1, "a"]', "--bin", "name", "--append", "!", "--keep-ttl")
    assert result.returncode == 0, result.stderr
    active = [u for u in before if u["active"]]
    assert summary_of(result.stdout) | {"id": 0} == {
        "id": 0, "result": "ok", "scanned": 400, "written": len(active), "filtered": 400 - len(active), "failed": 0}
    for old, record in zip(before, read_back(node, set_name, 400), strict=True):
        if old["active"]:
            assert record.bins == old | {"score": old["score"] + 10, "bumped": True, "label": "7", "n": 5,
                                         "word": "gold", "tags": [1, "a"], "name": old["name"] + "!"}
            assert record.generation == 2
        else:
            assert record.bins == old and record.generation == 1


def test_touch_sets_the_ttl_of_matching_records(cli: Cli, node: Any, set_name: str) -> None:
    before = seed_users(node, set_name, 300)
    ttls = [r.ttl for r in read_back(node, set_name, 300)]
    result = cli("run", "touch", "--set", set_name, "--where", "$.country == 'NL'", "--ttl", "3600")
    assert result.returncode == 0, result.stderr
    for old, ttl, record in zip(before, ttls, read_back(node, set_name, 300), strict=True):
        assert record.bins == old
        if old["country"] == "NL":
            assert 3500 < record.ttl <= 3600
        else:
            assert record.ttl == ttl


def test_delete_removes_matching_records_only(cli: Cli, node: Any, set_name: str) -> None:
    before = seed_users(node, set_name, 300)
    result = cli("run", "delete", "--set", set_name, "--where", "$.age < 25")
    assert result.returncode == 0, result.stderr
    assert summary_of(result.stdout)["written"] == sum(u["age"] < 25 for u in before)
    for old, record in zip(before, read_back(node, set_name, 300), strict=True):
        assert (record is None) == (old["age"] < 25)
    assert cli("count", "--set", set_name).stdout.startswith(f"{sum(u['age'] >= 25 for u in before):,} records ")
