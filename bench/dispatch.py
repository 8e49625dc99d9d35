"""What one request, and one record of a background job, costs inside a node, without sockets.

Builds the AS_MSG bodies a client sends for a put of five bins (the kv bench's record shape) and a
get of all bins, then hands them straight to a node's dispatcher, over and over; then applies a job's
write ops (add 1 to a bin; touch) to every record the way a background job does. The figures are the
node's own Python work, the part a profiler can cut; ``bench/kv.py`` and ``bench/background.py`` show
what sockets, scans and clients add. Best of ``--rounds`` passes over ``--keys`` records, for records
held as objects and in a compact namespace.

    python3 bench/dispatch.py [--keys 10000] [--rounds 5]

Prints a table and writes ``bench/results/dispatch.json``.
"""

from __future__ import annotations

import argparse
import struct
import sys
import time
from collections.abc import Callable

from aerolite.engine.commands import ExistsAction, WritePolicy
from aerolite.engine.engine import Engine
from aerolite.engine.namespace import NamespaceConfig
from aerolite.engine.ops import Op, OpKind
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


def job_record_us(engine: Engine, digests: list[bytes], ops: list[Op]) -> float:
    """Per record: what a background job does to a record it selected (``Engine.apply_ops``)."""
    ns = engine.namespace("test")
    get, apply_ops, policy = ns.get, engine.apply_ops, WritePolicy(exists=ExistsAction.UPDATE_ONLY)
    started = time.perf_counter()
    for digest in digests:
        apply_ops(ns, digest, get(digest), "bench", None, ops, policy)
    return (time.perf_counter() - started) / len(digests) * 1e6


def measure(keys: int, rounds: int, compact: bool) -> dict[str, float]:
    digests = [i.to_bytes(20, "big") for i in range(keys)]
    puts = [put(d, i) for i, d in enumerate(digests)]
    gets = [as_msg(Info1.READ | Info1.GET_ALL, 0, d, []) for d in digests]
    engine = Engine([NamespaceConfig("test", compact=compact)])
    dispatcher = Dispatcher(engine)
    results = {"put, new record": per_request_us(dispatcher.handle, puts)}
    jobs = {"job record: add 1": [Op(OpKind.INCR, "score", 1)], "job record: touch": [Op(OpKind.TOUCH, "", None)]}
    for _ in range(rounds):
        passes = {"put, existing record": lambda: per_request_us(dispatcher.handle, puts),
                  "get, all bins": lambda: per_request_us(dispatcher.handle, gets),
                  **{name: lambda ops=ops: job_record_us(engine, digests, ops) for name, ops in jobs.items()}}
        for name, run in passes.items():
            took = run()
            results[name] = min(results.get(name, took), took)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    layouts = {layout: measure(args.keys, args.rounds, layout == "compact") for layout in ("objects", "compact")}
    rows = [(name, f"{us:.2f}", f"{layouts['compact'][name]:.2f}") for name, us in layouts["objects"].items()]
    report("dispatch", ("work", "µs, records as objects", "µs, compact"), rows,
           {"keys": args.keys, "rounds": args.rounds,
            "us": {layout: {k: round(v, 3) for k, v in r.items()} for layout, r in layouts.items()}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
