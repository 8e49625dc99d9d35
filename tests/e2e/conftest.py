"""Clients connected to the session's aerolite server (the official aerospike-sdk's too)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import aerospike_native as an
import pytest

from aerolite import Cluster, ClusterDefinition
from tests.conftest import ServerProcess

try:
    import aerospike_sdk
except ImportError:  # optional: only the aerospike-sdk interop tests need it
    aerospike_sdk = None


@pytest.fixture(scope="session")
async def client(server: ServerProcess) -> AsyncIterator[Any]:
    c = await an.new_client(an.ClientPolicy(), server.address)
    yield c
    await c.close()


@pytest.fixture(scope="session")
def blocking_client(server: ServerProcess) -> Iterator[Any]:
    c = an.new_client_blocking(an.ClientPolicy(), server.address)
    yield c
    c.close_blocking()


@pytest.fixture(scope="module")
async def sdk_cluster(server: ServerProcess) -> AsyncIterator[Cluster]:
    """The asyncio SDK connected to the session's server, for one test module."""
    async with ClusterDefinition("127.0.0.1", server.port).connect() as connected:
        yield connected


@pytest.fixture
async def official_session(server: ServerProcess) -> AsyncIterator[Any]:
    """A session of the official aerospike-sdk connected to the session's server."""
    if aerospike_sdk is None:
        pytest.skip("aerospike-sdk is not installed")
    cluster = await aerospike_sdk.ClusterDefinition("127.0.0.1", server.port).connect()
    try:
        yield cluster.create_session(aerospike_sdk.Behavior.DEFAULT)
    finally:
        await cluster.close()
