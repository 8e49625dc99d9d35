"""Single-record commands through the official client against a real aerolite server process."""

from __future__ import annotations

import time
from typing import Any

import aerospike_native as an
import pytest
from aerospike_native import Expiration, GenerationPolicy, Key, Operation, RecordExistsAction, WritePolicy
from aerospike_native import exceptions as ex

pytestmark = pytest.mark.cluster_too

SET = "kv"


def key(name: str | int) -> Key:
    return Key("test", SET, name)


async def fresh(client: Any, name: str | int, bins: dict[str, Any] | None = None) -> Key:
    k = key(name)
    await client.delete(k)
    if bins is not None:
        await client.put(k, bins)
    return k


def policy(**kw: Any) -> WritePolicy:
    p = WritePolicy()
    for name, value in kw.items():
        setattr(p, name, value)
    return p


PARTICLES = {
    "int": 7,
    "neg": -42,
    "big": 2**63 - 1,
    "float": 3.25,
    "str": "héllo",
    "empty": "",
    "blob": b"\x00\x01\xff",
    "bool": True,
    "list": [1, "a", 2.5, b"\x02", [True, None], {"x": 1}],
    "map": {"b": 2, "a": [1, 2], 3: "three"},
}


async def test_every_particle_type_round_trips(client: Any) -> None:
    k = await fresh(client, "particles", PARTICLES)
    rec = await client.get(k)
    assert rec.generation == 1
    assert rec.bins["int"] == 7 and rec.bins["neg"] == -42 and rec.bins["big"] == 2**63 - 1
    assert rec.bins["float"] == 3.25 and rec.bins["str"] == "héllo" and rec.bins["empty"] == ""
    assert bytes(rec.bins["blob"]) == b"\x00\x01\xff"
    assert rec.bins["bool"] is True
    assert list(rec.bins) == list(PARTICLES)
    assert len(rec.bins["list"]) == 6
    assert set(rec.bins["map"].keys()) >= {"a", "b"}


async def test_geojson_round_trips(client: Any) -> None:
    point = an.GeoJSON('{"type":"Point","coordinates":[-122.0,37.5]}')
    k = await fresh(client, "geo", {"g": point})
    rec = await client.get(k)
    assert "Point" in str(rec.bins["g"])


async def test_put_none_deletes_the_bin(client: Any) -> None:
    k = await fresh(client, "delbin", {"a": 1, "b": 2, "c": 3})
    await client.put(k, {"a": None})
    rec = await client.get(k)
    assert rec.bins == {"c": 3, "b": 2}
    assert rec.generation == 2


async def test_get_selected_bins_and_header(client: Any) -> None:
    k = await fresh(client, "select", {"a": 1, "b": "x", "c": 2.0})
    rec = await client.get(k, ["a", "c", "missing"])
    assert rec.bins == {"a": 1, "c": 2.0}
    header = await client.operate(k, [Operation.get_header()])
    assert header.generation == 1 and not header.bins


async def test_missing_record(client: Any) -> None:
    k = await fresh(client, "missing")
    with pytest.raises(ex.RecordNotFound):
        await client.get(k)
    assert await client.exists(k) is False
    assert await client.delete(k) is False
    with pytest.raises(ex.RecordNotFound):
        await client.touch(k)


async def test_exists_and_delete(client: Any) -> None:
    k = await fresh(client, "exists", {"a": 1})
    assert await client.exists(k) is True
    assert await client.delete(k) is True
    assert await client.exists(k) is False


async def test_generation_counts_writes_and_touches(client: Any) -> None:
    k = await fresh(client, "gen", {"a": 1})
    await client.put(k, {"a": 2})
    await client.touch(k)
    rec = await client.get(k)
    assert rec.generation == 3 and rec.bins == {"a": 2}


@pytest.mark.parametrize(
    ("action", "exists", "expected_error", "expected_bins"),
    [
        (RecordExistsAction.UPDATE, True, None, {"a": 1, "b": 2}),
        (RecordExistsAction.UPDATE, False, None, {"b": 2}),
        (RecordExistsAction.UPDATE_ONLY, True, None, {"a": 1, "b": 2}),
        (RecordExistsAction.UPDATE_ONLY, False, ex.RecordNotFound, None),
        (RecordExistsAction.REPLACE, True, None, {"b": 2}),
        (RecordExistsAction.REPLACE, False, None, {"b": 2}),
        (RecordExistsAction.REPLACE_ONLY, True, None, {"b": 2}),
        (RecordExistsAction.REPLACE_ONLY, False, ex.RecordNotFound, None),
        (RecordExistsAction.CREATE_ONLY, True, ex.RecordExistsError, {"a": 1}),
        (RecordExistsAction.CREATE_ONLY, False, None, {"b": 2}),
    ],
)
async def test_record_exists_actions(
    client: Any, action: Any, exists: bool, expected_error: type[Exception] | None, expected_bins: dict[str, int] | None
) -> None:
    k = await fresh(client, f"rea-{action}-{exists}", {"a": 1} if exists else None)
    if expected_error is None:
        await client.put(k, {"b": 2}, policy=policy(record_exists_action=action))
    else:
        with pytest.raises(expected_error):
            await client.put(k, {"b": 2}, policy=policy(record_exists_action=action))
    if expected_bins is None:
        assert await client.exists(k) is False
    else:
        assert (await client.get(k)).bins == expected_bins


async def test_generation_policies(client: Any) -> None:
    k = await fresh(client, "genpol", {"a": 1})
    await client.put(k, {"a": 2})
    with pytest.raises(ex.GenerationError):
        await client.put(k, {"a": 3}, policy=policy(generation_policy=GenerationPolicy.EXPECT_GEN_EQUAL, generation=1))
    await client.put(k, {"a": 4}, policy=policy(generation_policy=GenerationPolicy.EXPECT_GEN_EQUAL, generation=2))
    with pytest.raises(ex.GenerationError):
        await client.put(k, {"a": 5}, policy=policy(generation_policy=GenerationPolicy.EXPECT_GEN_GREATER, generation=3))
    await client.put(k, {"a": 6}, policy=policy(generation_policy=GenerationPolicy.EXPECT_GEN_GREATER, generation=10))
    rec = await client.get(k)
    assert rec.bins == {"a": 6} and rec.generation == 4
    with pytest.raises(ex.GenerationError):
        await client.delete(k, policy=policy(generation_policy=GenerationPolicy.EXPECT_GEN_EQUAL, generation=1))
    assert await client.exists(k) is True


async def test_expiration_variants(client: Any) -> None:
    k = await fresh(client, "ttl", {"a": 1})
    assert (await client.get(k)).ttl is None
    await client.put(k, {"a": 2}, policy=policy(expiration=Expiration.seconds(3600)))
    ttl = (await client.get(k)).ttl
    assert 3590 <= ttl <= 3600
    await client.put(k, {"a": 3}, policy=policy(expiration=Expiration.DONT_UPDATE))
    assert 3590 <= (await client.get(k)).ttl <= 3600
    await client.put(k, {"a": 4}, policy=policy(expiration=Expiration.NEVER_EXPIRE))
    assert (await client.get(k)).ttl is None
    await client.put(k, {"a": 5}, policy=policy(expiration=Expiration.seconds(100)))
    await client.put(k, {"a": 6}, policy=policy(expiration=Expiration.NAMESPACE_DEFAULT))
    assert (await client.get(k)).ttl is None
    await client.touch(k, policy=policy(expiration=Expiration.seconds(500)))
    assert 490 <= (await client.get(k)).ttl <= 500


async def test_records_expire(client: Any) -> None:
    k = await fresh(client, "expire", {"a": 1})
    await client.put(k, {"a": 1}, policy=policy(expiration=Expiration.seconds(1)))
    assert await client.exists(k) is True
    deadline = time.monotonic() + 5
    while await client.exists(k) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert await client.exists(k) is False


async def test_operate_scalar_ops_respond_per_op(client: Any) -> None:
    k = await fresh(client, "operate", {"i": 42, "s": "mid"})
    rec = await client.operate(k, [
        Operation.add("i", 8),
        Operation.append("s", "-end"),
        Operation.prepend("s", "start-"),
        Operation.put("n", 1.5),
        Operation.get_bin("i"),
        Operation.get_bin("s"),
    ])
    assert rec.bins["i"] == [None, 50]
    assert rec.bins["s"] == [None, None, "start-mid-end"]
    assert rec.generation == 2
    rec = await client.operate(k, [Operation.add("i", 1), Operation.get()])
    assert rec.bins == {"i": 51, "s": "start-mid-end", "n": 1.5}


async def test_operate_touch_and_delete(client: Any) -> None:
    k = await fresh(client, "optouch", {"a": 1})
    rec = await client.operate(k, [Operation.touch(), Operation.get_header()])
    assert rec.generation == 2
    await client.operate(k, [Operation.delete()])
    assert await client.exists(k) is False


@pytest.mark.parametrize(
    ("initial", "op"),
    [
        ("text", Operation.add("a", 1)),
        (5, Operation.append("a", "x")),
        (5, Operation.add("a", 1.5)),
        (2.5, Operation.add("a", 1)),
    ],
)
async def test_bin_type_errors_change_nothing(client: Any, initial: Any, op: Any) -> None:
    k = await fresh(client, f"type-{initial}-{op}", {"a": initial})
    with pytest.raises(ex.BinTypeError):
        await client.operate(k, [op])
    rec = await client.get(k)
    assert rec.bins == {"a": initial} and rec.generation == 1


async def test_user_key_is_stored_when_sent(client: Any) -> None:
    k = await fresh(client, "sendkey")
    await client.put(k, {"a": 1}, policy=policy(send_key=True))
    assert (await client.get(k)).bins == {"a": 1}


async def test_unknown_namespace(client: Any) -> None:
    with pytest.raises(ex.InvalidNamespaceError):
        await client.put(Key("nope", SET, "x"), {"a": 1})


async def test_integer_and_blob_keys(client: Any) -> None:
    for user_key in (7, b"\x01\x02"):
        k = Key("test", SET, user_key)
        await client.put(k, {"v": 1})
        assert (await client.get(k)).bins == {"v": 1}
        assert await client.delete(k) is True


async def test_truncate_set(client: Any) -> None:
    for i in range(5):
        await client.put(Key("test", "trunc", i), {"i": i})
    await client.put(Key("test", "keep", 1), {"i": 1})
    await client.truncate("test", "trunc")
    for i in range(5):
        assert await client.exists(Key("test", "trunc", i)) is False
    assert await client.exists(Key("test", "keep", 1)) is True
    written_after = Key("test", "trunc", 99)
    await client.put(written_after, {"i": 99})
    assert await client.exists(written_after) is True


async def test_other_namespace_is_separate(client: Any) -> None:
    k_test, k_bar = Key("test", SET, "ns"), Key("bar", SET, "ns")
    await client.put(k_test, {"a": "test"})
    await client.put(k_bar, {"a": "bar"})
    assert (await client.get(k_test)).bins == {"a": "test"}
    assert (await client.get(k_bar)).bins == {"a": "bar"}


def test_blocking_api(blocking_client: Any) -> None:
    k = key("blocking")
    blocking_client.delete_blocking(k)
    blocking_client.put_blocking(k, {"a": 1, "s": "x"})
    assert blocking_client.get_blocking(k).bins == {"a": 1, "s": "x"}
    rec = blocking_client.operate_blocking(k, [Operation.add("a", 2), Operation.get_bin("a")])
    assert rec.bins["a"] == [None, 3]
    assert blocking_client.exists_blocking(k) is True
    assert blocking_client.delete_blocking(k) is True
    with pytest.raises(ex.RecordNotFound):
        blocking_client.get_blocking(k)
