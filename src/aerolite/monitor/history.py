"""Each job's rate over time, for the page's small charts.

The rate a snapshot reports is an average since the job started; a chart of it hides a job that slows
down. So each point here is the rate *between two polls*: records scanned since the last poll divided
by the time between them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

POINTS = 120
"""Points kept per job (two minutes at one poll a second)."""


@dataclass
class _Track:
    scanned: int
    at: float
    points: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=POINTS))


class RateHistory:
    """Per job id, ``(seconds since the monitor started, records/s)`` points, newest last.

    >>> h = RateHistory(started=100.0)
    >>> h.record(7, scanned=0, rate=0.0, at=100.0, done=False)
    [(0.0, 0.0)]
    >>> h.record(7, scanned=500, rate=250.0, at=102.0, done=False)
    [(0.0, 0.0), (2.0, 250.0)]
    """

    def __init__(self, started: float) -> None:
        self._started = started
        self._tracks: dict[int, _Track] = {}

    def record(self, task_id: int, scanned: int, rate: float, at: float, done: bool) -> list[tuple[float, float]]:
        """Add the job's count at time ``at``; its points so far.

        The first point of a job is the average ``rate`` it reports; a finished job adds no more.
        """
        track = self._tracks.get(task_id)
        if track is None:
            track = self._tracks[task_id] = _Track(scanned, at)
            track.points.append((round(at - self._started, 3), round(rate, 1)))
        elif not done and at > track.at:
            rate = max(0, scanned - track.scanned) / (at - track.at)
            track.points.append((round(at - self._started, 3), round(rate, 1)))
            track.scanned, track.at = scanned, at
        return list(track.points)

    def forget_all_but(self, task_ids: set[int]) -> None:
        """Drop the tracks of jobs the cluster no longer lists."""
        for task_id in [t for t in self._tracks if t not in task_ids]:
            del self._tracks[task_id]
