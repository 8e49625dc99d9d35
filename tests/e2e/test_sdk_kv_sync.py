"""The same key-value verbs and query stream through the blocking face (``aerolite.sync``), read back
with the official client's blocking calls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import aerospike_native as an
import pytest

from aerolite.sync import (
    Cluster,
    ClusterDefinition,
    DataSet,
    ErrorStrategy,
    FilteredOutError,
    GenerationError,
    RecordExistsError,
    RecordNotFoundError,
    RecordStream,
    Session,
)
from tests.conftest import ServerProcess

USERS = DataSet.of("test", "sdk_kv_sync")


@pytest.fixture(scope="module")
def cluster(server: ServerProcess) -> Iterator[Cluster]:
    with ClusterDefinition("127.0.0.1", server.port).connect() as connected:
        yield connected


@pytest.fixture
def session(cluster: Cluster) -> Session:
    cluster.native_client.truncate_blocking(USERS.namespace, USERS.set_name or "")
    return cluster.create_session()


def stored(cluster: Cluster, user_key: int) -> tuple[dict[str, Any], int] | None:
    try:
        record = cluster.native_client.get_blocking(USERS.id(user_key))
    except an.exceptions.RecordNotFound:
        return None
    return dict(record.bins), record.generation


def test_single_key_verbs(cluster: Cluster, session: Session) -> None:
    assert session.upsert(USERS.id(1)).put({"a": 1, "s": "m"}).execute().ok
    with pytest.raises(RecordExistsError):
        session.insert(USERS.id(1)).put({"a": 2}).execute()
    session.update(USERS.id(1)).bin("a").add(2).bin("s").append("n").bin("s").prepend("l").execute()
    assert stored(cluster, 1) == ({"a": 3, "s": "lmn"}, 2)
    assert session.get(USERS.id(1)).select("a").execute().bins == {"a": 3}
    with pytest.raises(GenerationError):
        session.update(USERS.id(1)).put({"a": 0}).ensure_generation_is(1).execute()
    assert session.update(USERS.id(1)).where("$.a > 10").bin("a").set_to(0).execute().code_name == "FILTERED_OUT"
    with pytest.raises(FilteredOutError):
        session.touch(USERS.id(1)).where("$.a > 10").fail_on_filtered_out().execute()
    session.replace(USERS.id(1)).put({"b": 1}).expire_record_after_seconds(300).execute()
    assert stored(cluster, 1) == ({"b": 1}, 3)
    assert session.touch(USERS.id(1)).never_expire().execute().ok
    assert session.exists(USERS.id(1)).execute().ok
    assert session.delete(USERS.id(1)).execute().ok
    assert not session.exists(USERS.id(1)).execute().ok
    assert session.get(USERS.id(1)).execute().record is None
    with pytest.raises(RecordNotFoundError):
        session.update(USERS.id(1)).bin("a").add(1).execute()


def test_batch_verbs(cluster: Cluster, session: Session) -> None:
    keys = USERS.ids(1, 2, 3)
    assert all(r.ok for r in session.insert(keys).put([{"i": i} for i in (1, 2, 3)]).execute())
    assert [r.code_name for r in session.insert(USERS.ids(3, 4)).put({"i": 0}).execute()] == ["KEY_EXISTS", "OK"]
    with pytest.raises(RecordExistsError):
        session.insert(USERS.ids(3, 5)).put({"i": 0}).execute(on_error=ErrorStrategy.RAISE)
    session.update(keys).bin("i").add(10).execute()
    assert [r.bins["i"] for r in session.get(keys).execute()] == [11, 12, 13]
    assert [r.ok for r in session.exists(USERS.ids(1, 9)).execute()] == [True, False]
    assert all(r.ok for r in session.touch(keys).execute())
    assert stored(cluster, 2) == ({"i": 12}, 3)
    session.upsert(keys).put({"j": 1}).execute()
    session.replace(USERS.ids(4)).put({"only": 1}).execute()
    assert stored(cluster, 4) == ({"only": 1}, 2)
    deleted = session.delete(USERS.ids(1, 2, 9)).where("$.i != 12").execute()
    assert [r.code_name for r in deleted] == ["OK", "FILTERED_OUT", "KEY_NOT_FOUND"]


def test_query_stream(session: Session) -> None:
    session.upsert(USERS.ids(range(50))).put([{"i": i, "pad": "x" * 10} for i in range(50)]).execute()
    stream = session.query(USERS).where("$.i >= %s", 40).select("i").execute()
    assert isinstance(stream, RecordStream)
    assert sorted(row.bins["i"] for row in stream) == list(range(40, 50))
    assert len(session.query(USERS).limit(7).execute().collect()) == 7
    with session.query(USERS).execute() as early:
        for n, _ in enumerate(early):
            if n == 3:
                break
    assert len(session.query(USERS).no_bins().execute().collect()) == 50


def test_query_over_keys_streams_the_records_found(session: Session) -> None:
    session.upsert(USERS.ids(1, 2)).put({"n": 7}).execute()
    stream = session.query(USERS.ids(2, 9, 1)).bin("n").get().execute()
    assert isinstance(stream, RecordStream)
    assert [row.bins for row in stream] == [{"n": 7}, {"n": 7}]
    assert session.query(USERS.id(1)).execute().first_or_raise().bins == {"n": 7}
    assert session.query(USERS.id(9)).execute().collect() == []
    assert session.query(USERS.id(9)).execute().first() is None
    with pytest.raises(RecordNotFoundError, match="stream is empty"):
        session.query(USERS.id(9)).execute().first_or_raise()
    assert not session.get(USERS.id(9)).execute().ok
