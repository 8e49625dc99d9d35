"""The verb table against every face: each builder a bin step or selection can be carries every verb of
the groups it serves, with the table's docstring (and its example); and verbs that do not fit a command
are refused at the call with the verb's name."""

from __future__ import annotations

import inspect
from typing import Any

import aerospike_native as an
import pytest

import aerolite
import aerolite.sync
from aerolite import Behavior, DataSet
from aerolite.sdk.kv import KeyPlan, ReadBuilder, WriteBuilder
from aerolite.sdk.query import QueryBuilder
from aerolite.sdk.verb_table import TABLE, Group, entries
from tests.sdk.test_builders import tasks

USERS = DataSet.of("test", "users")


def keep(plan: KeyPlan) -> KeyPlan:
    return plan


def write_one() -> WriteBuilder[KeyPlan]:
    return WriteBuilder("update", USERS.id(1), Behavior.DEFAULT, keep, lambda namespace: False)


def write_many() -> WriteBuilder[KeyPlan]:
    return WriteBuilder("upsert", USERS.ids(1, 2), Behavior.DEFAULT, keep, lambda namespace: False)


def read_one() -> ReadBuilder[KeyPlan]:
    return ReadBuilder("get", USERS.id(1), Behavior.DEFAULT, keep)


WRITE_BIN: set[Group] = {"bin_write", "collection_write", "bin_read", "collection_read", "navigation",
                         "string_write", "string_read", "path_start"}
READ_BIN: set[Group] = {"bin_read", "collection_read", "navigation", "string_read", "path_start"}
WRITE_SELECTION: set[Group] = {"collection_write", "collection_read", "navigation", "selection_read",
                               "selection_write", "string_write", "string_read", "path_start", "path_filter"}
READ_SELECTION: set[Group] = {"collection_read", "navigation", "selection_read", "string_read", "path_start",
                              "path_filter"}
WRITE_PATH: set[Group] = {"path_start", "path_filter", "path_step", "path_read", "path_write"}
READ_PATH: set[Group] = {"path_start", "path_filter", "path_step", "path_read"}

FACES: dict[str, tuple[Any, set[Group]]] = {
    "foreground write, one key": (lambda: write_one().bin("b"), WRITE_BIN),
    "foreground write, many keys": (lambda: write_many().bin("b"), WRITE_BIN),
    "background update": (lambda: tasks().update(USERS).bin("b"), WRITE_BIN),
    "key read": (lambda: read_one().bin("b"), READ_BIN),
    "many-key read": (lambda: ReadBuilder("get", USERS.ids(1, 2), Behavior.DEFAULT, keep).bin("b"), READ_BIN),
    "query rows": (lambda: QueryBuilder(USERS, Behavior.DEFAULT, keep).bin("b"), READ_BIN),
    "write selection": (lambda: write_one().bin("b").on_map_key("k"), WRITE_SELECTION),
    "background selection": (lambda: tasks().update(USERS).bin("b").on_list_index(0), WRITE_SELECTION),
    "read selection": (lambda: read_one().bin("b").on_map_key("k"), READ_SELECTION),
    "write path": (lambda: write_one().bin("b").on_each_child(), WRITE_PATH),
    "background path": (lambda: tasks().update(USERS).bin("b").on_map_key("k").on_map_keys_in(["a"]), WRITE_PATH),
    "read path": (lambda: read_one().bin("b").on_list_index(0).on_each_child(), READ_PATH),
    "query row path": (lambda: QueryBuilder(USERS, Behavior.DEFAULT, keep).bin("b").on_each_child(), READ_PATH),
}


@pytest.mark.parametrize("face", sorted(FACES))
def test_each_face_carries_every_verb_of_its_groups(face: str) -> None:
    make, groups = FACES[face]
    builder = make()
    for group in groups:
        for entry in entries(group):
            method = getattr(builder, entry.name, None)
            assert callable(method), f"{face} lacks {entry.name}() of group {group}"
            assert method.__doc__ == entry.doc, f"{face}.{entry.name}() is not the table's verb"


def test_every_group_has_verbs_and_every_verb_an_example() -> None:
    groups = {entry.group for entry in TABLE.values()}
    assert groups == {"bin_write", "collection_write", "collection_read", "bin_read", "navigation",
                      "selection_read", "selection_write", "string_write", "string_read", "path_start",
                      "path_filter", "path_step", "path_read", "path_write"}
    assert len(TABLE) >= 160
    for entry in TABLE.values():
        assert "Example::" in entry.doc, f"{entry.group}.{entry.name} has no example"


def test_the_sync_face_shares_the_builders() -> None:
    for name in ("WriteBinBuilder", "ReadBinBuilder", "CdtWriter", "CdtReader", "HllConfig", "MapOrder",
                 "ListOrderType", "MapReturnType", "ListReturnType", "ListSortFlags", "PathReader", "PathWriter",
                 "StringWriteFlags", "StringRegexFlags", "StringNumericType", "SelectFlags", "LoopVarPart"):
        assert getattr(aerolite.sync, name) is getattr(aerolite, name)
        assert name in aerolite.sync.__all__


def test_verbs_keep_their_signatures_on_builders() -> None:
    builder = write_one().bin("b")
    parameters = list(inspect.signature(aerolite.WriteBinBuilder.list_append.build).parameters)
    assert parameters == ["path", "value", "unique", "bounded", "no_fail"]
    assert builder.list_append.__name__ == "list_append"


def test_reads_are_refused_by_jobs_and_writes_by_reads_naming_the_verb() -> None:
    with pytest.raises(ValueError, match=r"hll_get_count\(\) reads, and a background job only writes"):
        tasks().update(USERS).bin("h").hll_get_count()
    with pytest.raises(ValueError, match=r"count_all_others\(\) reads"):
        tasks().update(USERS).bin("m").on_map_key_range("a", "b").count_all_others()
    with pytest.raises(ValueError, match=r"add_operation\(\) writes, and get\(\) only reads"):
        read_one().add_operation(an.Operation.put("b", 1))


def test_query_rows_take_read_steps_only_and_not_with_select() -> None:
    with pytest.raises(ValueError, match="select"):
        QueryBuilder(USERS, Behavior.DEFAULT, keep).bin("l").list_size().select("x")
    with pytest.raises(ValueError, match="writes, and query\\(\\) only reads"):
        QueryBuilder(USERS, Behavior.DEFAULT, keep).add_operation(an.ListOperation.clear("l"))


def test_a_chain_records_one_operation_per_verb() -> None:
    plan = (write_one().bin("l").list_append(1).bin("m").map_upsert_items({"a": 1})
            .bin("m").on_map_key("a").add(2).bin("h").hll_add(["x"]).execute())
    assert plan.method == "operate"
    assert len(plan.args[1]) == 4


@pytest.mark.parametrize(("name", "ok"), [("a" * 15, True), ("é" * 7, True), ("é" * 8, False), ("a" * 16, False)])
def test_bin_names_are_measured_in_bytes(name: str, ok: bool) -> None:
    if ok:
        assert repr(write_one().bin(name)) == f"<WriteBinBuilder of bin {name!r}>"
    else:
        with pytest.raises(ValueError, match="longer than 15 bytes"):
            write_one().bin(name)
