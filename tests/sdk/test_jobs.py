"""Parsing and merging job-table replies (formats as recorded from a real node)."""

from __future__ import annotations

import pytest

from aerolite import InvalidRequestError, RecordNotFoundError
from aerolite.sdk.jobs import abort_outcome, merge_nodes, namespace_rps_cap, parse_job_line, parse_job_list

OPS = ("trid=15389831853815856180:ns=test:set=users:rps=100:active-threads=1:status=active(ok):"
       "job-progress=42.50:run-time=2000:time-since-done=0:recs-throttled=425:recs-filtered-meta=5:"
       "recs-filtered-bins=20:recs-succeeded=390:recs-failed=10:from=127.0.0.1+58540:"
       "job-type=background-ops:net-io-bytes=30:socket-timeout=10000:ops-active=1")
UDF_DONE = ("trid=9:ns=test:set=:rps=10000:active-threads=0:status=done(user-aborted):job-progress=100.00:"
            "run-time=10:time-since-done=3:recs-throttled=5:recs-filtered-meta=0:recs-filtered-bins=0:"
            "recs-succeeded=4:recs-failed=1:from=127.0.0.1+1:job-type=background-udf:net-io-bytes=30:"
            "socket-timeout=10000:udf-filename=gold_udf:udf-function=bump:udf-active=0")


def test_background_ops_line() -> None:
    p = parse_job_line(OPS)
    assert p.task_id == 15389831853815856180
    assert (p.namespace, p.set_name, p.job_type) == ("test", "users", "background-ops")
    assert (p.status, p.result, p.done, p.aborted) == ("active", "ok", False, False)
    assert (p.scanned, p.written, p.failed, p.filtered_out) == (425, 390, 10, 25)
    assert p.scanned == p.written + p.failed + p.filtered_out
    assert p.percent == 42.5
    assert p.rate == pytest.approx(212.5)
    assert p.rps_limit == 100


def test_aborted_udf_line_and_listing() -> None:
    jobs = parse_job_list(f"{OPS};{UDF_DONE};")
    assert [j.task_id for j in jobs] == [15389831853815856180, 9]
    assert jobs[1].done and jobs[1].aborted and jobs[1].set_name == ""
    assert parse_job_list("") == []


def test_merge_sums_counters_and_stays_active_while_any_node_is() -> None:
    done_copy = OPS.replace("status=active(ok)", "status=done(ok)").replace("job-progress=42.50", "job-progress=100.00")
    [job] = merge_nodes([OPS, done_copy, "ERROR:2:job not found"])
    assert job.status == "active"
    assert job.scanned == 850 and job.written == 780
    assert job.percent == pytest.approx(71.25)
    assert merge_nodes(["ERROR:2:job not found"]) == []


def test_other_errors_raise_their_family() -> None:
    with pytest.raises(InvalidRequestError, match="bad id"):
        merge_nodes(["ERROR:4:bad id"])
    with pytest.raises(InvalidRequestError):
        abort_outcome("ERROR:4:nope")


def test_abort_outcome() -> None:
    assert abort_outcome("ok") is True
    assert abort_outcome("ERROR:2:id not active") is False


def test_namespace_cap() -> None:
    assert namespace_rps_cap("objects=3;background-query-max-rps=10000;default-ttl=0") == 10000
    assert namespace_rps_cap("objects=3;background-query-max-rps=0") == 0
    assert namespace_rps_cap("objects=3") == 0
    with pytest.raises(RecordNotFoundError):
        namespace_rps_cap("ERROR:2:no such namespace")
