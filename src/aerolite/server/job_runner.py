"""Drives jobs on the event loop: small slices, yielding between them, throttled to the job's rate.

A slice is at most ``SLICE`` records, so a foreground command waits at most one slice behind a
running job. With a rate limit, the runner sleeps until the job is allowed its next record.
"""

from __future__ import annotations

import asyncio
import logging
import time

from aerolite.engine.jobs import Job

log = logging.getLogger("aerolite.jobs")

SLICE = 256


def allowed_now(job: Job, started: float) -> int:
    """How many more records the job may read now (``SLICE`` when it is not throttled)."""
    if not job.rps:
        return SLICE
    elapsed = time.monotonic() - started
    return min(SLICE, int(elapsed * job.rps) + 1 - job.counters.read)


async def wait_for_budget(job: Job, started: float) -> int:
    """Sleep until the job may read at least one record; returns how many it may read."""
    while True:
        budget = allowed_now(job, started)
        if budget > 0:
            return budget
        await asyncio.sleep((job.counters.read + 1) / job.rps - (time.monotonic() - started))


async def run_job(job: Job) -> None:
    """Run a background job to completion (or until it is aborted)."""
    started = time.monotonic()
    try:
        while not job.done:
            budget = await wait_for_budget(job, started)
            job.run_slice(budget)
            await asyncio.sleep(0)
    except Exception:
        log.exception("job %d failed", job.task_id)
        job.abort()
        job.result = "abandoned-error"
        raise
    log.info("job %d %s: %d read, %d succeeded, %d failed, %d filtered", job.task_id, job.result,
             job.counters.read, job.counters.succeeded, job.counters.failed, job.counters.filtered_bins)
