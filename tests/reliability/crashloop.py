"""Crash loop: ``kill -9`` at a random moment during concurrent writes and a background job, then restart.

Every cycle starts the node on the same data directory (the store must open), checks that every write
acknowledged before any earlier kill is there, then runs writers (puts of increasing sequence numbers,
increments) and, in most cycles, a background update job stamping every record of a set, and kills the
node at a random moment. After the restart the job must be traceable: listed as ``done(ok)`` with every
record stamped, or as ``done(abandoned-restart)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aerospike_native as an
from aerospike_native import Key, Operation, Statement, WritePolicy

from tests.conftest import ServerProcess, start_server

NS = "bar"
JOB_SET = "crash_job"


@dataclass
class CrashReport:
    cycles: int = 0
    writes_acknowledged: int = 0
    writes_lost: int = 0
    increments_acknowledged: int = 0
    jobs_cut: int = 0
    jobs_complete: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        return {"crash cycles": self.cycles, "writes acknowledged": self.writes_acknowledged,
                "writes lost": self.writes_lost, "increments acknowledged": self.increments_acknowledged,
                "jobs cut and listed": self.jobs_cut, "jobs complete": self.jobs_complete,
                "problems": len(self.problems)}


@dataclass
class Acked:
    """What the node acknowledged: the last sequence number put per key, increments per counter."""

    puts: dict[str, int] = field(default_factory=dict)
    adds: dict[str, int] = field(default_factory=dict)
    count: int = 0


def _policy() -> WritePolicy:
    policy = WritePolicy()
    policy.total_timeout = 5_000
    policy.max_retries = 0
    return policy


async def _writer(client: Any, w: int, acked: Acked, stop: asyncio.Event, rng: random.Random) -> None:
    policy = _policy()
    seq = max([n for k, n in acked.puts.items() if k.startswith(f"w{w}-")], default=0)
    counter = f"c{w}"
    while not stop.is_set():
        seq += 1
        key = f"w{w}-{rng.randrange(50)}"
        try:
            if rng.random() < 0.7:
                await client.put(Key(NS, "crash", key), {"seq": seq, "pad": "p" * rng.randrange(200)}, policy=policy)
                acked.puts[key] = seq
                acked.count += 1
            else:
                await client.operate(Key(NS, "crash", counter), [Operation.add("n", 1)], policy=policy)
                acked.adds[counter] = acked.adds.get(counter, 0) + 1
                acked.count += 1
        except Exception:
            return  # the node is gone: this write was not acknowledged


async def _verify(client: Any, acked: Acked, report: CrashReport) -> None:
    """Every acknowledged put is there (or a later one that was written but not acknowledged)."""
    for key, seq in acked.puts.items():
        record = await client.get(Key(NS, "crash", key))
        stored = record.bins.get("seq", 0)
        if stored < seq:
            report.writes_lost += 1
            report.problems.append(f"{key}: acknowledged seq {seq}, stored {stored}")
    for counter, n in acked.adds.items():
        value = (await client.get(Key(NS, "crash", counter))).bins.get("n", 0)
        if not n <= value <= n + 1:  # one increment per writer may have been stored but not acknowledged
            report.writes_lost += 1
            report.problems.append(f"{counter}: {n} increments acknowledged, value {value}")
        acked.adds[counter] = value  # a stored but unacknowledged increment is part of the record now


async def _check_job(client: Any, task_id: int, stamp: int, report: CrashReport) -> None:
    shown = (await client.info(f"query-show:id={task_id}"))[f"query-show:id={task_id}"]
    if "status=done(abandoned-restart)" in shown:
        report.jobs_cut += 1
    elif "status=done(ok)" in shown:
        records = await client.batch_read([Key(NS, JOB_SET, i) for i in range(_JOB_RECORDS)])
        unstamped = sum(1 for r in records if r.record is None or r.record.bins.get("stamp") != stamp)
        if unstamped:
            report.problems.append(f"job {task_id} listed done(ok) but {unstamped} records lack its stamp")
        report.jobs_complete += 1
    else:
        report.problems.append(f"job {task_id} cut by the crash is not listed as ended: {shown!r}")


_JOB_RECORDS = 2_000


async def _cycle(node: ServerProcess, n: int, acked: Acked, pending_job: tuple[int, int] | None, writers: int,
                 rng: random.Random, report: CrashReport) -> tuple[int, int] | None:
    client = await an.new_client(an.ClientPolicy(), node.address)
    try:
        await _verify(client, acked, report)
        if pending_job is not None:
            await _check_job(client, *pending_job, report)
        if n == 0:
            for i in range(_JOB_RECORDS):
                await client.put(Key(NS, JOB_SET, i), {"i": i})
        job: tuple[int, int] | None = None
        stop = asyncio.Event()
        tasks = [asyncio.create_task(_writer(client, w, acked, stop, rng)) for w in range(writers)]
        await asyncio.sleep(rng.uniform(0.05, 0.3))
        if rng.random() < 0.8:
            task = await client.query_operate(Statement(NS, JOB_SET), [Operation.put("stamp", n + 1)],
                                              write_policy=WritePolicy())
            job = (task.task_id, n + 1)
        await asyncio.sleep(rng.uniform(0.0, 0.6))
        node.process.kill()  # kill -9 at a random moment
        node.process.wait()
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        return job
    finally:
        with contextlib.suppress(Exception):  # the node is gone
            await client.close()


def run(data_dir: Path, cycles: int, *, seed: int = 1, writers: int = 4, log: Path | None = None) -> CrashReport:
    """``cycles`` kill -9 cycles on a file namespace in ``data_dir``; a final restart checks the last one."""
    rng = random.Random(seed)
    report = CrashReport()
    acked = Acked()
    pending: tuple[int, int] | None = None
    for n in range(cycles + 1):
        try:
            node = start_server("--namespace", f"{NS}:file", "--data-dir", str(data_dir), output=log)
        except RuntimeError as exc:
            report.problems.append(f"cycle {n}: the store did not open: {exc}")
            return report
        try:
            if n == cycles:  # the last restart only verifies
                asyncio.run(_final(node, acked, pending, report))
                break
            pending = asyncio.run(_cycle(node, n, acked, pending, writers, rng, report))
            report.cycles += 1
        finally:
            node.stop()
    report.writes_acknowledged = acked.count
    report.increments_acknowledged = sum(acked.adds.values())
    return report


async def _final(node: ServerProcess, acked: Acked, pending: tuple[int, int] | None, report: CrashReport) -> None:
    client = await an.new_client(an.ClientPolicy(), node.address)
    try:
        await _verify(client, acked, report)
        if pending is not None:
            await _check_job(client, *pending, report)
    finally:
        await client.close()
