"""Put and get throughput through the official client (aerospike-native), then the SDKs head to head.

Runs against a fresh ``aerolite serve`` child process by default, or any node with ``--host``.
First the raw client's put/get; then the same single-key put, get, a 100-key batch get and a
two-verb bin write (``.bin("score").add(1).bin("name").str_upper()``) through aerolite's SDK (its fast path: one key, one client call) and through aerospike-sdk 1.0.0 against the
same node, alternating system by round so drift hits both alike, reported with their ratio
(aerolite / aerospike-sdk; > 1 means aerolite's SDK is faster).
Each raw-client row also gives the CPU one request cost this process (client and its I/O threads)
and, for a node it started, the server.
With ``--nodes N`` the raw client's put/get also runs against a local cluster of N nodes started next
to the single node, alternating between the two by round, and the table shows the ratio N nodes / 1
and the ceiling the machine's cores put on it: cores / (client + server CPU per request), since the
client shares the machine. ``--client-workers N`` gives the client its own I/O runtime of N threads.
Prints tables and writes ``bench/results/kv.json`` (``kv_nodes.json`` with ``--nodes``).

    python3 bench/kv.py [--host 127.0.0.1:3000] [--concurrency 128] [--seconds 5] [--keys 10000]
                        [--sdk-concurrency 32] [--sdk-seconds 3] [--rounds 3] [--nodes 2]
                        [--client-workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aerospike_native as an
from aerospike_native import Key

from proc_stats import tree_cpu_seconds

RESULTS = Path(__file__).resolve().parent / "results"


def start_aerolite(nodes: int = 1, *serve_args: str) -> tuple[subprocess.Popen[str], str]:
    """``aerolite serve`` on a free port (``nodes`` processes, more ``serve_args``); its seed address."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "aerolite.cli.main", "serve", "--port", "0", "--nodes", str(nodes), *serve_args],
        stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("aerolite listening on "):
        proc.kill()
        raise RuntimeError(f"aerolite did not start: {line!r}")
    return proc, line.rsplit(" ", 1)[1]


def record_bins(i: int) -> dict[str, Any]:
    """About 200 bytes of bins, like a small user profile."""
    return {
        "name": f"user-{i:08d}",
        "email": f"user{i:08d}@example.com",
        "score": i,
        "active": i % 2 == 0,
        "bio": "x" * 120,
    }


LATENCY_SAMPLE = 16
"""Time one request in this many, so that measuring costs the client little."""


Op = Callable[[int], Awaitable[Any]]
"""One request for request number ``i``."""


async def run_phase(op: Op, concurrency: int, seconds: float) -> dict[str, float]:
    deadline = time.perf_counter() + seconds
    done = 0
    latencies: list[float] = []
    clock = time.perf_counter

    async def worker(offset: int) -> None:
        nonlocal done
        i = offset
        count = 0
        while True:
            for _ in range(LATENCY_SAMPLE - 1):
                await op(i)
                i += concurrency
            start = clock()
            await op(i)
            now = clock()
            latencies.append(now - start)
            i += concurrency
            count += LATENCY_SAMPLE
            if now >= deadline:
                break
        done += count

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "ops": done,
        "seconds": round(elapsed, 3),
        "ops_per_sec": round(done / elapsed, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 3),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 3),
    }


def client_ops(client: Any, keys: list[Any]) -> dict[str, Op]:
    payloads = [record_bins(i) for i in range(256)]
    n = len(keys)
    return {
        "put": lambda i: client.put(keys[i % n], payloads[i & 255]),
        "get": lambda i: client.get(keys[i % n]),
    }


BATCH = 100


def batches(keys: list[Any]) -> list[list[Any]]:
    return [keys[i : i + BATCH] for i in range(0, len(keys) - BATCH + 1, BATCH)]


def aerolite_ops(session: Any, keys: list[Any]) -> dict[str, Op]:
    """The workload through aerolite's SDK (single-key fast path, and one batch get)."""
    payloads = [record_bins(i) for i in range(256)]
    n, groups = len(keys), batches(keys)

    async def put(i: int) -> None:
        await session.upsert(keys[i % n]).put(payloads[i & 255]).execute()

    async def get(i: int) -> None:
        await session.get(keys[i % n]).execute()

    async def batch_get(i: int) -> None:
        await session.get(groups[i % len(groups)]).execute()

    async def verbs(i: int) -> None:
        await session.update(keys[i % n]).bin("score").add(1).bin("name").str_upper().execute()

    return {"put": put, "get": get, f"batch get {BATCH}": batch_get, "bin verbs": verbs}


def official_ops(session: Any, keys: list[Any]) -> dict[str, Op]:
    """The same workload through aerospike-sdk 1.0.0, its results consumed like aerolite's."""
    payloads = [record_bins(i) for i in range(256)]
    n, groups = len(keys), batches(keys)

    async def put(i: int) -> None:
        await session.upsert(keys[i % n]).put(payloads[i & 255]).execute()

    async def get(i: int) -> None:
        await (await session.query(keys[i % n]).execute()).first()

    async def batch_get(i: int) -> None:
        await (await session.query(groups[i % len(groups)]).execute()).collect()

    async def verbs(i: int) -> None:
        await session.update(keys[i % n]).bin("score").add(1).bin("name").str_upper().execute()

    return {"put": put, "get": get, f"batch get {BATCH}": batch_get, "bin verbs": verbs}


async def sdk_duel(address: str, n_keys: int, concurrency: int, seconds: float, rounds: int) -> dict[str, Any]:
    """Each workload through both SDKs, ``rounds`` times, alternating which goes first."""
    import aerospike_sdk

    import aerolite

    host, _, port = address.rpartition(":")
    ours_cluster = await aerolite.ClusterDefinition(host, int(port)).connect()
    theirs_cluster = await aerospike_sdk.ClusterDefinition(host, int(port)).connect()
    try:
        ours = aerolite_ops(ours_cluster.create_session(), aerolite.DataSet.of("test", "bench").ids(range(n_keys)))
        theirs = official_ops(theirs_cluster.create_session(aerospike_sdk.Behavior.DEFAULT),
                              aerospike_sdk.DataSet.of("test", "bench").ids(list(range(n_keys))))
        results: dict[str, Any] = {}
        for workload in ours:
            totals = {"aerolite": [0.0, 0.0], "aerospike-sdk": [0.0, 0.0]}
            for r in range(rounds):
                order = [("aerolite", ours), ("aerospike-sdk", theirs)]
                for system, ops in order if r % 2 == 0 else order[::-1]:
                    row = await run_phase(ops[workload], concurrency, seconds / rounds)
                    totals[system][0] += row["ops"]
                    totals[system][1] += row["seconds"]
            rates = {system: ops_done / took for system, (ops_done, took) in totals.items()}
            results[workload] = {
                "aerolite_ops_per_sec": round(rates["aerolite"], 1),
                "aerospike_sdk_ops_per_sec": round(rates["aerospike-sdk"], 1),
                "ratio": round(rates["aerolite"] / rates["aerospike-sdk"], 3),
            }
        return results
    finally:
        await ours_cluster.close()
        await theirs_cluster.close()


async def bench(address: str, concurrency: int, seconds: float, n_keys: int, nodes: int = 1,
                server_pid: int | None = None, client_workers: int | None = None) -> dict[str, Any]:
    """put then get through the official client; with ``server_pid`` each row also says what one request
    cost in CPU on each side: this process (the client and its I/O threads) and the server's process tree."""
    policy = an.ClientPolicy()
    policy.max_conns_per_node = max(concurrency, 256)
    if client_workers is not None:
        policy.per_client_runtime_workers = client_workers
    client = await an.new_client(policy, address)
    try:
        deadline = time.monotonic() + 20
        while len(client.node_names()) < nodes and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        keys = [Key("test", "bench", i) for i in range(n_keys)]
        for start in range(0, n_keys, 1000):
            await asyncio.gather(*(client.put(k, record_bins(i)) for i, k in enumerate(keys[start : start + 1000], start)))
        ops = client_ops(client, keys)
        rows = {}
        for kind in ("put", "get"):
            client_cpu, server_cpu = time.process_time(), tree_cpu_seconds(server_pid) if server_pid else 0.0
            row = await run_phase(ops[kind], concurrency, seconds)
            row["client_cpu_s"] = round(time.process_time() - client_cpu, 3)
            if server_pid:
                row["server_cpu_s"] = round(tree_cpu_seconds(server_pid) - server_cpu, 3)
            rows[kind] = row
        return rows
    finally:
        await client.close()


def scaling(concurrency: int, seconds: float, n_keys: int, nodes: int, rounds: int,
            client_workers: int | None) -> dict[str, Any]:
    """put/get on one node and on ``nodes`` nodes, alternating by round: ops/s of each, their ratio, and
    the CPU one request cost the client and the servers (which bounds what this machine can reach)."""
    started = {n: start_aerolite(n) for n in (1, nodes)}
    sums = ("ops", "seconds", "client_cpu_s", "server_cpu_s")
    totals = {n: {kind: dict.fromkeys(sums, 0.0) for kind in ("put", "get")} for n in started}
    try:
        for r in range(rounds):
            for n in (1, nodes) if r % 2 == 0 else (nodes, 1):
                proc, address = started[n]
                rows = asyncio.run(bench(address, concurrency, seconds / rounds, n_keys, n, proc.pid, client_workers))
                for kind, row in rows.items():
                    for name in sums:
                        totals[n][kind][name] += row[name]
    finally:
        for proc, _address in started.values():
            proc.terminate()
            proc.wait()
    table: dict[str, Any] = {}
    for kind in ("put", "get"):
        row: dict[str, Any] = {}
        for n in (1, nodes):
            t = totals[n][kind]
            label = "one_node" if n == 1 else f"{nodes}_nodes"
            row[f"{label}_ops_per_sec"] = round(t["ops"] / t["seconds"])
            row[f"{label}_client_cpu_us_per_op"] = round(t["client_cpu_s"] / t["ops"] * 1e6, 1)
            row[f"{label}_server_cpu_us_per_op"] = round(t["server_cpu_s"] / t["ops"] * 1e6, 1)
        row["ratio"] = round(row[f"{nodes}_nodes_ops_per_sec"] / row["one_node_ops_per_sec"], 2)
        per_op = row[f"{nodes}_nodes_client_cpu_us_per_op"] + row[f"{nodes}_nodes_server_cpu_us_per_op"]
        row["cpu_ceiling_ops_per_sec"] = round((os.cpu_count() or 1) / per_op * 1e6)
        table[kind] = row
    return table


def print_scaling(table: dict[str, Any], nodes: int, concurrency: int) -> None:
    print(f"{'op':<5}{'1 node ops/s':>14}{f'{nodes} nodes ops/s':>16}{'ratio':>7}"
          f"{'client µs/op':>14}{'server µs/op':>14}{'CPU ceiling ops/s':>19}   concurrency={concurrency}")
    for kind, row in table.items():
        for n, label in ((1, "one_node"), (nodes, f"{nodes}_nodes")):
            first = (f"{kind:<5}{row['one_node_ops_per_sec']:>14,}{row[f'{nodes}_nodes_ops_per_sec']:>16,}"
                     f"{row['ratio']:>7.2f}") if n == 1 else " " * 42
            ceiling = f"{row['cpu_ceiling_ops_per_sec']:>19,}" if n == nodes else ""
            print(f"{first}{row[f'{label}_client_cpu_us_per_op']:>14}{row[f'{label}_server_cpu_us_per_op']:>14}"
                  f"{ceiling}   ({n} node{'s' if n > 1 else ''})")
    print(f"CPU ceiling: {os.cpu_count()} cores / (client + server CPU per request on {nodes} nodes); the client"
          " runs on the same machine, so no number of nodes can serve more than that.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", help="host:port of a running node (default: start aerolite)")
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--keys", type=int, default=10_000)
    parser.add_argument("--sdk-concurrency", type=int, default=32, help="in-flight requests per SDK phase")
    parser.add_argument("--sdk-seconds", type=float, default=3.0, help="seconds per SDK and workload, all rounds")
    parser.add_argument("--rounds", type=int, default=3, help="alternations per SDK workload")
    parser.add_argument("--nodes", type=int, default=1, help="also run put/get on a local cluster of N nodes")
    parser.add_argument("--client-workers", type=int, default=None,
                        help="give the official client its own I/O runtime of N threads (default: its shared one)")
    args = parser.parse_args()
    if args.nodes > 1:
        table = scaling(args.concurrency, args.seconds, args.keys, args.nodes, args.rounds, args.client_workers)
        print_scaling(table, args.nodes, args.concurrency)
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "kv_nodes.json").write_text(json.dumps(
            {"nodes": args.nodes, "client_workers": args.client_workers, "results": table}, indent=2))
        return 0
    proc = None
    address = args.host
    if address is None:
        proc, address = start_aerolite()
    try:
        results = asyncio.run(bench(address, args.concurrency, args.seconds, args.keys,
                                    server_pid=proc.pid if proc else None, client_workers=args.client_workers))
        duel = asyncio.run(sdk_duel(address, args.keys, args.sdk_concurrency, args.sdk_seconds, args.rounds))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
    target = "aerolite" if proc is not None else address
    print(f"{'op':<6}{'ops/s':>12}{'p50 ms':>10}{'p99 ms':>10}{'client µs/op':>14}{'server µs/op':>14}"
          f"   target={target} concurrency={args.concurrency}")
    for kind, row in results.items():
        server = f"{row['server_cpu_s'] / row['ops'] * 1e6:>14.1f}" if "server_cpu_s" in row else f"{'-':>14}"
        print(f"{kind:<6}{row['ops_per_sec']:>12,.0f}{row['p50_ms']:>10.3f}{row['p99_ms']:>10.3f}"
              f"{row['client_cpu_s'] / row['ops'] * 1e6:>14.1f}{server}")
    print()
    print(f"{'SDK op':<14}{'aerolite ops/s':>16}{'aerospike-sdk ops/s':>21}{'ratio':>8}"
          f"   concurrency={args.sdk_concurrency} rounds={args.rounds}")
    for kind, row in duel.items():
        print(f"{kind:<14}{row['aerolite_ops_per_sec']:>16,.0f}{row['aerospike_sdk_ops_per_sec']:>21,.0f}"
              f"{row['ratio']:>8.2f}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "kv.json"
    out.write_text(json.dumps({
        "target": target, "concurrency": args.concurrency, "results": results,
        "sdk": {"concurrency": args.sdk_concurrency, "rounds": args.rounds, "batch_size": BATCH, "results": duel},
    }, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
