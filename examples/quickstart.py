"""Start an aerolite node on a free loopback port and use it through the official client.

Run: ``python3 examples/quickstart.py``
"""

from __future__ import annotations

import asyncio
import subprocess
import sys

import aerospike_native as an
from aerospike_native import Key, Operation


async def use(address: str) -> None:
    client = await an.new_client(an.ClientPolicy(), address)
    try:
        users = [Key("test", "users", f"user-{i}") for i in range(5)]
        for i, k in enumerate(users):
            await client.put(k, {"name": f"user {i}", "score": i * 10, "active": i % 2 == 0})
        for k in users:
            await client.operate(k, [Operation.add("score", 1)])
        for k in users:
            rec = await client.get(k)
            print(f"{k.value}: {rec.bins} (generation {rec.generation})")
    finally:
        await client.close()


def main() -> int:
    server = subprocess.Popen(
        [sys.executable, "-m", "aerolite.cli.main", "serve", "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline().strip()
        if not line.startswith("aerolite listening on "):
            print(f"server did not start: {line!r}", file=sys.stderr)
            return 1
        address = line.rsplit(" ", 1)[1]
        print(f"aerolite node at {address}")
        asyncio.run(use(address))
        return 0
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
