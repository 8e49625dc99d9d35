"""``aerolite monitor``'s own failures: one line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from tests.conftest import ServerProcess, free_port


def monitor(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aerolite.cli.main", "monitor", *args], capture_output=True,
                          text=True, timeout=60, check=False, env=dict(os.environ, PYTHONUNBUFFERED="1"))


def test_bad_options_unreachable_nodes_and_a_taken_port_are_one_line_errors(server: ServerProcess) -> None:
    bad_interval = monitor("--host", server.address, "--interval", "0")
    assert (bad_interval.returncode, bad_interval.stderr.strip()) == \
        (2, "aerolite monitor: --interval must be > 0 seconds, not 0.0")
    unreachable = monitor("--host", f"127.0.0.1:{free_port()}")
    assert unreachable.returncode == 2 and "cannot reach a node at 127.0.0.1:" in unreachable.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = monitor("--host", server.address, "--web-port", str(port))
    assert busy.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in busy.stderr
    for failed in (bad_interval, unreachable, busy):
        assert "Traceback" not in failed.stderr and failed.stderr.count("\n") == 1
