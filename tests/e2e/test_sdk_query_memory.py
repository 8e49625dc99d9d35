"""SLOW (~30-60 s): a 200 k-record query (~1 KB each, ~200 MB of data) streams through the SDK with
bounded memory on both sides. Its own ``aerolite serve`` process, so that the node's RSS is its alone:
the peak RSS growth of the node and of this client while the whole result streams by must stay far
below the data size (both sides hold a bounded window of records, not the result)."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from aerolite import Cluster, ClusterDefinition, DataSet
from tests.conftest import ServerProcess, start_server
from tests.e2e.test_sdk_query import load

DATA = DataSet.of("test", "sdk_memory")
RECORDS = 200_000
PAD = 1_000
DATA_BYTES = RECORDS * PAD


def rss_kib(pid: int | str, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


class PeakSampler:
    """The highest VmRSS of some processes, sampled every 10 ms on a thread until stopped."""

    def __init__(self, pids: dict[str, int | str]) -> None:
        self.pids = pids
        self.peak = {name: rss_kib(pid) for name, pid in pids.items()}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], rss_kib(pid))

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture(scope="module")
def node() -> Iterator[ServerProcess]:
    proc = start_server("--namespace", "test")
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
async def cluster(node: ServerProcess) -> AsyncIterator[Cluster]:
    async with ClusterDefinition("127.0.0.1", node.port).connect() as connected:
        yield connected


async def test_200k_record_query_streams_with_bounded_memory(node: ServerProcess, cluster: Cluster) -> None:
    session = cluster.create_session()
    started = time.monotonic()
    await load(session, DATA, RECORDS, pad=PAD)
    loaded = time.monotonic()
    pids: dict[str, int | str] = {"node": node.process.pid, "client": "self"}
    before = {name: rss_kib(pid) for name, pid in pids.items()}
    node_hwm_before = rss_kib(node.process.pid, "VmHWM")
    count = size = 0
    with PeakSampler(pids) as sampler:
        async with await session.query(DATA).execute() as stream:
            async for row in stream:
                count += 1
                size += len(row.bins["pad"])
    growth = {name: (sampler.peak[name] - before[name]) * 1024 for name in pids}
    node_hwm_growth = (rss_kib(node.process.pid, "VmHWM") - node_hwm_before) * 1024
    print(f"load {loaded - started:.1f} s, query {time.monotonic() - loaded:.1f} s, "
          f"RSS before {before} KiB, growth {growth} bytes, node HWM growth {node_hwm_growth} bytes")
    assert (count, size) == (RECORDS, DATA_BYTES)
    limit = DATA_BYTES // 10
    assert growth["node"] < limit, f"node RSS grew {growth['node']:,} B while streaming {DATA_BYTES:,} B"
    assert node_hwm_growth < limit
    assert growth["client"] < limit, f"client RSS grew {growth['client']:,} B while streaming {DATA_BYTES:,} B"
