"""What one request costs inside a node, without sockets: the dispatcher and engine alone.

Builds the AS_MSG bodies a client sends for a put of five bins (the kv bench's record shape) and a
get of all bins, then hands them straight to a node's dispatcher, over and over. The figure is the
node's own Python work per request, the part a profiler can cut; ``bench/kv.py`` shows what the
sockets and the client add. Best of ``--rounds`` passes over ``--keys`` records.

    python3 bench/dispatch.py [--keys 10000] [--rounds 5]

Prints a table and writes ``bench/results/dispatch.json``.
"""

from __future__ import annotations

import argparse
import struct
import sys
import time
from collections.abc import Callable

from aerolite.engine.engine import Engine
from aerolite.engine.namespace import NamespaceConfig
from aerolite.server.dispatch import Dispatcher
from aerolite.wire.message import MSG_HEADER_SIZE, FieldType, Info1, Info2, encode_field, encode_op
from aerolite.wire.particles import encode_particle
from kv import record_bins
from table import report

_HEADER = struct.Struct(">BBBBBBIiIHH")
WRITE_OP = 2


def as_msg(info1: int, info2: int, digest: bytes, ops: list[bytes]) -> memoryview:
    fields = [encode_field(FieldType.NAMESPACE, b"test"), encode_field(FieldType.SET, b"bench"),
              encode_field(FieldType.DIGEST, digest)]
    header = _HEADER.pack(MSG_HEADER_SIZE, info1, info2, 0, 0, 0, 0, 0, 1000, len(fields), len(ops))
    return memoryview(header + b"".join(fields) + b"".join(ops))


def put(digest: bytes, i: int) -> memoryview:
    ops = [encode_op(WRITE_OP, name.encode(), *encode_particle(value)) for name, value in record_bins(i).items()]
    return as_msg(0, Info2.WRITE, digest, ops)


def per_request_us(handle: Callable[[memoryview], bytes], requests: list[memoryview]) -> float:
    started = time.perf_counter()
    for request in requests:
        reply = handle(request)
        if reply[13] != 0:  # the result code, after the 8-byte proto header and 5 bytes of AS_MSG header
            raise RuntimeError(f"request answered {reply[13]}")
    return (time.perf_counter() - started) / len(requests) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    digests = [i.to_bytes(20, "big") for i in range(args.keys)]
    puts = [put(d, i) for i, d in enumerate(digests)]
    gets = [as_msg(Info1.READ | Info1.GET_ALL, 0, d, []) for d in digests]
    dispatcher = Dispatcher(Engine([NamespaceConfig("test")]))
    results = {"put, new record": per_request_us(dispatcher.handle, puts)}
    for _ in range(args.rounds):
        for name, requests in (("put, existing record", puts), ("get, all bins", gets)):
            took = per_request_us(dispatcher.handle, requests)
            results[name] = min(results.get(name, took), took)
    rows = [(name, f"{us:.2f}", f"{1e6 / us:,.0f}") for name, us in results.items()]
    report("dispatch", ("request", "µs in the node", "requests/s on one core"), rows,
           {"keys": args.keys, "rounds": args.rounds, "us_per_request": {k: round(v, 3) for k, v in results.items()}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
