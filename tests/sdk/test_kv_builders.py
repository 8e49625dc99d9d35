"""The key-value and query builders as pure code: which client call each shape plans, with which
policy, and what they refuse — at the call that is wrong."""

from __future__ import annotations

from typing import Any

import aerospike_native as an
import pytest

from aerolite import AelError, Behavior, DataSet, ErrorStrategy, RecordExistsError, RecordResult
from aerolite.sdk.kv import KeyPlan, ReadBuilder, WriteBuilder, WriteKind
from aerolite.sdk.query import QueryBuilder, QueryPlan

USERS = DataSet.of("test", "users")


def plan_of(plan: KeyPlan) -> KeyPlan:
    return plan


def write(kind: WriteKind, keys: Any, sc: bool = False) -> WriteBuilder[KeyPlan]:
    return WriteBuilder(kind, keys, Behavior.DEFAULT, plan_of, lambda namespace: sc)


def read(keys: Any, kind: Any = "get") -> ReadBuilder[KeyPlan]:
    return ReadBuilder(kind, keys, Behavior.DEFAULT, plan_of)


def test_single_put_is_the_fast_path_with_a_shared_policy() -> None:
    plan = write("upsert", USERS.id(1)).put({"a": 1}).execute()
    assert (plan.method, plan.args[1], plan.shape) == ("put", {"a": 1}, "nothing")
    assert plan.kwargs["policy"] is write("upsert", USERS.id(2)).put({"b": 2}).execute().kwargs["policy"]
    assert plan.kwargs["policy"].max_retries == 0
    get = read(USERS.id(1)).execute()
    assert (get.method, get.args[1], get.kwargs["policy"]) == ("get", None, Behavior.DEFAULT.read_policy())


@pytest.mark.parametrize(("kind", "action"), [
    ("upsert", an.RecordExistsAction.UPDATE), ("insert", an.RecordExistsAction.CREATE_ONLY),
    ("update", an.RecordExistsAction.UPDATE_ONLY), ("replace", an.RecordExistsAction.REPLACE),
])
def test_each_write_verb_sends_its_record_exists_action(kind: WriteKind, action: Any) -> None:
    assert write(kind, USERS.id(1)).put({"a": 1}).execute().kwargs["policy"].record_exists_action == action
    batch = write(kind, USERS.ids(1, 2)).put({"a": 1}).execute()
    assert batch.method == "batch_write" and batch.kwargs["write_policy"].record_exists_action == action


def test_options_build_a_fresh_policy_and_ops_go_through_operate() -> None:
    plan = (write("update", USERS.id(1)).put({"a": 1}).bin("n").add(2).expire_record_after_seconds(60)
            .ensure_generation_is(4).where("$.a > 0").execute())
    policy = plan.kwargs["policy"]
    assert plan.method == "operate" and len(plan.args[1]) == 2
    assert (policy.generation, policy.generation_policy) == (4, an.GenerationPolicy.EXPECT_GEN_EQUAL)
    assert policy.expiration == an.Expiration.seconds(60) and policy.filter_expression is not None
    assert policy is not Behavior.DEFAULT.write_policy(an.RecordExistsAction.UPDATE_ONLY)


def test_batch_shapes() -> None:
    keys = USERS.ids(1, 2, 3)
    assert write("upsert", keys).put([{"a": i} for i in range(3)]).execute().args[1] == [{"a": 0}, {"a": 1}, {"a": 2}]
    ops = write("update", keys).put([{"a": i} for i in range(3)]).bin("b").add(1).execute()
    assert ops.method == "batch_operate" and [len(o) for o in ops.args[1]] == [2, 2, 2]
    assert write("delete", keys).execute().method == "batch_delete"
    assert write("touch", keys).execute().method == "batch_operate"
    assert read(keys).execute().method == "batch_read"
    assert read(keys, "exists").execute().args[1] == []


def test_durable_delete_follows_the_namespace_mode_unless_told() -> None:
    assert write("delete", USERS.id(1), sc=True).execute().kwargs["policy"].durable_delete is True
    assert write("delete", USERS.id(1), sc=False).execute().kwargs["policy"].durable_delete is False
    assert write("delete", USERS.id(1), sc=True).without_durable_delete().execute().kwargs["policy"].durable_delete is False


def test_mistakes_are_refused_where_they_are_made() -> None:
    with pytest.raises(TypeError, match=r"users.ids"):
        write("upsert", 7)
    with pytest.raises(ValueError, match="no keys"):
        write("upsert", [])
    with pytest.raises(TypeError, match="update"):
        write("delete", USERS.id(1)).put({"a": 1})
    with pytest.raises(TypeError, match="TTL"):
        write("delete", USERS.id(1)).never_expire()
    with pytest.raises(ValueError, match="one per key"):
        write("upsert", USERS.ids(1, 2)).put([{"a": 1}])
    with pytest.raises(TypeError, match="mapping"):
        write("upsert", USERS.id(1)).put([{"a": 1}])
    with pytest.raises(ValueError, match="at least one bin"):
        write("upsert", USERS.id(1)).put({})
    with pytest.raises(ValueError, match=r"\.put"):
        write("insert", USERS.id(1)).execute()
    with pytest.raises(ValueError, match="already called"):
        write("update", USERS.id(1)).where("$.a > 1").where("$.b > 1")
    with pytest.raises(AelError):
        read(USERS.id(1)).where("$.a >")
    with pytest.raises(TypeError, match="select"):
        read(USERS.id(1), "exists").select("a")
    with pytest.raises(ValueError, match="15 bytes"):
        write("update", USERS.id(1)).bin("a_very_long_bin_name")
    with pytest.raises(TypeError, match="ErrorStrategy"):
        read(USERS.id(1)).execute(on_error="raise")  # type: ignore[arg-type]


def test_error_strategy_decides_what_a_failure_does() -> None:
    plan = write("insert", USERS.id(1)).put({"a": 1}).execute()
    failure = an.exceptions.RecordExistsError("Key already exists", an.ResultCode.KEY_EXISTS_ERROR)
    with pytest.raises(RecordExistsError):
        plan.failed(failure)
    collected = write("insert", USERS.id(1)).put({"a": 1}).execute(on_error=ErrorStrategy.COLLECT).failed(failure)
    assert isinstance(collected, RecordResult) and collected.code_name == "KEY_EXISTS"
    assert read(USERS.id(1)).execute().done(False).ok is True  # a get's answer is the record itself


def test_query_plan_carries_filters_bins_and_limit() -> None:
    plan = (QueryBuilder(USERS, Behavior.DEFAULT, lambda p: p).where("$.age > %s", 20).select("name")
            .limit(5).records_per_second(100).execute())
    assert isinstance(plan, QueryPlan)
    assert plan.limit == 5 and plan.policy.max_records == 5 and plan.policy.records_per_second == 100
    assert plan.policy.filter_expression is not None
    with pytest.raises(ValueError, match="no_bins"):
        QueryBuilder(USERS, Behavior.DEFAULT, lambda p: p).no_bins().select("a")
    with pytest.raises(ValueError, match="limit"):
        QueryBuilder(USERS, Behavior.DEFAULT, lambda p: p).limit(0)
    with pytest.raises(TypeError, match="DataSet"):
        QueryBuilder("users", Behavior.DEFAULT, lambda p: p)  # type: ignore[arg-type]
