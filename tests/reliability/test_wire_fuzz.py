"""50,000 mutated frames against a real node: no defect, no malformed answer, no hung connection, a
stalled peer timed out, the node answering after every batch (the long run: ``bench/reliability.py``)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import start_server
from tests.reliability import fuzz

FRAMES = 50_000
IDLE_TIMEOUT = 2


def test_fifty_thousand_mutated_frames(tmp_path: Path) -> None:
    log = tmp_path / "node.log"
    node = start_server("--namespace", "test:memory:256M", "--namespace", "bar", "--idle-timeout", str(IDLE_TIMEOUT),
                        output=log)
    try:
        report = fuzz.run(node.port, FRAMES, seed=20261205, idle_timeout=IDLE_TIMEOUT)
        alive = node.process.poll() is None
    finally:
        node.stop()
    fuzz.write_log(report, tmp_path / "fuzz.json")
    assert alive, "the node died"
    assert report.frames == FRAMES
    assert report.clean, report.defects[:5] + report.malformed[:5] + report.hung[:5]
    assert "Traceback" not in log.read_text(), log.read_text()[-4000:]
    # The run reached every kind of outcome.
    assert report.health_checks >= FRAMES // 2_000
    assert report.stalled_timed_out > 0 and report.closed_by_node > 0 and report.sentinel_answered > 0
    assert report.answers.get(0, 0) > 0 and report.answers.get(4, 0) > 0 and report.info_answers > 0
