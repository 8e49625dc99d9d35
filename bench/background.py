"""Background jobs end to end: records/s from ``execute()`` to completion, and foreground latency meanwhile.

Loads N users of about 200 bytes (default 1,000,000), then runs, each timed from the SDK's
``execute()`` until the task reports done: a filtered update matching one third of the records, a
touch with a TTL, a Lua UDF job, and a filtered delete. While each job runs, a foreground loop keeps
reading single records and records their latency. Runs against a fresh embedded engine, or any
``--host HOST:PORT``; an embedded engine's CPU time per scanned record (its reads meanwhile included)
is shown too: unlike rates, it holds steady when other work shares the machine. With ``--nodes N`` the
whole run is repeated on an embedded local cluster of N nodes and the table adds each job's (and the
load's) rate ratio N nodes / 1 node. Prints a table and writes ``bench/results/background.json``.

    python3 bench/background.py [--records 1000000] [--host 127.0.0.1:3000] [--nodes 2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import aerospike_native as an

from aerolite import ClusterDefinition, DataSet
from proc_stats import descendants_cpu_seconds

RESULTS = Path(__file__).resolve().parent / "results"
SET = "bench_bg"
LOAD_BATCH = 500
UDF = b"""
function stamp(rec, v)
    rec['stamp'] = v
    aerospike:update(rec)
    return v
end
"""


def user(i: int) -> dict[str, Any]:
    return {"name": f"user-{i:08d}", "email": f"user{i:08d}@example.com", "group": i % 3,
            "score": i, "active": i % 2 == 0, "bio": "x" * 100}


async def load(client: Any, n: int) -> float:
    started = time.perf_counter()
    policy = an.BatchPolicy()
    policy.total_timeout = 60_000
    pending = iter(range(0, n, LOAD_BATCH))

    async def worker() -> None:
        for start in pending:
            ids = range(start, min(start + LOAD_BATCH, n))
            await client.batch_write([an.Key("test", SET, i) for i in ids], [user(i) for i in ids],
                                     batch_policy=policy)

    await asyncio.gather(*(worker() for _ in range(4)))
    return time.perf_counter() - started


async def probe(client: Any, n: int, stop: asyncio.Event, latencies: list[float]) -> None:
    """Foreground single-record reads while a job runs."""
    i = 0
    policy = an.ReadPolicy()
    policy.total_timeout = policy.socket_timeout = 30_000  # a slow read is a latency to record, not a failure
    while not stop.is_set():
        started = time.perf_counter()
        with contextlib.suppress(an.exceptions.RecordNotFound):  # the delete job got there first
            await client.get(an.Key("test", SET, (i * 7919) % n), policy=policy)
        latencies.append(time.perf_counter() - started)
        i += 1
        await asyncio.sleep(0.002)


async def timed(name: str, n: int, client: Any, submit: Any, embedded: bool) -> dict[str, Any]:
    latencies: list[float] = []
    stop = asyncio.Event()
    prober = asyncio.create_task(probe(client, n, stop, latencies))
    server_cpu = descendants_cpu_seconds(os.getpid()) if embedded else 0.0
    started = time.perf_counter()
    task = await submit()
    await task.wait_till_complete(sleep_time=0.02, timeout=3600)
    elapsed = time.perf_counter() - started
    server_cpu = descendants_cpu_seconds(os.getpid()) - server_cpu if embedded else float("nan")
    stop.set()
    await prober
    progress = await task.progress()
    latencies.sort()
    pick = (lambda q: round(latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1000, 2)) if latencies \
        else (lambda q: float("nan"))
    return {"job": name, "seconds": round(elapsed, 3), "scanned": progress.scanned, "written": progress.written,
            "filtered": progress.filtered_out, "failed": progress.failed,
            "scanned_per_sec": round(progress.scanned / elapsed), "get_p50_ms": pick(0.5), "get_p99_ms": pick(0.99),
            "gets": len(latencies), "server_cpu_us_per_record": round(server_cpu / max(progress.scanned, 1) * 1e6, 2)}


async def bench(host: str | None, n: int, nodes: int = 1) -> dict[str, Any]:
    definition = ClusterDefinition.embedded(nodes=nodes) if host is None else ClusterDefinition(*_split(host))
    async with definition.connect() as cluster:
        session = cluster.create_session()
        client = cluster.native_client
        await client.truncate("test", SET)
        load_seconds = await load(client, n)
        await session.register_udf(UDF, "bench_bg_udf")
        ds = DataSet.of("test", SET)
        tasks = session.background_task
        embedded = host is None
        rows = [
            await timed("update where group == 1", n, client,
                        lambda: tasks().update(ds).where("$.group == 1").bin("score").add(1).execute(), embedded),
            await timed("touch, TTL 1 day", n, client,
                        lambda: tasks().touch(ds).expire_record_after_seconds(86_400).execute(), embedded),
            await timed("Lua UDF where active", n, client,
                        lambda: tasks().execute_udf(ds).function("bench_bg_udf", "stamp").passing(1)
                        .where("$.active == true").execute(), embedded),
            await timed("delete where group == 2", n, client,
                        lambda: tasks().delete(ds).where("$.group == 2").execute(), embedded),
        ]
        return {"nodes": nodes, "records": n, "load_seconds": round(load_seconds, 1), "jobs": rows}


def _split(host: str) -> tuple[str, int]:
    name, _, port = host.rpartition(":")
    return name, int(port)


def records_and_host(doc: str | None, *, nodes: bool = False) -> argparse.Namespace:
    """The options of a bench that loads records then measures: ``--records N``, ``--host HOST:PORT``
    and, with ``nodes``, ``--nodes N``."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--host", help="host:port of a running node (default: an embedded engine)")
    if nodes:
        parser.add_argument("--nodes", type=int, default=1, help="also run on an embedded local cluster of N nodes")
    return parser.parse_args()


def save(name: str, result: Any) -> None:
    """Write a bench's result to ``bench/results/<name>.json``."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2))


def main() -> int:
    args = records_and_host(__doc__, nodes=True)
    runs = [asyncio.run(bench(args.host, args.records, nodes)) for nodes in sorted({1, args.nodes})]
    for result in runs:
        print(f"{result['nodes']} node(s): {result['records']:,} records loaded in {result['load_seconds']} s")
        print(f"{'job':<26}{'secs':>8}{'scanned/s':>12}{'written':>10}{'filtered':>10}{'get p50 ms':>12}{'get p99 ms':>12}"
              f"{'node CPU µs/rec':>17}")
        for row in result["jobs"]:
            print(f"{row['job']:<26}{row['seconds']:>8.2f}{row['scanned_per_sec']:>12,}{row['written']:>10,}"
                  f"{row['filtered']:>10,}{row['get_p50_ms']:>12}{row['get_p99_ms']:>12}"
                  f"{row['server_cpu_us_per_record']:>17}")
    if len(runs) == 2:
        one, many = runs
        print(f"ratio {args.nodes} nodes / 1 node: load {one['load_seconds'] / many['load_seconds']:.2f}")
        for a, b in zip(one["jobs"], many["jobs"], strict=True):
            print(f"  {a['job']:<26}{b['scanned_per_sec'] / a['scanned_per_sec']:>6.2f}   node CPU per record "
                  f"{b['server_cpu_us_per_record'] / a['server_cpu_us_per_record']:.2f} of one node's")
    save("background", runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
