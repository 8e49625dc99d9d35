"""Resident memory per record: everything the server processes hold, before and after loading records.

Starts ``aerolite serve`` (``--nodes N``: a local cluster, every node process counted, supervisor too),
loads records of five bins (about 170 bytes of data each) through the official client with batch
writes, lets the server settle, and reports the growth of resident memory (VmRSS) per record.
With ``--nodes N`` (N > 1) it measures one node and then N nodes in the same run; each for records
held as objects and packed (a ``compact`` namespace) unless ``--layout`` names one.

    python3 bench/memory.py [--records 1000000] [--nodes 2] [--layout objects|compact|both]

Prints a table and writes ``bench/results/memory.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aerospike_native as an

from kv import start_aerolite  # the kv bench's node starter
from proc_stats import tree_rss

RESULTS = Path(__file__).resolve().parent / "results"
BATCH = 500


def record_bins(i: int) -> dict[str, Any]:
    """Five bins, about 170 bytes of data: the shape the memory figure is quoted for."""
    return {"name": f"user-{i:08d}", "email": f"user{i:08d}@example.com", "score": i,
            "active": i % 2 == 0, "bio": "x" * 120}


def payload_bytes() -> int:
    bins = record_bins(0)
    return sum(len(n) + (len(v) if isinstance(v, str) else 8) for n, v in bins.items())


def start(nodes: int, compact: bool) -> tuple[subprocess.Popen[str], str]:
    return start_aerolite(nodes, "--namespace", "test:compact" if compact else "test")


async def load(address: str, n: int, nodes: int) -> None:
    policy = an.ClientPolicy()
    policy.timeout = 10_000  # a node busy with a batch on a loaded machine is slow, not gone
    client = await an.new_client(policy, address)
    try:
        deadline = time.monotonic() + 20
        while len(client.node_names()) < nodes and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        pending = iter(range(0, n, BATCH))
        policy = an.BatchPolicy()
        policy.total_timeout = 60_000

        async def worker() -> None:
            for first in pending:
                ids = range(first, min(first + BATCH, n))
                await client.batch_write([an.Key("test", "mem", i) for i in ids], [record_bins(i) for i in ids],
                                         batch_policy=policy)

        await asyncio.gather(*(worker() for _ in range(4)))
    finally:
        await client.close()


def measure(nodes: int, compact: bool, n: int) -> dict[str, Any]:
    proc, address = start(nodes, compact)
    try:
        time.sleep(1.0)
        before = tree_rss(proc.pid)
        started = time.perf_counter()
        asyncio.run(load(address, n, nodes))
        seconds = time.perf_counter() - started
        time.sleep(2.0)  # let the nodes' collectors settle
        after = tree_rss(proc.pid)
    finally:
        proc.terminate()
        proc.wait()
    return {"nodes": nodes, "layout": "compact" if compact else "objects", "records": n, "rss_before_mib": round(before / 2**20, 1),
            "rss_after_mib": round(after / 2**20, 1), "bytes_per_record": round((after - before) / n),
            "load_records_per_sec": round(n / seconds)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=1, help="also measure a local cluster of N nodes")
    parser.add_argument("--layout", choices=("objects", "compact", "both"), default="both")
    args = parser.parse_args()
    layouts = [False, True] if args.layout == "both" else [args.layout == "compact"]
    rows = [measure(nodes, compact, args.records) for nodes in sorted({1, args.nodes}) for compact in layouts]
    print(f"{args.records:,} records, {payload_bytes()} bytes of bin names and data each")
    print(f"{'nodes':>5}{'layout':>9}{'RSS before MiB':>16}{'RSS after MiB':>15}{'B/record':>10}{'load rec/s':>12}")
    for row in rows:
        print(f"{row['nodes']:>5}{row['layout']:>9}{row['rss_before_mib']:>16}{row['rss_after_mib']:>15}{row['bytes_per_record']:>10}"
              f"{row['load_records_per_sec']:>12,}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "memory.json").write_text(json.dumps({"payload_bytes": payload_bytes(), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
