"""Secondary indexes through the official client: creation over existing data, maintenance, queries."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aerospike_native as an
import pytest
from aerospike_native import (
    CollectionIndexType,
    Filter,
    IndexType,
    Key,
    Operation,
    PartitionFilter,
    Statement,
    WritePolicy,
)

from tests.conftest import start_server

pytestmark = pytest.mark.cluster_too

NS = "test"


async def collect(recordset: Any) -> list[Any]:
    return [r async for r in recordset]


async def query(client: Any, set_name: str, flt: Any, bins: list[str] | None = None) -> list[Any]:
    st = Statement(NS, set_name, bins) if bins else Statement(NS, set_name)
    st.filters = [flt]
    return await collect(await client.query(st, PartitionFilter.all()))


async def fill(client: Any, set_name: str, n: int) -> list[Key]:
    await client.truncate(NS, set_name)
    keys = [Key(NS, set_name, i) for i in range(n)]
    for start in range(0, n, 500):
        await asyncio.gather(*(
            client.put(k, {"i": i, "s": f"v{i % 7}", "tags": [f"t{i % 3}", "all"], "m": {f"k{i % 4}": i}})
            for i, k in enumerate(keys[start : start + 500], start)
        ))
    return keys


async def test_numeric_index_over_existing_records(client: Any) -> None:
    await fill(client, "si_num", 2000)
    task = await client.create_index(NS, "si_num", "i", "si_num_i", IndexType.NUMERIC)
    await task.wait_till_complete()
    got = await query(client, "si_num", Filter.range("i", 100, 199))
    assert sorted(r.bins["i"] for r in got) == list(range(100, 200))
    got = await query(client, "si_num", Filter.equal("i", 7), ["i"])
    assert [r.bins for r in got] == [{"i": 7}]
    listing = (await client.info("sindex-list:ns=test"))["sindex-list:ns=test"]
    assert "indexname=si_num_i:set=si_num:bin=i:type=numeric:indextype=default" in listing
    await client.drop_index(NS, "si_num", "si_num_i")


async def test_index_follows_writes_and_deletes(client: Any) -> None:
    keys = await fill(client, "si_upd", 50)
    task = await client.create_index(NS, "si_upd", "i", "si_upd_i", IndexType.NUMERIC)
    await task.wait_till_complete()
    await client.put(keys[0], {"i": 1000})
    await client.delete(keys[1])
    await client.put(Key(NS, "si_upd", "new"), {"i": 1001})
    got = await query(client, "si_upd", Filter.range("i", 0, 2000))
    values = sorted(r.bins["i"] for r in got)
    assert values == [*range(2, 50), 1000, 1001]
    await client.drop_index(NS, "si_upd", "si_upd_i")


async def test_string_and_collection_indexes(client: Any) -> None:
    await fill(client, "si_str", 70)
    for bin_name, name, itype, cit in [
        ("s", "si_str_s", IndexType.STRING, None),
        ("tags", "si_str_tags", IndexType.STRING, CollectionIndexType.LIST),
        ("m", "si_str_mk", IndexType.STRING, CollectionIndexType.MAP_KEYS),
    ]:
        task = await client.create_index(NS, "si_str", bin_name, name, itype, cit)
        await task.wait_till_complete()
    assert len(await query(client, "si_str", Filter.equal("s", "v3"))) == 10
    assert len(await query(client, "si_str", Filter.contains("tags", "t1", CollectionIndexType.LIST))) == 23
    assert len(await query(client, "si_str", Filter.contains("m", "k2", CollectionIndexType.MAP_KEYS))) == 17
    for name in ("si_str_s", "si_str_tags", "si_str_mk"):
        await client.drop_index(NS, "si_str", name)


async def test_query_without_index_is_index_not_found(client: Any) -> None:
    await fill(client, "si_none", 3)
    with pytest.raises(an.exceptions.IndexNotFound):
        await query(client, "si_none", Filter.range("i", 0, 5))


async def test_duplicate_definitions(client: Any) -> None:
    await fill(client, "si_dup", 3)
    task = await client.create_index(NS, "si_dup", "i", "si_dup_i", IndexType.NUMERIC)
    await task.wait_till_complete()
    await client.create_index(NS, "si_dup", "i", "si_dup_i", IndexType.NUMERIC)
    with pytest.raises(an.exceptions.IndexFoundError):
        await client.create_index(NS, "si_dup", "s", "si_dup_i", IndexType.STRING)
    await client.drop_index(NS, "si_dup", "si_dup_i")
    await client.drop_index(NS, "si_dup", "si_dup_i")
    assert (await client.info("sindex-exists:namespace=test;indexname=si_dup_i")) == {
        "sindex-exists:namespace=test;indexname=si_dup_i": "false"}


async def test_background_job_with_index_filter(client: Any) -> None:
    keys = await fill(client, "si_job", 200)
    task = await client.create_index(NS, "si_job", "i", "si_job_i", IndexType.NUMERIC)
    await task.wait_till_complete()
    st = Statement(NS, "si_job")
    st.filters = [Filter.range("i", 10, 19)]
    job = await client.query_operate(st, [Operation.put("hit", 1)], write_policy=WritePolicy())
    await job.wait_till_complete(sleep_time=0.05)
    hits = [i for i, k in enumerate(keys) if "hit" in (await client.get(k)).bins]
    assert hits == list(range(10, 20))
    await client.drop_index(NS, "si_job", "si_job_i")


def test_index_definitions_survive_restart(tmp_path: Path) -> None:
    server = start_server("--namespace", "test:file", "--data-dir", str(tmp_path))
    try:
        c = an.new_client_blocking(an.ClientPolicy(), server.address)
        for i in range(30):
            c.put_blocking(Key(NS, "si_p", i), {"i": i})
        c.create_index_blocking(NS, "si_p", "i", "si_p_i", IndexType.NUMERIC).wait_till_complete_blocking()
        c.close_blocking()
    finally:
        server.stop()
    server = start_server("--namespace", "test:file", "--data-dir", str(tmp_path), port=server.port)
    try:
        c = an.new_client_blocking(an.ClientPolicy(), server.address)
        st = Statement(NS, "si_p")
        st.filters = [Filter.range("i", 20, 29)]
        got = list(c.query_blocking(st, PartitionFilter.all()))
        assert sorted(r.bins["i"] for r in got) == list(range(20, 30))
        c.close_blocking()
    finally:
        server.stop()
