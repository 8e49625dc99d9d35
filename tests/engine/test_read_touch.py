"""Read-touch on the engine: which reads extend a record's TTL, by how much, and what they answer."""

from __future__ import annotations

import pytest

from aerolite.digest import key_digest
from aerolite.engine.clock import now_since_2010
from aerolite.engine.commands import Command
from aerolite.engine.engine import Engine
from aerolite.engine.namespace import NamespaceConfig
from aerolite.engine.record import CITRUSLEAF_EPOCH, Record
from aerolite.engine.sizing import record_bytes
from aerolite.result_codes import ResultCode

DIGEST = key_digest("s", 1)


def engine_with(age: int, ttl: int, default_pct: int = 0) -> tuple[Engine, Record]:
    """A record written ``age`` seconds ago with ``ttl`` (0: never expires)."""
    engine = Engine([NamespaceConfig("t", default_read_touch_ttl_pct=default_pct)])
    written = now_since_2010() - age
    record = Record(DIGEST, "s", 1, {"a": 1}, 3, written + ttl if ttl else 0, (written + CITRUSLEAF_EPOCH) * 10**9)
    engine.namespaces["t"].store(record, record_bytes(record), size=record_bytes(record))
    return engine, record


def read(engine: Engine, pct: int) -> tuple[int, int, int]:
    reply = engine.execute(Command("t", DIGEST, read_all=True, read_touch_pct=pct))
    return reply.code, reply.generation, reply.void_time


@pytest.mark.parametrize(("age", "pct", "touched"), [
    (90, 80, True),     # 10 s left of 100: inside the last 80 %
    (90, 10, True),     # exactly at the last 10 %
    (50, 10, False),    # 50 s left: not yet
    (90, 0xFFFFFFFF, False),  # never
    (90, 0, False),     # the namespace default, 0: off
])
def test_which_reads_touch(age: int, pct: int, touched: bool) -> None:
    engine, record = engine_with(age, 100)
    before = record.void_time
    code, generation, void_time = read(engine, pct)
    assert (code, generation, void_time) == (ResultCode.OK, 3, before)  # the read answers the record as it was
    stored = engine.namespaces["t"].get(DIGEST)
    assert stored is not None
    assert stored.generation == 3
    assert stored.void_time == (now_since_2010() + 100 if touched else before)


def test_namespace_default_and_records_without_expiry() -> None:
    engine, record = engine_with(90, 100, default_pct=50)
    read(engine, 0)
    assert record.void_time == now_since_2010() + 100
    engine, record = engine_with(90, 0)
    assert read(engine, 100) == (ResultCode.OK, 3, 0) and record.void_time == 0


def test_percentage_above_100_is_a_parameter_error() -> None:
    engine, _ = engine_with(90, 100)
    assert read(engine, 101)[0] == ResultCode.PARAMETER_ERROR
    engine, _ = engine_with(90, 0)
    assert read(engine, 101)[0] == ResultCode.OK
