"""The job journal: background jobs on file namespaces, traceable across a crash.

A job writes one line when it starts and one when it ends (``os.write`` to an O_APPEND file, like the
record log, so a ``kill -9`` keeps both). When the node opens the journal, a job that started but never
ended was cut by a crash or a stop: it is listed again as ended with ``abandoned-restart`` (its writes
up to the cut are in the record log; the rest never happened), so nobody mistakes a half-applied job
for a complete one. Jobs that ended within the retention period are listed again too. Opening keeps
only those lines (rewritten through a rename).

Line: a JSON object, ``{"start": trid, "ns", "set", "type", "module", "function", "at"}`` or
``{"end": trid, "result", "succeeded", "failed", "at"}`` (``at``: Unix seconds).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from aerolite.engine.jobs import Job, JobType

RESTART_RESULT = "abandoned-restart"


class JobJournal:
    """The journal file of one node."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def _append(self, entry: dict[str, Any]) -> None:
        os.write(self._fd, json.dumps(entry, separators=(",", ":")).encode() + b"\n")

    def started(self, job: Job) -> None:
        self._append({"start": job.task_id, "ns": job.namespace, "set": job.set_name, "type": job.job_type.value,
                      "module": job.udf_module, "function": job.udf_function, "at": time.time()})

    def ended(self, job: Job) -> None:
        self._append({"end": job.task_id, "result": job.result, "succeeded": job.counters.succeeded,
                      "failed": job.counters.failed, "at": time.time()})

    def recover(self, retention: float) -> list[Job]:
        """The jobs to list again (finished ones, cut ones marked ``abandoned-restart``); rewrites the file."""
        starts: dict[int, dict[str, Any]] = {}
        ends: dict[int, dict[str, Any]] = {}
        for line in self.path.read_bytes().splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line torn by a crash
            if "start" in entry:
                starts[entry["start"]] = entry
                ends.pop(entry["start"], None)
            elif "end" in entry:
                ends[entry["end"]] = entry
        now = time.time()
        for trid in starts:
            if trid not in ends:
                ends[trid] = {"end": trid, "result": RESTART_RESULT, "succeeded": 0, "failed": 0, "at": now}
        kept = [trid for trid in starts if now - ends[trid]["at"] <= retention]
        self._rewrite([line for trid in kept for line in (starts[trid], ends[trid])])
        return [_listed(starts[trid], ends[trid], now) for trid in kept]

    def _rewrite(self, entries: list[dict[str, Any]]) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text("".join(json.dumps(e, separators=(",", ":")) + "\n" for e in entries))
        os.replace(temporary, self.path)
        os.close(self._fd)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def close(self) -> None:
        os.close(self._fd)


def _listed(start: dict[str, Any], end: dict[str, Any], now: float) -> Job:
    """A finished job as ``query-show`` lists it after a restart."""
    job = Job(int(start["start"]), str(start["ns"]), str(start["set"]), JobType(start["type"]), iter(()), 0,
              lambda chunk: (0, 0, 0, 0), udf_module=str(start["module"]), udf_function=str(start["function"]))
    job.counters.succeeded = int(end["succeeded"])
    job.counters.failed = int(end["failed"])
    job.finish(str(end["result"]))
    assert job.finished is not None
    job.started = job.finished - max(0.0, float(end["at"]) - float(start["at"]))
    job.finished -= max(0.0, now - float(end["at"]))
    job.started -= max(0.0, now - float(end["at"]))
    return job
