"""How the command line shows jobs to people: one console setup, one progress bar, one way to word counters.

``aerolite demo``, ``aerolite run`` and ``aerolite jobs`` all describe a job with these, so a job reads
the same wherever it appears.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from rich import box
from rich.console import Console, JustifyMethod, RenderableType
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from aerolite.sdk import JobProgress

PIPE_WIDTH = 160
"""Columns used when output goes to a file or a pipe: logs and tests should not see rows wrapped at 80."""


def make_console() -> Console:
    """A console that keeps tables on one line when its output is not a terminal."""
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = PIPE_WIDTH
    return console


class _BarsWithDetail(Progress):
    """Each task's bar with its ``detail`` field on the line below, so job counters fit 80 columns."""

    def get_renderables(self) -> Iterable[RenderableType]:
        for task in self.tasks:
            yield self.make_tasks_table([task])
            yield Text(f"  {task.fields.get('detail', '')}", no_wrap=True, overflow="ellipsis")


def progress_bars(console: Console) -> Progress:
    """A live bar per task (label, bar, percent, elapsed time) over a line for its ``detail`` field."""
    return _BarsWithDetail(TextColumn("{task.description:<16}"), BarColumn(), TaskProgressColumn(),
                           TimeElapsedColumn(), console=console)


def counters(p: JobProgress) -> str:
    """A job's counters and rate in words: ``scanned 1,000 · written 400 · filtered out 600 · failed 0 · 9,000 records/s``."""
    return (f"scanned {p.scanned:,} · written {p.written:,} · filtered out {p.filtered_out:,} · "
            f"failed {p.failed:,} · {p.rate:,.0f} records/s")


def duration(seconds: float) -> str:
    """Seconds as people read them: ``0.4 s``, ``42 s``, ``3 min 05 s``, ``2 h 07 min``.

    >>> duration(0.4), duration(42.2), duration(185), duration(7650)
    ('0.4 s', '42 s', '3 min 05 s', '2 h 07 min')
    """
    if seconds < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def eta(p: JobProgress) -> str:
    """``ETA 42 s`` while the job runs (``ETA --`` until its pace is known)."""
    return "ETA --" if p.eta is None else f"ETA {duration(p.eta)}"


def status(p: JobProgress) -> str:
    """``active``, ``done (ok)``, ``done (user-aborted)``: where the job stands and, once done, why."""
    return f"{p.status} ({p.result})" if p.done else p.status


def summary(p: JobProgress) -> str:
    """The closing line of a job: status, run time, counters and rate."""
    return f"job {p.task_id} {status(p)} in {p.run_time_ms / 1000:.2f} s: {counters(p)}"


def print_table(columns: Iterable[tuple[str, JustifyMethod]], rows: Iterable[Iterable[str]], empty: str,
                wrap: Collection[str] = ()) -> None:
    """Rows under ``(title, justify)`` columns, or the ``empty`` line when there are none.

    Cells stay on one line except in the columns named in ``wrap`` (free text such as error messages).
    """
    console = make_console()
    rows = list(rows)
    if not rows:
        console.print(empty)
        return
    table = Table(box=box.SIMPLE_HEAD)
    for title, justify in columns:
        table.add_column(title, justify=justify, no_wrap=title not in wrap)
    for row in rows:
        table.add_row(*row)
    console.print(table)
