"""String operations and string AEL through the official aerospike-sdk (1.0.0) against aerolite,
read back with aerospike-native: ``str_*`` verbs in single-record and background writes, and
``where`` filters using string methods (server-compiled AEL, sent because aerolite reports 8.2)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aerospike_native as an
import pytest

from tests.conftest import ServerProcess

aerospike_sdk = pytest.importorskip("aerospike_sdk")

SET = "sdk_strings"


@pytest.fixture
async def session(server: ServerProcess) -> AsyncIterator[Any]:
    """A session of the official aerospike-sdk, closed with its cluster after the test."""
    async with await aerospike_sdk.ClusterDefinition("127.0.0.1", server.port).connect() as cluster:
        yield cluster.create_session(aerospike_sdk.Behavior.DEFAULT)


async def seed(client: Any) -> list[an.Key]:
    await client.truncate("test", SET)
    words = ["hello world", "  Grüße  ", "Málaga", "42"]
    keys = [an.Key("test", SET, i) for i in range(len(words))]
    for k, w in zip(keys, words, strict=True):
        await client.put(k, {"s": w, "n": 1})
    return keys


async def test_str_verbs_modify_and_read(client: Any, session: Any) -> None:
    keys = await seed(client)
    ds = aerospike_sdk.DataSet.of("test", SET)
    result = await (await session.upsert(ds.id(0)).bin("s").str_upper().bin("s").get().execute()).first_or_raise()
    assert result.operation_result(1) == "HELLO WORLD"
    await (await session.upsert(ds.id(1)).bin("s").str_trim().bin("s").str_case_fold().bin("s").str_pad_end(8, ".")
           .execute()).first_or_raise()
    assert (await client.get(keys[1])).bins["s"] == "grüsse.."
    result = await (await session.query(ds.id(2)).bin("s").str_strlen().bin("s").str_find("a", -1).execute()).first_or_raise()
    assert [result.operation_result(0), result.operation_result(1)] == [6, 5]
    result = await (await session.query(ds.id(3)).bin("s").str_to_integer().execute()).first_or_raise()
    assert result.operation_result(0) == 42


async def test_where_with_a_string_method(client: Any, session: Any) -> None:
    await seed(client)
    ds = aerospike_sdk.DataSet.of("test", SET)
    stream = await session.query(ds).where("$.s:STRING.upper() == 'HELLO WORLD'").execute()
    rows = [r async for r in stream]
    assert [r.record.bins["s"] for r in rows] == ["hello world"]
    stream = await session.query(ds).where("$.s:STRING.contains('Málaga') or $.s:STRING.trim().startsWith('Gr')").execute()
    assert sorted([r.record.bins["s"] async for r in stream]) == ["  Grüße  ", "Málaga"]


async def test_background_update_with_str_verbs(client: Any, session: Any) -> None:
    keys = await seed(client)
    ds = aerospike_sdk.DataSet.of("test", SET)
    task = await (session.background_task().update(ds).where("$.s:STRING.isNumeric() == false")
                  .bin("s").str_trim().bin("s").str_replace_all("l", "L").execute())
    await task.wait_till_complete()
    assert [(await client.get(k)).bins["s"] for k in keys] == ["heLLo worLd", "Grüße", "MáLaga", "42"]


async def test_misused_verb_answers_the_node_code(client: Any, session: Any) -> None:
    keys = await seed(client)
    ds = aerospike_sdk.DataSet.of("test", SET)
    with pytest.raises(aerospike_sdk.AerospikeError) as info:
        await (await session.upsert(ds.id(0)).bin("n").str_upper().execute()).first_or_raise()
    assert info.value.result_code == 12
    assert (await client.get(keys[0])).bins == {"s": "hello world", "n": 1}


async def test_str_verbs_on_a_nested_string(client: Any, session: Any) -> None:
    await client.truncate("test", SET)
    key = an.Key("test", SET, "nested")
    await client.put(key, {"l": ["ab", "cd"], "m": {"k": " v "}})
    ds = aerospike_sdk.DataSet.of("test", SET)
    await (await session.upsert(ds.id("nested")).bin("l").on_list_index(1).str_upper()
           .bin("m").on_map_key("k").str_trim().execute()).first_or_raise()
    assert (await client.get(key)).bins == {"l": ["ab", "CD"], "m": {"k": "v"}}
