"""``run update`` with the collection and expression writes: ``--list-append``, ``--list-remove-value``,
``--map-put``, ``--map-increment``, ``--from`` and the string writes (``--str-upper`` ...), read back record by
record with the client."""

from __future__ import annotations

from typing import Any

import aerospike_native as an

from aerolite.cli.writes import CLI_WRITES
from aerolite.sdk.bins import CdtWriter, WriteBinBuilder
from tests.cli.conftest import NS, Cli, read_back, seed_users, summary_of


def test_collection_and_expression_writes_change_matching_records(cli: Cli, node: Any, set_name: str) -> None:
    before = seed_users(node, set_name, 200)
    for i in range(200):
        node.operate_blocking(an.Key(NS, set_name, i), [
            an.Operation.put("tags", ["new", "trial"]), an.Operation.put("stats", {"visits": i})])
    result = cli("run", "update", "--set", set_name, "--where", "$.active == true",
                 "--bin", "tags", "--list-append", "vip",
                 "--bin", "tags", "--list-remove-value", "trial",
                 "--bin", "stats", "--map-put", "plan", '"gold"',
                 "--bin", "stats", "--map-increment", "visits", "5",
                 "--bin", "doubled", "--from", "$.score * 2")
    assert result.returncode == 0, result.stderr
    active = sum(u["active"] for u in before)
    assert summary_of(result.stdout)["written"] == active
    for i, (old, record) in enumerate(zip(before, read_back(node, set_name, 200), strict=True)):
        if old["active"]:
            assert record.bins == old | {"tags": ["new", "vip"], "stats": {"visits": i + 5, "plan": "gold"},
                                         "doubled": old["score"] * 2}
        else:
            assert record.bins == old | {"tags": ["new", "trial"], "stats": {"visits": i}}


def test_string_writes_change_matching_records(cli: Cli, node: Any, set_name: str) -> None:
    for i in range(20):
        node.put_blocking(an.Key(NS, set_name, i), {"name": f"  Ann-{i} ", "code": "a-b-c", "n": i})
    result = cli("run", "update", "--set", set_name, "--where", "$.n < 10",
                 "--bin", "name", "--str-trim", "--bin", "name", "--str-upper",
                 "--bin", "code", "--str-replace-all", "-", "", "--bin", "code", "--str-lower")
    assert result.returncode == 0, result.stderr
    assert summary_of(result.stdout)["written"] == 10
    rows = read_back(node, set_name, 20)
    assert [r.bins for r in rows[:2]] == [{"name": "ANN-0", "code": "abc", "n": 0}, {"name": "ANN-1", "code": "abc", "n": 1}]
    assert rows[10].bins == {"name": "  Ann-10 ", "code": "a-b-c", "n": 10}


def test_collection_write_mistakes_are_one_line(cli: Cli, set_name: str) -> None:
    missing_bin = cli("run", "update", "--set", set_name, "--map-put", "a", "1")
    assert missing_bin.returncode == 2
    assert "--map-put needs a --bin NAME before it" in missing_bin.stderr
    bad_ael = cli("run", "update", "--set", set_name, "--bin", "x", "--from", "$.score * ")
    assert bad_ael.returncode == 2
    assert "column" in bad_ael.stderr and "Traceback" not in bad_ael.stderr
    short = cli("run", "update", "--set", set_name, "--bin", "m", "--map-increment", "visits")
    assert short.returncode == 2
    assert "expected 2 arguments" in short.stderr
    not_a_number = cli("run", "update", "--set", set_name, "--bin", "m", "--map-increment", "visits", "lots")
    assert not_a_number.returncode == 2
    assert "--bin m --map-increment visits lots: add() takes an int or float" in not_a_number.stderr


def test_every_cli_write_is_a_chain_of_sdk_verbs() -> None:
    for write in CLI_WRITES:
        assert sum(arity for _, arity in write.chain) == len(write.metavar), write.flag
        first, *rest = (verb for verb, _ in write.chain)
        assert hasattr(WriteBinBuilder, first), write.flag
        if rest:
            assert all(hasattr(CdtWriter, verb) for verb in rest), write.flag
