"""Five kill -9 cycles during concurrent writes and background jobs on a file namespace: the store opens
every time, no acknowledged write is lost, a cut job is listed as ended (the long run: bench/reliability.py)."""

from __future__ import annotations

from pathlib import Path

from tests.reliability import crashloop


def test_five_kill_cycles(tmp_path: Path) -> None:
    report = crashloop.run(tmp_path / "data", 5, seed=20261205, log=tmp_path / "node.log")
    assert not report.problems, report.problems[:10]
    assert report.cycles == 5 and report.writes_lost == 0
    assert report.writes_acknowledged > 100
    assert report.jobs_cut + report.jobs_complete >= 1
    assert "Traceback" not in (tmp_path / "node.log").read_text()
