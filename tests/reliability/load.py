"""Load with invariants: client processes doing mixed operations while background and UDF jobs run.

Each of ``processes`` processes runs ``tasks`` concurrent loops of ``ops`` operations through
``aerospike_native``: puts of increasing sequence numbers on keys the loop owns, increments of counters
all processes share, list appends to the loop's list, operate calls reading the generation back,
batch reads of the loop's keys and small queries. Meanwhile the parent runs background update jobs and
a UDF job over another set. Afterwards the invariants are checked exactly: every owned key holds its
last acknowledged sequence number, each shared counter equals the sum of all acknowledged increments,
each list holds exactly the acknowledged appends in order, generations seen by a loop only grow, and
every record of the job set was changed once per job. Latencies are collected per operation.

``storm`` opens hundreds of connections at the same moment, each writing and reading a record.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import aerospike_native as an
from aerospike_native import (
    BatchPolicy,
    Key,
    ListOperation,
    ListPolicy,
    Operation,
    PartitionFilter,
    QueryPolicy,
    Statement,
    WritePolicy,
)

from tests.e2e.test_bad_input import get, int_value, put, read_frame

NS = "test"
SET = "load"
JOB_SET = "load_jobs"
QUERY_SET = "load_query"
COUNTERS = 8
UDF = b"""
function bump(rec) rec['u'] = (rec['u'] or 0) + 1 aerospike:update(rec) return 1 end
"""


@dataclass
class LoopResult:
    """What one loop had acknowledged, and what it saw break."""

    last_seq: dict[str, int] = field(default_factory=dict)
    increments: dict[int, int] = field(default_factory=dict)
    appended: list[int] = field(default_factory=list)
    list_key: str = ""
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    ops: int = 0


def _policy(policy: Any) -> Any:
    policy.total_timeout = 30_000
    policy.max_retries = 0
    return policy


async def _loop(client: Any, p: int, t: int, ops: int, seed: int) -> LoopResult:
    rng = random.Random(seed * 1000 + p * 16 + t)
    result = LoopResult(list_key=f"l{p}-{t}")
    write, batch, query = _policy(WritePolicy()), _policy(BatchPolicy()), _policy(QueryPolicy())
    generations: dict[str, int] = {}
    seq = 0
    own = [f"k{p}-{t}-{i}" for i in range(10)]
    for _ in range(ops):
        kind = rng.random()
        started = time.perf_counter()
        try:
            if kind < 0.3:
                seq += 1
                key = rng.choice(own)
                await client.put(Key(NS, SET, key), {"seq": seq}, policy=write)
                result.last_seq[key] = seq
            elif kind < 0.5:
                counter, amount = rng.randrange(COUNTERS), rng.randint(1, 5)
                await client.operate(Key(NS, SET, f"counter-{counter}"), [Operation.add("n", amount)], policy=write)
                result.increments[counter] = result.increments.get(counter, 0) + amount
            elif kind < 0.65:
                seq += 1
                await client.operate(Key(NS, SET, result.list_key),
                                     [ListOperation.append("l", seq, ListPolicy())], policy=write)
                result.appended.append(seq)
            elif kind < 0.8:
                key = rng.choice(own)
                record = await client.operate(Key(NS, SET, key), [Operation.add("touches", 1)], policy=write)
                if record.generation <= generations.get(key, 0):
                    result.failures.append(f"{key}: generation {record.generation} after {generations[key]}")
                generations[key] = record.generation
            elif kind < 0.95:
                await client.batch_read([Key(NS, SET, k) for k in own], batch_policy=batch)
            else:
                stream = await client.query(Statement(NS, QUERY_SET), PartitionFilter.all(), policy=query)
                count = sum([1 async for _ in stream])
                if count != 100:
                    result.failures.append(f"a query of {QUERY_SET} returned {count} records, not 100")
        except Exception as exc:
            result.failures.append(f"{type(exc).__name__}: {exc}")
        result.latencies_ms.append((time.perf_counter() - started) * 1000)
        result.ops += 1
    return result


async def _process_main(address: str, p: int, tasks: int, ops: int, seed: int) -> list[LoopResult]:
    policy = an.ClientPolicy()
    client = await an.new_client(policy, address)
    try:
        return list(await asyncio.gather(*(_loop(client, p, t, ops, seed) for t in range(tasks))))
    finally:
        await client.close()


def _process(address: str, p: int, tasks: int, ops: int, seed: int) -> list[LoopResult]:
    return asyncio.run(_process_main(address, p, tasks, ops, seed))


@dataclass
class LoadReport:
    processes: int = 0
    operations: int = 0
    invariant_checks: int = 0
    jobs: int = 0
    seconds: float = 0.0
    """How long the client processes ran."""
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def percentile(self, pct: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))] if ordered else 0.0

    def summary(self) -> dict[str, object]:
        return {"client processes": self.processes, "operations": self.operations, "background jobs": self.jobs,
                "ops/s": round(self.operations / self.seconds) if self.seconds else 0,
                "invariant checks": self.invariant_checks, "failures": len(self.failures),
                "p50 ms": round(self.percentile(50), 2), "p99 ms": round(self.percentile(99), 2)}


async def _prepare(client: Any, job_records: int) -> None:
    task = await client.register_udf(UDF, "load_udf.lua", an.UDFLang.LUA)
    await task.wait_till_complete()
    for start in range(0, job_records, 500):
        keys = [Key(NS, JOB_SET, i) for i in range(start, min(start + 500, job_records))]
        await client.batch_write(keys, [{"n": 0}] * len(keys))
    for i in range(100):
        await client.put(Key(NS, QUERY_SET, i), {"i": i})


async def _jobs(client: Any, ops_jobs: int) -> list[Any]:
    tasks = []
    for _ in range(ops_jobs):
        tasks.append(await client.query_operate(Statement(NS, JOB_SET), [Operation.add("n", 1)],
                                                write_policy=WritePolicy()))
    tasks.append(await client.query_execute_udf(Statement(NS, JOB_SET), "load_udf", "bump", [],
                                                write_policy=WritePolicy()))
    return tasks


async def _check(client: Any, loops: list[LoopResult], job_records: int, ops_jobs: int, report: LoadReport) -> None:
    def check(ok: bool, problem: str) -> None:
        report.invariant_checks += 1
        if not ok:
            report.failures.append(problem)

    for loop in loops:
        for key, seq in loop.last_seq.items():
            stored = (await client.get(Key(NS, SET, key))).bins.get("seq")
            check(stored == seq, f"{key}: last acknowledged seq {seq}, stored {stored}")
        if loop.appended:
            stored_list = (await client.get(Key(NS, SET, loop.list_key))).bins.get("l")
            check(stored_list == loop.appended, f"{loop.list_key}: {len(loop.appended)} appends acknowledged, "
                                                f"list holds {len(stored_list or [])}")
    for counter in range(COUNTERS):
        expected = sum(loop.increments.get(counter, 0) for loop in loops)
        if expected:
            stored = (await client.get(Key(NS, SET, f"counter-{counter}"))).bins.get("n")
            check(stored == expected, f"counter-{counter}: increments sum to {expected}, stored {stored}")
    records = await client.batch_read([Key(NS, JOB_SET, i) for i in range(job_records)])
    for i, r in enumerate(records):
        bins = r.record.bins if r.record else {}
        check(bins.get("n") == ops_jobs and bins.get("u") == 1,
              f"job record {i}: n={bins.get('n')} after {ops_jobs} add jobs, u={bins.get('u')} after one UDF job")


def run(address: str, *, processes: int = 8, tasks: int = 4, ops: int = 200, job_records: int = 2_000,
        ops_jobs: int = 3, seed: int = 1) -> LoadReport:
    """The load against the node at ``address``; returns the report (the caller asserts or prints)."""
    report = LoadReport(processes=processes, jobs=ops_jobs + 1)

    async def setup() -> list[Any]:
        client = await an.new_client(an.ClientPolicy(), address)
        try:
            await _prepare(client, job_records)
            return await _jobs(client, ops_jobs)
        finally:
            await client.close()

    async def finish(loops: list[LoopResult], job_ids: list[int]) -> None:
        client = await an.new_client(an.ClientPolicy(), address)
        try:
            for task_id in job_ids:  # wait for the jobs, polling like a client
                while True:
                    shown = (await client.info(f"query-show:id={task_id}"))[f"query-show:id={task_id}"]
                    if "trid=" not in shown:
                        break  # finished and dropped from the job table by later queries: the records tell
                    if "status=done" in shown:
                        if "status=done(ok)" not in shown or "recs-failed=0" not in shown:
                            report.failures.append(f"job {task_id}: {shown}")
                        break
                    await asyncio.sleep(0.1)
            await _check(client, loops, job_records, ops_jobs, report)
        finally:
            await client.close()

    jobs = asyncio.run(setup())
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes) as pool:
        started = time.perf_counter()
        results = pool.starmap(_process, [(address, p, tasks, ops, seed) for p in range(processes)])
        report.seconds = time.perf_counter() - started
    loops = [loop for per_process in results for loop in per_process]
    for loop in loops:
        report.operations += loop.ops
        report.latencies_ms += loop.latencies_ms
        report.failures += loop.failures
    asyncio.run(finish(loops, [task.task_id for task in jobs]))
    return report


def storm(port: int, connections: int) -> int:
    """Open ``connections`` connections at once, each writing then reading its record; how many got both."""
    answered: list[bool] = []
    barrier = threading.Barrier(connections)

    def one(i: int) -> None:
        barrier.wait()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
                s.sendall(put(f"storm-{i}", i) + get(f"storm-{i}"))
                read_frame(s)
                _, body = read_frame(s)
                answered.append(body[5] == 0 and body.endswith(int_value(i)))
        except (OSError, AssertionError):
            answered.append(False)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answered.count(True)
