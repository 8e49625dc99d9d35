"""Filter-expression benchmark: AEL compile time (cold and cached) and per-record evaluation rate of
compiled filters against a hand-written lambda doing the same test (the pure-Python floor).

Run: ``python bench/expr.py``. Prints a table and writes bench/results/expr.json. Aims: cold compile
of a 3-clause filter <= 20 us, cached <= 1 us, evaluation >= 50 % of the lambda's rate. Also measured:
an expression read operation carrying AEL text (``[128, text]``, compiled once per distinct op) applied
per record through the engine's op path, against a lambda computing the same value.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import msgpack

from aerolite.ael import clear_caches, filter_from_text
from aerolite.engine.cdt.exp_ops import compile_exp_op
from aerolite.engine.ops import Op, OpKind, read_op
from aerolite.engine.record import Record
from table import report

THREE_CLAUSE = "$.age > 25 and $.country == 'US' and $.score >= 50.5"
SIMPLE = "$.age > 25"
COMPLEX = "$.age > 25 and $.country == 'US' and ($.score * 2.0 > 100.0 or $.tags.[0] == 'vip')"
OPERATION = "$.score * 2.0 + 1.0"


def simple_lambda(r: Any) -> bool:
    v = r.bins.get("age")
    return type(v) is int and v > 25


def complex_lambda(r: Any) -> bool:
    b = r.bins
    age, country = b.get("age"), b.get("country")
    if not (type(age) is int and age > 25 and type(country) is str and country == "US"):
        return False
    score = b.get("score")
    if type(score) is float and score * 2.0 > 100.0:
        return True
    tags = b.get("tags")
    return isinstance(tags, list) and bool(tags) and type(tags[0]) is str and tags[0] == "vip"


def operation_lambda(r: Any) -> Any:
    score = r.bins.get("score")
    return score * 2.0 + 1.0 if type(score) is float else None


def operation_reader() -> Callable[[Any], Any]:
    """The engine's per-record path for an exp read op whose value is server-compiled AEL."""
    raw = msgpack.packb([[128, OPERATION], 0])
    op = Op(OpKind.EXP_READ, "x", compile_exp_op(raw))
    return lambda r: read_op(r, op)


def make_records(n: int) -> list[Record]:
    rng = random.Random(7)
    records = []
    for i in range(n):
        bins: dict[str, Any] = {"age": rng.randint(1, 80), "country": rng.choice(["US", "FR", "JP"]),
                                "score": rng.uniform(0, 100), "tags": [rng.choice(["vip", "new", "old"]), "x"]}
        if i % 10 == 0:
            del bins["age"]
        records.append(Record(i.to_bytes(20, "big"), "bench", None, bins, 1, 0, 0))
    return records


def per_call_us(fn: Callable[[], Any], before: Callable[[], Any] | None = None, rounds: int = 2000) -> float:
    """Median microseconds of one call, ``before`` run untimed before each call."""
    samples = []
    for _ in range(rounds):
        if before is not None:
            before()
        start = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - start)
    samples.sort()
    return samples[len(samples) // 2] / 1000


def rate(predicate: Callable[[Any], bool], records: list[Record]) -> float:
    start = time.perf_counter()
    for r in records:
        predicate(r)
    return len(records) / (time.perf_counter() - start)


def compare_rates(compiled: Callable[[Any], bool], hand: Callable[[Any], bool], records: list[Record],
                  rounds: int = 15) -> tuple[float, float]:
    """Best records/second of each, measured alternately in one run."""
    assert [compiled(r) for r in records] == [hand(r) for r in records], "filter and lambda disagree"
    best_c = best_h = 0.0
    for _ in range(rounds):
        best_c = max(best_c, rate(compiled, records))
        best_h = max(best_h, rate(hand, records))
    return best_c, best_h


def main() -> None:
    records = make_records(20_000)
    cold = per_call_us(lambda: filter_from_text(THREE_CLAUSE), before=clear_caches)
    filter_from_text(THREE_CLAUSE)
    cached = per_call_us(lambda: filter_from_text(THREE_CLAUSE), rounds=20_000)
    simple_c, simple_h = compare_rates(filter_from_text(SIMPLE), simple_lambda, records)
    complex_c, complex_h = compare_rates(filter_from_text(COMPLEX), complex_lambda, records)
    op_c, op_h = compare_rates(operation_reader(), operation_lambda, records)
    results = {
        "cold_compile_us": cold, "cached_compile_us": cached,
        "simple": {"compiled_per_s": simple_c, "lambda_per_s": simple_h, "ratio": simple_c / simple_h},
        "complex": {"compiled_per_s": complex_c, "lambda_per_s": complex_h, "ratio": complex_c / complex_h},
        "operation": {"compiled_per_s": op_c, "lambda_per_s": op_h, "ratio": op_c / op_h},
        "filters": {"three_clause": THREE_CLAUSE, "simple": SIMPLE, "complex": COMPLEX, "operation": OPERATION},
    }
    rows = [
        ("cold compile, 3 clauses (parse + compile)", f"{cold:.1f} us", "<= 20 us"),
        ("cached compile", f"{cached:.2f} us", "<= 1 us"),
        ("simple filter eval", f"{simple_c / 1e6:.2f} M rec/s vs lambda {simple_h / 1e6:.2f} M",
         f"{simple_c / simple_h:.0%} (>= 50%)"),
        ("complex filter eval", f"{complex_c / 1e6:.2f} M rec/s vs lambda {complex_h / 1e6:.2f} M",
         f"{complex_c / complex_h:.0%} (>= 50%)"),
        ("AEL exp read op eval", f"{op_c / 1e6:.2f} M rec/s vs lambda {op_h / 1e6:.2f} M", f"{op_c / op_h:.0%}"),
    ]
    report("expr", ("measure", "result", "aim"), rows, results)


if __name__ == "__main__":
    main()
