"""Lua UDF jobs through the asyncio SDK: registration, effects per record, failures, sandboxing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from aerolite import AerospikeError, Cluster, ClusterDefinition, DataSet, Session
from tests.conftest import ServerProcess

pytestmark = pytest.mark.cluster_too

SCORING = """
function bump(rec, bin, amount)
  if rec['i'] == 13 then error('unlucky record') end
  rec[bin] = (rec[bin] or 0) + amount
  aerospike:update(rec)
end

function escape(rec)
  local f = io.open('/etc/passwd')
  rec['leak'] = f:read('*a')
  aerospike:update(rec)
end
"""


@pytest.fixture(scope="module")
async def cluster(server: ServerProcess) -> AsyncIterator[Cluster]:
    async with ClusterDefinition("127.0.0.1", server.port).connect() as connected:
        yield connected


@pytest.fixture(scope="module")
async def scoring(cluster: Cluster) -> str:
    return await cluster.create_session().register_udf(SCORING, "sdk_scoring")


async def seed(cluster: Cluster, ds: DataSet, n: int) -> None:
    client = cluster.native_client
    await client.truncate(ds.namespace, ds.set_name or "")
    await asyncio.gather(*(client.put(ds.id(i), {"i": i, "score": 0}) for i in range(n)))


async def generations(cluster: Cluster, ds: DataSet, n: int) -> list[tuple[int, int]]:
    records = await asyncio.gather(*(cluster.native_client.get(ds.id(i)) for i in range(n)))
    return [(r.bins["score"], r.generation) for r in records]


async def test_udf_job_runs_on_matching_records_and_counts_the_failure(cluster: Cluster, scoring: str) -> None:
    ds = DataSet.of("test", "sdk_udf")
    await seed(cluster, ds, 30)
    session = cluster.create_session()
    task = await (session.background_task().execute_udf(ds).function(scoring, "bump")
                  .passing("score", 7).where("$.i >= %s", 10).execute())
    assert await task.wait_till_complete(0.02, 30)
    after = await generations(cluster, ds, 30)
    for i, (score, generation) in enumerate(after):
        expected = (7, 2) if i >= 10 and i != 13 else (0, 1)
        assert (score, generation) == expected, i
    p = await task.progress()
    assert (p.job_type, p.written, p.failed, p.filtered_out, p.scanned) == ("background-udf", 19, 1, 10, 30)


async def test_sandbox_escape_fails_every_record_cleanly(cluster: Cluster, scoring: str) -> None:
    ds = DataSet.of("test", "sdk_udf_escape")
    await seed(cluster, ds, 5)
    session = cluster.create_session()
    task = await session.background_task().execute_udf(ds).function(scoring, "escape").execute()
    assert await task.wait_till_complete(0.02, 30)
    p = await task.progress()
    assert (p.result, p.written, p.failed) == ("ok", 0, 5)
    assert await generations(cluster, ds, 5) == [(0, 1)] * 5


async def test_register_and_remove_a_module(cluster: Cluster) -> None:
    session_name = "sdk_tmp_udf"
    session: Session = cluster.create_session()
    assert await session.register_udf("function f(rec) end", session_name) == session_name
    listing = await cluster.native_client.info("udf-list")
    assert f"filename={session_name}.lua" in next(iter(listing.values()))
    await session.remove_udf(session_name)
    listing = await cluster.native_client.info("udf-list")
    assert f"filename={session_name}.lua" not in next(iter(listing.values()))


async def test_unknown_module_fails_records_not_the_submit(cluster: Cluster) -> None:
    ds = DataSet.of("test", "sdk_udf_missing")
    await seed(cluster, ds, 3)
    task = await cluster.create_session().background_task().execute_udf(ds).function("nope", "f").execute()
    assert await task.wait_till_complete(0.02, 30)
    assert (await task.progress()).failed == 3
    record = await cluster.native_client.get(ds.id(0))
    assert record.generation == 1



async def test_udfs_lists_registered_modules_and_compile_errors_read_plainly(cluster: Cluster) -> None:
    session = cluster.create_session()
    await session.register_udf("function one(rec)\n  return 1\nend\n", "listed_mod")
    modules = {m.name: m for m in await session.udfs()}
    assert "listed_mod" in modules and modules["listed_mod"].language == "LUA" and len(modules["listed_mod"].hash) == 40
    with pytest.raises(AerospikeError, match=r"broken_mod\.lua:2: .*expected"):
        await session.register_udf("function broken(rec\n  return 1\nend\n", "broken_mod")
    await session.remove_udf("listed_mod")
    assert "listed_mod" not in {m.name for m in await session.udfs()}
