"""One look at the cluster through the SDK, as plain data the page renders (JSON-ready dicts).

Job ids are 64-bit and JavaScript numbers are not, so ids travel as strings. Failure samples of a job
are fetched again only while its failed count changes; a finished job's are fetched once; once the
nodes say they keep none, they are not asked again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from aerolite.monitor.history import RateHistory
from aerolite.sdk import (
    IndexStatus,
    JobFailures,
    JobNotFoundError,
    JobProgress,
    NamespaceStats,
    Session,
    UdfModule,
)

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class _KnownFailures:
    failed: int
    done: bool
    failures: JobFailures


def job_json(p: JobProgress, rates: list[tuple[float, float]], failures: JobFailures | None) -> Json:
    """One job as the page shows it."""
    return {
        "id": str(p.task_id), "type": p.job_type, "namespace": p.namespace, "set": p.set_name,
        "status": p.status, "result": p.result, "done": p.done, "aborted": p.aborted,
        "percent": round(p.percent, 2), "scanned": p.scanned, "written": p.written,
        "filtered": p.filtered_out, "failed": p.failed, "rate": round(p.rate, 1), "rps_limit": p.rps_limit,
        "elapsed": p.run_time_ms / 1000, "eta": None if p.eta is None else round(p.eta, 1),
        "udf": f"{p.udf_module}.{p.udf_function}" if p.udf_module else None, "rates": rates, "failures": None if failures is None else failures_json(failures),
    }


def failures_json(failures: JobFailures) -> Json:
    """A job's kept failures (``kept`` False with a ``note`` when the nodes keep none)."""
    return {
        "kept": failures.kept, "note": failures.note,
        "items": [{"digest": f.digest.hex(), "key": None if f.key is None else _key_text(f.key),
                   "code": f.result_code, "code_name": f.code_name, "message": f.message} for f in failures],
    }


def _key_text(key: int | str | bytes) -> str:
    return key.hex() if isinstance(key, bytes) else str(key)


def namespace_json(ns: NamespaceStats) -> Json:
    return {"name": ns.name, "objects": ns.objects, "data_bytes": ns.data_bytes, "index_bytes": ns.index_bytes,
            "sindex_bytes": ns.sindex_bytes, "memory_bytes": ns.memory_bytes,
            "sets": [{"name": s.name, "objects": s.objects, "data_bytes": s.data_bytes} for s in ns.sets]}


def index_json(index: IndexStatus) -> Json:
    return {"namespace": index.namespace, "name": index.name, "set": index.set_name, "bin": index.bin,
            "type": index.value_type, "collection": index.collection, "entries": index.entries,
            "load_pct": index.load_pct}


def udf_json(module: UdfModule) -> Json:
    return {"name": module.name, "hash": module.hash, "language": module.language}


def ordered(jobs: list[JobProgress]) -> list[JobProgress]:
    """Running jobs first, then finished ones; the most recently listed first within each."""
    newest_first = jobs[::-1]
    return [p for p in newest_first if not p.done] + [p for p in newest_first if p.done]


OVERVIEW_SECONDS = 5.0
"""How often namespaces, indexes and UDF modules are read by default. They change slowly, and a node
may count its records to answer ``namespace/<ns>``, so they are read less often than jobs."""


class Snapshots:
    """Takes snapshots of one cluster, remembering what it needs between them (rates, failure samples,
    the overview of namespaces, indexes and UDF modules until it is ``overview_seconds`` old)."""

    def __init__(self, session: Session, address: str, overview_seconds: float = OVERVIEW_SECONDS) -> None:
        self._session = session
        self._address = address
        self._overview_seconds = overview_seconds
        self._overview: Json = {}
        self._overview_at = float("-inf")
        self._history = RateHistory(time.monotonic())
        self._failures: dict[int, _KnownFailures] = {}
        self._none_kept: JobFailures | None = None
        """What the nodes answered once they said they keep no samples (then they are not asked again)."""

    async def take(self) -> Json:
        """Everything the page shows, read now."""
        session = self._session
        jobs = ordered(await session.background_jobs())
        now = time.monotonic()
        listed_ids = {p.task_id for p in jobs}
        self._history.forget_all_but(listed_ids)
        self._failures = {task_id: known for task_id, known in self._failures.items() if task_id in listed_ids}
        listed = []
        for p in jobs:
            rates = self._history.record(p.task_id, p.scanned, p.rate, now, p.done)
            listed.append(job_json(p, rates, await self._failures_of(p)))
        if now - self._overview_at >= self._overview_seconds:
            self._overview = {
                "namespaces": [namespace_json(ns) for ns in await session.namespaces()],
                "indexes": [index_json(index) for index in await session.indexes()],
                "udfs": [udf_json(module) for module in await session.udfs()],
            }
            self._overview_at = now
        return {"cluster": self._address, "at": time.time(), "jobs": listed, **self._overview}

    async def _failures_of(self, p: JobProgress) -> JobFailures | None:
        """The job's failure samples, read again only when they may have changed."""
        if not p.failed or self._none_kept is not None:
            return self._none_kept if p.failed else None
        known = self._failures.get(p.task_id)
        if known is not None and (known.done or known.failed == p.failed):
            return known.failures
        try:
            failures = await self._session.background_job(p.task_id).failures()
        except JobNotFoundError:  # it left the job table since it was listed
            return None
        if not failures.kept:
            self._none_kept = failures
        self._failures[p.task_id] = _KnownFailures(p.failed, p.done, failures)
        return failures
