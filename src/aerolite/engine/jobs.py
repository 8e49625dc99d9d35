"""Background jobs: a snapshot of candidate records, an action per record, counters, and a status line.

A job does no I/O and owns no clock loop: whoever drives it calls ``run_slice(n)`` with a record
budget (the server does so from its event loop, which is how throttling and fairness with foreground
commands are achieved). The status line reproduces a node's ``query-show`` format key for key,
because clients and tools parse it.

A node only counts failed records; a job here also keeps the first ``MAX_FAILURE_SAMPLES`` of them
(digest, user key, result code, reason), so people can see *why* records failed. The info command
``aerolite-job-failures:id=<id>`` (a name no node uses) answers them in :meth:`FailureSample.info_item`'s format.
"""

from __future__ import annotations

import base64
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from aerolite.engine.record import Record
from aerolite.result_codes import AerospikeResultError, ResultCode

if TYPE_CHECKING:
    from aerolite.engine.job_journal import JobJournal


class Outcome(Enum):
    """What happened to one candidate record."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    FILTERED = "filtered"
    MISSING = "missing"


class JobType(Enum):
    OPS = "background-ops"
    UDF = "background-udf"
    QUERY = "basic"


RecordAction = Callable[[Record], Outcome]
ChunkAction = Callable[[list[bytes]], tuple[int, int, int, int]]
"""Handles a run of candidate digests (one partition's, at most). Returns (read, succeeded, filtered,
failed), where ``read`` counts the records of the job's set found behind the digests."""


def per_record(select: Callable[[list[bytes]], list[Record]], action: RecordAction) -> ChunkAction:
    """A chunk action running ``action`` on each record ``select`` finds behind the digests."""
    def run(chunk: list[bytes]) -> tuple[int, int, int, int]:
        succeeded = filtered = failed = 0
        records = select(chunk)
        for record in records:
            outcome = action(record)
            if outcome is Outcome.SUCCEEDED:
                succeeded += 1
            elif outcome is Outcome.FILTERED:
                filtered += 1
            elif outcome is Outcome.FAILED:
                failed += 1
        return len(records), succeeded, filtered, failed
    return run


MAX_FAILURE_SAMPLES = 20
"""How many failed records a job describes; later failures are only counted."""


@dataclass(frozen=True, slots=True)
class FailureSample:
    """One record a job could not process, and why (a UDF's error text, or the result code's reason)."""

    digest: bytes
    key: Any
    """The user key when the record stores it, else None."""
    code: int
    message: str

    def info_item(self) -> str:
        """This failure as one item of the ``aerolite-job-failures`` reply (items are joined by ``;``).

        Free text travels as base64 so that no separator can break the reply::

            digest=<hex>:result-code=<n>:key-type=<none|int|str|bytes>:key=<int, or base64>:message=<base64>

        >>> FailureSample(bytes(20), "u1", 100, "boom").info_item()
        'digest=0000000000000000000000000000000000000000:result-code=100:key-type=str:key=dTE=:message=Ym9vbQ=='
        """
        key = self.key
        if isinstance(key, bool) or not isinstance(key, int | str | bytes):
            key_type, key_text = "none", ""
        elif isinstance(key, int):
            key_type, key_text = "int", str(key)
        else:
            key_type = type(key).__name__
            key_text = base64.b64encode(key.encode() if isinstance(key, str) else key).decode()
        message = base64.b64encode(self.message.encode()).decode()
        return f"digest={self.digest.hex()}:result-code={self.code}:key-type={key_type}:key={key_text}:message={message}"


class FailureLog:
    """The first ``limit`` failures of a job (every failure is still counted in the job's counters)."""

    __slots__ = ("limit", "samples")

    def __init__(self, limit: int = MAX_FAILURE_SAMPLES) -> None:
        self.limit = limit
        self.samples: list[FailureSample] = []

    def note(self, record: Record, code: int, message: str) -> None:
        """Keep this failure if fewer than ``limit`` are kept."""
        if len(self.samples) < self.limit:
            self.samples.append(FailureSample(record.digest, record.key, int(code), message))

    def info_reply(self) -> str:
        """The kept failures as the ``aerolite-job-failures`` reply ("" when there are none)."""
        return ";".join(sample.info_item() for sample in self.samples)


@dataclass
class JobCounters:
    read: int = 0
    filtered_meta: int = 0
    filtered_bins: int = 0
    succeeded: int = 0
    failed: int = 0


@dataclass
class Job:
    """One job. ``rps`` is the throttle (0 = unthrottled); ``shown_rps`` is what status lines report."""

    task_id: int
    namespace: str
    set_name: str
    job_type: JobType
    candidates: Iterator[list[bytes]]
    total: int
    action: ChunkAction
    rps: int = 0
    shown_rps: int = 0
    client: str = ""
    socket_timeout: int = 10_000
    udf_module: str = ""
    udf_function: str = ""
    n_pids_requested: int = 0
    counters: JobCounters = field(default_factory=JobCounters)
    failures: FailureLog = field(default_factory=FailureLog)
    position: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    result: str = "ok"
    on_finish: Callable[[Job], None] | None = None
    _chunk: list[bytes] = field(default_factory=list)
    _chunk_at: int = 0

    @property
    def done(self) -> bool:
        return self.finished is not None

    def run_slice(self, budget: int) -> bool:
        """Process up to ``budget`` records; returns True once the job has finished.

        Records come in chunks (a partition's at most) so that selecting them costs little per record;
        a chunk larger than the budget is split, which keeps throttling exact.
        """
        counters = self.counters
        while budget > 0 and self.finished is None:
            if self._chunk_at >= len(self._chunk):
                chunk = next(self.candidates, None)
                if chunk is None:
                    self.finish("ok")
                    break
                self._chunk, self._chunk_at = chunk, 0
            start = self._chunk_at
            end = min(len(self._chunk), start + budget)
            read, succeeded, filtered, failed = self.action(
                self._chunk[start:end] if start or end < len(self._chunk) else self._chunk)
            self._chunk_at = end
            counters.read += read
            counters.succeeded += succeeded
            counters.filtered_bins += filtered
            counters.failed += failed
            self.position += read
            budget -= end - start
        return self.finished is not None

    def abort(self) -> None:
        self.finish("user-aborted")

    def complete(self) -> None:
        """End the job early with success (a query that reached its record cap)."""
        self.finish("ok")

    def finish(self, result: str) -> None:
        """End the job with ``result`` (a node's status word: ok, user-aborted, abandoned-...)."""
        if self.finished is None:
            self.finished = time.monotonic()
            self.result = result
            self.candidates = iter(())
            self._chunk = []
            if self.on_finish is not None:
                self.on_finish(self)

    def progress_pct(self) -> float:
        if self.done:
            return 100.0
        if not self.total:
            return 0.0
        return min(99.99, 100.0 * self.position / self.total)

    def records_per_second(self) -> float:
        elapsed = (self.finished or time.monotonic()) - self.started
        return self.counters.read / elapsed if elapsed > 0 else 0.0

    def status_line(self) -> str:
        """The job as ``query-show`` reports it."""
        now = time.monotonic()
        end = self.finished if self.finished is not None else now
        c = self.counters
        state = "done" if self.done else "active"
        parts = [f"trid={self.task_id}", f"ns={self.namespace}", f"set={self.set_name or 'null'}"]
        if self.job_type is JobType.QUERY:
            parts += [f"n-pids-requested={self.n_pids_requested}", "n-keyds-requested=0"]
        parts += [
            f"rps={self.shown_rps}",
            f"active-threads={0 if self.done else 1}",
            f"status={state}({self.result})",
            f"job-progress={self.progress_pct():.2f}",
            f"run-time={int((end - self.started) * 1000)}",
            f"time-since-done={int((now - self.finished) * 1000) if self.finished is not None else 0}",
            f"recs-throttled={c.read}",
            f"recs-filtered-meta={c.filtered_meta}",
            f"recs-filtered-bins={c.filtered_bins}",
            f"recs-succeeded={c.succeeded}",
            f"recs-failed={c.failed}",
            f"from={self.client.replace(':', '+')}",
            f"job-type={self.job_type.value}",
            "net-io-bytes=30",
        ]
        if self.job_type is JobType.QUERY:
            parts += ["net-io-time=0", f"socket-timeout={self.socket_timeout}"]
        elif self.job_type is JobType.UDF:
            parts += ["socket-timeout=10000", f"udf-filename={self.udf_module}",
                      f"udf-function={self.udf_function}", f"udf-active={0 if self.done else 1}"]
        else:
            parts += ["socket-timeout=10000", f"ops-active={0 if self.done else 1}"]
        return ":".join(parts)


class JobManager:
    """The job table: active jobs and recently finished ones (kept ``retention`` seconds, at most ``keep``)."""

    def __init__(self, retention: float = 3600.0, keep: int = 1000) -> None:
        self.retention = retention
        self.keep = keep
        self._jobs: OrderedDict[int, Job] = OrderedDict()
        self.journal: JobJournal | None = None
        self.journaled: frozenset[str] = frozenset()
        """Namespaces whose background jobs go to the journal (the file namespaces)."""

    def open_journal(self, journal: JobJournal, namespaces: frozenset[str]) -> None:
        """Journal the background jobs of ``namespaces`` and list again the jobs the journal recovers."""
        self.journal, self.journaled = journal, namespaces
        for job in journal.recover(self.retention):
            self._jobs[job.task_id] = job

    def register(self, job: Job) -> None:
        self.prune()
        existing = self._jobs.get(job.task_id)
        if existing is not None and not existing.done:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"job {job.task_id} is already active")
        self._jobs.pop(job.task_id, None)
        self._jobs[job.task_id] = job
        journal = self.journal
        if journal is not None and job.job_type is not JobType.QUERY and job.namespace in self.journaled:
            journal.started(job)
            job.on_finish = journal.ended

    def get(self, task_id: int) -> Job | None:
        return self._jobs.get(task_id)

    def all(self) -> list[Job]:
        self.prune()
        return list(self._jobs.values())

    def abort(self, task_id: int) -> bool:
        """Abort an active job; False when it is unknown or already finished."""
        job = self._jobs.get(task_id)
        if job is None or job.done:
            return False
        job.abort()
        return True

    def prune(self) -> None:
        now = time.monotonic()
        finished = [j for j in self._jobs.values() if j.finished is not None]
        excess = len(finished) - self.keep
        for job in finished:
            assert job.finished is not None
            if excess > 0 or now - job.finished > self.retention:
                del self._jobs[job.task_id]
                excess -= 1
