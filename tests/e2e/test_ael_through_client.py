"""The AEL corpus evaluated by the node: each filter sent by the official client on a single-record
get, as client-compiled expression bytes and as server-compiled AEL text (``[128, text]``)."""

from __future__ import annotations

import base64
from typing import Any

import aerospike_native as an
import pytest
from aerospike_native import FilterExpression, Key, ReadPolicy, WritePolicy
from aerospike_native import exceptions as ex

from aerolite.ael import to_wire
from aerolite.ael.params import bind, has_conversions
from aerolite.values import GeoJson
from tests.ael.corpus import CORPUS, RECORD_BINS, RECORD_META, Case

SET = RECORD_META["set_name"]

# Cases reading the time since the last update expect a record written a minute ago, which a client
# cannot produce; the in-process corpus test covers them with controlled metadata.
CASES = [(i, c) for i, c in enumerate(CORPUS) if "inceUpdate" not in c.text and "inceLastUpdate" not in c.text]


def client_bins(bins: dict[str, Any]) -> dict[str, Any]:
    return {k: an.GeoJSON(str(v)) if isinstance(v, GeoJson) else v for k, v in bins.items()}


def key_for(case_index: int, case: Case) -> Key:
    return Key("test", SET, RECORD_META["key"] if case.bins is RECORD_BINS else f"case-{case_index}")


@pytest.fixture(scope="module")
async def stored(client: Any) -> None:
    policy = WritePolicy()
    policy.send_key = True
    policy.expiration = an.Expiration.seconds(RECORD_META["ttl"])
    for index, case in enumerate(CORPUS):
        k = key_for(index, case)
        if case.bins is RECORD_BINS and index:
            continue
        await client.delete(k)
        await client.put(k, client_bins(case.bins), policy=policy)


def server_text(case: Case) -> str:
    if case.params and has_conversions(case.text):
        return bind(case.text, case.params)
    return case.text


async def selected(client: Any, key: Key, expression: Any) -> bool:
    policy = ReadPolicy()
    policy.filter_expression = expression
    try:
        await client.get(key, policy=policy)
    except ex.FilteredOut:
        return False
    return True


@pytest.mark.parametrize(("index", "case"), CASES, ids=[c.text[:60] for _, c in CASES])
async def test_client_compiled_filter(client: Any, stored: None, index: int, case: Case) -> None:
    expression = FilterExpression.from_base64(base64.b64encode(to_wire(case.text, *case.params)).decode())
    assert await selected(client, key_for(index, case), expression) is case.expected


@pytest.mark.parametrize(("index", "case"), [(i, c) for i, c in CASES if "?" not in c.text],
                         ids=[c.text[:60] for _, c in CASES if "?" not in c.text])
async def test_server_compiled_ael(client: Any, stored: None, index: int, case: Case) -> None:
    expression = FilterExpression.from_server_compiled_ael(server_text(case))
    assert await selected(client, key_for(index, case), expression) is case.expected


async def test_filtered_write_changes_nothing(client: Any) -> None:
    k = Key("test", "ael_writes", 1)
    await client.put(k, {"age": 10})
    policy = WritePolicy()
    policy.filter_expression = FilterExpression.from_server_compiled_ael("$.age > 20")
    with pytest.raises(ex.FilteredOut):
        await client.put(k, {"age": 99}, policy=policy)
    with pytest.raises(ex.FilteredOut):
        await client.delete(k, policy=policy)
    rec = await client.get(k)
    assert rec.bins == {"age": 10} and rec.generation == 1
    policy.filter_expression = FilterExpression.from_server_compiled_ael("$.age < 20")
    await client.put(k, {"age": 11}, policy=policy)
    assert (await client.get(k)).bins == {"age": 11}


async def test_bad_ael_is_a_parameter_error(client: Any) -> None:
    k = Key("test", "ael_writes", 2)
    await client.put(k, {"age": 10})
    policy = ReadPolicy()
    policy.filter_expression = FilterExpression.from_server_compiled_ael("$.age >")
    with pytest.raises(ex.InvalidRequest, match="Error 4"):
        await client.get(k, policy=policy)
    assert (await client.get(k)).bins == {"age": 10}
