"""Rates over time: each point is the rate between two polls, not the average since the start."""

from __future__ import annotations

from aerolite.monitor.history import POINTS, RateHistory


def test_points_are_rates_between_polls_and_stop_when_the_job_is_done() -> None:
    history = RateHistory(started=10.0)
    assert history.record(1, scanned=100, rate=50.0, at=12.0, done=False) == [(2.0, 50.0)]
    history.record(1, scanned=400, rate=100.0, at=13.0, done=False)  # 300 records in 1 s
    points = history.record(1, scanned=400, rate=80.0, at=14.0, done=False)  # stalled
    assert points == [(2.0, 50.0), (3.0, 300.0), (4.0, 0.0)]
    assert history.record(1, scanned=500, rate=70.0, at=15.0, done=True) == points


def test_history_is_bounded_and_forgets_jobs_no_longer_listed() -> None:
    history = RateHistory(started=0.0)
    for second in range(POINTS + 30):
        points = history.record(7, scanned=second * 10, rate=10.0, at=float(second), done=False)
    assert len(points) == POINTS and points[-1] == (float(POINTS + 29), 10.0)
    history.record(8, scanned=0, rate=0.0, at=1.0, done=False)
    history.forget_all_but({8})
    assert history.record(7, scanned=0, rate=5.0, at=200.0, done=False) == [(200.0, 5.0)]
