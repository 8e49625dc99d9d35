"""The same verb chains through aerolite's SDK (both faces) and through aerospike-sdk 1.0.0, against one
``aerolite serve``: foreground writes, background update jobs and reads. Records are read back with
aerospike-native and must be equal; and the operations each SDK sends, recorded by a loopback proxy,
must be the same bytes. (Chains put one map entry per operation: the client sends the entries of a
multi-entry put in an order of its own choosing, which differs from call to call.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aerospike_native as an
import pytest

import aerolite
import aerolite.sync
from aerolite.sdk.verbs import compile_expression
from tests.conftest import ServerProcess
from tests.e2e.recorder import Recorder, last_with_operations

aerospike_sdk = pytest.importorskip("aerospike_sdk")

NS = "test"
POINT = '{"type":"Point","coordinates":[4.9,52.4]}'
EXPRESSION = "$.score * 2 + $.n"
SEED: dict[str, Any] = {
    "l": [5, 3, 1, 4, 2], "o": [1, 2], "m": {"a": 1, "b": 2, "c": 3, "d": 4}, "m2": {"a": 1, "b": 2, "c": 3, "d": 4},
    "nl": [[1], [2, 3]], "nm": {"a": {"x": [1, 2]}, "b": 5}, "s": "txt", "n": 1, "t": "mid", "gone": 1,
    "score": 7, "bits": b"\x0f\xf0\x55\xaa", **{f"l{i}": [5, 3, 1, 4, 2] for i in range(8)},
    **{f"m{i}": {"a": 1, "b": 2, "c": 3, "d": 4} for i in range(3, 15)},
    "w": "  Hello World  ", "num": "42", "b64": "aGk=", "words": ["a", "b", "c"],
    "ns": {"a": "abc", "b": ["x y", "Zed"]}, "pl": [1, 5, 12, 20], "pm": {"a": 1, "b": 5, "c": 12},
    "pt": {"x": {"p": 3, "q": 30}, "y": {"p": 8}}, "ptl": [[1, 2], [7, 1]],
}
X = an.FilterExpression
LOOP = X.int_loop_var(an.LoopVarPart.VALUE)
OVER_5 = X.gt(LOOP, X.int_val(5))
PLUS_10 = X.num_add([LOOP, X.int_val(10)])


@dataclass
class Context:
    """What a chain needs besides its builder: the SDK module it runs on, an HLL value, a compiled expression."""

    sdk: Any
    hll: Any
    expression: Any


Chain = Callable[[Any, Context], Any]

WRITES: dict[str, Chain] = {
    "list writes": lambda b, c: (
        b.bin("l").list_append(9).bin("l").list_append_items([7, 8], unique=True, no_fail=True, partial=True)
        .bin("l").list_insert(0, 0).bin("l").list_insert_items(1, [2, 3], no_fail=True).bin("l").list_set(-1, 80)
        .bin("l").list_increment(0).bin("l").list_increment(1, 10).bin("l").list_remove(2)
        .bin("l").list_append(5, unique=True, no_fail=True).bin("l0").list_insert(1, 6, bounded=True)),
    "list trims and pops": lambda b, c: (
        b.bin("l").list_sort().bin("l").list_remove_range(0, 1).bin("l").list_pop(0).bin("l").list_pop_range(-1)
        .bin("l").list_trim(0, 2).bin("l1").list_remove_range(2).bin("l2").list_pop_range(0, 2)
        .bin("l3").list_sort(an.ListSortFlags.DROP_DUPLICATES)),
    "list orders": lambda b, c: (
        b.bin("new").list_create(an.ListOrderType.ORDERED).bin("new").list_add(5).bin("new").list_add_items([9, 1])
        .bin("o").list_add(0, unique=True).bin("l").list_set_order(an.ListOrderType.ORDERED).bin("l4").list_clear()),
    "map writes": lambda b, c: (
        b.bin("m").map_upsert_items({"z": 26}).bin("m").map_insert_items({"a": 0}, no_fail=True, partial=True)
        .bin("m").map_insert_items({"y": 25})
        .bin("m").map_update_items([("b", 20)]).bin("e").map_create(an.MapOrder.KEY_ORDERED)
        .bin("m").map_set_policy(an.MapOrder.KEY_ORDERED).bin("m2").map_clear()
        .bin("m3").map_upsert_items({"k": 1}, order=an.MapOrder.KEY_ORDERED, persist_index=True)),
    "scalar writes": lambda b, c: (
        b.bin("s").set_to("x").bin("n").add(2).bin("t").append("!").bin("t").prepend(">").bin("gone").remove()
        .bin("g").set_to_geo_json(POINT)),
    "hll writes": lambda b, c: (
        b.bin("h").hll_init(c.sdk.HllConfig(index_bit_count=10)).bin("h").hll_add(["a", "b"])
        .bin("h2").hll_add(["c"], config=c.sdk.HllConfig(index_bit_count=8), create_only=True)
        .bin("h2").hll_set_union([c.hll], allow_fold=True).bin("h2").hll_refresh_count().bin("h2").hll_fold(6)),
    "nested writes": lambda b, c: (
        b.bin("nm").on_map_key("a").on_map_key("x").list_append(3).bin("nm").on_map_key("b").add(10)
        .bin("nm").on_map_key("new").set_to("v").bin("nm").on_map_key("a").map_upsert_items({"y": 1})
        .bin("nl").on_list_index(1).list_append(4).bin("nl").on_list_index(0).list_set(0, 9)
        .bin("nm").on_map_key("deep", create_type=an.MapOrder.KEY_ORDERED).on_map_key("k").set_to(1)
        .bin("nl").on_list_index(1).on_list_value_range(3, None).remove_all_others()),
    "map selections removed": lambda b, c: (
        b.bin("m3").on_map_index(0).remove().bin("m4").on_map_rank(-1).remove(return_type=an.MapReturnType.KEY)
        .bin("m5").on_map_value(3).remove().bin("m6").on_map_index_range(1).remove()
        .bin("m7").on_map_key_range("a", "c").remove_all_others().bin("m8").on_map_rank_range(0, 2).remove()
        .bin("m9").on_map_value_range(2, None).remove(return_type=an.MapReturnType.COUNT)
        .bin("m10").on_map_key_relative_index_range("b", 0, 2).remove()
        .bin("m11").on_map_value_relative_rank_range(2, 1).remove()
        .bin("m12").on_map_key_list(["a", "d"]).remove().bin("m").on_map_value_list([1, 4]).remove_all_others()
        .bin("m2").on_map_index_range(0, 3).remove().bin("m2").on_map_rank_range(1).remove()),
    "list selections removed": lambda b, c: (
        b.bin("l0").on_list_rank(0).remove().bin("l1").on_list_value(4).remove(return_type=an.ListReturnType.INDEX)
        .bin("l2").on_list_index_range(1, 2).remove().bin("l3").on_list_rank_range(0, 2).remove_all_others()
        .bin("l4").on_list_value_range(2, 4).remove().bin("l5").on_list_value_relative_rank_range(3, 1).remove()
        .bin("l6").on_list_value_list([5, 1]).remove().bin("l7").on_list_index(0).remove()),
    "bit writes": lambda b, c: (
        b.bin("bits").bit_resize(6).bin("bits").bit_insert(0, b"\x01").bin("bits").bit_remove(6, 1)
        .bin("bits").bit_set(0, 4, b"\xa0").bin("bits").bit_or(8, 8, b"\x01").bin("bits").bit_xor(16, 8, b"\xff")
        .bin("bits").bit_and(24, 8, b"\x0f").bin("bits").bit_not(32, 8).bin("bits").bit_lshift(8, 16, 3)
        .bin("bits").bit_rshift(24, 8, 1).bin("bits").bit_add(0, 8, 200, False, an.BitwiseOverflowActions.SATURATE)
        .bin("bits").bit_subtract(8, 8, 3, True, an.BitwiseOverflowActions.WRAP).bin("bits").bit_set_int(16, 16, 500)
        .bin("b2").bit_resize(2, an.BitwiseResizeFlags.GROW_ONLY)),
    "string writes": lambda b, c: (
        b.bin("w").str_trim().bin("w").str_upper().bin("w").str_lower().bin("w").str_case_fold()
        .bin("w").str_normalize_nfc().bin("w").str_replace("l", "L").bin("w").str_replace_all("o", "0")
        .bin("w").str_regex_replace("[0-9]", "#", an.StringRegexFlags.GLOBAL).bin("w").str_insert(0, ">")
        .bin("w").str_overwrite(1, "H").bin("w").str_concat(["!", "?"]).bin("w").str_concat("~")
        .bin("w").str_append(".").bin("w").str_prepend("[").bin("w").str_snip(0, 1).bin("w").str_pad_start(20, "*")
        .bin("w").str_pad_end(24, "-").bin("t").str_repeat(2).bin("s").str_pad_start(5, " ")
        .bin("s").str_trim_start().bin("num").str_pad_end(4, " ").bin("num").str_trim_end()
        .bin("s").str_insert(1, "-", flags=an.StringWriteFlags.UPDATE_ONLY)
        .bin("w").str_regex_replace("X", "y", write_flags=an.StringWriteFlags.UPDATE_ONLY)
        .bin("ns").on_map_key("a").str_upper().bin("ns").on_map_key("b").on_list_index(0).str_snip(1)),
    "path writes": lambda b, c: (
        b.bin("pl").on_each_child().modify_by(PLUS_10).bin("pm").on_each_child_where(OVER_5).remove_matches()
        .bin("pt").on_each_child().on_map_key("p").modify_no_fail(PLUS_10)
        .bin("pt").on_map_key("x").on_map_keys_in(["q"]).and_filter(OVER_5).modify_by(PLUS_10, an.ModifyFlags.DEFAULT)
        .bin("ptl").on_list_index(1).on_each_child_where(OVER_5).remove_matches()),
    "expression writes": lambda b, c: (
        b.bin("doubled").upsert_from(c.expression).bin("score").update_from(c.expression)
        .bin("fresh").insert_from(c.expression, ignore_op_failure=True)
        .bin("s").insert_from(c.expression, ignore_op_failure=True, ignore_eval_failure=True, delete_if_null=True)),
}

READS: dict[str, Chain] = {
    "bin reads": lambda b, c: (
        b.bin("l").list_size().bin("m").map_size().bin("s").get().bin("l0").list_get(1)
        .bin("l1").list_get_range(1).bin("l2").list_get_range(0, 2)),
    "selection reads": lambda b, c: (
        b.bin("m").on_map_key("b").get_values().bin("m3").on_map_key_range("a", "c").get_keys()
        .bin("m4").on_map_rank(-1).get_keys_and_values().bin("m5").on_map_value_range(2, None).count()
        .bin("m6").on_map_key("zz").exists().bin("m7").on_map_value(3).get_indexes()
        .bin("m8").on_map_key_list(["b"]).get_reverse_indexes().bin("m9").on_map_index_range(0, 2).get_ranks()
        .bin("m10").on_map_index(0).get_reverse_ranks().bin("l0").on_list_value(4).get_all_other_values()
        .bin("m11").on_map_key_range("b", "c").get_all_other_keys()
        .bin("m12").on_map_key_list(["a"]).get_all_other_keys_and_values()
        .bin("l1").on_list_rank_range(0, 2).count_all_others().bin("l2").on_list_value_list([1]).get_all_other_indexes()
        .bin("l3").on_list_index_range(0, 1).get_all_other_reverse_indexes()
        .bin("l4").on_list_value_relative_rank_range(3, 0).get_all_other_ranks()
        .bin("l5").on_list_index_range(2, 2).get_all_other_reverse_ranks()
        .bin("m13").on_map_key_range("a", "c").get_as_map().bin("m14").on_map_rank_range(-2).get_as_ordered_map().bin("nl").on_list_index(1).on_list_rank(0).get_values()
        .bin("nm").on_map_key("a").on_map_key("x").list_size()),
    "hll reads": lambda b, c: (
        b.bin("hs").hll_get_count().bin("hs").hll_describe().bin("hs").hll_get_union([c.hll])
        .bin("hs").hll_get_union_count([c.hll]).bin("hs").hll_get_intersect_count([c.hll])
        .bin("hs").hll_get_similarity([c.hll])),
    "bit reads": lambda b, c: (
        b.bin("bits").bit_get(4, 12).bin("bits").bit_count(0, 32).bin("bits").bit_lscan(0, 32, True)
        .bin("bits").bit_rscan(0, 32, False).bin("bits").bit_get_int(8, 16, True)),
    "expression reads": lambda b, c: b.bin("computed").select_from(c.expression).bin("n").get(),
    "string reads": lambda b, c: (
        b.bin("w").str_strlen().bin("w").str_substr(2, 7).bin("w").str_substr(3).bin("w").str_char_at(2)
        .bin("w").str_find("o").bin("w").str_find("o", -1).bin("w").str_contains("World")
        .bin("w").str_starts_with("  H").bin("w").str_ends_with("d  ").bin("w").str_byte_length()
        .bin("w").str_is_upper().bin("w").str_is_lower().bin("w").str_to_blob().bin("w").str_split(" ")
        .bin("s").str_split().bin("w").str_regex_compare("hello", an.StringRegexFlags.CASE_INSENSITIVE)
        .bin("num").str_to_integer().bin("num").str_to_double().bin("num").str_is_numeric(an.StringNumericType.INT)
        .bin("b64").str_b64_decode().bin("n").read_as_string().bin("bits").bit_b64_encode()
        .bin("bits").bit_b64_encode(1, 2).bin("bits").bit_b64_encode(0, 1, True).bin("words").list_join(", ")
        .bin("words").list_join().bin("ns").on_map_key("a").str_strlen().bin("ns").on_map_key("b").list_join("/")),
    "path reads": lambda b, c: (
        b.bin("pl").on_each_child().collect_values().bin("pm").on_each_child_where(OVER_5).collect_map_keys()
        .bin("pm").on_map_keys_in(["a", "c"]).collect_map_entries()
        .bin("pt").on_each_child().on_map_key("p").collect_values(no_fail=True)
        .bin("pt").on_each_child().on_each_child_where(OVER_5).collect_matching_tree()
        .bin("pm").on_each_child().collect_by_path(an.SelectFlags.MAP_KEY)
        .bin("pt").on_map_key("x").on_each_child().collect_values_as_expression_read(an.ExpType.MAP)
        .bin("pm").on_map_keys_in(["a", "b", "c"]).and_filter(OVER_5).collect_values()
        .bin("ptl").on_each_child().on_list_index(0).collect_values()
        .bin("ptl").on_each_child().on_list_value(1).collect_values(no_fail=True)
        .bin("pt").on_each_child().on_map_value(8).collect_map_keys(no_fail=True)
        .bin("pt").on_map_key("x").and_filter(X.gt(X.map_size(X.map_loop_var(an.LoopVarPart.VALUE), []), X.int_val(1)))
        .collect_map_entries(no_fail=True).bin("ptl").on_each_child().collect_matching_tree(no_fail=True)),
}


@dataclass
class Side:
    """One SDK connected through its own recording proxy, with its own set."""

    session: Any
    dataset: Any
    recorder: Recorder
    context: Context
    client: Any
    """aerospike-native, straight to the node: seeds and reads back."""


@pytest.fixture(scope="module")
async def sides(server: ServerProcess) -> AsyncIterator[dict[str, Side]]:
    client = await an.new_client(an.ClientPolicy(), server.address)
    hll = (await client.operate(an.Key(NS, "parity_hll", 1), [an.HllOperation.add("h", ["x", "y"], 8, -1, 0),
                                                               an.Operation.get_bin("h")])).bins["h"][1]
    expression = compile_expression("parity", EXPRESSION, ())
    recorders = {name: Recorder(("127.0.0.1", server.port)) for name in ("ours", "theirs", "sync")}
    async with aerolite.ClusterDefinition("127.0.0.1", recorders["ours"].port).connect() as ours:
        theirs = await aerospike_sdk.ClusterDefinition("127.0.0.1", recorders["theirs"].port).connect()
        blocking = await asyncio.to_thread(aerolite.sync.ClusterDefinition("127.0.0.1", recorders["sync"].port).connect)
        try:
            yield {
                "ours": Side(ours.create_session(), aerolite.DataSet.of(NS, "parity_ours"), recorders["ours"],
                             Context(aerolite, hll, expression), client),
                "theirs": Side(theirs.create_session(aerospike_sdk.Behavior.DEFAULT),
                               aerospike_sdk.DataSet.of(NS, "parity_theirs"), recorders["theirs"],
                               Context(aerospike_sdk, hll, expression), client),
                "sync": Side(blocking.create_session(), aerolite.sync.DataSet.of(NS, "parity_sync"),
                             recorders["sync"], Context(aerolite.sync, hll, expression), client),
            }
        finally:
            await asyncio.to_thread(blocking.close)
            await theirs.close()
            await client.close()
            for recorder in recorders.values():
                recorder.close()


async def seed(side: Side, n: int = 1) -> None:
    client = side.client
    await client.truncate(NS, side.dataset.set_name)
    for i in range(n):
        key = an.Key(NS, side.dataset.set_name, i)
        await client.put(key, SEED)
        await client.operate(key, [an.HllOperation.add("hs", ["x", "z", "w"], 8, -1, 0)])
    side.recorder.clear()


async def records(side: Side, n: int = 1) -> list[dict[str, Any]]:
    return [dict((await side.client.get(an.Key(NS, side.dataset.set_name, i))).bins) for i in range(n)]


async def official_rows(stream: Any) -> list[Any]:
    return [row.record.bins for row in await stream.collect()]


@pytest.mark.parametrize("name", sorted(WRITES))
async def test_foreground_writes_match(sides: dict[str, Side], name: str) -> None:
    chain = WRITES[name]
    ours, theirs, sync = sides["ours"], sides["theirs"], sides["sync"]
    for side in (ours, theirs, sync):
        await seed(side)
    await chain(ours.session.update(ours.dataset.id(0)), ours.context).execute()
    await chain(theirs.session.update(theirs.dataset.id(0)), theirs.context).execute()
    await asyncio.to_thread(lambda: chain(sync.session.update(sync.dataset.id(0)), sync.context).execute())
    assert await records(ours) == await records(theirs) == await records(sync)
    assert (await records(ours))[0] != SEED
    assert last_with_operations(ours.recorder) == last_with_operations(theirs.recorder)
    assert last_with_operations(sync.recorder) == last_with_operations(theirs.recorder)


@pytest.mark.parametrize("name", sorted(WRITES))
async def test_background_updates_match(sides: dict[str, Side], name: str) -> None:
    chain, n = WRITES[name], 3
    ours, theirs, sync = sides["ours"], sides["theirs"], sides["sync"]
    for side in (ours, theirs, sync):
        await seed(side, n)
    task = await chain(ours.session.background_task().update(ours.dataset), ours.context).execute()
    await task.wait_till_complete(sleep_time=0.05)
    official = await chain(theirs.session.background_task().update(theirs.dataset), theirs.context).execute()
    await official.wait_till_complete(sleep_time=0.05)

    def blocking_job() -> None:
        chain(sync.session.background_task().update(sync.dataset), sync.context).execute().wait_till_complete(0.05)

    await asyncio.to_thread(blocking_job)
    assert await records(ours, n) == await records(theirs, n) == await records(sync, n)
    assert (await records(ours, n))[0] != SEED
    assert last_with_operations(ours.recorder) == last_with_operations(theirs.recorder)
    assert last_with_operations(sync.recorder) == last_with_operations(theirs.recorder)


@pytest.mark.parametrize("name", sorted(READS))
async def test_reads_match(sides: dict[str, Side], name: str) -> None:
    chain = READS[name]
    ours, theirs, sync = sides["ours"], sides["theirs"], sides["sync"]
    for side in (ours, theirs, sync):
        await seed(side)
    [mine] = await (await chain(ours.session.query(ours.dataset.id(0)), ours.context).execute()).collect()
    [official] = await official_rows(await chain(theirs.session.query(theirs.dataset.id(0)), theirs.context).execute())
    blocking = await asyncio.to_thread(lambda: chain(sync.session.get(sync.dataset.id(0)), sync.context).execute())
    assert mine.bins == dict(official) == blocking.bins
    assert last_with_operations(ours.recorder) == last_with_operations(theirs.recorder)
    assert last_with_operations(sync.recorder) == last_with_operations(theirs.recorder)


async def test_ael_text_sends_the_compiled_expression(sides: dict[str, Side]) -> None:
    ours, theirs = sides["ours"], sides["theirs"]
    for side in (ours, theirs):
        await seed(side)
    await ours.session.update(ours.dataset.id(0)).bin("doubled").upsert_from(EXPRESSION).execute()
    await (theirs.session.update(theirs.dataset.id(0)).bin("doubled")
           .upsert_from(compile_expression("parity", EXPRESSION, ())).execute())
    assert (await records(ours))[0]["doubled"] == SEED["score"] * 2 + SEED["n"]
    assert last_with_operations(ours.recorder) == last_with_operations(theirs.recorder)


def test_every_table_verb_runs_in_a_parity_chain() -> None:
    from aerolite.sdk.verb_table import TABLE

    class Names:
        """Records every verb name a chain calls."""

        def __init__(self, seen: set[str]) -> None:
            self.seen = seen

        def __getattr__(self, name: str) -> Callable[..., Names]:
            self.seen.add(name)
            return lambda *args, **kwargs: self

    seen: set[str] = set()
    context = Context(aerolite, b"", None)
    for chain in (*WRITES.values(), *READS.values()):
        chain(Names(seen), context)
    missing = {entry.name for entry in TABLE.values()} - seen
    assert not missing, f"verbs no parity chain runs: {sorted(missing)}"



async def test_query_rows_read_by_verb_match(sides: dict[str, Side]) -> None:
    ours, theirs = sides["ours"], sides["theirs"]
    for side in (ours, theirs):
        await seed(side, 3)
    chain = READS["bin reads"]
    mine = [row.bins for row in await (await chain(ours.session.query(ours.dataset), ours.context).execute()).collect()]
    official = await official_rows(await chain(theirs.session.query(theirs.dataset), theirs.context).execute())
    assert len(mine) == 3
    assert mine == [dict(row) for row in official]
    assert last_with_operations(ours.recorder) == last_with_operations(theirs.recorder)
