"""A real ``aerolite monitor`` process watching the session's ``aerolite serve``, and throttled jobs to watch."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import aerospike_native as an
import pytest

from aerolite.sync import BackgroundTask, Cluster, ClusterDefinition, DataSet
from tests.conftest import ServerProcess

PICKY_LUA = """
function bump(rec)
  if rec['i'] % 9 == 4 then error('no score for user ' .. rec['i']) end
  rec['score'] = (rec['score'] or 0) + 1
  aerospike:update(rec)
end
"""


@dataclass
class Monitor:
    """A running monitor: its base URL and the process."""

    process: subprocess.Popen[str]
    url: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_monitor(server: ServerProcess, *extra: str) -> Monitor:
    """``aerolite monitor`` on a port it picks, reading everything every 0.2 s; returns once it prints its URL."""
    args = [sys.executable, "-m", "aerolite.cli.main", "monitor", "--host", server.address,
            "--web-port", "0", "--interval", "0.2", "--overview-interval", "0.2", *extra]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env=dict(os.environ, PYTHONUNBUFFERED="1"))
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"on (http://\S+/)", line)
    if found is None:
        process.kill()
        raise RuntimeError(f"aerolite monitor did not start: {line}{process.stdout.read()}")
    return Monitor(process, found.group(1))


@pytest.fixture(scope="module")
def monitor(server: ServerProcess) -> Iterator[Monitor]:
    running = start_monitor(server)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def cluster(server: ServerProcess) -> Iterator[Cluster]:
    """The blocking SDK, to seed data, start jobs and read their outcome independently of the monitor."""
    with ClusterDefinition("127.0.0.1", server.port).connect() as connected:
        yield connected


@pytest.fixture
def set_name() -> str:
    """A set of this test's own."""
    return f"mon_{uuid.uuid4().hex[:10]}"


def write_users(cluster: Cluster, set_name: str, n: int) -> DataSet:
    """Records keyed 0..n-1 (keys stored) with ``i`` and ``age`` bins, in one batch."""
    policy = an.BatchWritePolicy()
    policy.send_key = True
    dataset = DataSet.of("test", set_name)
    cluster.native_client.batch_write_blocking([dataset.id(i) for i in range(n)],
                                               [{"i": i, "age": 18 + i % 50} for i in range(n)], write_policy=policy)
    return dataset


def throttled_update(cluster: Cluster, set_name: str, n: int, rps: int) -> BackgroundTask:
    """An update of ``n`` fresh records at ``rps`` records/s (so it runs about n / rps seconds)."""
    dataset = write_users(cluster, set_name, n)
    return cluster.create_session().background_task().update(dataset).bin("seen").add(1) \
        .records_per_second(rps).execute()


def picky_udf_job(cluster: Cluster, set_name: str, n: int) -> BackgroundTask:
    """A UDF job over ``n`` fresh records where every ninth record fails with a Lua error; waited for."""
    dataset = write_users(cluster, set_name, n)
    session = cluster.create_session()
    module = session.register_udf(PICKY_LUA, "monitor_picky")
    task = session.background_task().execute_udf(dataset).function(module, "bump").execute()
    assert task.wait_till_complete(0.02, 30)
    return task
