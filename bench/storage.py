"""Why file namespaces use an append-only log: the cost of one acknowledged write with each mechanism.

Compares, for the same records, aerolite's CRC-checked append log (one ``write(2)`` per record, the
mechanism in ``engine/storage.py``) with SQLite in WAL mode committing every write (the cheapest
B-tree store in the standard library that also survives ``kill -9`` per acknowledged write), and
with the log plus an ``fsync`` per write (survives power loss too).

    python3 bench/storage.py [--records 20000]

Prints a table and writes ``bench/results/storage.json``.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from aerolite.digest import key_digest
from aerolite.engine.record import Record
from aerolite.engine.storage import RecordLog
from aerolite.values.msgpack_codec import pack

RESULTS = Path(__file__).resolve().parent / "results"


def records(n: int) -> list[Record]:
    return [
        Record(key_digest("users", i), "users", None,
               {"name": f"user-{i:08d}", "email": f"user{i:08d}@example.com", "score": i, "bio": "x" * 120}, 1)
        for i in range(n)
    ]


def time_log(recs: list[Record], directory: Path, fsync: bool) -> float:
    log = RecordLog(directory / f"log-{fsync}.log", fsync_each_write=fsync)
    start = time.perf_counter()
    for r in recs:
        log.append_record(r)
    elapsed = time.perf_counter() - start
    log.close()
    return elapsed


def time_sqlite(recs: list[Record], directory: Path) -> float:
    db = sqlite3.connect(directory / "records.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE records (digest BLOB PRIMARY KEY, body BLOB)")
    start = time.perf_counter()
    for r in recs:
        db.execute("INSERT OR REPLACE INTO records VALUES (?, ?)",
                   (r.digest, pack([r.set_name, r.key, r.generation, r.void_time, r.last_update_ns, r.bins])))
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    recs = records(args.records)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        runs: dict[str, Callable[[], float]] = {
            "append log (write per record)": lambda: time_log(recs, directory, fsync=False),
            "sqlite WAL (commit per record)": lambda: time_sqlite(recs, directory),
            "append log + fsync per record": lambda: time_log(recs[: max(1, len(recs) // 20)], directory, fsync=True)
            * 20,
        }
        for name, run in runs.items():
            results[name] = args.records / run()
    print(f"{'mechanism':<34}{'writes/s':>12}")
    for name, rate in results.items():
        print(f"{name:<34}{rate:>12,.0f}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "storage.json").write_text(json.dumps({"records": args.records, "writes_per_second": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
