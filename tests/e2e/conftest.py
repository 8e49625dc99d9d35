"""Clients connected to the session's aerolite server."""

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
