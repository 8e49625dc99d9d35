"""Clients connected to the session's aerolite server (the official aerospike-sdk's too)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import aerospike_native as an
import pytest

from tests.conftest import ServerProcess


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


@pytest.fixture
async def official_session(server: ServerProcess) -> AsyncIterator[Any]:
    """A session of the official aerospike-sdk (1.0.0) with the default behavior."""
    aerospike_sdk = pytest.importorskip("aerospike_sdk")
    cluster = await aerospike_sdk.ClusterDefinition("127.0.0.1", server.port).connect()
    try:
        yield cluster.create_session(aerospike_sdk.Behavior.DEFAULT)
    finally:
        await cluster.close()
