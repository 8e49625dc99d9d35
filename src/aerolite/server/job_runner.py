"""Drives jobs on the event loop: small slices, yielding between them, throttled to the job's rate.

A turn runs slices of at most ``SLICE`` records until ``TURN_SECONDS`` have passed, then yields, so
a foreground command waits at most a few milliseconds behind a running job whatever a record costs
(a Lua UDF costs far more than a bin write). With a rate limit, the runner sleeps until the job is
allowed its next record.
"""

from __future__ import annotations

import asyncio
import logging
import time

from aerolite.engine.jobs import Job

log = logging.getLogger("aerolite.jobs")

SLICE = 256
TURN_SECONDS = 0.002


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


async def run_turn(job: Job, started: float) -> None:
    """Run slices for one turn of the event loop (bounded by time and by the job's rate)."""
    turn_end = time.monotonic() + TURN_SECONDS
    while True:
        job.run_slice(await wait_for_budget(job, started))
        if job.done or time.monotonic() >= turn_end or job.rps:
            return


async def run_job(job: Job) -> None:
    """Run a background job to completion (or until it is aborted)."""
    started = time.monotonic()
    try:
        while not job.done:
            await run_turn(job, started)
            await asyncio.sleep(0)
    except Exception:
        log.exception("job %d failed", job.task_id)
        job.abort()
        job.result = "abandoned-error"
        raise
    log.info("job %d %s: %d read, %d succeeded, %d failed, %d filtered", job.task_id, job.result,
             job.counters.read, job.counters.succeeded, job.counters.failed, job.counters.filtered_bins)
