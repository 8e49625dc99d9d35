"""What a job tells about its failed records, and how long it has left, read through both SDK faces.

Records fail on purpose (a Lua error on some, a string append to an integer bin on others); the
samples read back name exactly those records, with their keys, result codes and error texts.
"""

from __future__ import annotations

import asyncio

import aerospike_native as an
import pytest

from aerolite import Cluster, DataSet, JobFailure, JobNotFoundError
from aerolite import sync as aerolite_sync
from tests.conftest import ServerProcess

PICKY = """
function bump(rec)
  if rec['i'] % 7 == 3 then error('no bump for record ' .. rec['i']) end
  rec['score'] = (rec['score'] or 0) + 1
  aerospike:update(rec)
end
"""


async def seed(cluster: Cluster, ds: DataSet, n: int) -> None:
    """Records 0..n-1; odd ones store their key; every fifth has an integer ``name``."""
    client = cluster.native_client
    await client.truncate(ds.namespace, ds.set_name or "")
    with_key = an.WritePolicy()
    with_key.send_key = True
    await asyncio.gather(*(
        client.put(ds.id(i), {"i": i, "name": 0 if i % 5 == 0 else f"u{i}"},
                   policy=with_key if i % 2 else an.WritePolicy())
        for i in range(n)))


def expected_key(i: int) -> int | None:
    return i if i % 2 else None


async def test_udf_failures_name_the_records_and_the_lua_error(sdk_cluster: Cluster) -> None:
    ds = DataSet.of("test", "failures_udf")
    await seed(sdk_cluster, ds, 70)
    session = sdk_cluster.create_session()
    module = await session.register_udf(PICKY, "failures_picky")
    task = await session.background_task().execute_udf(ds).function(module, "bump").execute()
    assert await task.wait_till_complete(0.02, 30)
    failing = sorted(i for i in range(70) if i % 7 == 3)
    assert (await task.progress()).failed == len(failing) == 10
    failures = await task.failures()
    assert failures.kept and len(failures) == 10
    by_digest = {bytes.fromhex(ds.id(i).digest): i for i in range(70)}
    assert sorted(by_digest[f.digest] for f in failures) == failing
    for f in failures:
        i = by_digest[f.digest]
        assert isinstance(f, JobFailure)
        assert (f.key, f.result_code, f.code_name) == (expected_key(i), 100, "UDF_BAD_RESPONSE")
        assert f.message.endswith(f"no bump for record {i}")
    for i in failing:  # a failing record is left as it was
        record = await sdk_cluster.native_client.get(ds.id(i))
        assert "score" not in record.bins and record.generation == 1


async def test_ops_failures_keep_the_first_twenty_with_the_reason(sdk_cluster: Cluster) -> None:
    ds = DataSet.of("test", "failures_ops")
    await seed(sdk_cluster, ds, 150)
    task = await sdk_cluster.create_session().background_task().update(ds).bin("name").append("!").execute()
    assert await task.wait_till_complete(0.02, 30)
    progress = await task.progress()
    assert (progress.written, progress.failed) == (120, 30)
    failures = await task.failures()
    assert len(failures) == 20
    integer_names = {bytes.fromhex(ds.id(i).digest): i for i in range(0, 150, 5)}
    for f in failures:
        assert f.digest in integer_names
        assert f.key == expected_key(integer_names[f.digest])
        assert (f.result_code, f.code_name) == (12, "BIN_TYPE_ERROR")
        assert f.message == "append of a str on bin 'name' holding a int"
    assert len({f.digest for f in failures}) == 20


async def test_a_job_without_failures_has_none_and_an_unknown_job_is_not_found(sdk_cluster: Cluster) -> None:
    ds = DataSet.of("test", "failures_none")
    await seed(sdk_cluster, ds, 10)
    session = sdk_cluster.create_session()
    task = await session.background_task().update(ds).bin("seen").set_to(1).execute()
    assert await task.wait_till_complete(0.02, 30)
    failures = await task.failures()
    assert (list(failures), failures.kept) == ([], True)
    with pytest.raises(JobNotFoundError, match="no node knows job 424242"):
        await session.background_job(424242).failures()


async def test_eta_while_a_throttled_job_runs_then_zero(sdk_cluster: Cluster) -> None:
    ds = DataSet.of("test", "failures_eta")
    await seed(sdk_cluster, ds, 300)
    task = await sdk_cluster.create_session().background_task().update(ds).bin("seen").set_to(1) \
        .records_per_second(200).execute()
    snapshots = [p async for p in task.watch(0.1)]
    running = [p for p in snapshots if not p.done and p.rate > 0 and 0 < p.percent < 100]
    assert running, "no snapshot caught the job mid-way"
    for p in running:
        assert p.eta is not None and p.eta > 0
        assert p.eta == pytest.approx(p.scanned * (100 - p.percent) / p.percent / p.rate)
    assert snapshots[-1].done and snapshots[-1].eta == 0.0


def test_the_blocking_face_reads_the_same_samples(server: ServerProcess) -> None:
    ds = DataSet.of("test", "failures_sync")
    with aerolite_sync.ClusterDefinition("127.0.0.1", server.port).connect() as cluster:
        client = cluster.native_client
        client.truncate_blocking("test", "failures_sync")
        for i in range(12):
            client.put_blocking(ds.id(i), {"name": 0 if i % 4 == 0 else "x"})
        session = cluster.create_session()
        task = session.background_task().update(ds).bin("name").prepend(">").execute()
        assert task.wait_till_complete(0.02, 30)
        failures = session.background_job(task.task_id).failures()
        assert sorted(f.digest for f in failures) == sorted(bytes.fromhex(ds.id(i).digest) for i in (0, 4, 8))
        assert {(f.key, f.code_name) for f in failures} == {(None, "BIN_TYPE_ERROR")}
