"""The official aerospike-sdk (1.0.0, PyPI) pointed at aerolite: its background jobs, string ``where``
filters included (server-compiled AEL, which it allows only on builds 8.2 and later), have the same
effects as against a real node. Checked by reading every record back with aerospike-native."""

from __future__ import annotations

from typing import Any

import aerospike_native as an
import pytest

pytestmark = pytest.mark.cluster_too

aerospike_sdk = pytest.importorskip("aerospike_sdk")

SET = "official_sdk"


async def users(client: Any, n: int) -> list[an.Key]:
    await client.truncate("test", SET)
    keys = [an.Key("test", SET, i) for i in range(n)]
    for i, k in enumerate(keys):
        await client.put(k, {"i": i, "active": i % 2 == 0, "score": 0})
    return keys


async def test_update_where_string_filter(client: Any, official_session: Any) -> None:
    keys = await users(client, 20)
    ds = aerospike_sdk.DataSet.of("test", SET)
    task = await official_session.background_task().update(ds).where("$.active == true").bin("score").add(1).execute()
    await task.wait_till_complete()
    for i, k in enumerate(keys):
        rec = await client.get(k)
        assert rec.bins["score"] == (1 if i % 2 == 0 else 0)
        assert rec.generation == (2 if i % 2 == 0 else 1)


async def test_delete_where_with_params(client: Any, official_session: Any) -> None:
    keys = await users(client, 20)
    ds = aerospike_sdk.DataSet.of("test", SET)
    task = await official_session.background_task().delete(ds).where("$.i > %s", 15).execute()
    await task.wait_till_complete()
    assert [await client.exists(k) for k in keys] == [i <= 15 for i in range(20)]


async def test_touch_sets_ttl(client: Any, official_session: Any) -> None:
    keys = await users(client, 5)
    ds = aerospike_sdk.DataSet.of("test", SET)
    task = await official_session.background_task().touch(ds).expire_record_after_seconds(500).execute()
    await task.wait_till_complete()
    for k in keys:
        rec = await client.get(k)
        assert 490 <= rec.ttl <= 500 and rec.generation == 2


async def test_udf_job(client: Any, official_session: Any) -> None:
    keys = await users(client, 10)
    module = b"function mark(rec, v)\n  rec['score'] = v\n  aerospike:update(rec)\n  return v\nend\n"
    task = await client.register_udf(module, "interop_udf.lua", an.UDFLang.LUA)
    await task.wait_till_complete()
    ds = aerospike_sdk.DataSet.of("test", SET)
    job = await (official_session.background_task().execute_udf(ds).function("interop_udf", "mark").passing(7)
                 .where("$.active == false").execute())
    await job.wait_till_complete()
    assert [(await client.get(k)).bins["score"] for k in keys] == [0 if i % 2 == 0 else 7 for i in range(10)]
