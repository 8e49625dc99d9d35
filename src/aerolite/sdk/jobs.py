"""What the job table says about background jobs: status, progress counters, and their parsing.

Pure functions over the info replies a node gives (``query-show:id=<id>`` for one job, ``query-show``
for all, one ``key=value:key=value`` line per job, lines joined by ``;``). Counters of one job on
several nodes are summed; it is active while any node still runs it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aerolite.sdk.errors import from_info_error


class TaskStatus(enum.Enum):
    """Where a job stands, as the client's status poll reports it.

    NOT_FOUND means "no node knows it": finished and evicted, or never started there.
    """

    NOT_FOUND = "not-found"
    IN_PROGRESS = "in-progress"
    COMPLETE = "complete"

    @classmethod
    def of_native(cls, native: Any) -> TaskStatus:
        """Map the client's ``TaskStatus`` member onto ours (same member names).

        >>> import aerospike_native as an
        >>> TaskStatus.of_native(an.TaskStatus.IN_PROGRESS)
        <TaskStatus.IN_PROGRESS: 'in-progress'>
        """
        return cls[str(native).rpartition(".")[2]]


@dataclass(frozen=True, slots=True)
class JobProgress:
    """A snapshot of one job's counters.

    ``scanned`` records were read; each became ``written``, ``failed`` or ``filtered_out`` (records
    deleted under the job's feet are not counted). ``rate`` is records scanned per second of run time.

    >>> p = parse_job_line("trid=7:ns=test:set=u:status=done(ok):job-progress=100.00:run-time=500:"
    ...                    "recs-throttled=10:recs-filtered-meta=1:recs-filtered-bins=2:recs-succeeded=6:"
    ...                    "recs-failed=1:job-type=background-ops")
    >>> (p.scanned, p.written, p.failed, p.filtered_out, p.rate, p.done)
    (10, 6, 1, 3, 20.0, True)
    """

    task_id: int
    namespace: str
    set_name: str
    job_type: str
    status: str
    """``active`` or ``done``."""
    result: str
    """Why it ended (or ``ok`` while running): ``ok``, ``user-aborted``, ``abandoned-...``."""
    percent: float
    scanned: int
    written: int
    failed: int
    filtered_out: int
    run_time_ms: int
    rps_limit: int

    @property
    def done(self) -> bool:
        """True once the job will change nothing more."""
        return self.status == "done"

    @property
    def aborted(self) -> bool:
        """True if the job was stopped by ``abort()`` (or an operator's ``query-abort``)."""
        return self.result == "user-aborted"

    @property
    def rate(self) -> float:
        """Records scanned per second of run time (0.0 before the first millisecond)."""
        return self.scanned * 1000.0 / self.run_time_ms if self.run_time_ms > 0 else 0.0


def _int(fields: Mapping[str, str], key: str) -> int:
    text = fields.get(key, "0")
    return int(text) if text.lstrip("-").isdigit() else 0


def parse_job_line(line: str) -> JobProgress:
    """One job's ``query-show`` line as a :class:`JobProgress`."""
    fields = dict(part.partition("=")[::2] for part in line.strip().split(":") if part)
    status, _, result = fields.get("status", "active(ok)").partition("(")
    return JobProgress(
        task_id=_int(fields, "trid"),
        namespace=fields.get("ns", ""),
        set_name=fields.get("set", ""),
        job_type=fields.get("job-type", ""),
        status=status,
        result=result.rstrip(")") or "ok",
        percent=float(fields.get("job-progress", "0") or 0),
        scanned=_int(fields, "recs-throttled"),
        written=_int(fields, "recs-succeeded"),
        failed=_int(fields, "recs-failed"),
        filtered_out=_int(fields, "recs-filtered-meta") + _int(fields, "recs-filtered-bins"),
        run_time_ms=_int(fields, "run-time"),
        rps_limit=_int(fields, "rps"),
    )


def parse_job_list(reply: str) -> list[JobProgress]:
    """Every job of a node's ``query-show`` reply; raises the reply's error if it is one."""
    error = from_info_error(reply)
    if error is not None:
        raise error
    return [parse_job_line(line) for line in reply.split(";") if "trid=" in line]


def merge(parts: Iterable[JobProgress]) -> JobProgress:
    """One job's progress across nodes: counters summed, active while any node is active."""
    items = list(parts)
    first = items[0]
    active = [p for p in items if not p.done]
    ended = [p.result for p in items if p.result != "ok"]
    return JobProgress(
        task_id=first.task_id, namespace=first.namespace, set_name=first.set_name, job_type=first.job_type,
        status="active" if active else "done",
        result=ended[0] if ended else "ok",
        percent=sum(p.percent for p in items) / len(items),
        scanned=sum(p.scanned for p in items),
        written=sum(p.written for p in items),
        failed=sum(p.failed for p in items),
        filtered_out=sum(p.filtered_out for p in items),
        run_time_ms=max(p.run_time_ms for p in items),
        rps_limit=sum(p.rps_limit for p in items),
    )


FOREGROUND_JOB_TYPES = frozenset({"basic", "aggregation"})
"""Job-table entries of foreground queries, which ``background_jobs()`` leaves out."""


def merge_nodes(replies: Iterable[str]) -> list[JobProgress]:
    """The jobs of several nodes' ``query-show`` replies, one entry per task id, in first-seen order.

    A node answering ``ERROR:2`` (it does not know the job) contributes nothing.
    """
    by_id: dict[int, list[JobProgress]] = {}
    for reply in replies:
        error = from_info_error(reply)
        if error is not None and error.result_code == 2:
            continue
        for job in parse_job_list(reply):
            by_id.setdefault(job.task_id, []).append(job)
    return [merge(parts) for parts in by_id.values()]


def namespace_rps_cap(reply: str) -> int:
    """``background-query-max-rps`` from a ``namespace/<ns>`` reply (0 = no cap, also when absent)."""
    error = from_info_error(reply)
    if error is not None:
        raise error
    for item in reply.split(";"):
        key, _, value = item.partition("=")
        if key == "background-query-max-rps":
            return int(value) if value.isdigit() else 0
    return 0


def abort_outcome(reply: str) -> bool:
    """True if a node's ``query-abort`` reply says it stopped the job, False if it was not active."""
    error = from_info_error(reply)
    if error is None:
        return True
    if error.result_code == 2:
        return False
    raise error
