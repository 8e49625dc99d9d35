"""What ``aerolite monitor`` costs a node: the time of one snapshot, and foreground reads while it polls.

Loads N users of about 200 bytes (default 1,000,000, as ``bench/background.py`` does), then times
snapshots (every info command the page needs: jobs, namespaces and sets, indexes, UDF modules), and
measures single-record read latency in phases that alternate between no monitor and a monitor reading
everything every 0.2 s (jobs five times, the overview twenty-five times as often as by default). Runs against a fresh embedded engine, or any
``--host HOST:PORT``. Prints a table and writes ``bench/results/monitor.json``.

    python3 bench/monitor.py [--records 1000000] [--host 127.0.0.1:3000]
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from typing import Any

from aerolite import ClusterDefinition
from aerolite.monitor.poller import Poller
from aerolite.monitor.snapshot import Snapshots
from background import SET, _split, load, probe, records_and_host, save  # the jobs bench's data and probe

PHASE_SECONDS = 3.0
PHASES = 4
SNAPSHOTS = 20


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000, 2) if ordered else float("nan")


async def reads(client: Any, n: int, snapshots: Snapshots | None) -> list[float]:
    """Read latencies for one phase, with a monitor polling meanwhile when ``snapshots`` is given."""
    latencies: list[float] = []
    stop = asyncio.Event()
    poller = Poller(snapshots, 0.2) if snapshots is not None else None
    if poller is not None:
        poller.start()
    prober = asyncio.create_task(probe(client, n, stop, latencies))
    await asyncio.sleep(PHASE_SECONDS)
    stop.set()
    await prober
    if poller is not None:
        await poller.stop()
    return latencies


async def bench(host: str | None, n: int) -> dict[str, Any]:
    definition = ClusterDefinition.embedded() if host is None else ClusterDefinition(*_split(host))
    async with definition.connect() as cluster:
        client = cluster.native_client
        await client.truncate("test", SET)
        load_seconds = await load(client, n)
        snapshots = Snapshots(cluster.create_session(), cluster.address, overview_seconds=0.0)  # all, each time
        took = []
        for _ in range(SNAPSHOTS):
            started = time.perf_counter()
            await snapshots.take()
            took.append(time.perf_counter() - started)
        quiet: list[float] = []
        watched: list[float] = []
        for phase in range(PHASES):  # alternate, so that drift on a shared machine hits both alike
            (watched if phase % 2 else quiet).extend(await reads(client, n, snapshots if phase % 2 else None))
        with contextlib.suppress(Exception):
            await client.truncate("test", SET)
        return {
            "records": n, "load_seconds": round(load_seconds, 1),
            "snapshot_p50_ms": quantile(took, 0.5), "snapshot_max_ms": quantile(took, 1.0),
            "get_p50_ms_quiet": quantile(quiet, 0.5), "get_p99_ms_quiet": quantile(quiet, 0.99),
            "get_p50_ms_monitored": quantile(watched, 0.5), "get_p99_ms_monitored": quantile(watched, 0.99),
            "gets": len(quiet) + len(watched),
        }


def main() -> int:
    args = records_and_host(__doc__)
    result = asyncio.run(bench(args.host, args.records))
    print(f"{result['records']:,} records loaded in {result['load_seconds']} s")
    print(f"{'':<28}{'p50 ms':>10}{'p99/max ms':>12}")
    print(f"{'one snapshot':<28}{result['snapshot_p50_ms']:>10}{result['snapshot_max_ms']:>12}")
    print(f"{'get, no monitor':<28}{result['get_p50_ms_quiet']:>10}{result['get_p99_ms_quiet']:>12}")
    print(f"{'get, monitor polling 5/s':<28}{result['get_p50_ms_monitored']:>10}{result['get_p99_ms_monitored']:>12}")
    save("monitor", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
