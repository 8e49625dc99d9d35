"""Path-expression benchmark: per-record rate of a compiled wildcard-path filter, of a select by path
and of a modify by path (the engine's CDT operations), each against a hand-written loop doing the
same work (the pure-Python floor), measured alternately in one run.

Run: ``python bench/paths.py``. Prints a table and writes bench/results/paths.json.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from aerolite.ael import filter_from_text
from aerolite.engine.cdt.apply import cdt_modify, cdt_read
from aerolite.engine.record import Record
from table import report

FILTER = "$.l:LIST.*[?(@ > 200)].count() == 3"
# select_by_path("m", VALUE, [map_key("items"), all_children_with_filter(@ > 50)]) as the client sends it
SELECT = bytes.fromhex("93ccfe9422a603" + b"items".hex() + "049303937a020132" + "01")
# modify_by_path("m", DEFAULT, @ + 1, [map_key("items"), all_children()])
MODIFY = bytes.fromhex("94ccfe9422a603" + b"items".hex() + "04c304" + "9314937a020101")


def make_records(n: int) -> list[Record]:
    rng = random.Random(11)
    return [Record(i.to_bytes(20, "big"), "bench", None,
                   {"l": [rng.randint(0, 400) for _ in range(6)],
                    "m": {"items": [rng.randint(0, 100) for _ in range(8)], "name": "x"}}, 1, 0, 0)
            for i in range(n)]


def hand_filter(r: Any) -> bool:
    items = r.bins.get("l")
    return isinstance(items, list) and sum(1 for v in items if type(v) is int and v > 200) == 3


def hand_select(r: Any) -> Any:
    return [v for v in r.bins["m"]["items"] if type(v) is int and v > 50]


def hand_modify(r: Any) -> None:
    m = dict(r.bins["m"])
    m["items"] = [v + 1 for v in m["items"]]
    r.bins["m"] = m


def best_rate(fn: Callable[[Any], Any], records: list[Record], rounds: int) -> float:
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for r in records:
            fn(r)
        best = max(best, len(records) / (time.perf_counter() - start))
    return best


def compare(ours: Callable[[Any], Any], hand: Callable[[Any], Any], records: list[Record],
            rounds: int = 7) -> tuple[float, float]:
    """Best records/second of each, alternating the two in one run."""
    best_o = best_h = 0.0
    for _ in range(rounds):
        best_o = max(best_o, best_rate(ours, records, 1))
        best_h = max(best_h, best_rate(hand, records, 1))
    return best_o, best_h


def main() -> None:
    records = make_records(10_000)
    compiled = filter_from_text(FILTER)
    assert [compiled(r) for r in records] == [hand_filter(r) for r in records], "filter and loop disagree"
    assert [cdt_read(r, "m", SELECT) for r in records[:100]] == [hand_select(r) for r in records[:100]]
    measured = {
        "filter": compare(compiled, hand_filter, records),
        "select": compare(lambda r: cdt_read(r, "m", SELECT), hand_select, records),
        "modify": compare(lambda r: cdt_modify(r, "m", MODIFY), hand_modify, records),
    }
    results = {name: {"ours_per_s": o, "hand_per_s": h, "ratio": o / h} for name, (o, h) in measured.items()}
    results["filter_text"] = FILTER  # type: ignore[assignment]
    labels = {"filter": f"where {FILTER}", "select": "select_by_path (8 items, filtered)",
              "modify": "modify_by_path (8 items, +1)"}
    rows = [(labels[n], f"{o / 1e3:.0f} k rec/s vs loop {h / 1e3:.0f} k", f"{o / h:.0%}")
            for n, (o, h) in measured.items()]
    report("paths", ("measure", "result", "of the loop"), rows, results)


if __name__ == "__main__":
    main()
