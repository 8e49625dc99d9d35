"""Reliability, long forms: wire fuzzing, kill -9 crash cycles, load with invariants, a connection storm.

The short forms run in the test suite (``tests/reliability``); this runs them at full length against
fresh nodes started here, prints one table and writes ``bench/results/reliability.json``:

- ``--frames`` mutated frames (default 1,000,000) against a node with a 2 s idle timeout;
- ``--cycles`` kill -9 cycles (default 50) during concurrent writes and background jobs on a file
  namespace;
- 8 client processes x 4 loops x ``--ops`` mixed operations (default 1,000) while background and UDF
  jobs run, with the invariants checked and latency percentiles;
- a storm of ``--storm`` new connections at once (default 1,024) on a freshly started node.

    python3 bench/reliability.py [--frames 1000000] [--cycles 50] [--ops 1000] [--storm 1024] [--only fuzz,crash,load,storm]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the harnesses live with the tests

from tests.conftest import start_server  # noqa: E402
from tests.reliability import crashloop, fuzz, load  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PARTS = ("fuzz", "crash", "load", "storm")


def tracebacks(log: Path) -> int:
    return log.read_text(errors="replace").count("Traceback")


def run_fuzz(frames: int, work: Path) -> dict[str, Any]:
    log = work / "fuzz-node.log"
    node = start_server("--namespace", "test:memory:256M", "--namespace", "bar", "--idle-timeout", "2", output=log)
    started = time.perf_counter()

    def progress(report: fuzz.FuzzReport) -> None:
        if report.frames % 100_000 < 2_000:
            print(f"  fuzz: {report.frames:,} frames, {time.perf_counter() - started:.0f} s", file=sys.stderr)

    try:
        report = fuzz.run(node.port, frames, seed=int(time.time()), idle_timeout=2.0, progress=progress)
        alive = node.process.poll() is None
    finally:
        node.stop()
    fuzz.write_log(report, work / "fuzz.json")
    return {**report.summary(), "node alive": alive, "node tracebacks": tracebacks(log),
            "seconds": round(time.perf_counter() - started, 1)}


def run_crash(cycles: int, work: Path) -> dict[str, Any]:
    started = time.perf_counter()
    log = work / "crash-node.log"
    report = crashloop.run(work / "crash-data", cycles, seed=int(time.time()), log=log)
    return {**report.summary(), "node tracebacks": tracebacks(log), "first problems": report.problems[:5],
            "seconds": round(time.perf_counter() - started, 1)}


def run_load(ops: int, work: Path) -> dict[str, Any]:
    log = work / "load-node.log"
    node = start_server("--namespace", "test", output=log)
    started = time.perf_counter()
    try:
        report = load.run(node.address, processes=8, tasks=4, ops=ops, job_records=20_000, ops_jobs=3)
    finally:
        node.stop()
    return {**report.summary(), "first failures": report.failures[:5], "node tracebacks": tracebacks(log),
            "seconds": round(time.perf_counter() - started, 1)}


def run_storm(connections: int, work: Path) -> dict[str, Any]:
    node = start_server(output=work / "storm-node.log")
    started = time.perf_counter()
    try:
        answered = load.storm(node.port, connections)
    finally:
        node.stop()
    return {"connections": connections, "answered": answered, "seconds": round(time.perf_counter() - started, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=1_000_000)
    parser.add_argument("--cycles", type=int, default=50)
    parser.add_argument("--ops", type=int, default=1_000, help="operations per client loop (8 processes x 4 loops)")
    parser.add_argument("--storm", type=int, default=1_024, help="connections opened at once")
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated subset of {', '.join(PARTS)}")
    args = parser.parse_args()
    chosen = [p.strip() for p in args.only.split(",") if p.strip()]
    runners: dict[str, Callable[[Path], dict[str, Any]]] = {
        "fuzz": lambda w: run_fuzz(args.frames, w), "crash": lambda w: run_crash(args.cycles, w),
        "load": lambda w: run_load(args.ops, w), "storm": lambda w: run_storm(args.storm, w),
    }
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="aerolite-reliability-") as tmp:
        for part in chosen:
            print(f"running {part} ...", file=sys.stderr)
            results[part] = runners[part](Path(tmp))
            print(f"  {part}: {results[part]}", file=sys.stderr)
    rows = table_rows(results)
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  result")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "reliability.json").write_text(json.dumps(results, indent=1))
    clean = all(not r.get("problems") and not r.get("failures") and not r.get("defects") and not r.get("hung connections")
                and not r.get("malformed answers") and not r.get("node tracebacks") and not r.get("writes lost")
                for r in results.values())
    storm_ok = "storm" not in results or results["storm"]["answered"] == results["storm"]["connections"]
    return 0 if clean and storm_ok else 1


def table_rows(results: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if "fuzz" in results:
        f = results["fuzz"]
        rows += [("frames fuzzed", f"{f['frames fuzzed']:,} in {f['connections']:,} connections ({f['seconds']} s)"),
                 ("node defects / malformed answers / hung connections",
                  f"{f['defects']} / {f['malformed answers']} / {f['hung connections']}"),
                 ("stalled peers timed out / health checks passed",
                  f"{f['stalled peers timed out']} / {f['health checks']}")]
    if "crash" in results:
        c = results["crash"]
        rows += [("kill -9 crash cycles", f"{c['crash cycles']} ({c['seconds']} s)"),
                 ("writes acknowledged / lost", f"{c['writes acknowledged']:,} / {c['writes lost']}"),
                 ("jobs cut and listed / complete", f"{c['jobs cut and listed']} / {c['jobs complete']}")]
    if "load" in results:
        ld = results["load"]
        rows += [("load: operations (8 processes, jobs running)", f"{ld['operations']:,} at {ld['ops/s']:,} ops/s"),
                 ("invariant checks / failures", f"{ld['invariant checks']:,} / {ld['failures']}"),
                 ("latency p50 / p99 under load", f"{ld['p50 ms']} ms / {ld['p99 ms']} ms")]
    if "storm" in results:
        s = results["storm"]
        rows += [("connection storm answered", f"{s['answered']:,} of {s['connections']:,} ({s['seconds']} s)")]
    return rows


if __name__ == "__main__":
    sys.exit(main())
