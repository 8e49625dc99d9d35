"""Foreground queries through the asyncio SDK: filters, bin selection, limits, secondary-index ranges
on 100 k existing records (same answers as a full scan with the equivalent filter), and queries the
client abandons midway (the node stays healthy)."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator

import pytest

from aerolite import (
    Behavior,
    Cluster,
    ClusterDefinition,
    DataSet,
    Filter,
    IndexType,
    RecordStream,
    SecondaryIndexError,
    Session,
)
from tests.conftest import ServerProcess

pytestmark = pytest.mark.cluster_too

SMALL = DataSet.of("test", "sdk_query")
BIG = DataSet.of("test", "sdk_query_100k")
BIG_N = 100_000


@pytest.fixture(scope="module")
async def cluster(server: ServerProcess) -> AsyncIterator[Cluster]:
    async with ClusterDefinition("127.0.0.1", server.port).connect() as connected:
        yield connected


@pytest.fixture(scope="module")
async def session(cluster: Cluster) -> Session:
    return cluster.create_session(Behavior.DEFAULT)


async def load(session: Session, ds: DataSet, n: int, pad: int = 0, batch: int = 2_000) -> None:
    """``n`` records ``{"n": i, "g": i % 10, "pad": ...}`` written through the SDK's batch writes."""
    async def chunk(start: int) -> None:
        stop = min(start + batch, n)
        rows = [{"n": i, "g": i % 10, "pad": "x" * pad} for i in range(start, stop)]
        results = await session.upsert(ds.ids(range(start, stop))).put(rows).execute()
        assert all(r.ok for r in results)

    for first in range(0, n, batch * 4):
        await asyncio.gather(*(chunk(s) for s in range(first, min(first + batch * 4, n), batch)))


@pytest.fixture(scope="module")
async def small(cluster: Cluster, session: Session) -> DataSet:
    await cluster.native_client.truncate(SMALL.namespace, SMALL.set_name or "")
    await load(session, SMALL, 300)
    return SMALL


@pytest.fixture(scope="module")
async def big(cluster: Cluster, session: Session) -> DataSet:
    await cluster.native_client.truncate(BIG.namespace, BIG.set_name or "")
    await load(session, BIG, BIG_N, pad=20)
    return BIG


async def test_where_select_limit(session: Session, small: DataSet) -> None:
    stream = await session.query(small).where("$.g == %s and $.n < 100", 3).select("n").execute()
    assert isinstance(stream, RecordStream)
    rows = [row async for row in stream]
    assert sorted(r.bins["n"] for r in rows) == list(range(3, 100, 10))
    assert all(set(r.bins) == {"n"} and r.ok and r.generation == 1 for r in rows)
    limited = await (await session.query(small).limit(25).execute()).collect()
    assert len(limited) == 25
    keys_only = await (await session.query(small).no_bins().execute()).collect()
    assert len(keys_only) == 300 and all(r.bins == {} for r in keys_only)
    assert await (await session.query(small).where("$.n > 1000").execute()).collect() == []


async def test_index_filter_without_an_index_is_refused(session: Session, small: DataSet) -> None:
    with pytest.raises(SecondaryIndexError):
        await (await session.query(small).filter(Filter.range("g", 1, 2)).execute()).collect()


async def test_index_built_on_100k_existing_records_matches_a_full_scan(session: Session, big: DataSet) -> None:
    await session.create_index(big, "sdk_query_n", "n", index_type=IndexType.NUMERIC)
    try:
        for low, high in [(0, 0), (10, 99), (45_000, 45_999), (99_990, 200_000), (-5, 3)]:
            indexed = await (await session.query(big).filter(Filter.range("n", low, high)).no_bins().execute()).collect()
            scanned = await (await session.query(big).where("$.n >= %s and $.n <= %s", low, high)
                             .no_bins().execute()).collect()
            assert {r.key.digest for r in indexed} == {r.key.digest for r in scanned}
            assert len(indexed) == len(range(max(low, 0), min(high, BIG_N - 1) + 1))
        both = await (await session.query(big).filter(Filter.range("n", 0, 999)).where("$.g == 7")
                      .execute()).collect()
        assert sorted(r.bins["n"] for r in both) == list(range(7, 1000, 10))
    finally:
        await session.drop_index(big, "sdk_query_n")


async def healthy(session: Session, ds: DataSet) -> None:
    """A put, a get and a small query all still work, promptly."""
    started = time.monotonic()
    assert (await session.upsert(ds.id("probe")).put({"n": -1}).execute()).ok
    assert (await session.get(ds.id("probe")).execute()).bins["n"] == -1
    assert len(await (await session.query(ds).where("$.n == -1").execute()).collect()) == 1
    assert (await session.delete(ds.id("probe")).execute()).ok
    assert time.monotonic() - started < 10


async def test_query_closed_midway_leaves_the_node_healthy(session: Session, big: DataSet) -> None:
    async with await session.query(big).execute() as stream:
        seen = 0
        async for _ in stream:
            seen += 1
            if seen == 1_500:
                break
    assert seen == 1_500
    await healthy(session, big)


async def test_query_abandoned_without_close_leaves_the_node_healthy(session: Session, big: DataSet) -> None:
    for _ in range(3):
        stream = await session.query(big).execute()
        await stream.__anext__()
        del stream
        gc.collect()
    await healthy(session, big)
    assert len(await (await session.query(big).where("$.n < 10").execute()).collect()) == 10
