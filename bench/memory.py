"""Resident memory per million records of about 200 bytes, stored through the engine's own API.

    python3 bench/memory.py [--records 1000000]

Prints a table and writes ``bench/results/memory.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from pathlib import Path

from aerolite.digest import key_digest
from aerolite.engine.commands import Command
from aerolite.engine.engine import Engine
from aerolite.engine.namespace import NamespaceConfig
from aerolite.engine.ops import Op, OpKind

RESULTS = Path(__file__).resolve().parent / "results"


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    engine = Engine([NamespaceConfig("test")])
    before = rss_bytes()
    payload = 0
    for i in range(args.records):
        bins = {"name": f"user-{i:08d}", "email": f"user{i:08d}@example.com", "score": i,
                "active": i % 2 == 0, "bio": "x" * 120}
        ops = [Op(OpKind.WRITE, name, value) for name, value in bins.items()]
        engine.execute(Command("test", key_digest("users", i), "users", ops=ops, write=True))
        if i == 0:
            payload = sum(len(n) + (len(v) if isinstance(v, str) else 8) for n, v in bins.items())
    after = rss_bytes()
    per_million = (after - before) * 1_000_000 / args.records
    result = {"records": args.records, "payload_bytes_per_record": payload, "rss_growth_bytes": after - before,
              "rss_mib_per_million": round(per_million / 2**20, 1)}
    print(f"{'records':>10}{'payload B/rec':>15}{'RSS growth MiB':>16}{'MiB per 1M':>12}")
    print(f"{args.records:>10,}{payload:>15}{(after - before) / 2**20:>16.1f}{per_million / 2**20:>12.1f}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "memory.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
