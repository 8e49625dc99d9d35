"""What access control costs: single-record puts and gets per second on an embedded node with and without
``--security`` (each command checked against the user's roles), measured in one run, alternating rounds;
plus the time to connect and log in.

    python3 bench/security.py [--ops 5000] [--rounds 5]

Prints a table and writes ``bench/results/security.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import aerospike_native as an

from aerolite.sync import Cluster, ClusterDefinition, Security

RESULTS = Path(__file__).resolve().parent / "results"


def round_trip(client: Any, ops: int) -> float:
    """Commands per second for ``ops`` puts then ``ops`` gets, one at a time."""
    keys = [an.Key("test", "bench_sec", i) for i in range(ops)]
    started = time.perf_counter()
    for i, key in enumerate(keys):
        client.put_blocking(key, {"v": i})
    for key in keys:
        client.get_blocking(key)
    return 2 * ops / (time.perf_counter() - started)


def connect_seconds(definition: ClusterDefinition) -> float:
    started = time.perf_counter()
    definition.connect().close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    clusters: dict[str, Cluster] = {
        "plain": ClusterDefinition.embedded().connect(),
        "security": ClusterDefinition.embedded(security=Security("bench-password")).connect(),
    }
    rates: dict[str, list[float]] = {name: [] for name in clusters}
    connects: dict[str, list[float]] = {name: [] for name in clusters}
    try:
        for _ in range(args.rounds):
            for name, cluster in clusters.items():
                rates[name].append(round_trip(cluster.native_client, args.ops))
                host, port = cluster.address.rsplit(":", 1)
                definition = ClusterDefinition(host, int(port))
                if name == "security":
                    definition.with_credentials("admin", "bench-password")
                connects[name].append(connect_seconds(definition))
    finally:
        for cluster in clusters.values():
            cluster.close()
    result = {name: {"ops_per_s": statistics.median(rates[name]), "connect_s": statistics.median(connects[name])}
              for name in clusters}
    print(f"{'node':<10} {'commands/s':>12} {'connect+login':>14}")
    for name, row in result.items():
        print(f"{name:<10} {row['ops_per_s']:>12,.0f} {row['connect_s'] * 1000:>11.1f} ms")
    ratio = result["security"]["ops_per_s"] / result["plain"]["ops_per_s"]
    print(f"security / plain: {ratio:.3f} (median of {args.rounds} alternating rounds of {2 * args.ops:,} commands)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "security.json").write_text(json.dumps({**result, "ratio": ratio, "ops": args.ops,
                                                       "rounds": args.rounds}, indent=2))


if __name__ == "__main__":
    main()
