"""The SDK's list, map, HLL, navigation and expression verbs against a real aerolite node: foreground
single- and multi-key writes, background update jobs and key reads, each checked by reading the record
back with the official client."""

from __future__ import annotations

from typing import Any

import aerospike_native as an
import pytest

from aerolite import (
    AelError,
    Cluster,
    DataSet,
    ElementError,
    HllConfig,
    ListOrderType,
    MapOrder,
    MapReturnType,
    RecordNotFoundError,
    Session,
)

USERS = DataSet.of("test", "sdk_verbs")


@pytest.fixture
async def session(sdk_cluster: Cluster) -> Session:
    await sdk_cluster.native_client.truncate(USERS.namespace, USERS.set_name or "")
    return sdk_cluster.create_session()


async def bins(sdk_cluster: Cluster, key: Any) -> dict[str, Any]:
    return dict((await sdk_cluster.native_client.get(USERS.id(key))).bins)


async def put(sdk_cluster: Cluster, key: Any, record: dict[str, Any]) -> None:
    await sdk_cluster.native_client.put(USERS.id(key), record)


async def test_list_verbs_in_one_write(sdk_cluster: Cluster, session: Session) -> None:
    await put(sdk_cluster, 1, {"l": [5, 1, 4]})
    await (session.update(USERS.id(1))
           .bin("l").list_append(9).bin("l").list_append_items([7, 8]).bin("l").list_insert(0, 0)
           .bin("l").list_insert_items(1, [2, 3]).bin("l").list_set(-1, 80).bin("l").list_increment(0)
           .bin("l").list_increment(1, 10).bin("l").list_remove(2).bin("l").list_sort()
           .execute())
    assert (await bins(sdk_cluster, 1))["l"] == [1, 1, 4, 5, 7, 9, 12, 80]
    result = await (session.update(USERS.id(1)).bin("l").list_pop(0).bin("l").list_pop_range(-2)
                    .bin("l").list_remove_range(0, 1).bin("l").list_trim(0, 2).execute())
    assert (await bins(sdk_cluster, 1))["l"] == [4, 5]
    assert result.bins["l"] == [1, [12, 80], 1, 2]
    await session.update(USERS.id(1)).bin("l").list_clear().bin("o").list_create(ListOrderType.ORDERED).execute()
    await (session.update(USERS.id(1)).bin("o").list_add(3).bin("o").list_add_items([9, 1])
           .bin("l").list_append_items([3, 1]).bin("l").list_set_order(ListOrderType.ORDERED).execute())
    assert await bins(sdk_cluster, 1) == {"l": [1, 3], "o": [1, 3, 9]}


async def test_list_flags(sdk_cluster: Cluster, session: Session) -> None:
    await put(sdk_cluster, 1, {"l": ["a"]})
    await session.update(USERS.id(1)).bin("l").list_append("a", unique=True, no_fail=True).execute()
    await (session.update(USERS.id(1)).bin("l").list_append_items(["a", "b"], unique=True, no_fail=True,
                                                                  partial=True).execute())
    assert (await bins(sdk_cluster, 1))["l"] == ["a", "b"]
    with pytest.raises(ElementError):
        await session.update(USERS.id(1)).bin("l").list_append("a", unique=True).execute()


async def test_map_verbs_and_many_keys(sdk_cluster: Cluster, session: Session) -> None:
    await put(sdk_cluster, 1, {"n": 0})
    await put(sdk_cluster, 2, {"n": 0})
    results = await (session.update(USERS.ids(1, 2))
                     .bin("m").map_upsert_items({"a": 1, "b": 2})
                     .bin("m").map_insert_items({"a": 9, "c": 3}, no_fail=True, partial=True)
                     .bin("m").map_update_items([("b", 20)])
                     .bin("e").map_create(MapOrder.KEY_ORDERED)
                     .execute())
    assert [r.ok for r in results] == [True, True]
    for key in (1, 2):
        assert (await bins(sdk_cluster, key))["m"] == {"a": 1, "b": 20, "c": 3}
    await session.update(USERS.id(1)).bin("m").map_clear().bin("e").map_set_policy(MapOrder.UNORDERED).execute()
    assert (await bins(sdk_cluster, 1))["m"] == {}


async def test_scalar_geo_and_hll_verbs(sdk_cluster: Cluster, session: Session) -> None:
    point = '{"type":"Point","coordinates":[4.9,52.4]}'
    await (session.upsert(USERS.id(1)).bin("where").set_to_geo_json(point)
           .bin("h").hll_init(HllConfig(index_bit_count=10)).execute())
    await session.update(USERS.id(1)).bin("h").hll_add(["a", "b", "c"]).execute()
    await session.upsert(USERS.id(2)).bin("h").hll_add(["c", "d"], config=HllConfig.of(10)).execute()
    other = (await bins(sdk_cluster, 2))["h"]
    read = await (session.get(USERS.id(1)).bin("h").hll_get_count().execute())
    assert read.bins["h"] == 3
    result = await (session.update(USERS.id(1)).bin("h").hll_set_union([other])
                    .bin("h").hll_refresh_count().execute())
    assert result.bins["h"][-1] == 4
    record = await bins(sdk_cluster, 1)
    assert isinstance(record["where"], an.GeoJSON)
    described = await (session.get(USERS.id(1)).bin("h").hll_describe().execute())
    assert described.bins["h"] == [10, 0]
    await session.update(USERS.id(1)).bin("h").hll_fold(6).execute()
    assert (await session.get(USERS.id(1)).bin("h").hll_describe().execute()).bins["h"] == [6, 0]


async def test_navigation_writes_nested(sdk_cluster: Cluster, session: Session) -> None:
    await put(sdk_cluster, 1, {"m": {"a": {"x": [1, 2]}, "b": 5, "c": 6, "d": 7}, "l": [[1], [2, 3]]})
    await (session.update(USERS.id(1))
           .bin("m").on_map_key("a").on_map_key("x").list_append(3)
           .bin("m").on_map_key("b").add(10)
           .bin("m").on_map_key("new").set_to("v")
           .bin("m").on_map_key("a").map_upsert_items({"y": 1})
           .bin("l").on_list_index(1).list_append(4)
           .bin("l").on_list_index(0).list_set(0, 9)
           .execute())
    assert await bins(sdk_cluster, 1) == {
        "m": {"a": {"x": [1, 2, 3], "y": 1}, "b": 15, "c": 6, "d": 7, "new": "v"},
        "l": [[9], [2, 3, 4]],
    }
    result = await (session.update(USERS.id(1))
                    .bin("m").on_map_key_list(["c", "d"]).remove(return_type=MapReturnType.COUNT)
                    .bin("l").on_list_index(1).on_list_value_range(3, None).remove_all_others()
                    .execute())
    assert result.bins["m"] == 2
    assert await bins(sdk_cluster, 1) == {"m": {"a": {"x": [1, 2, 3], "y": 1}, "b": 15, "new": "v"}, "l": [[9], [3, 4]]}
    await (session.update(USERS.id(1)).bin("m").on_map_key("deep", create_type=MapOrder.KEY_ORDERED)
           .on_map_key("k").set_to(1).execute())
    assert (await bins(sdk_cluster, 1))["m"]["deep"] == {"k": 1}


async def test_selection_reads(sdk_cluster: Cluster, session: Session) -> None:
    await put(sdk_cluster, 1, {"m": {"a": 3, "b": 1, "c": 2}, "l": [30, 10, 20], "s": "x"})
    row = await (session.get(USERS.id(1))
                 .bin("m").on_map_key_range("a", "c").get_keys()
                 .bin("l").on_list_rank_range(0, 2).get_values()
                 .bin("s").get()
                 .execute())
    assert (row.bins["m"], sorted(row.bins["l"]), row.bins["s"]) == (["a", "b"], [10, 20], "x")
    row = await (session.get(USERS.id(1)).bin("m").map_size().bin("l").list_size().execute())
    assert row.bins == {"m": 3, "l": 3}
    row = await (session.get(USERS.id(1)).bin("m").on_map_rank(-1).get_keys_and_values()
                 .bin("l").on_list_value(10).get_all_other_values().execute())
    assert row.bins == {"m": {"a": 3}, "l": [30, 20]}
    row = await session.get(USERS.id(1)).bin("m").on_map_value_list([1, 2]).count_all_others().execute()
    assert row.bins == {"m": 1}
    row = await session.get(USERS.id(1)).bin("l").list_get_range(1).execute()
    assert row.bins == {"l": [10, 20]}


async def test_background_update_with_collection_verbs(sdk_cluster: Cluster, session: Session) -> None:
    for i in range(6):
        await put(sdk_cluster, i, {"tags": ["a"], "stats": {"visits": i}, "score": i})
    task = await (session.background_task().update(USERS).where("$.score >= 3")
                  .bin("tags").list_append("vip", unique=True, no_fail=True)
                  .bin("stats").on_map_key("visits").add(100)
                  .bin("seen").hll_add(["u1", "u2"], config=HllConfig(index_bit_count=8))
                  .bin("doubled").upsert_from("$.score * %s", 2)
                  .execute())
    await task.wait_till_complete(sleep_time=0.05)
    for i in range(6):
        record = await bins(sdk_cluster, i)
        if i < 3:
            assert record == {"tags": ["a"], "stats": {"visits": i}, "score": i}
        else:
            assert record["tags"] == ["a", "vip"]
            assert record["stats"] == {"visits": i + 100}
            assert record["doubled"] == i * 2
            assert (await session.get(USERS.id(i)).bin("seen").hll_get_count().execute()).bins["seen"] == 2


async def test_expression_verbs(sdk_cluster: Cluster, session: Session) -> None:
    await put(sdk_cluster, 1, {"price": 5, "qty": 3})
    row = await session.get(USERS.id(1)).bin("total").select_from("$.price * $.qty").execute()
    assert row.bins == {"total": 15}
    await (session.update(USERS.id(1)).bin("total").insert_from("$.price * $.qty")
           .bin("qty").update_from("$.qty + ?0", 1).execute())
    assert await bins(sdk_cluster, 1) == {"price": 5, "qty": 4, "total": 15}
    await (session.update(USERS.id(1)).bin("total").insert_from("$.price:INT", ignore_op_failure=True)
           .bin("gone").update_from("$.price:INT", ignore_op_failure=True).execute())
    assert await bins(sdk_cluster, 1) == {"price": 5, "qty": 4, "total": 15}


async def test_mistakes_are_named_at_the_call(session: Session) -> None:
    job = session.background_task().update(USERS)
    with pytest.raises(ValueError, match="list_size\\(\\) reads"):
        job.bin("l").list_size()
    with pytest.raises(ValueError, match="get_values\\(\\) reads"):
        job.bin("m").on_map_key("a").get_values()
    with pytest.raises(TypeError, match="one element"):
        session.update(USERS.id(1)).bin("m").on_map_key_range("a", "c").list_append(1)
    with pytest.raises(TypeError, match="on_map_key"):
        session.update(USERS.id(1)).bin("l").on_list_index(0).set_to(1)
    with pytest.raises(TypeError, match="in a list"):
        session.get(USERS.id(1)).bin("l").on_list_index(0).get_keys()
    with pytest.raises(TypeError, match="single str"):
        session.update(USERS.id(1)).bin("l").list_append_items("abc")
    with pytest.raises(ValueError, match="index_bit_count"):
        HllConfig(index_bit_count=30)
    with pytest.raises(ValueError, match="exclude each other"):
        session.update(USERS.id(1)).bin("h").hll_add(["a"], create_only=True, update_only=True)
    with pytest.raises(AelError, match="column 11"):
        session.update(USERS.id(1)).bin("x").upsert_from("$.score * ")
    with pytest.raises(TypeError, match="exists\\(\\) reads no bins"):
        session.exists(USERS.id(1)).bin("x")


async def test_query_rows_and_keys_read_with_bin_steps(sdk_cluster: Cluster, session: Session) -> None:
    for i in range(4):
        await put(sdk_cluster, i, {"tags": ["a"] * i, "prefs": {"lang": f"l{i}"}, "n": i})
    stream = await (session.query(USERS).where("$.n >= 1").bin("tags").list_size()
                    .bin("prefs").on_map_key("lang").get_values().execute())
    rows = sorted((row.bins["tags"], row.bins["prefs"]) for row in await stream.collect())
    assert rows == [(1, "l1"), (2, "l2"), (3, "l3")]
    one = await (await session.query(USERS.id(2)).bin("tags").list_size().execute()).first_or_raise()
    assert one.bins == {"tags": 2}
    many = await (await session.query(USERS.ids(9, 3, 1)).bin("n").get().execute()).collect()
    assert [r.bins for r in many] == [{"n": 3}, {"n": 1}]
    assert [r.bins async for r in await session.query(USERS.id(9)).execute()] == []
    assert await (await session.query(USERS.id(9)).execute()).first() is None
    with pytest.raises(RecordNotFoundError, match="stream is empty"):
        await (await session.query(USERS.id(9)).execute()).first_or_raise()
    got = await session.get(USERS.ids(1, 9)).bin("n").get().execute()
    assert [(r.ok, r.bins) for r in got] == [(True, {"n": 1}), (False, {})]


async def test_node_answers_a_query_ops_projection_and_refuses_writes(sdk_cluster: Cluster, session: Session) -> None:
    client = sdk_cluster.native_client
    await put(sdk_cluster, 1, {"l": [3, 1, 2], "m": {"a": 1, "b": 2}, "x": 5})
    statement = an.Statement(USERS.namespace, USERS.set_name)
    statement.set_operations([an.ListOperation.size("l"), an.MapOperation.get_by_key("m", "b", an.MapReturnType.VALUE),
                              an.Operation.get_bin("x")])
    rows = [record.bins async for record in await client.query(statement, an.PartitionFilter.all())]
    assert rows == [{"l": 3, "m": 2, "x": 5}]
    statement.set_operations([an.ListOperation.clear("l")])
    with pytest.raises(an.exceptions.AerospikeError):
        [record async for record in await client.query(statement, an.PartitionFilter.all())]
    assert (await bins(sdk_cluster, 1))["l"] == [3, 1, 2]
