"""The sans-IO flows, driven by hand: which calls they ask for and what they make of the answers."""

from __future__ import annotations

import time
from typing import Any

import aerospike_native as an
import pytest

from aerolite import Behavior, ConnectionError, DataSet, InvalidRequestError, JobNotFoundError, TaskStatus
from aerolite import TimeoutError as SdkTimeout
from aerolite.sdk import flows
from aerolite.sdk.background import Job, Selection

OPS_DONE = ("trid=7:ns=test:set=u:rps=0:active-threads=0:status=done(ok):job-progress=100.00:run-time=5:"
            "recs-throttled=3:recs-filtered-meta=0:recs-filtered-bins=1:recs-succeeded=2:recs-failed=0:"
            "job-type=background-ops")


class ApClient:
    """Stands in for the client object only where flows call it directly (no I/O there)."""

    def is_strong_consistency(self, namespace: str) -> bool:
        return False


def per_node(command: str, *values: str) -> dict[str, dict[str, str]]:
    return {f"node{i}": {command: value} for i, value in enumerate(values)}


def test_submit_checks_rps_against_every_node_before_sending() -> None:
    job = Job(kind="touch", selection=Selection(DataSet.of("test", "u")), operations=(an.Operation.touch(),),
              records_per_second=5000)
    flow = flows.submit(ApClient(), Behavior.DEFAULT, job)
    step = next(flow)
    assert isinstance(step, flows.Call) and step.args == ("namespace/test",)
    with pytest.raises(InvalidRequestError, match="at most 1000"):
        flow.send(per_node("namespace/test", "background-query-max-rps=0", "background-query-max-rps=1000"))


def test_submit_sends_query_operate_with_the_policy() -> None:
    job = Job(kind="update", selection=Selection(DataSet.of("test", "u")), operations=(an.Operation.add("a", 1),),
              records_per_second=10)
    flow = flows.submit(ApClient(), Behavior.DEFAULT, job)
    next(flow)
    step = flow.send(per_node("namespace/test", "background-query-max-rps=0"))
    assert isinstance(step, flows.Call) and step.method == "query_operate"
    assert step.kwargs["write_policy"].records_per_second == 10
    with pytest.raises(StopIteration) as done:
        flow.send("native task")
    assert done.value.value == "native task"


def test_submit_udf_job() -> None:
    job = Job(kind="udf", selection=Selection(DataSet.of("test")), udf=("m", "f", (1, "x")))
    step = next(flows.submit(ApClient(), Behavior.DEFAULT, job))
    assert isinstance(step, flows.Call) and step.method == "query_execute_udf"
    assert step.args[1:] == ("m", "f", [1, "x"])


def test_progress_and_not_found() -> None:
    flow = flows.progress(None, 7)
    step = next(flow)
    assert isinstance(step, flows.Call) and step.method == "info_on_all_nodes"
    assert step.args == ("query-show:id=7",)
    with pytest.raises(StopIteration) as done:
        flow.send(per_node("query-show:id=7", OPS_DONE))
    assert done.value.value.written == 2
    missing = flows.progress(None, 8)
    next(missing)
    with pytest.raises(JobNotFoundError, match="query-max-done"):
        missing.send(per_node("query-show:id=8", "ERROR:2:job not found"))


def test_no_node_answering_is_a_connection_error_not_an_empty_cluster() -> None:
    for flow in (flows.list_jobs(None), flows.namespaces(None), flows.failures(None, 7)):
        next(flow)
        with pytest.raises(ConnectionError, match=r"SERVER_NOT_AVAILABLE .* is it running and reachable"):
            flow.send({})


def test_wait_polls_sleeps_and_times_out() -> None:
    flow = flows.wait("task", "job 1", 0.01, 0.05)
    calls: list[Any] = []
    result: Any = None
    with pytest.raises(SdkTimeout, match="abort"):
        while True:
            step = flow.send(result)
            calls.append(step)
            result = an.TaskStatus.IN_PROGRESS if isinstance(step, flows.Call) else None
            if isinstance(step, flows.Sleep):
                time.sleep(step.seconds)
    assert any(isinstance(s, flows.Sleep) for s in calls)


def test_wait_ends_on_complete_or_not_found() -> None:
    for final in (an.TaskStatus.COMPLETE, an.TaskStatus.NOT_FOUND):
        flow = flows.wait("task", "job 1", 0.01, None)
        next(flow)
        with pytest.raises(StopIteration) as done:
            flow.send(final)
        assert done.value.value is True
    with pytest.raises(ValueError, match="sleep_time"):
        next(flows.wait("task", "job", 0, None))
    assert TaskStatus.of_native(an.TaskStatus.NOT_FOUND) is TaskStatus.NOT_FOUND


def test_abort_reports_whether_anything_was_running() -> None:
    flow = flows.abort(None, 7)
    next(flow)
    with pytest.raises(StopIteration) as done:
        flow.send(per_node("query-abort:id=7", "ERROR:2:id not active", "ok"))
    assert done.value.value is True


def test_list_jobs_leaves_out_foreground_queries() -> None:
    flow = flows.list_jobs(None)
    next(flow)
    basic = OPS_DONE.replace("trid=7", "trid=8").replace("background-ops", "basic")
    with pytest.raises(StopIteration) as done:
        flow.send(per_node("query-show", f"{OPS_DONE};{basic}"))
    assert [j.task_id for j in done.value.value] == [7]


def test_count_asks_for_keys_only_then_drains() -> None:
    flow = flows.count(None, Behavior.DEFAULT, Selection(DataSet.of("test", "u")))
    step = next(flow)
    assert isinstance(step, flows.Call) and step.kwargs["policy"].include_bin_data is False
    assert isinstance(flow.send("records"), flows.Drain)
    with pytest.raises(StopIteration) as done:
        flow.send(12)
    assert done.value.value == 12
