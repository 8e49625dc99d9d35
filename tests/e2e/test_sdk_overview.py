"""``session.namespaces()`` and ``session.indexes()`` against a real aerolite node, both faces."""

from __future__ import annotations

import aerospike_native as an

from aerolite import Cluster, DataSet
from aerolite import sync as aerolite_sync
from tests.conftest import ServerProcess


async def test_namespaces_count_each_sets_records_and_report_memory(sdk_cluster: Cluster) -> None:
    dataset = DataSet.of("bar", "overview_sets")
    other = DataSet.of("bar", "overview_other")
    client = sdk_cluster.native_client
    await client.truncate("bar", "")
    await client.batch_write([dataset.id(i) for i in range(30)], [{"i": i, "text": "x" * 50} for i in range(30)])
    await client.batch_write([other.id(i) for i in range(5)], [{"i": i} for i in range(5)])
    namespaces = {ns.name: ns for ns in await sdk_cluster.create_session().namespaces()}
    assert set(namespaces) >= {"test", "bar"}
    bar = namespaces["bar"]
    assert bar.objects == 35
    assert [(s.name, s.objects) for s in bar.sets] == [("overview_other", 5), ("overview_sets", 30)]
    assert bar.index_bytes == 35 * 64
    assert bar.data_bytes > 0 and bar.memory_bytes == bar.data_bytes + bar.index_bytes + bar.sindex_bytes
    assert all(s.data_bytes > 0 for s in bar.sets)


def test_indexes_with_their_build_progress_on_the_blocking_face(server: ServerProcess) -> None:
    dataset = DataSet.of("test", "overview_indexed")
    with aerolite_sync.ClusterDefinition("127.0.0.1", server.port).connect() as cluster:
        session = cluster.create_session()
        cluster.native_client.batch_write_blocking([dataset.id(i) for i in range(40)],
                                                   [{"age": i} for i in range(40)])
        session.create_index(dataset, "overview_by_age", "age", index_type=an.IndexType.NUMERIC)
        try:
            index = next(i for i in session.indexes() if i.name == "overview_by_age")
            assert (index.namespace, index.set_name, index.bin, index.value_type) == \
                ("test", "overview_indexed", "age", "numeric")
            assert (index.entries, index.load_pct, index.ready) == (40, 100, True)
            assert any(ns.name == "test" and ns.sindex_bytes >= 40 * 64 for ns in session.namespaces())
        finally:
            session.drop_index(dataset, "overview_by_age")
        assert "overview_by_age" not in [i.name for i in session.indexes()]
