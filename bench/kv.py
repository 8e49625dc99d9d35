"""Put and get throughput through the official client (aerospike-native).

Runs against a fresh ``aerolite serve`` child process by default, or any node with ``--host``.
Prints a table and writes ``bench/results/kv.json``.

    python3 bench/kv.py [--host 127.0.0.1:3000] [--concurrency 128] [--seconds 5] [--keys 10000]
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
from aerospike_native import Key

RESULTS = Path(__file__).resolve().parent / "results"


def start_aerolite() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "aerolite.cli.main", "serve", "--port", "0"], stdout=subprocess.PIPE, text=True
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


async def run_phase(client: Any, kind: str, keys: list[Any], concurrency: int, seconds: float) -> dict[str, float]:
    deadline = time.perf_counter() + seconds
    done = 0
    latencies: list[float] = []
    payloads = [record_bins(i) for i in range(256)]
    clock = time.perf_counter

    async def worker(offset: int) -> None:
        nonlocal done
        n_keys = len(keys)
        i = offset
        count = 0
        call = client.put if kind == "put" else client.get
        while True:
            for _ in range(LATENCY_SAMPLE - 1):
                if kind == "put":
                    await call(keys[i % n_keys], payloads[i & 255])
                else:
                    await call(keys[i % n_keys])
                i += concurrency
            start = clock()
            if kind == "put":
                await call(keys[i % n_keys], payloads[i & 255])
            else:
                await call(keys[i % n_keys])
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


async def bench(address: str, concurrency: int, seconds: float, n_keys: int) -> dict[str, Any]:
    policy = an.ClientPolicy()
    policy.max_conns_per_node = max(concurrency, 256)
    client = await an.new_client(policy, address)
    try:
        keys = [Key("test", "bench", i) for i in range(n_keys)]
        for start in range(0, n_keys, 1000):
            await asyncio.gather(*(client.put(k, record_bins(i)) for i, k in enumerate(keys[start : start + 1000], start)))
        results = {}
        for kind in ("put", "get"):
            results[kind] = await run_phase(client, kind, keys, concurrency, seconds)
        return results
    finally:
        await client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", help="host:port of a running node (default: start aerolite)")
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--keys", type=int, default=10_000)
    args = parser.parse_args()
    proc = None
    address = args.host
    if address is None:
        proc, address = start_aerolite()
    try:
        results = asyncio.run(bench(address, args.concurrency, args.seconds, args.keys))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait()
    target = "aerolite" if proc is not None else address
    print(f"{'op':<6}{'ops/s':>12}{'p50 ms':>10}{'p99 ms':>10}   target={target} concurrency={args.concurrency}")
    for kind, row in results.items():
        print(f"{kind:<6}{row['ops_per_sec']:>12,.0f}{row['p50_ms']:>10.3f}{row['p99_ms']:>10.3f}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "kv.json"
    out.write_text(json.dumps({"target": target, "concurrency": args.concurrency, "results": results}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
