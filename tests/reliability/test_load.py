"""8 client processes of mixed operations while background and UDF jobs run: every invariant holds
exactly and nothing fails; a storm of 512 new connections is served in full (the long run, with p99
latency: bench/reliability.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import ServerProcess, start_server
from tests.reliability import load


def test_mixed_load_keeps_every_invariant(server: ServerProcess) -> None:
    report = load.run(server.address, processes=8, tasks=2, ops=60, job_records=500, ops_jobs=2)
    assert not report.failures, report.failures[:10]
    assert report.operations == 8 * 2 * 60
    assert report.invariant_checks > 500


def listen_backlog(port: int) -> int:
    """The backlog of the listening socket on ``port`` (``ss`` shows it as Send-Q)."""
    out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True).stdout
    return int(out.split()[2])


def test_connection_storm_on_a_fresh_node(tmp_path: Path) -> None:
    node = start_server(output=tmp_path / "node.log")
    try:
        somaxconn = int(Path("/proc/sys/net/core/somaxconn").read_text())
        assert listen_backlog(node.port) >= min(1024, somaxconn)
        assert load.storm(node.port, 512) == 512
    finally:
        node.stop()
