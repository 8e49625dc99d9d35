"""Key-value verbs through the asyncio SDK against a real aerolite node: one key and many keys, every
verb, read back with the official client (aerospike-native) so the SDK is not checked by itself."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aerospike_native as an
import pytest

from aerolite import (
    Behavior,
    Cluster,
    ClusterDefinition,
    DataSet,
    ErrorStrategy,
    FilteredOutError,
    GenerationError,
    RecordExistsError,
    RecordNotFoundError,
    RecordResult,
    Session,
)
from tests.conftest import ServerProcess

pytestmark = pytest.mark.cluster_too

USERS = DataSet.of("test", "sdk_kv")


@pytest.fixture(scope="module")
async def cluster(server: ServerProcess) -> AsyncIterator[Cluster]:
    async with ClusterDefinition("127.0.0.1", server.port).connect() as connected:
        yield connected


@pytest.fixture
async def session(cluster: Cluster) -> Session:
    await cluster.native_client.truncate(USERS.namespace, USERS.set_name or "")
    return cluster.create_session(Behavior.DEFAULT)


async def stored(cluster: Cluster, user_key: int) -> tuple[dict[str, Any], int, int | None] | None:
    """(bins, generation, ttl) as the official client reads them, or None if absent."""
    try:
        record = await cluster.native_client.get(USERS.id(user_key))
    except an.exceptions.RecordNotFound:
        return None
    return dict(record.bins), record.generation, record.ttl


async def test_upsert_put_then_get_reads_back(cluster: Cluster, session: Session) -> None:
    result = await session.upsert(USERS.id(1)).put({"name": "Ann", "age": 31}).execute()
    assert isinstance(result, RecordResult) and result.ok
    assert await stored(cluster, 1) == ({"name": "Ann", "age": 31}, 1, None)
    await session.upsert(USERS.id(1)).put({"age": 32}).execute()
    assert await stored(cluster, 1) == ({"name": "Ann", "age": 32}, 2, None)
    got = await session.get(USERS.id(1)).execute()
    assert got.bins == {"name": "Ann", "age": 32} and got.generation == 2
    assert (await session.get(USERS.id(1)).select("age").execute()).bins == {"age": 32}


async def test_get_and_exists_of_a_missing_record_answer_not_found(session: Session) -> None:
    missing = await session.get(USERS.id(404)).execute()
    assert (missing.ok, missing.record, missing.code_name) == (False, None, "KEY_NOT_FOUND")
    assert not (await session.exists(USERS.id(404)).execute()).ok
    await session.upsert(USERS.id(5)).put({"a": 1}).execute()
    assert (await session.exists(USERS.id(5)).execute()).ok


async def test_insert_refuses_an_existing_record_or_collects_the_failure(cluster: Cluster, session: Session) -> None:
    await session.insert(USERS.id(1)).put({"a": 1}).execute()
    with pytest.raises(RecordExistsError):
        await session.insert(USERS.id(1)).put({"a": 2}).execute()
    collected = await session.insert(USERS.id(1)).put({"a": 2}).execute(on_error=ErrorStrategy.COLLECT)
    assert collected.code_name == "KEY_EXISTS" and isinstance(collected.to_exception(), RecordExistsError)
    assert await stored(cluster, 1) == ({"a": 1}, 1, None)


async def test_update_needs_the_record_and_applies_bin_steps(cluster: Cluster, session: Session) -> None:
    with pytest.raises(RecordNotFoundError):
        await session.update(USERS.id(2)).bin("n").add(1).execute()
    assert await stored(cluster, 2) is None
    await session.upsert(USERS.id(2)).put({"n": 1, "s": "b", "gone": 1}).execute()
    await (session.update(USERS.id(2)).bin("n").add(4).bin("s").append("c").bin("s").prepend("a")
           .bin("gone").remove().bin("t").set_to([1, 2]).execute())
    assert await stored(cluster, 2) == ({"n": 5, "s": "abc", "t": [1, 2]}, 2, None)


async def test_replace_drops_bins_it_does_not_write(cluster: Cluster, session: Session) -> None:
    await session.upsert(USERS.id(3)).put({"a": 1, "b": 2}).execute()
    await session.replace(USERS.id(3)).put({"c": 3}).execute()
    assert await stored(cluster, 3) == ({"c": 3}, 2, None)
    await session.replace(USERS.id(30)).put({"c": 3}).execute()
    assert await stored(cluster, 30) == ({"c": 3}, 1, None)


async def test_delete_and_touch(cluster: Cluster, session: Session) -> None:
    await session.upsert(USERS.id(4)).put({"a": 1}).execute()
    touched = await session.touch(USERS.id(4)).expire_record_after(timedelta(seconds=600)).execute()
    assert touched.ok
    after = await stored(cluster, 4)
    assert after is not None and after[1] == 2 and after[2] is not None and 590 <= after[2] <= 600
    assert (await session.delete(USERS.id(4)).execute()).ok
    assert await stored(cluster, 4) is None
    assert (await session.delete(USERS.id(4)).execute()).code_name == "KEY_NOT_FOUND"
    with pytest.raises(RecordNotFoundError):
        await session.touch(USERS.id(4)).execute()


async def ttl_of(cluster: Cluster, user_key: int) -> int:
    after = await stored(cluster, user_key)
    assert after is not None and after[2] is not None
    return after[2]


async def test_expiration_variants(cluster: Cluster, session: Session) -> None:
    await session.upsert(USERS.id(6)).put({"a": 1}).expire_record_after_seconds(100).execute()
    assert 90 <= await ttl_of(cluster, 6) <= 100
    await session.update(USERS.id(6)).bin("a").add(1).with_no_change_in_expiration().execute()
    assert 90 <= await ttl_of(cluster, 6) <= 100
    await session.update(USERS.id(6)).bin("a").add(1).never_expire().execute()
    assert (await stored(cluster, 6)) == ({"a": 3}, 3, None)


async def test_generation_check(cluster: Cluster, session: Session) -> None:
    await session.upsert(USERS.id(7)).put({"v": 1}).execute()
    seen = await session.get(USERS.id(7)).execute()
    assert seen.generation == 1
    await session.update(USERS.id(7)).put({"v": 2}).ensure_generation_is(1).execute()
    with pytest.raises(GenerationError):
        await session.update(USERS.id(7)).put({"v": 3}).ensure_generation_is(1).execute()
    assert await stored(cluster, 7) == ({"v": 2}, 2, None)


async def test_where_on_single_key_verbs(cluster: Cluster, session: Session) -> None:
    await session.upsert(USERS.id(8)).put({"v": 1, "locked": True}).execute()
    skipped = await session.update(USERS.id(8)).where("$.locked == false").bin("v").set_to(9).execute()
    assert skipped.code_name == "FILTERED_OUT"
    with pytest.raises(FilteredOutError):
        await session.delete(USERS.id(8)).where("$.locked == false").fail_on_filtered_out().execute()
    assert await stored(cluster, 8) == ({"v": 1, "locked": True}, 1, None)
    assert (await session.get(USERS.id(8)).where("$.v == %s", 2).execute()).code_name == "FILTERED_OUT"
    assert (await session.get(USERS.id(8)).where("$.v == %s", 1).execute()).bins["v"] == 1
    assert (await session.update(USERS.id(8)).where("$.v == 1").bin("v").add(1).execute()).ok
    assert await stored(cluster, 8) == ({"v": 2, "locked": True}, 2, None)


# --- many keys: one batch command each --------------------------------------------------------


async def test_batch_writes_each_shape(cluster: Cluster, session: Session) -> None:
    keys = USERS.ids(range(10, 20))
    same = await session.upsert(keys[:5]).put({"k": "same"}).execute()
    assert [r.ok for r in same] == [True] * 5
    rows = await session.insert(keys[5:]).put([{"k": i} for i in range(15, 20)]).execute()
    assert [r.ok for r in rows] == [True] * 5
    assert [await stored(cluster, i) for i in range(10, 20)] == (
        [({"k": "same"}, 1, None)] * 5 + [({"k": i}, 1, None) for i in range(15, 20)])
    mixed = await session.insert(USERS.ids(19, 20)).put({"k": 0}).execute()
    assert [r.code_name for r in mixed] == ["KEY_EXISTS", "OK"]
    with pytest.raises(RecordExistsError):
        await session.insert(USERS.ids(19, 21)).put({"k": 0}).execute(on_error=ErrorStrategy.RAISE)
    ops = await session.update(USERS.ids(15, 16, 99)).bin("k").add(100).bin("t").set_to("x").execute()
    assert [r.code_name for r in ops] == ["OK", "OK", "KEY_NOT_FOUND"]
    assert await stored(cluster, 15) == ({"k": 115, "t": "x"}, 2, None)
    replaced = await session.replace(USERS.ids(10, 11)).put({"only": 1}).execute()
    assert all(r.ok for r in replaced) and await stored(cluster, 10) == ({"only": 1}, 2, None)


async def test_batch_reads_each_shape(session: Session) -> None:
    await session.upsert(USERS.ids(1, 2, 3)).put([{"a": i, "b": -i} for i in (1, 2, 3)]).execute()
    got = await session.get(USERS.ids(1, 2, 404, 3)).execute()
    assert [r.bins for r in got] == [{"a": 1, "b": -1}, {"a": 2, "b": -2}, {}, {"a": 3, "b": -3}]
    assert [r.code_name for r in got] == ["OK", "OK", "KEY_NOT_FOUND", "OK"]
    assert [r.key.value for r in got] == [1, 2, 404, 3]
    selected = await session.get(USERS.ids(1, 2)).select("b").execute()
    assert [r.bins for r in selected] == [{"b": -1}, {"b": -2}]
    exists = await session.exists(USERS.ids(1, 404)).execute()
    assert [(r.ok, r.bins, r.generation) for r in exists] == [(True, {}, 1), (False, {}, None)]
    filtered = await session.get(USERS.ids(1, 2, 3)).where("$.a >= 2").execute()
    assert [r.code_name for r in filtered] == ["FILTERED_OUT", "OK", "OK"]


async def test_batch_delete_touch_and_where(cluster: Cluster, session: Session) -> None:
    await session.upsert(USERS.ids(1, 2, 3)).put([{"a": i} for i in (1, 2, 3)]).execute()
    touched = await session.touch(USERS.ids(1, 2)).expire_record_after_seconds(500).execute()
    assert all(r.ok for r in touched)
    assert ((await stored(cluster, 1)) or ({}, 0, None))[1:] != (1, None)
    deleted = await session.delete(USERS.ids(1, 2, 3, 404)).where("$.a != 2").execute()
    assert [r.code_name for r in deleted] == ["OK", "FILTERED_OUT", "OK", "KEY_NOT_FOUND"]
    assert [await stored(cluster, i) is None for i in (1, 2, 3)] == [True, False, True]


async def test_generation_check_on_a_batch(session: Session) -> None:
    await session.upsert(USERS.ids(1, 2)).put({"v": 0}).execute()
    await session.update(USERS.id(2)).bin("v").add(1).execute()
    results = await session.update(USERS.ids(1, 2)).bin("v").add(10).ensure_generation_is(1).execute()
    assert [r.code_name for r in results] == ["OK", "GENERATION_ERROR"]


async def test_concurrent_single_key_commands(session: Session) -> None:
    await asyncio.gather(*(session.upsert(USERS.id(i)).put({"i": i}).execute() for i in range(200)))
    results = await asyncio.gather(*(session.get(USERS.id(i)).execute() for i in range(200)))
    assert [r.bins["i"] for r in results] == list(range(200))
