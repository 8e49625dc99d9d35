"""The official aerospike-sdk (1.0.0, PyPI) pointed at aerolite: its key-value, operate, batch, query
and index verbs — string ``where`` filters included (server-compiled AEL, and two-phase queries with
field 44 once an index exists) — behave as against a real node. Every effect is read back with
aerospike-native, and cross-checked against aerolite's own SDK (which compiles AEL on the client)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aerospike_native as an
import pytest

import aerolite
from tests.conftest import ServerProcess

aerospike_sdk = pytest.importorskip("aerospike_sdk")

SET = "official_kv"


@pytest.fixture
async def official(server: ServerProcess, client: Any) -> AsyncIterator[Any]:
    await client.truncate("test", SET)
    cluster = await aerospike_sdk.ClusterDefinition("127.0.0.1", server.port).connect()
    try:
        yield cluster.create_session(aerospike_sdk.Behavior.DEFAULT)
    finally:
        await cluster.close()


@pytest.fixture(scope="module")
async def ours(server: ServerProcess) -> AsyncIterator[aerolite.Session]:
    async with aerolite.ClusterDefinition("127.0.0.1", server.port).connect() as cluster:
        yield cluster.create_session()


DS = aerospike_sdk.DataSet.of("test", SET)
OURS = aerolite.DataSet.of("test", SET)


async def rows(stream: Any) -> list[Any]:
    return list(await stream.collect())


async def seed(official: Any, n: int) -> None:
    for i in range(n):
        await official.upsert(DS.id(i)).put({"n": i, "g": i % 3}).execute()


async def test_put_get_operate(official: Any, client: Any, ours: aerolite.Session) -> None:
    await official.upsert(DS.id(1)).put({"name": "Ann", "n": 1}).execute()
    assert (await client.get(an.Key("test", SET, 1))).bins == {"name": "Ann", "n": 1}
    [got] = await rows(await official.query(DS.id(1)).execute())
    assert got.record.bins == {"name": "Ann", "n": 1}
    await official.update(DS.id(1)).bin("n").add(10).bin("name").append("a").execute()
    record = await client.get(an.Key("test", SET, 1))
    assert (record.bins, record.generation) == ({"name": "Anna", "n": 11}, 2)
    assert (await ours.get(OURS.id(1)).execute()).bins == {"name": "Anna", "n": 11}
    with pytest.raises(aerospike_sdk.RecordExistsError):
        await official.insert(DS.id(1)).put({"n": 0}).execute()
    await official.delete(DS.id(1)).execute()
    assert not await client.exists(an.Key("test", SET, 1))


async def test_batches(official: Any, client: Any, ours: aerolite.Session) -> None:
    results = await rows(await official.upsert(DS.ids(1, 2, 3)).put({"v": 7}).execute())
    assert [r.result_code for r in results] == [0, 0, 0]
    got = await rows(await official.query(DS.ids(1, 2, 3)).execute())
    assert [r.record.bins for r in got] == [{"v": 7}] * 3
    await ours.update(OURS.ids(1, 2)).bin("v").add(1).execute()
    got = await rows(await official.query(DS.ids(1, 2, 3)).execute())
    assert [r.record.bins["v"] for r in got] == [8, 8, 7]
    await official.delete(DS.ids(1, 2)).execute()
    assert [await client.exists(an.Key("test", SET, i)) for i in (1, 2, 3)] == [False, False, True]


async def test_string_where_query_matches_client_compiled_ael(official: Any, ours: aerolite.Session) -> None:
    await seed(official, 40)
    text = "$.n > 20 and $.g == 1"
    theirs = sorted(r.record.bins["n"] for r in await rows(await official.query(DS).where(text).execute()))
    mine = sorted(r.bins["n"] for r in await (await ours.query(OURS).where(text).execute()).collect())
    assert theirs == mine == [n for n in range(21, 40) if n % 3 == 1]


async def test_index_created_by_the_official_sdk_serves_both_sdks(official: Any, ours: aerolite.Session,
                                                                  client: Any) -> None:
    await seed(official, 60)
    task = await official.index(DS).on_bin("n").named("official_kv_n").integer().create()
    await task.wait_till_complete()
    try:
        listed = next(iter((await client.info_on_all_nodes("sindex-list:ns=test")).values()))
        assert "indexname=official_kv_n" in next(iter(listed.values()))
        theirs = await rows(await official.query(DS).where("$.n >= 10 and $.n <= 14").execute())
        assert sorted(r.record.bins["n"] for r in theirs) == [10, 11, 12, 13, 14]
        mine = await (await ours.query(OURS).filter(aerolite.Filter.range("n", 10, 14)).execute()).collect()
        assert sorted(r.bins["n"] for r in mine) == [10, 11, 12, 13, 14]
    finally:
        await official.drop_index(DS, "official_kv_n")


async def test_expression_index_from_ael_by_the_official_sdk(official: Any) -> None:
    await seed(official, 30)
    task = await official.create_index(DS, "official_kv_g", expression="$.g", index_type=aerospike_sdk.IndexType.INTEGER)
    await task.wait_till_complete()
    try:
        theirs = await rows(await official.query(DS).where("$.g == 2").execute())
        assert sorted(r.record.bins["n"] for r in theirs) == list(range(2, 30, 3))
    finally:
        await official.drop_index(DS, "official_kv_g")


async def test_expression_index_from_client_compiled_ael(ours: aerolite.Session, official: Any) -> None:
    await seed(official, 30)
    await ours.create_index(OURS, "ours_kv_g", expression="$.g", index_type=aerolite.IndexType.NUMERIC)
    try:
        found = await (await ours.query(OURS).filter(aerolite.Filter.range_by_index("ours_kv_g", 2, 2))
                       .execute()).collect()
        assert sorted(r.bins["n"] for r in found) == list(range(2, 30, 3))
    finally:
        await ours.drop_index(OURS, "ours_kv_g")
