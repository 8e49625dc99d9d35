"""Put and get throughput through the official client (aerospike-native), then the SDKs head to head.

Runs against a fresh ``aerolite serve`` child process by default, or any node with ``--host``.
First the raw client's put/get; then the same single-key put, get, a 100-key batch get and a
two-verb bin write (``.bin("score").add(1).bin("name").str_upper()``) through aerolite's SDK (its fast path: one key, one client call) and through aerospike-sdk 1.0.0 against the
same node, alternating system by round so drift hits both alike, reported with their ratio
(aerolite / aerospike-sdk; > 1 means aerolite's SDK is faster).
With ``--nodes N`` the raw client's put/get also runs against a local cluster of N nodes started next
to the single node, alternating between the two by round, and the table shows the ratio N nodes / 1.
Prints tables and writes ``bench/results/kv.json``.

    python3 bench/kv.py [--host 127.0.0.1:3000] [--concurrency 128] [--seconds 5] [--keys 10000]
                        [--sdk-concurrency 32] [--sdk-seconds 3] [--rounds 3] [--nodes 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aerospike_native as an
from aerospike_native import Key

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


async def bench(address: str, concurrency: int, seconds: float, n_keys: int, nodes: int = 1) -> dict[str, Any]:
    policy = an.ClientPolicy()
    policy.max_conns_per_node = max(concurrency, 256)
    client = await an.new_client(policy, address)
    try:
        deadline = time.monotonic() + 20
        while len(client.node_names()) < nodes and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        keys = [Key("test", "bench", i) for i in range(n_keys)]
        for start in range(0, n_keys, 1000):
            await asyncio.gather(*(client.put(k, record_bins(i)) for i, k in enumerate(keys[start : start + 1000], start)))
        ops = client_ops(client, keys)
        return {kind: await run_phase(ops[kind], concurrency, seconds) for kind in ("put", "get")}
    finally:
        await client.close()


def scaling(concurrency: int, seconds: float, n_keys: int, nodes: int, rounds: int) -> dict[str, Any]:
    """put/get on one node and on ``nodes`` nodes, alternating by round; ops/s of each and their ratio."""
    started = {n: start_aerolite(n) for n in (1, nodes)}
    totals = {n: {"put": [0.0, 0.0], "get": [0.0, 0.0]} for n in started}
    try:
        for r in range(rounds):
            for n in (1, nodes) if r % 2 == 0 else (nodes, 1):
                rows = asyncio.run(bench(started[n][1], concurrency, seconds / rounds, n_keys, n))
                for kind, row in rows.items():
                    totals[n][kind][0] += row["ops"]
                    totals[n][kind][1] += row["seconds"]
    finally:
        for proc, _address in started.values():
            proc.terminate()
            proc.wait()
    rates = {n: {kind: done / took for kind, (done, took) in kinds.items()} for n, kinds in totals.items()}
    return {kind: {"one_node_ops_per_sec": round(rates[1][kind]), f"{nodes}_nodes_ops_per_sec": round(rates[nodes][kind]),
                   "ratio": round(rates[nodes][kind] / rates[1][kind], 2)} for kind in ("put", "get")}


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
    args = parser.parse_args()
    if args.nodes > 1:
        table = scaling(args.concurrency, args.seconds, args.keys, args.nodes, args.rounds)
        print(f"{'op':<6}{'1 node ops/s':>14}{f'{args.nodes} nodes ops/s':>16}{'ratio':>8}   concurrency={args.concurrency}")
        for kind, row in table.items():
            print(f"{kind:<6}{row['one_node_ops_per_sec']:>14,}{row[f'{args.nodes}_nodes_ops_per_sec']:>16,}"
                  f"{row['ratio']:>8.2f}")
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "kv_nodes.json").write_text(json.dumps({"nodes": args.nodes, "results": table}, indent=2))
        return 0
    proc = None
    address = args.host
    if address is None:
        proc, address = start_aerolite()
    try:
        results = asyncio.run(bench(address, args.concurrency, args.seconds, args.keys))
        duel = asyncio.run(sdk_duel(address, args.keys, args.sdk_concurrency, args.sdk_seconds, args.rounds))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
    target = "aerolite" if proc is not None else address
    print(f"{'op':<6}{'ops/s':>12}{'p50 ms':>10}{'p99 ms':>10}   target={target} concurrency={args.concurrency}")
    for kind, row in results.items():
        print(f"{kind:<6}{row['ops_per_sec']:>12,.0f}{row['p50_ms']:>10.3f}{row['p99_ms']:>10.3f}")
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
