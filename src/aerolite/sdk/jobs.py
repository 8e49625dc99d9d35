"""What the job table says about background jobs: status, progress counters, and their parsing.

Pure functions over the info replies a node gives (``query-show:id=<id>`` for one job, ``query-show``
for all, one ``key=value:key=value`` line per job, lines joined by ``;``). Counters of one job on
several nodes are summed; it is active while any node still runs it.

Failure samples come from ``aerolite-job-failures:id=<id>``, which only the aerolite engine answers
(a node only counts failures); a node that does not know the command leaves them empty, with a note.
"""

from __future__ import annotations

import base64
import binascii
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

from aerolite.result_codes import ResultCode
from aerolite.sdk.errors import JobNotFoundError, ServerError, from_info_error


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
    udf_module: str = ""
    """The Lua module a UDF job calls ("" for other jobs)."""
    udf_function: str = ""

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

    @property
    def eta(self) -> float | None:
        """Seconds until the job ends if it keeps its pace so far; 0.0 once done, None while unknown.

        The records left (``scanned`` scaled by what ``percent`` says is left) divided by ``rate``;
        unknown before the job has measurably progressed.

        >>> parse_job_line("trid=1:status=active(ok):job-progress=25.00:run-time=2000:recs-throttled=500").eta
        6.0
        """
        if self.done:
            return 0.0
        if self.rate <= 0 or not 0 < self.percent < 100:
            return None
        left = self.scanned * (100.0 - self.percent) / self.percent
        return left / self.rate


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
        udf_module=fields.get("udf-filename", ""),
        udf_function=fields.get("udf-function", ""),
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
        udf_module=first.udf_module, udf_function=first.udf_function,
    )


FAILURES_COMMAND = "aerolite-job-failures"
"""The info command answering a job's kept failures (``aerolite-job-failures:id=<id>``); nodes do not have it."""

NO_FAILURE_SAMPLES = (
    "the cluster's nodes keep no failure samples (only the aerolite engine answers "
    f"{FAILURES_COMMAND}); the job's failed counter still counts them"
)


@dataclass(frozen=True, slots=True)
class JobFailure:
    """One record a background job could not process, and why.

    >>> f = JobFailure(bytes(20), 7, 100, "bad score")
    >>> (f.key, f.result_code, f.code_name, f.message)
    (7, 100, 'UDF_BAD_RESPONSE', 'bad score')
    """

    digest: bytes
    """The record's 20-byte digest (``digest.hex()`` in logs)."""
    key: int | str | bytes | None
    """The user key when the record stores it (written with ``send_key``), else None."""
    result_code: int
    message: str
    """The UDF's error text, or the reason the write was refused."""

    @property
    def code_name(self) -> str:
        """The result code's name (``BIN_TYPE_ERROR``), or its number when the SDK does not know it."""
        try:
            return ResultCode(self.result_code).name
        except ValueError:
            return str(self.result_code)


@dataclass(frozen=True, slots=True)
class JobFailures(Sequence[JobFailure]):
    """The failed records a job kept (the first 20 per node), as a sequence of :class:`JobFailure`.

    ``kept`` is False (and the sequence empty, ``note`` saying why) when the nodes keep no samples.

    >>> JobFailures().kept, len(JobFailures())
    (True, 0)
    """

    samples: tuple[JobFailure, ...] = ()
    kept: bool = True
    """Whether the nodes keep failure samples at all (only the aerolite engine does)."""
    note: str = ""
    """Why there are none to show when ``kept`` is False; "" otherwise."""

    @overload
    def __getitem__(self, index: int) -> JobFailure: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[JobFailure, ...]: ...

    def __getitem__(self, index: int | slice) -> JobFailure | tuple[JobFailure, ...]:
        return self.samples[index]

    def __len__(self) -> int:
        return len(self.samples)


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ServerError(1, f"SERVER_ERROR (1): a failure sample has bad base64 {text!r}") from None


def parse_failure(item: str) -> JobFailure:
    """One item of an ``aerolite-job-failures`` reply.

    >>> parse_failure("digest=00ff:result-code=12:key-type=int:key=-4:message=Ym9vbQ==")
    JobFailure(digest=b'\\x00\\xff', key=-4, result_code=12, message='boom')
    """
    fields = dict(part.partition("=")[::2] for part in item.split(":"))
    key_type, key_text = fields.get("key-type", "none"), fields.get("key", "")
    key: int | str | bytes | None = None
    if key_type == "int":
        key = int(key_text)
    elif key_type == "str":
        key = _b64(key_text).decode("utf-8", "replace")
    elif key_type == "bytes":
        key = _b64(key_text)
    return JobFailure(digest=bytes.fromhex(fields.get("digest", "")), key=key,
                      result_code=_int(fields, "result-code"),
                      message=_b64(fields.get("message", "")).decode("utf-8", "replace"))


def merge_failures(task_id: int, replies: Iterable[str]) -> JobFailures:
    """Every node's kept failures of one job.

    A node that does not know the command (a node, not aerolite) or the job contributes none; if no
    node keeps samples, the result says so; if every node that keeps them lacks the job, it is not found.
    """
    samples: list[JobFailure] = []
    kept = known = False
    for reply in replies:
        error = from_info_error(reply)
        if error is not None and error.result_code == 4:
            continue
        kept = True
        if error is not None and error.result_code == 2:
            continue
        if error is not None:
            raise error
        known = True
        try:
            samples.extend(parse_failure(item) for item in reply.split(";") if item)
        except ValueError:
            raise ServerError(1, f"SERVER_ERROR (1): unreadable failure samples for job {task_id}: {reply!r}") from None
    if not kept:
        return JobFailures((), kept=False, note=NO_FAILURE_SAMPLES)
    if not known:
        raise job_not_found(task_id)
    return JobFailures(tuple(samples))


def job_not_found(task_id: int) -> JobNotFoundError:
    """The error for a job id no node knows."""
    return JobNotFoundError(
        2, f"KEY_NOT_FOUND (2): no node knows job {task_id}: it never started, or it finished "
        "long ago and left the finished-jobs list (query-max-done)"
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
