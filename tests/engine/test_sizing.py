"""A namespace's used bytes stay the exact sum of its records' sizes through writes, CDT appends on
large lists, deletes, truncates and a restart, so stop-writes triggers and lifts where it should."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from aerolite.digest import key_digest
from aerolite.engine.clock import TTL_DONT_UPDATE, TTL_NAMESPACE_DEFAULT, TTL_NEVER_EXPIRE
from aerolite.engine.commands import Command, ExistsAction, WritePolicy
from aerolite.engine.engine import Engine
from aerolite.engine.namespace import Namespace, NamespaceConfig
from aerolite.engine.ops import Op, OpKind
from aerolite.engine.sizing import LARGE_RECORD, record_bytes
from aerolite.result_codes import ResultCode


def summed(ns: Namespace) -> int:
    return sum(record_bytes(r) for r in ns.all_records())


def test_used_bytes_follow_every_change(tmp_path: Path) -> None:
    config = NamespaceConfig("t", "file", tmp_path)
    engine = Engine([config])
    ns = engine.namespaces["t"]
    rng = random.Random(5)
    for step in range(3_000):
        digest = key_digest("s", rng.randrange(60))
        choice = rng.random()
        if choice < 0.4:
            ops = [Op(OpKind.WRITE, "b", "x" * rng.randrange(8_000)), Op(OpKind.WRITE, "i", step)]
            engine.execute(Command("t", digest, "s", ops=ops, write=True))
        elif choice < 0.75:  # list appends grow some records past LARGE_RECORD
            append = [1, "y" * rng.randrange(200)]
            engine.execute(Command("t", digest, "s", ops=[Op(OpKind.CDT_MODIFY, "l", append)], write=True))
        elif choice < 0.95:
            engine.execute(Command("t", digest, "s", delete=True))
        elif step < 2_000:
            engine.truncate("t", "s")
        if step % 250 == 0:
            assert ns.used_bytes == summed(ns)
    assert ns.used_bytes == summed(ns) > 0
    assert any(record_bytes(r) >= LARGE_RECORD for r in ns.all_records())
    engine.close()
    reopened = Engine([config])
    assert reopened.namespaces["t"].used_bytes == summed(reopened.namespaces["t"]) == summed(ns)
    reopened.close()


def test_stop_writes_lifts_after_deletes() -> None:
    engine = Engine([NamespaceConfig("t", size_bytes=100_000, stop_writes_used_pct=50)])
    ns = engine.namespaces["t"]
    written = []
    for i in range(100):
        digest = key_digest("s", i)
        reply = engine.execute(Command("t", digest, "s", ops=[Op(OpKind.WRITE, "b", "z" * 1_000)], write=True))
        if reply.code == ResultCode.SERVER_FULL:
            break
        written.append(digest)
    assert 40 <= len(written) <= 50 and ns.used_bytes >= 50_000
    assert engine.execute(Command("t", written[0], "s", ops=[Op(OpKind.READ, "b", None)])).code == ResultCode.OK
    for digest in written[:10]:
        assert engine.execute(Command("t", digest, "s", delete=True)).code == ResultCode.OK
    reply = engine.execute(Command("t", key_digest("s", "new"), "s", ops=[Op(OpKind.WRITE, "b", 1)], write=True))
    assert reply.code == ResultCode.OK


def test_the_never_expiring_count_stays_exact_through_ttl_changes(tmp_path: Path) -> None:
    config = NamespaceConfig("t", "file", tmp_path)
    engine = Engine([config])
    ns = engine.namespaces["t"]
    rng = random.Random(11)
    for step in range(2_000):
        digest = key_digest("s", rng.randrange(50))
        choice = rng.random()
        if choice < 0.7:  # rewrite in place with a TTL, without one, or keeping the record's void time
            ttl = rng.choice([TTL_NEVER_EXPIRE, TTL_DONT_UPDATE, 1000, TTL_NAMESPACE_DEFAULT])
            ops = [Op(OpKind.WRITE, "i", step)]
            engine.execute(Command("t", digest, "s", ops=ops, write=True, policy=WritePolicy(ttl=ttl)))
        elif choice < 0.9:
            engine.execute(Command("t", digest, "s", delete=True))
        elif step < 1_500:
            engine.truncate("t", "s")
        if step % 100 == 0:
            assert ns.non_expirable() == sum(1 for r in ns.all_records() if not r.void_time)
    assert 0 < ns.non_expirable() < len(ns)
    engine.close()
    reopened = Engine([config]).namespaces["t"]
    assert reopened.non_expirable() == sum(1 for r in reopened.all_records() if not r.void_time)


@pytest.mark.parametrize("compact", [False, True], ids=["objects", "compact"])
def test_used_bytes_stay_exact_through_bin_by_bin_updates(compact: bool) -> None:
    """Updates of small records are measured by the bins they touch; the total must still equal a full
    measurement after increments, shrinking and growing values, removed bins, keys added by an update,
    failed ops, replaces, delete-all and records crossing LARGE_RECORD both ways."""
    engine = Engine([NamespaceConfig("t", compact=compact)])
    ns = engine.namespaces["t"]
    rng = random.Random(11)
    replace = WritePolicy(exists=ExistsAction.REPLACE)
    for step in range(4_000):
        n = rng.randrange(40)
        digest = key_digest("s", n)
        key = n if rng.random() < 0.3 else None
        choice = rng.random()
        if choice < 0.2:
            ops = [Op(OpKind.WRITE, "s", "z" * rng.choice([0, 3, 50, 5_000])), Op(OpKind.WRITE, "i", step)]
        elif choice < 0.35:
            ops = [Op(OpKind.INCR, "i", 1), Op(OpKind.INCR, "i", 2)]  # fails (12) where "i" is not an int
        elif choice < 0.5:
            ops = [Op(OpKind.WRITE, "s", None)]  # removes the bin (and the record when it was the last)
        elif choice < 0.6:
            ops = [Op(OpKind.APPEND, "s", "é" * rng.randrange(30))]
        elif choice < 0.7:
            ops = [Op(OpKind.CDT_MODIFY, "l", [1, "y" * rng.randrange(300)])]
        elif choice < 0.75:
            ops = [Op(OpKind.DELETE_ALL, "", None), Op(OpKind.WRITE, "i", 0)]
        elif choice < 0.8:
            ops = [Op(OpKind.TOUCH, "", None)]
        elif choice < 0.85:
            ops = [Op(OpKind.WRITE, "i", "text")]
        else:
            engine.execute(Command("t", digest, "s", ops=[Op(OpKind.WRITE, "r", step)], write=True, key=key,
                                   policy=replace))
            continue
        engine.execute(Command("t", digest, "s", key=key, ops=ops, write=True))
        if step % 200 == 0:
            assert ns.used_bytes == summed(ns)
    assert ns.used_bytes == summed(ns) > 0
    assert any(r.key is not None for r in ns.all_records())
