"""Background jobs through the asyncio SDK against a real aerolite node, checked record by record.

Every test seeds its own set, runs a job, then reads each record back with the official client:
matching records changed exactly once, the others untouched (bins, generation and TTL).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import aerospike_native as an
import pytest

from aerolite import (
    AerospikeError,
    BackgroundTask,
    Behavior,
    Cluster,
    ClusterDefinition,
    DataSet,
    InvalidNamespaceError,
    InvalidRequestError,
    Session,
    TaskStatus,
)
from aerolite import TimeoutError as SdkTimeout
from tests.conftest import ServerProcess

pytestmark = pytest.mark.cluster_too

Snapshot = tuple[dict[str, Any], int, int | None] | None
"""(bins, generation, ttl) of a record, or None if it does not exist."""


@pytest.fixture(scope="module")
async def cluster(server: ServerProcess) -> AsyncIterator[Cluster]:
    async with ClusterDefinition("127.0.0.1", server.port).connect() as connected:
        yield connected


@pytest.fixture
def session(cluster: Cluster) -> Session:
    return cluster.create_session(Behavior.DEFAULT)


def person(i: int) -> dict[str, Any]:
    return {"i": i, "age": i % 40, "name": f"user{i}", "tags": ["a"]}


async def seed(cluster: Cluster, ds: DataSet, n: int, ttl: int | None = None) -> dict[int, Snapshot]:
    client = cluster.native_client
    policy = an.WritePolicy()
    if ttl is not None:
        policy.expiration = an.Expiration.seconds(ttl)
    await client.truncate(ds.namespace, ds.set_name or "")
    await asyncio.gather(*(client.put(ds.id(i), person(i), policy=policy) for i in range(n)))
    return await snapshot(cluster, ds, n)


async def snapshot(cluster: Cluster, ds: DataSet, n: int) -> dict[int, Snapshot]:
    async def one(i: int) -> Snapshot:
        try:
            record = await cluster.native_client.get(ds.id(i))
        except an.exceptions.RecordNotFound:
            return None
        return dict(record.bins), record.generation, record.ttl

    return dict(zip(range(n), await asyncio.gather(*(one(i) for i in range(n))), strict=True))


async def finish(task: BackgroundTask) -> None:
    assert await task.wait_till_complete(sleep_time=0.02, timeout=30)


def assert_untouched(before: Snapshot, after: Snapshot) -> None:
    """Same bins and generation; the TTL (seconds left, read at two moments) may tick down by one."""
    assert before is not None and after is not None
    assert after[:2] == before[:2]
    if before[2] is None or after[2] is None:
        assert after[2] == before[2]
    else:
        assert 0 <= before[2] - after[2] <= 1


def assert_written_once(before: Snapshot, after: Snapshot) -> dict[str, Any]:
    assert before is not None and after is not None
    assert after[1] == before[1] + 1
    return after[0]


async def test_filtered_update_changes_matching_records_exactly_once(cluster: Cluster, session: Session) -> None:
    ds = DataSet.of("test", "sdk_update")
    before = await seed(cluster, ds, 80)
    task = await (session.background_task().update(ds).where("$.age >= %s", 30)
                  .bin("score").add(5).bin("tier").set_to("gold").execute())
    await finish(task)
    after = await snapshot(cluster, ds, 80)
    matching = [i for i in range(80) if i % 40 >= 30]
    for i in range(80):
        if i in matching:
            bins = assert_written_once(before[i], after[i])
            assert bins == {**person(i), "score": 5, "tier": "gold"}
        else:
            assert_untouched(before[i], after[i])
    p = await task.progress()
    assert (p.done, p.result, p.percent) == (True, "ok", 100.0)
    assert (p.scanned, p.written, p.failed, p.filtered_out) == (80, len(matching), 0, 80 - len(matching))
    assert await task.status() is TaskStatus.COMPLETE


async def test_every_bin_verb_and_a_filter_expression(cluster: Cluster, session: Session) -> None:
    ds = DataSet.of("test", "sdk_verbs")
    before = await seed(cluster, ds, 20)
    exp = an.FilterExpression.lt(an.FilterExpression.int_bin("i"), an.FilterExpression.int_val(10))
    task = await (session.background_task().update(ds).where(exp)
                  .bin("name").append("!").bin("name").prepend("dr ").bin("age").add(100)
                  .bin("i").remove().bin("new").set_to({"k": [1, 2]})
                  .add_operation(an.Operation.put("extra", 7)).execute())
    await finish(task)
    after = await snapshot(cluster, ds, 20)
    for i in range(20):
        if i < 10:
            bins = assert_written_once(before[i], after[i])
            assert bins == {"age": i % 40 + 100, "name": f"dr user{i}!", "tags": ["a"], "new": {"k": [1, 2]}, "extra": 7}
        else:
            assert_untouched(before[i], after[i])


async def test_add_operation_with_a_list_operation(cluster: Cluster, session: Session) -> None:
    ds = DataSet.of("test", "sdk_cdt")
    before = await seed(cluster, ds, 6)
    task = await (session.background_task().update(ds).where("$.i >= 3")
                  .add_operation(an.ListOperation.append("tags", "b", an.ListPolicy())).execute())
    await finish(task)
    after = await snapshot(cluster, ds, 6)
    for i in range(6):
        if i >= 3:
            assert assert_written_once(before[i], after[i])["tags"] == ["a", "b"]
        else:
            assert_untouched(before[i], after[i])


TTL_CASES: list[tuple[str, Any, tuple[int, int] | None]] = [
    ("seconds", lambda b: b.expire_record_after_seconds(1000), (990, 1000)),
    ("timedelta", lambda b: b.expire_record_after(timedelta(hours=2)), (7190, 7200)),
    ("at", lambda b: b.expire_record_at(datetime.now() + timedelta(hours=3)), (10790, 10801)),
    ("never", lambda b: b.never_expire(), None),
    ("unchanged", lambda b: b.with_no_change_in_expiration(), (490, 500)),
    ("server_default", lambda b: b.expiry_from_server_default(), None),
    ("not_set", lambda b: b, None),
]


@pytest.mark.parametrize(("name", "verb", "ttl_range"), TTL_CASES, ids=[c[0] for c in TTL_CASES])
async def test_touch_sets_the_ttl_asked_for_on_matching_records_only(
    cluster: Cluster, session: Session, name: str, verb: Any, ttl_range: tuple[int, int] | None,
) -> None:
    ds = DataSet.of("test", f"sdk_ttl_{name}")
    before = await seed(cluster, ds, 10, ttl=500)
    task = await verb(session.background_task().touch(ds).where("$.i < 5")).execute()
    await finish(task)
    after = await snapshot(cluster, ds, 10)
    for i in range(10):
        if i < 5:
            assert assert_written_once(before[i], after[i]) == person(i)
            ttl = after[i][2]  # type: ignore[index]
            if ttl_range is None:
                assert ttl is None  # namespace default-ttl is 0: never expires
            else:
                assert ttl is not None and ttl_range[0] <= ttl <= ttl_range[1]
        else:
            assert_untouched(before[i], after[i])


async def test_update_can_keep_ttl_while_writing(cluster: Cluster, session: Session) -> None:
    ds = DataSet.of("test", "sdk_keep_ttl")
    before = await seed(cluster, ds, 5, ttl=700)
    await finish(await session.background_task().update(ds).bin("seen").add(1).with_no_change_in_expiration().execute())
    after = await snapshot(cluster, ds, 5)
    for i in range(5):
        assert assert_written_once(before[i], after[i])["seen"] == 1
        assert 690 <= after[i][2] <= 700  # type: ignore[index,operator]


@pytest.mark.parametrize("durable", [True, False])
async def test_filtered_delete_removes_matching_records_only(cluster: Cluster, session: Session, durable: bool) -> None:
    ds = DataSet.of("test", f"sdk_delete_{durable}")
    before = await seed(cluster, ds, 60)
    builder = session.background_task().delete(ds).where("$.name == %s or $.age < %s", "user59", 10)
    task = await (builder.with_durable_delete() if durable else builder.without_durable_delete()).execute()
    await finish(task)
    after = await snapshot(cluster, ds, 60)
    gone = {i for i in range(60) if i % 40 < 10 or i == 59}
    for i in range(60):
        if i in gone:
            assert after[i] is None
        else:
            assert_untouched(before[i], after[i])
    p = await task.progress()
    assert (p.written, p.filtered_out, p.failed) == (len(gone), 60 - len(gone), 0)


async def test_whole_namespace_dataset_covers_every_set(cluster: Cluster, session: Session) -> None:
    client = cluster.native_client
    await client.truncate("bar", "")
    keys = [an.Key("bar", s, i) for s in ("s1", "s2", "") for i in range(5)]
    await asyncio.gather(*(client.put(k, {"v": 1}) for k in keys))
    await finish(await session.background_task().update(DataSet.of("bar")).bin("v").add(1).execute())
    for key in keys:
        record = await client.get(key)
        assert (record.bins, record.generation) == ({"v": 2}, 2)


async def test_count_is_a_dry_run(cluster: Cluster, session: Session) -> None:
    ds = DataSet.of("test", "sdk_count")
    before = await seed(cluster, ds, 50)
    assert await session.background_task().delete(ds).where("$.age < %s", 12).count() == 12 + 10
    assert await session.background_task().update(ds).count() == 50
    assert await session.background_task().execute_udf(ds).function("m", "f").where("$.i == 3").count() == 1
    assert await snapshot(cluster, ds, 50) == before


async def test_records_per_second_is_honoured(cluster: Cluster, session: Session) -> None:
    ds = DataSet.of("test", "sdk_rps")
    await seed(cluster, ds, 400)
    started = time.monotonic()
    task = await session.background_task().touch(ds).records_per_second(200).execute()
    await finish(task)
    elapsed = time.monotonic() - started
    rate = 200 * len(cluster.native_client.node_names())  # the rate is per node, as on a cluster
    assert elapsed >= 0.8 * 400 / rate, f"400 records at {rate} rps took only {elapsed:.2f} s"
    p = await task.progress()
    assert (p.written, p.rps_limit) == (400, rate)


async def test_status_watch_and_listing(cluster: Cluster, session: Session) -> None:
    ds = DataSet.of("test", "sdk_watch")
    await seed(cluster, ds, 100)
    task = await session.background_task().update(ds).bin("w").set_to(1).records_per_second(250).execute()
    assert await task.status() is TaskStatus.IN_PROGRESS
    listed = {job.task_id: job for job in await session.background_jobs()}
    assert listed[task.task_id].job_type == "background-ops"
    seen = [p async for p in task.watch(interval=0.1)]
    assert len(seen) >= 2
    assert [p.scanned for p in seen] == sorted(p.scanned for p in seen)
    assert seen[-1].done and seen[-1].written == 100 and not any(p.done for p in seen[:-1])
    assert await task.status() is TaskStatus.COMPLETE


async def test_abort_leaves_a_consistent_store(cluster: Cluster, session: Session) -> None:
    ds = DataSet.of("test", "sdk_abort")
    before = await seed(cluster, ds, 400)
    task = await session.background_task().update(ds).bin("age").add(1000).records_per_second(100).execute()
    await asyncio.sleep(0.5)
    assert await task.abort() is True
    p = await task.progress()
    assert p.done and p.aborted and p.result == "user-aborted"
    assert 0 < p.written < 400
    assert await task.wait_till_complete(0.02, 5)
    await asyncio.sleep(0.3)
    after = await snapshot(cluster, ds, 400)
    changed = 0
    for i in range(400):
        if after[i] == before[i]:
            continue
        assert assert_written_once(before[i], after[i])["age"] == i % 40 + 1000
        changed += 1
    assert changed == (await task.progress()).written
    assert await task.abort() is False


async def test_wait_timeout_raises_sdk_timeout(cluster: Cluster, session: Session) -> None:
    ds = DataSet.of("test", "sdk_timeout")
    await seed(cluster, ds, 200)
    task = await session.background_task().touch(ds).records_per_second(100).execute()
    with pytest.raises(SdkTimeout, match="abort") as info:
        await task.wait_till_complete(sleep_time=0.05, timeout=0.2)
    assert isinstance(info.value, TimeoutError) and info.value.result_code == 9
    assert await task.abort()


async def test_submit_errors_are_sdk_errors(cluster: Cluster, session: Session) -> None:
    with pytest.raises(InvalidNamespaceError) as info:
        await session.background_task().touch(DataSet.of("nowhere", "s")).execute()
    assert info.value.result_code == 20
    with pytest.raises(AerospikeError):
        await session.background_task().touch(DataSet.of("nowhere", "s")).count()


async def test_rps_above_the_namespace_cap_is_refused_before_submit(cluster: Cluster, session: Session) -> None:
    client = cluster.native_client
    reply = await client.info("set-config:context=namespace;id=bar;background-query-max-rps=500")
    assert next(iter(reply.values())) == "ok", f"the node cannot set background-query-max-rps: {reply}"
    try:
        with pytest.raises(InvalidRequestError, match="at most 500"):
            await session.background_task().touch(DataSet.of("bar", "capped")).records_per_second(501).execute()
    finally:
        await client.info("set-config:context=namespace;id=bar;background-query-max-rps=0")


async def test_closed_cluster_refuses_new_work(server: ServerProcess) -> None:
    async with ClusterDefinition("127.0.0.1", server.port).connect() as closing:
        session = closing.create_session()
    with pytest.raises(RuntimeError, match="closed"):
        session.background_task()
    with pytest.raises(RuntimeError, match="closed"):
        closing.create_session()


async def test_background_job_by_id_polls_waits_and_aborts(cluster: Cluster, session: Session) -> None:
    ds = DataSet.of("test", "sdk_by_id")
    await seed(cluster, ds, 300)
    started = await session.background_task().update(ds).bin("seen").add(1).records_per_second(100).execute()
    found = session.background_job(started.task_id)
    assert found.task_id == started.task_id
    assert await found.status() is TaskStatus.IN_PROGRESS
    assert await found.abort() is True
    assert await found.wait_till_complete(sleep_time=0.05, timeout=10) is True
    assert (await found.progress()).aborted
    assert await session.background_job(12345).status() is TaskStatus.NOT_FOUND
