"""Drives jobs on the event loop: small slices, yielding between them, throttled to the job's rate.

A turn runs slices until ``TURN_SECONDS`` have passed, then yields, so a foreground command waits at
most a few milliseconds behind a running job. A slice cannot be cut short, so its size adapts to
what the job's records cost (a Lua UDF costs far more than a bin write): it grows while slices are
quick and shrinks when one runs long. With a rate limit, the runner sleeps until the job is allowed
its next record.
"""

from __future__ import annotations

import asyncio
import logging
import time

from aerolite.engine.jobs import Job

log = logging.getLogger("aerolite.jobs")

MIN_SLICE = 4
MAX_SLICE = 1024
TURN_SECONDS = 0.002


class Pacer:
    """How a job advances: its start time (for the rate limit) and its current slice size."""

    __slots__ = ("job", "slice", "started")

    def __init__(self, job: Job) -> None:
        self.job = job
        self.started = job.started
        self.slice = 64

    def allowed_now(self) -> int:
        """How many more records the job may read now (a slice's worth when it is not throttled)."""
        job = self.job
        if not job.rps:
            return self.slice
        elapsed = time.monotonic() - self.started
        return min(self.slice, int(elapsed * job.rps) + 1 - job.counters.read)

    async def wait_for_budget(self) -> int:
        """Sleep until the job may read at least one record; returns how many it may read."""
        while True:
            budget = self.allowed_now()
            if budget > 0:
                return budget
            job = self.job
            await asyncio.sleep((job.counters.read + 1) / job.rps - (time.monotonic() - self.started))

    async def run_turn(self) -> None:
        """Run slices for one turn of the event loop (bounded by time and by the job's rate)."""
        job = self.job
        turn_end = time.monotonic() + TURN_SECONDS
        while True:
            budget = await self.wait_for_budget()
            before = time.monotonic()
            job.run_slice(budget)
            after = time.monotonic()
            if budget == self.slice:
                spent = after - before
                if spent < TURN_SECONDS / 4:
                    self.slice = min(MAX_SLICE, self.slice * 2)
                elif spent > TURN_SECONDS / 2:
                    self.slice = max(MIN_SLICE, self.slice // 2)
            if job.done or after >= turn_end or job.rps:
                return


async def run_job(job: Job) -> None:
    """Run a background job to completion (or until it is aborted)."""
    pacer = Pacer(job)
    try:
        while not job.done:
            await pacer.run_turn()
            await asyncio.sleep(0)
    except Exception:
        log.exception("job %d failed", job.task_id)
        job.finish("abandoned-error")
        raise
    log.info("job %d %s: %d read, %d succeeded, %d failed, %d filtered", job.task_id, job.result,
             job.counters.read, job.counters.succeeded, job.counters.failed, job.counters.filtered_bins)
