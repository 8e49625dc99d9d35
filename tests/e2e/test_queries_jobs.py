"""Queries, background jobs and batches through the official client, checked by reading data back."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aerospike_native as an
import pytest
from aerospike_native import Expiration, Key, Operation, PartitionFilter, QueryPolicy, Statement, WritePolicy

from aerolite.sdk.jobs import JobProgress, merge_nodes

pytestmark = pytest.mark.cluster_too

NS = "test"


async def fill(client: Any, set_name: str, n: int) -> list[Key]:
    await client.truncate(NS, set_name)
    keys = [Key(NS, set_name, i) for i in range(n)]
    await asyncio.gather(*(client.put(k, {"i": i, "even": i % 2 == 0}) for i, k in enumerate(keys)))
    return keys


async def job(client: Any, task_id: int) -> JobProgress:
    """The job's progress merged over every node (each runs its share of the partitions)."""
    command = f"query-show:id={task_id}"
    replies = await client.info_on_all_nodes(command)
    (merged,) = merge_nodes(answers[command] for answers in replies.values())
    return merged


async def collect(recordset: Any) -> list[Any]:
    return [r async for r in recordset]


async def test_query_returns_every_record_of_the_set(client: Any) -> None:
    await fill(client, "q_all", 50)
    await fill(client, "q_other", 5)
    records = await collect(await client.query(Statement(NS, "q_all"), PartitionFilter.all()))
    assert sorted(r.bins["i"] for r in records) == list(range(50))


async def test_query_selected_bins_and_no_bin_data(client: Any) -> None:
    await fill(client, "q_bins", 10)
    records = await collect(await client.query(Statement(NS, "q_bins", ["i"]), PartitionFilter.all()))
    assert all(set(r.bins) == {"i"} for r in records) and len(records) == 10
    policy = QueryPolicy()
    policy.include_bin_data = False
    records = await collect(await client.query(Statement(NS, "q_bins"), PartitionFilter.all(), policy=policy))
    assert len(records) == 10 and all(not r.bins for r in records)


async def test_query_pages_resume_without_duplicates(client: Any) -> None:
    await fill(client, "q_pages", 23)
    policy = QueryPolicy()
    policy.max_records = 5
    pf = PartitionFilter.all()
    pages: list[int] = []
    seen: list[int] = []
    while not pf.done() and len(pages) < 10:
        rs = await client.query(Statement(NS, "q_pages"), pf, policy=policy)
        got = await collect(rs)
        pages.append(len(got))
        seen += [r.bins["i"] for r in got]
        pf = await rs.partition_filter()
        if pf is None:
            break
    # One node fills each page; a cluster splits max_records among its nodes, so pages may come short.
    assert (pages[:4] == [5, 5, 5, 5] if len(client.node_names()) == 1 else max(pages) <= 5) and sum(pages) == 23
    assert sorted(seen) == list(range(23))


async def test_query_partition_range(client: Any) -> None:
    await fill(client, "q_range", 40)
    low = await collect(await client.query(Statement(NS, "q_range"), PartitionFilter.by_range(0, 2048)))
    high = await collect(await client.query(Statement(NS, "q_range"), PartitionFilter.by_range(2048, 2048)))
    assert len(low) + len(high) == 40
    assert {r.bins["i"] for r in low}.isdisjoint({r.bins["i"] for r in high})


async def test_background_ops_job_updates_every_record_once(client: Any) -> None:
    keys = await fill(client, "bg_ops", 100)
    task = await client.query_operate(Statement(NS, "bg_ops"), [Operation.add("i", 1000), Operation.put("tag", "bg")],
                                      write_policy=WritePolicy())
    await task.wait_till_complete(sleep_time=0.05)
    for i, k in enumerate(keys):
        rec = await client.get(k)
        assert rec.bins == {"i": i + 1000, "even": i % 2 == 0, "tag": "bg"}
        assert rec.generation == 2
    progress = await job(client, task.task_id)
    assert progress.done and progress.result == "ok" and progress.written == 100
    assert progress.job_type == "background-ops"


async def test_background_job_sets_ttl_and_deletes(client: Any) -> None:
    keys = await fill(client, "bg_ttl", 20)
    policy = WritePolicy()
    policy.expiration = Expiration.seconds(600)
    task = await client.query_operate(Statement(NS, "bg_ttl"), [Operation.touch()], write_policy=policy)
    await task.wait_till_complete(sleep_time=0.05)
    for k in keys:
        assert 590 <= (await client.get(k)).ttl <= 600
    task = await client.query_operate(Statement(NS, "bg_ttl"), [Operation.delete()], write_policy=WritePolicy())
    await task.wait_till_complete(sleep_time=0.05)
    assert not any([await client.exists(k) for k in keys])


async def test_background_job_refuses_reads(client: Any) -> None:
    await fill(client, "bg_read", 3)
    with pytest.raises(an.exceptions.AerospikeError):
        task = await client.query_operate(Statement(NS, "bg_read"), [Operation.get_bin("i")], write_policy=WritePolicy())
        await task.wait_till_complete(sleep_time=0.05)


async def test_records_per_second_is_honoured(client: Any) -> None:
    await fill(client, "bg_rps", 300)
    policy = WritePolicy()
    policy.records_per_second = 200
    started = time.monotonic()
    task = await client.query_operate(Statement(NS, "bg_rps"), [Operation.add("i", 1)], write_policy=policy)
    await task.wait_till_complete(sleep_time=0.05)
    elapsed = time.monotonic() - started
    assert elapsed >= 0.8 * 300 / (200 * len(client.node_names()))  # the rate is per node, as on a cluster


async def test_abort_leaves_a_consistent_store(client: Any) -> None:
    keys = await fill(client, "bg_abort", 400)
    policy = WritePolicy()
    policy.records_per_second = 100
    task = await client.query_operate(Statement(NS, "bg_abort"), [Operation.add("i", 1000)], write_policy=policy)
    await asyncio.sleep(0.5)
    abort = f"query-abort:id={task.task_id}"
    assert [answers[abort] for answers in (await client.info_on_all_nodes(abort)).values()] == ["ok"] * len(
        client.node_names())
    progress = await job(client, task.task_id)
    assert progress.done and progress.result == "user-aborted"
    changed = [(await client.get(k)).bins["i"] >= 1000 for k in keys]
    assert 0 < sum(changed) < 400
    assert progress.written == sum(changed)
    await asyncio.sleep(0.3)
    assert [(await client.get(k)).bins["i"] >= 1000 for k in keys] == changed


async def test_unknown_job_ids(client: Any) -> None:
    assert (await client.info("query-show:id=12345"))["query-show:id=12345"] == "ERROR:2:job not found"
    assert (await client.info("query-abort:id=12345"))["query-abort:id=12345"] == "ERROR:2:id not active"


async def test_batch_read_write_delete(client: Any) -> None:
    keys = await fill(client, "batch", 5)
    missing = Key(NS, "batch", "nope")
    results = await client.batch_read([*keys, missing])
    assert [r.record.bins["i"] if r.record else None for r in results] == [0, 1, 2, 3, 4, None]
    assert await client.batch_exists([keys[0], missing]) == [True, False]
    results = await client.batch_operate(keys[:2], [[Operation.add("i", 10), Operation.get_bin("i")], [Operation.put("z", "zz")]])
    assert (await client.get(keys[0])).bins["i"] == 10
    assert (await client.get(keys[1])).bins["z"] == "zz"
    await client.batch_delete(keys[2:])
    assert await client.batch_exists(keys) == [True, True, False, False, False]


UDF_MODULE = b"""
function bump_unless(rec, bad)
    if rec['i'] == bad then error('refusing ' .. bad) end
    rec['i'] = rec['i'] + 1000
    aerospike:update(rec)
    return rec['i']
end

function escape(rec)
    local f = io.open('/etc/passwd')
    return 1
end
"""


async def register(client: Any) -> None:
    task = await client.register_udf(UDF_MODULE, "jobs_udf.lua", an.UDFLang.LUA)
    await task.wait_till_complete()


async def test_udf_job_counts_one_failure_and_updates_the_rest(client: Any) -> None:
    await register(client)
    keys = await fill(client, "bg_udf", 30)
    task = await client.query_execute_udf(Statement(NS, "bg_udf"), "jobs_udf", "bump_unless", [7],
                                          write_policy=WritePolicy())
    await task.wait_till_complete(sleep_time=0.05)
    values = [(await client.get(k)).bins["i"] for k in keys]
    assert values == [i if i == 7 else i + 1000 for i in range(30)]
    progress = await job(client, task.task_id)
    assert progress.written == 29 and progress.failed == 1 and progress.done and progress.result == "ok"


async def test_sandbox_escape_fails_records_and_changes_nothing(client: Any) -> None:
    await register(client)
    keys = await fill(client, "bg_escape", 5)
    task = await client.query_execute_udf(Statement(NS, "bg_escape"), "jobs_udf", "escape", [],
                                          write_policy=WritePolicy())
    await task.wait_till_complete(sleep_time=0.05)
    assert [(await client.get(k)).generation for k in keys] == [1] * 5
    assert (await job(client, task.task_id)).failed == 5
    with pytest.raises(an.exceptions.UDFBadResponse):
        await client.execute_udf(keys[0], "jobs_udf", "escape", [])
