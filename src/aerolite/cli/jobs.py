"""``aerolite run``, ``aerolite jobs`` and ``aerolite count``: background jobs from the command line.

``run`` turns its options into one SDK builder chain (``session.background_task().update(ds).where(...)
.bin(...).add(...)...execute()``) and follows the task with a live bar. Following a job — here or in
``jobs watch`` — is one loop over ``task.watch()``; Ctrl-C pauses it to ask whether to abort the job,
resume watching, or leave the job running (a job lives on the node, not in this process).
"""

from __future__ import annotations

import argparse
import sys
from itertools import chain
from typing import Literal

from rich.console import Console, JustifyMethod

from aerolite.cli.display import (
    counters,
    duration,
    eta,
    make_console,
    print_table,
    progress_bars,
    status,
    summary,
)
from aerolite.cli.node import INTERRUPTED, CliError, cli_value, connected, session_of
from aerolite.cli.writes import BY_KEY, CLI_WRITES
from aerolite.sdk import BackgroundOperationBuilder, BackgroundUdfBuilder, DataSet, JobProgress
from aerolite.sync import BackgroundTask, Session

WATCH_INTERVAL = 0.2
"""Seconds between progress polls while following a job."""

Builder = BackgroundOperationBuilder[BackgroundTask, int] | BackgroundUdfBuilder[BackgroundTask, int]
Step = tuple[str, list[str]]
"""One ``--bin NAME`` or write option of ``run update``, in command-line order: (its key, its values)."""


def run_job(args: argparse.Namespace) -> int:
    """``aerolite run KIND``: submit a job, then follow it (unless ``--no-wait``)."""
    dataset = DataSet.of(args.namespace, args.set)
    with connected(args) as cluster:
        builder = _builder(cluster.create_session(), dataset, args)
        task = builder.execute()
        if args.no_wait:
            print(task.task_id)
            print(f"job {task.task_id} started; follow it with: aerolite jobs watch {task.task_id}", file=sys.stderr)
            return 0
        console = make_console()
        where = f" where {args.where}" if args.where else ""
        console.print(f"job {task.task_id} started: {args.kind} {args.namespace}/{args.set}{where}")
        return _follow(task, args.kind, console, args.abort_on_interrupt)


def _builder(session: Session, dataset: DataSet, args: argparse.Namespace) -> Builder:
    """The SDK builder chain the options describe (the SDK validates each value as it is given)."""
    ttl_given = args.ttl is not None or args.never_expire or args.keep_ttl
    if args.kind != "update" and args.steps:
        raise CliError(f"--bin and its write verbs apply to update jobs, not to {args.kind}")
    if args.kind not in ("update", "touch") and ttl_given:
        raise CliError(f"--ttl, --never-expire and --keep-ttl apply to update and touch jobs, not to {args.kind}")
    if args.kind != "udf" and (args.module or args.function or args.arg):
        raise CliError("--module, --function and --arg apply to udf jobs")
    if args.kind == "update" and not args.steps:
        raise CliError("an update job needs a write, e.g. --bin score --add 1")
    if args.kind == "udf" and not (args.module and args.function):
        raise CliError("a udf job needs --module MODULE --function FUNCTION")
    tasks = session.background_task()
    if args.kind == "udf":
        builder: Builder = tasks.execute_udf(dataset).function(args.module, args.function).passing(
            *(cli_value(arg) for arg in args.arg))
    else:
        operation = {"update": tasks.update, "delete": tasks.delete, "touch": tasks.touch}[args.kind](dataset)
        builder = _expiration(_writes(operation, args.steps), args)
    if args.where:
        builder = builder.where(args.where)
    return builder.records_per_second(args.rps)


def _writes(builder: BackgroundOperationBuilder[BackgroundTask, int],
            steps: list[Step]) -> BackgroundOperationBuilder[BackgroundTask, int]:
    """Apply ``--bin NAME --VERB [VALUE]`` pairs in order; each ``--bin`` takes exactly one verb."""
    pending: str | None = None
    for key, values in [*steps, ("bin", [])]:  # the sentinel --bin checks that the last one got its write
        if key == "bin":
            if pending is not None:
                flags = ", ".join(write.flag for write in CLI_WRITES)
                raise CliError(f"--bin {pending} needs a write after it: one of {flags}")
            pending = values[0] if values else None
            continue
        write = BY_KEY[key]
        if pending is None:
            raise CliError(f"{write.flag} needs a --bin NAME before it")
        try:
            builder = write.apply(builder.bin(pending), values)
        except (TypeError, ValueError) as exc:
            given = " ".join([f"--bin {pending} {write.flag}", *values])
            raise CliError(f"{given}: {exc}") from exc
        pending = None
    return builder


def _expiration(builder: BackgroundOperationBuilder[BackgroundTask, int],
                args: argparse.Namespace) -> BackgroundOperationBuilder[BackgroundTask, int]:
    if args.ttl is not None:
        return builder.expire_record_after_seconds(args.ttl)
    if args.never_expire:
        return builder.never_expire()
    if args.keep_ttl:
        return builder.with_no_change_in_expiration()
    return builder


def _follow(task: BackgroundTask, label: str, console: Console, abort_on_interrupt: bool) -> int:
    """Show live progress until the job is done, then its summary; 0 if it ended ok, 1 if not.

    Ctrl-C aborts the job with ``--abort-on-interrupt``, else asks: abort, keep watching, or leave it
    running (exit status 130).
    """
    while True:
        try:
            final = _watch(task, label, console)
            break
        except KeyboardInterrupt:
            choice = "abort" if abort_on_interrupt else _ask(task)
        if choice == "leave":
            console.print(f"job {task.task_id} keeps running; follow it with: aerolite jobs watch {task.task_id}")
            return INTERRUPTED
        if choice == "abort":
            console.print(f"aborting job {task.task_id}")
            task.abort()
            abort_on_interrupt = True  # a second Ctrl-C while the abort lands needs no second question
    console.print(summary(final))
    return 0 if final.result == "ok" else 1


def _watch(task: BackgroundTask, label: str, console: Console) -> JobProgress:
    snapshots = task.watch(WATCH_INTERVAL)
    first = next(snapshots)  # an unknown job fails here, before a bar is drawn
    with progress_bars(console) as bars:
        bar = bars.add_task(label, total=100.0, detail="")
        for p in chain([first], snapshots):
            bars.update(bar, completed=p.percent, detail=counters(p) if p.done else f"{counters(p)} · {eta(p)}")
    return p


def _ask(task: BackgroundTask) -> Literal["abort", "resume", "leave"]:
    """What to do with the job after Ctrl-C; without a terminal to ask, leave it running."""
    if not sys.stdin.isatty():
        return "leave"
    try:
        answer = input(f"abort job {task.task_id}? y: abort, n: keep watching, l: leave it running [n] ")
    except (KeyboardInterrupt, EOFError):
        return "leave"
    reply = answer.strip().lower()[:1]
    return "abort" if reply == "y" else "leave" if reply == "l" else "resume"


def count(args: argparse.Namespace) -> int:
    """``aerolite count``: how many records a job with this ``--where`` would select now (the SDK's dry run)."""
    with session_of(args) as session:
        builder = session.background_task().update(DataSet.of(args.namespace, args.set))
        selected = (builder.where(args.where) if args.where else builder).count()
    where = f" match {args.where}" if args.where else ""
    print(f"{selected:,} records in {args.namespace}/{args.set}{where}")
    return 0


def list_jobs(args: argparse.Namespace) -> int:
    """``aerolite jobs list``: the most recent background jobs, oldest first."""
    with session_of(args) as session:
        jobs = session.background_jobs()
    titles = ("id", "ns/set", "type", "status", "progress", "scanned", "written", "filtered", "failed", "rate/s")
    columns: list[tuple[str, JustifyMethod]] = [
        (t, "left" if t in ("id", "ns/set", "type", "status") else "right") for t in titles
    ]
    rows = [
        (str(p.task_id), f"{p.namespace}/{p.set_name}", p.job_type, status(p), f"{p.percent:.0f}%",
         f"{p.scanned:,}", f"{p.written:,}", f"{p.filtered_out:,}", f"{p.failed:,}", f"{p.rate:,.0f}")
        for p in (jobs[-args.limit:] if args.limit else jobs)
    ]
    print_table(columns, rows, "no background jobs")
    return 0


def watch_job(args: argparse.Namespace) -> int:
    """``aerolite jobs watch ID``: follow a job started anywhere, as ``run`` follows its own."""
    with session_of(args) as session:
        return _follow(session.background_job(args.id), f"job {args.id}", make_console(), args.abort_on_interrupt)


def show_job(args: argparse.Namespace) -> int:
    """``aerolite jobs show ID``: one job's state and counters, then the failed records the nodes kept."""
    with session_of(args) as session:
        task = session.background_job(args.id)
        p = task.progress()
        failures = task.failures()
    console = make_console()
    kind = f" · {p.job_type}" if p.job_type else ""
    kind += f" {p.udf_module}.{p.udf_function}" if p.udf_module else ""
    console.print(f"job {p.task_id} · {p.namespace}/{p.set_name}{kind}")
    console.print(f"  status    {status(p)}")
    console.print(f"  progress  {p.percent:.0f}% · elapsed {duration(p.run_time_ms / 1000)}"
                  + ("" if p.done else f" · {eta(p)}"))
    console.print(f"  counters  {counters(p)}")
    if not failures.kept:
        console.print(f"failures: none shown: {failures.note}")
        return 0
    if p.failed:
        kept = "all kept" if len(failures) == p.failed else f"the first {len(failures)} kept"
        console.print(f"failures: {p.failed:,} records failed, {kept}:")
    print_table(
        [("digest", "left"), ("key", "left"), ("code", "left"), ("message", "left")],
        [(f.digest.hex(), "" if f.key is None else repr(f.key), f"{f.code_name} ({f.result_code})", f.message)
         for f in failures],
        "failures: none", wrap=("message",))
    return 0


def abort_job(args: argparse.Namespace) -> int:
    """``aerolite jobs abort ID``: stop a running job; 1 if it had already finished."""
    with session_of(args) as session:
        task = session.background_job(args.id)
        stopped = not task.progress().done and task.abort()
        final = task.progress()
    print(summary(final) if stopped else f"job {args.id} had already finished: {summary(final)}")
    return 0 if stopped else 1
