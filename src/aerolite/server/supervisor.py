"""A local cluster's supervisor: starts its node processes, restarts one that dies, stops them all.

It holds no data and answers no requests; every node is an ordinary ``aerolite serve`` process with
its own port, its own share of the partitions and (for file namespaces) its own data directory, so a
restarted node comes back with its data and clients reroute to it once it listens again. Nodes run in
their own process group, so Ctrl-C reaches only the supervisor, which then stops them in order; on
Linux they also receive SIGTERM if the supervisor itself dies. The supervisor makes the cluster key
(``security.peers``) and writes it, in hex on one line, to each node's standard input.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from types import FrameType

from aerolite.server.security.peers import new_key

log = logging.getLogger("aerolite.server")

START_TIMEOUT_S = 60.0
POLL_S = 0.1
RESTART_PAUSE_S = 1.0
"""At most one start per node per second, so a node that cannot start does not spin."""


def free_ports(host: str, count: int) -> list[int]:
    """``count`` distinct ports the OS reports free on ``host`` right now."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind((host, 0))
            sockets.append(s)
        return [int(s.getsockname()[1]) for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM this child when its parent dies (no-op elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Supervisor:
    """The node processes of one local cluster; ``argv_of(i)`` is node ``i``'s command line."""

    def __init__(self, host: str, ports: Sequence[int], argv_of: Callable[[int], list[str]]) -> None:
        self.host = host
        self.ports = list(ports)
        self.argv_of = argv_of
        self.nodes: list[subprocess.Popen[bytes] | None] = [None] * len(self.ports)
        self.started_at = [0.0] * len(self.ports)
        self.stopping = False
        self._key = new_key()

    def _spawn(self, index: int) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(self.argv_of(index), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   start_new_session=True,
                                   preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        assert process.stdin is not None
        with contextlib.suppress(OSError), process.stdin:  # a node that exits at once is restarted anyway
            process.stdin.write(self._key.hex().encode() + b"\n")
        self.nodes[index] = process
        self.started_at[index] = time.monotonic()
        return process

    def _await_listening(self, indexes: Sequence[int]) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        waiting = list(indexes)
        while waiting:
            index = waiting[0]
            process = self.nodes[index]
            assert process is not None
            if process.poll() is not None:
                raise RuntimeError(f"node {index} (port {self.ports[index]}) exited with {process.returncode}")
            try:
                with socket.create_connection((self.host, self.ports[index]), timeout=0.2):
                    waiting.pop(0)
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"node {index} did not listen on port {self.ports[index]}") from None
                time.sleep(0.05)

    def start(self) -> None:
        """Start every node and wait until each accepts connections."""
        for index in range(len(self.ports)):
            self._spawn(index)
        self._await_listening(range(len(self.ports)))

    def watch(self) -> None:
        """Restart nodes that die until ``stopping`` is set (by a signal)."""
        while not self.stopping:
            for index, process in enumerate(self.nodes):
                if (process is not None and process.poll() is not None and not self.stopping
                        and time.monotonic() - self.started_at[index] >= RESTART_PAUSE_S):
                    log.warning("node %d (port %d) exited with %s; restarting it", index, self.ports[index],
                                process.returncode)
                    self._spawn(index)
            time.sleep(POLL_S)

    def stop(self) -> None:
        """SIGTERM every node, then SIGKILL those still running after 10 s."""
        self.stopping = True
        running = [p for p in self.nodes if p is not None and p.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run_cluster(supervisor: Supervisor, on_listening: Callable[[int], None]) -> None:
    """Run a local cluster until SIGINT or SIGTERM; ``on_listening`` gets the first node's port."""
    def stop(_sig: int, _frame: FrameType | None) -> None:
        supervisor.stopping = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, stop)
    try:
        supervisor.start()
        log.info("local cluster of %d nodes on %s ports %s", len(supervisor.ports), supervisor.host,
                 ",".join(map(str, supervisor.ports)))
        on_listening(supervisor.ports[0])
        supervisor.watch()
    finally:
        supervisor.stop()
