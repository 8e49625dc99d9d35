"""The blocking SDK (``aerolite.sync``) on an embedded node it starts itself: the same journeys."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aerospike_native as an
import pytest

from aerolite.sync import Cluster, ClusterDefinition, DataSet, InvalidRequestError, Session, TaskStatus


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with ClusterDefinition.embedded(namespaces=["test"]).connect() as connected:
        yield connected


@pytest.fixture
def session(cluster: Cluster) -> Session:
    return cluster.create_session()


def seed(cluster: Cluster, ds: DataSet, n: int) -> None:
    client = cluster.native_client
    for i in range(n):
        client.put_blocking(ds.id(i), {"i": i, "even": i % 2 == 0})


def read(cluster: Cluster, ds: DataSet, i: int) -> Any:
    try:
        return cluster.native_client.get_blocking(ds.id(i))
    except an.exceptions.RecordNotFound:
        return None


def test_update_touch_delete_journey(cluster: Cluster, session: Session) -> None:
    ds = DataSet.of("test", "sync_journey")
    seed(cluster, ds, 40)
    tasks = session.background_task()
    assert tasks.update(ds).where("$.even == true").count() == 20

    update = tasks.update(ds).where("$.even == true").bin("n").add(1).execute()
    assert update.wait_till_complete(0.02, 30)
    touch = tasks.touch(ds).where("$.i < 10").expire_record_after_seconds(600).execute()
    assert touch.wait_till_complete(0.02, 30)
    delete = tasks.delete(ds).where("$.i >= %s", 30).execute()
    assert delete.wait_till_complete(0.02, 30)

    for i in range(40):
        record = read(cluster, ds, i)
        if i >= 30:
            assert record is None
            continue
        even, early = i % 2 == 0, i < 10
        assert record.bins.get("n") == (1 if even else None)
        assert record.generation == 1 + even + early
        assert (590 <= record.ttl <= 600) if early else record.ttl is None
    assert (update.progress().written, touch.progress().written, delete.progress().written) == (20, 10, 10)
    assert delete.status() is TaskStatus.COMPLETE
    listed = {job.task_id for job in session.background_jobs()}
    assert {update.task_id, touch.task_id, delete.task_id} <= listed


def test_watch_and_abort(cluster: Cluster, session: Session) -> None:
    ds = DataSet.of("test", "sync_abort")
    seed(cluster, ds, 300)
    task = session.background_task().update(ds).bin("n").add(1).records_per_second(100).execute()
    snapshots = []
    for p in task.watch(interval=0.1):
        snapshots.append(p)
        if len(snapshots) == 3:
            assert task.abort()
    final = snapshots[-1]
    assert final.done and final.aborted and 0 < final.written < 300
    time.sleep(0.2)
    written = sum(1 for i in range(300) if read(cluster, ds, i).bins.get("n") == 1)
    assert written == task.progress().written


def test_validation_happens_at_the_call(session: Session) -> None:
    builder = session.background_task().update(DataSet.of("test", "sync_x"))
    with pytest.raises(TypeError, match="foreground"):
        builder.fail_on_filtered_out()
    with pytest.raises(ValueError, match="at least one write"):
        builder.execute()
    with pytest.raises(InvalidRequestError):
        builder.where("$.i >")


def test_udf_journey(cluster: Cluster, session: Session) -> None:
    ds = DataSet.of("test", "sync_udf")
    seed(cluster, ds, 10)
    module = session.register_udf("function tag(rec, v)\n  rec['tag'] = v\n  aerospike:update(rec)\nend\n", "sync_tags")
    task = session.background_task().execute_udf(ds).function(module, "tag").passing("x").where("$.i < 4").execute()
    assert task.wait_till_complete(0.02, 30)
    assert [read(cluster, ds, i).bins.get("tag") for i in range(10)] == ["x"] * 4 + [None] * 6
    session.remove_udf(module)


def port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_embedded_node_keeps_file_data_and_stops_on_close(tmp_path: Path) -> None:
    ds = DataSet.of("test", "persisted")
    with ClusterDefinition.embedded(data_dir=tmp_path).connect() as first:
        port = int(first.address.rpartition(":")[2])
        first.native_client.put_blocking(ds.id(1), {"v": 1})
        task = first.create_session().background_task().update(ds).bin("v").add(1).execute()
        assert task.wait_till_complete(0.02, 30)
    assert port_is_closed(port)
    with ClusterDefinition.embedded(data_dir=tmp_path).connect() as second:
        assert second.native_client.get_blocking(ds.id(1)).bins == {"v": 2}
