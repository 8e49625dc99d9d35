"""``aerolite demo``: the whole story in one command, on an embedded engine, with proof.

It starts an embedded aerolite node, loads generated users with concurrent batch writes, then runs one
background job of each kind — a filtered update, a touch with a TTL, a registered Lua UDF and a
filtered delete — with a live progress bar fed by ``task.watch()``. For each job it counts, with the
SDK's dry run, what the job should select before it runs and what must be true after, and prints
both next to the job's own counters and its records/s. The exit status is 0 only if every check holds.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from aerolite.cli.display import counters, make_console, progress_bars
from aerolite.sdk import (
    AerospikeError,
    BackgroundTask,
    ClusterDefinition,
    DataSet,
    ErrorStrategy,
    JobProgress,
    Session,
)

USERS = DataSet.of("test", "users")
COUNTRIES = ("NL", "US", "DE", "FR", "JP", "BR")
TIER_LUA = """
function tier(rec, threshold)
  if rec['score'] >= threshold then rec['tier'] = 'gold' else rec['tier'] = 'std' end
  aerospike:update(rec)
end
"""


def user(i: int, rng: random.Random) -> dict[str, Any]:
    """One generated user record (~100 bytes of bins)."""
    return {"name": f"user{i:07d}", "age": rng.randint(18, 79), "country": rng.choice(COUNTRIES),
            "active": rng.random() < 0.4, "score": rng.randint(0, 999)}


@dataclass
class Outcome:
    """One job's line in the final table."""

    job: str
    selected: int
    progress: JobProgress | None
    seconds: float
    check: str
    ok: bool


def run(args: argparse.Namespace) -> int:
    """Entry point of ``aerolite demo``; returns the exit status."""
    if args.records < 1 or args.concurrency < 1 or not 1 <= args.nodes <= 64:
        Console(stderr=True).print("--records and --concurrency must be at least 1, --nodes 1..64")
        return 2
    console = make_console()
    return asyncio.run(_demo(args.records, args.concurrency, args.seed, args.nodes, console))


async def _demo(records: int, concurrency: int, seed: int, nodes: int, console: Console) -> int:
    with console.status("starting the embedded aerolite engine"):
        definition = ClusterDefinition.embedded(namespaces=["test"], nodes=nodes)
        cluster = await definition.connect()
    async with cluster:
        where = f"a local cluster of {nodes} nodes, seed" if nodes > 1 else "embedded engine"
        console.print(f"{where} listening on [bold]{cluster.address}[/]")
        session = cluster.create_session()
        await load_users(session, USERS, records, concurrency, seed, console)
        outcomes = [await job(session, console) for job in _JOBS]
        total = await session.background_task().update(USERS).count()
    console.print(_table(outcomes))
    expected_total = records - next(o.selected for o in outcomes if o.job == "delete")
    all_ok = all(o.ok for o in outcomes) and total == expected_total
    console.print(f"records left: {total:,} (expected {expected_total:,}) — "
                  + ("[green]every check holds[/]" if all_ok else "[red]some checks failed[/]"))
    return 0 if all_ok else 1


LOAD_BATCH = 500
"""Users written per batch request while loading (one round trip for many records)."""


async def load_users(session: Session, dataset: DataSet, records: int, concurrency: int, seed: int,
                     console: Console) -> None:
    """Write ``records`` generated users (keys 0..records-1) with concurrent batch upserts, under a live bar.

    Shared by ``aerolite demo`` and ``aerolite load``, so both load the very same data for a seed.
    """
    rng = random.Random(seed)
    batches = iter(range(0, records, LOAD_BATCH))
    loaded = 0
    with progress_bars(console) as bars:
        bar = bars.add_task("loading users", total=records, detail="")
        started = time.monotonic()

        async def worker() -> None:
            nonlocal loaded
            for start in batches:
                ids = range(start, min(start + LOAD_BATCH, records))
                await session.upsert(dataset.ids(ids)).put([user(i, rng) for i in ids]).execute(
                    on_error=ErrorStrategy.RAISE)
                loaded += len(ids)
                rate = loaded / max(time.monotonic() - started, 1e-9)
                bars.update(bar, completed=loaded, detail=f"{rate:,.0f} records/s")

        await asyncio.gather(*(worker() for _ in range(min(concurrency, -(-records // LOAD_BATCH)))))
        seconds = time.monotonic() - started
        bars.update(bar, completed=records, detail=f"{records / seconds:,.0f} records/s")
    console.print(f"loaded {records:,} users in {seconds:.1f} s ({records / seconds:,.0f} records/s)")


async def _watch(name: str, submit: Awaitable[BackgroundTask], console: Console) -> tuple[JobProgress, float]:
    """Run a job with a live bar; its final progress and seconds from submit to completion."""
    started = time.monotonic()
    task = await submit
    with progress_bars(console) as bars:
        bar = bars.add_task(name, total=100.0, detail="")
        async for p in task.watch(interval=0.1):
            bars.update(bar, completed=p.percent, detail=counters(p))
    return p, time.monotonic() - started


async def _count(session: Session, where: str) -> int:
    return await session.background_task().update(USERS).where(where).count()


async def _job(name: str, session: Session, console: Console, selects: str, marker: str,
               submit: Callable[[], Awaitable[BackgroundTask]], *, removes: bool = False) -> Outcome:
    """Dry-run the selection, run the job with a live bar, then count again to prove its effect.

    A writing job must take ``marker`` from 0 matching records to exactly the selection; a deleting job
    must take its selection to 0. Either way the job must have written exactly the selection.
    """
    before_where, after_where = (selects, selects) if removes else (marker, f"({marker}) and ({selects})")
    try:
        selected, before = await _count(session, selects), await _count(session, before_where)
        progress, seconds = await _watch(name, submit(), console)
        after = await _count(session, after_where)
    except AerospikeError as exc:
        console.print(f"[red]{name} failed:[/] {exc}")
        return Outcome(name, 0, None, 0.0, "error", False)
    expected = (selected, 0) if removes else (0, selected)
    ok = (before, after) == expected and progress.written == selected and progress.failed == 0
    return Outcome(name, selected, progress, seconds, f"{before:,} → {after:,}", ok)


async def _update(session: Session, console: Console) -> Outcome:
    tasks = session.background_task()
    return await _job(
        "update", session, console, "$.active == true", "$.bumped == true",
        lambda: tasks.update(USERS).where("$.active == true").bin("score").add(10).bin("bumped").set_to(True)
        .with_no_change_in_expiration().execute(),
    )


async def _touch(session: Session, console: Console) -> Outcome:
    tasks = session.background_task()
    return await _job(
        "touch+TTL", session, console, "$.country == 'NL'", "$.ttl() > 0",
        lambda: tasks.touch(USERS).where("$.country == %s", "NL").expire_record_after(timedelta(days=30)).execute(),
    )


async def _udf(session: Session, console: Console) -> Outcome:
    name = "Lua UDF"
    try:
        module = await session.register_udf(TIER_LUA, "demo_tier")
    except AerospikeError as exc:
        console.print(f"[red]{name} failed:[/] could not register the module: {exc}")
        return Outcome(name, 0, None, 0.0, "error", False)
    tasks = session.background_task()
    return await _job(name, session, console, "$.age >= 60", "$.tier == 'gold' or $.tier == 'std'",
                      lambda: tasks.execute_udf(USERS).function(module, "tier").passing(500)
                      .where("$.age >= 60").execute())


async def _delete(session: Session, console: Console) -> Outcome:
    tasks = session.background_task()
    return await _job("delete", session, console, "$.age < 25", "", removes=True,
                      submit=lambda: tasks.delete(USERS).where("$.age < 25").execute())


_JOBS: tuple[Callable[[Session, Console], Awaitable[Outcome]], ...] = (_update, _touch, _udf, _delete)


def _table(outcomes: list[Outcome]) -> Table:
    table = Table(title="background jobs (proof: records showing the job's effect, before → after)",
                  box=box.SIMPLE_HEAD)
    for column in ("job", "selected", "written", "filtered", "failed", "proof", "secs", "rec/s", "ok"):
        table.add_column(column, justify="left" if column == "job" else "right", no_wrap=True)
    for o in outcomes:
        p = o.progress
        rate = f"{p.scanned / o.seconds:,.0f}" if p and o.seconds else "-"
        table.add_row(o.job, f"{o.selected:,}", f"{p.written:,}" if p else "-", f"{p.filtered_out:,}" if p else "-",
                      f"{p.failed:,}" if p else "-", o.check, f"{o.seconds:.2f}", rate,
                      "[green]✓[/]" if o.ok else "[red]✗[/]")
    return table
