"""The background builders as pure code: what each verb records, and what it refuses, where."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import aerospike_native as an
import pytest

from aerolite import AelError, Behavior, DataSet
from aerolite.sdk.background import BackgroundTaskSession, Job, Selection
from aerolite.sdk.verbs import expiration_of

USERS = DataSet.of("test", "users")


class Capture:
    """A runner that hands back what the builders produced instead of sending it."""

    def submit(self, job: Job) -> Job:
        return job

    def count(self, selection: Selection) -> Selection:
        return selection


def tasks() -> BackgroundTaskSession[Job, Selection]:
    return BackgroundTaskSession(Capture())


def test_update_records_ops_in_order_with_update_only_and_no_durable_delete() -> None:
    job = (tasks().update(USERS).bin("a").set_to(1).bin("b").add(2).bin("c").append("x")
           .bin("d").prepend("y").bin("e").remove().add_operation(an.ListOperation.append("l", 3, an.ListPolicy())).execute())
    assert job.kind == "update"
    assert len(job.operations) == 6
    policy = job.write_policy(Behavior.DEFAULT, strong_consistency=True)
    assert policy.record_exists_action == an.RecordExistsAction.UPDATE_ONLY
    assert policy.durable_delete is False
    assert policy.max_retries == 0
    assert policy.expiration == an.Expiration.NAMESPACE_DEFAULT
    assert policy.records_per_second == 0


def test_delete_and_touch_get_their_implicit_op_only_without_others() -> None:
    assert len(tasks().delete(USERS).execute().operations) == 1
    assert len(tasks().touch(USERS).execute().operations) == 1
    plain_write = tasks().delete(USERS).bin("x").set_to(1).execute()
    assert len(plain_write.operations) == 1
    assert plain_write.write_policy(Behavior.DEFAULT, False).record_exists_action != an.RecordExistsAction.UPDATE_ONLY


def test_update_without_ops_fails_at_execute_and_says_what_to_add() -> None:
    builder = tasks().update(USERS).where("$.a > 1")
    with pytest.raises(ValueError, match=r"\.bin\(name\)\.set_to"):
        builder.execute()


@pytest.mark.parametrize(
    ("override", "default", "sc", "expected"),
    [(None, None, False, False), (None, None, True, True), (True, None, False, True),
     (False, None, True, False), (None, True, False, True), (False, True, False, False)],
)
def test_durable_delete_resolution(override: bool | None, default: bool | None, sc: bool, expected: bool) -> None:
    builder = tasks().delete(USERS)
    if default is not None:
        builder = builder.default_with_durable_delete() if default else builder.default_without_durable_delete()
    if override is not None:
        builder = builder.with_durable_delete() if override else builder.without_durable_delete()
    assert builder.execute().write_policy(Behavior.DEFAULT, sc).durable_delete is expected


def test_touch_never_deletes_durably_even_when_asked() -> None:
    job = tasks().touch(USERS).with_durable_delete().execute()
    assert job.write_policy(Behavior.DEFAULT, True).durable_delete is False


def test_where_compiles_ael_on_the_client_with_params() -> None:
    selection = tasks().update(USERS).where("$.age > %s and $.name == %s", 3, "o'hara").count()
    assert isinstance(selection.filter_expression, an.FilterExpression)
    assert selection.count_policy(Behavior.DEFAULT).include_bin_data is False


def test_where_accepts_a_filter_expression_but_no_params_with_it() -> None:
    exp = an.FilterExpression.gt(an.FilterExpression.int_bin("a"), an.FilterExpression.int_val(1))
    assert tasks().touch(USERS).where(exp).count().filter_expression is exp
    with pytest.raises(TypeError, match="AEL text"):
        tasks().touch(USERS).where(exp, 5)
    with pytest.raises(TypeError, match="AEL text or a FilterExpression"):
        tasks().touch(USERS).where(42)


def test_where_twice_is_refused_at_the_second_call() -> None:
    builder = tasks().update(USERS).where("$.a > 1")
    with pytest.raises(ValueError, match="'and'"):
        builder.where("$.b > 1")


def test_bad_ael_raises_at_where_with_position() -> None:
    with pytest.raises(AelError) as info:
        tasks().update(USERS).where("$.a >")
    assert info.value.result_code == 4
    assert (info.value.line, info.value.column) == (1, 6)
    assert isinstance(info.value, ValueError)


def test_index_filter_once_and_not_none() -> None:
    builder = tasks().update(USERS).filter(an.Filter.range("age", 1, 9))
    assert builder.count().statement().filters
    with pytest.raises(ValueError, match="one secondary-index range"):
        builder.filter(an.Filter.range("age", 1, 2))
    with pytest.raises(TypeError, match="omit the call"):
        tasks().update(USERS).filter(None)


@pytest.mark.parametrize("verb", ["fail_on_filtered_out", "respond_all_keys", "include_missing_keys"])
def test_foreground_only_verbs_raise_type_error_on_both_job_kinds(verb: str) -> None:
    with pytest.raises(TypeError, match=r"progress\(\)"):
        getattr(tasks().update(USERS), verb)()
    with pytest.raises(TypeError, match="foreground"):
        getattr(tasks().execute_udf(USERS).function("m", "f"), verb)()


def test_records_per_second_is_sent_only_when_set_and_must_be_non_negative() -> None:
    job = tasks().touch(USERS).records_per_second(250).execute()
    assert job.records_per_second == 250
    assert job.write_policy(Behavior.DEFAULT, False).records_per_second == 250
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match=">= 0"):
            tasks().touch(USERS).records_per_second(bad)  # type: ignore[arg-type]


def ttl_of(job: Job) -> Any:
    return job.write_policy(Behavior.DEFAULT, False).expiration


def test_expiration_verbs_and_last_call_wins() -> None:
    assert ttl_of(tasks().touch(USERS).expire_record_after_seconds(60).execute()) == an.Expiration.seconds(60)
    assert ttl_of(tasks().touch(USERS).expire_record_after(timedelta(minutes=2, seconds=0.9)).execute()) == (
        an.Expiration.seconds(120))
    assert ttl_of(tasks().touch(USERS).never_expire().execute()) == an.Expiration.NEVER_EXPIRE
    assert ttl_of(tasks().touch(USERS).with_no_change_in_expiration().execute()) == an.Expiration.DONT_UPDATE
    assert ttl_of(tasks().touch(USERS).never_expire().expiry_from_server_default().execute()) == (
        an.Expiration.NAMESPACE_DEFAULT)
    assert ttl_of(tasks().touch(USERS).expire_record_after_seconds(-2).execute()) == an.Expiration.DONT_UPDATE
    at = datetime.now(UTC) + timedelta(hours=1)
    assert ttl_of(tasks().touch(USERS).expire_record_at(at).execute()) in (
        an.Expiration.seconds(3600), an.Expiration.seconds(3599), an.Expiration.seconds(3601))


def test_expiration_refusals() -> None:
    with pytest.raises(ValueError, match="never_expire"):
        tasks().touch(USERS).expire_record_after_seconds(-5)
    with pytest.raises(ValueError, match="not in the future"):
        tasks().touch(USERS).expire_record_at(datetime.now() - timedelta(seconds=1))
    with pytest.raises(TypeError, match="timedelta"):
        tasks().touch(USERS).expire_record_after(60)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="int"):
        tasks().touch(USERS).expire_record_after_seconds(1.5)  # type: ignore[arg-type]
    assert expiration_of(0) == an.Expiration.NAMESPACE_DEFAULT


def test_bin_verbs_refuse_wrong_values_at_the_call() -> None:
    update = tasks().update(USERS)
    with pytest.raises(ValueError, match=r"remove\(\)"):
        update.bin("a").set_to(None)
    with pytest.raises(TypeError, match="int or float"):
        update.bin("a").add("1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="str"):
        update.bin("a").append(1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="15 bytes"):
        update.bin("a" * 16)
    with pytest.raises(ValueError, match="non-empty"):
        update.bin("")


def test_add_operation_refuses_reads_and_non_operations() -> None:
    with pytest.raises(ValueError, match="foreground query"):
        tasks().update(USERS).add_operation(an.Operation.get_bin("a"))
    with pytest.raises(TypeError, match="client operation"):
        tasks().update(USERS).add_operation("put a=1")


def test_udf_job_records_function_and_args() -> None:
    job = tasks().execute_udf(USERS).function("scoring.lua", "bump").passing(1, "x").passing("y").execute()
    assert job.udf == ("scoring", "bump", ("y",))
    assert job.operations == ()
    policy = job.write_policy(Behavior.DEFAULT, strong_consistency=True)
    assert policy.durable_delete is True
    assert policy.record_exists_action != an.RecordExistsAction.UPDATE_ONLY


@pytest.mark.parametrize(("package", "function"), [("", "f"), ("m", ""), (None, "f")])
def test_udf_function_rejects_empty_names(package: Any, function: str) -> None:
    with pytest.raises(ValueError, match="function"):
        tasks().execute_udf(USERS).function(package, function)


def test_dataset_rules() -> None:
    assert DataSet.of("test").statement().set_name is None
    with pytest.raises(ValueError, match="namespace"):
        DataSet.of("")
    with pytest.raises(ValueError, match="None"):
        DataSet.of("test", "")
    with pytest.raises(TypeError, match=r"DataSet\.of"):
        tasks().update("test.users")  # type: ignore[arg-type]


def test_builders_chain_by_returning_themselves() -> None:
    builder = tasks().update(USERS)
    assert builder.where("$.a > 1").records_per_second(1).never_expire().with_durable_delete() is builder
    assert builder.bin("a").add(1) is builder
