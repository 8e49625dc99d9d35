"""Polls the cluster on a timer and hands the latest snapshot to whoever waits for one.

One poller serves every open page: however many browsers watch, the cluster sees one set of info
commands per interval. A failed poll becomes a snapshot with an ``error`` (the page shows it and keeps
the last data), and polling goes on: the cluster may come back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from aerolite.monitor.snapshot import Json, Snapshots
from aerolite.sdk import AerospikeError

log = logging.getLogger("aerolite.monitor")


class Poller:
    """The latest snapshot, its version number, and a way to wait for the next one."""

    def __init__(self, snapshots: Snapshots, interval: float) -> None:
        if interval <= 0:
            raise ValueError(f"the poll interval must be > 0 seconds, not {interval!r}")
        self._snapshots = snapshots
        self.interval = interval
        self.latest: Json = {}
        self.version = 0
        self._changed = asyncio.Condition()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[Any] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="aerolite-monitor-poller")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def poll_now(self) -> None:
        """Take the next snapshot without waiting for the interval (after an abort, say)."""
        self._wake.set()

    async def wait_newer(self, version: int) -> Json:
        """The first snapshot newer than ``version`` (at once if there is one)."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.version > version)
            return self.latest

    async def _run(self) -> None:
        while True:
            snapshot = await self._take()
            async with self._changed:
                self.latest, self.version = snapshot, self.version + 1
                self._changed.notify_all()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)

    async def _take(self) -> Json:
        try:
            return await self._snapshots.take()
        except AerospikeError as exc:
            log.warning("cannot read the cluster: %s", exc)
            problem = f"cannot read the cluster: {exc}"
        except Exception as exc:  # a defect must not stop the updates of every open page
            log.exception("taking a snapshot failed")
            problem = f"the monitor could not read the cluster ({type(exc).__name__}: {exc})"
        return {**self.latest, "error": problem, "at": time.time()}
