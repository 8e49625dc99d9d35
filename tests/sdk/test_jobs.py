"""Parsing and merging job-table replies (formats as recorded from a real node)."""

from __future__ import annotations

import pytest

from aerolite import InvalidRequestError, JobFailure, JobNotFoundError, RecordNotFoundError, ServerError
from aerolite.engine.jobs import FailureSample
from aerolite.sdk.jobs import (
    abort_outcome,
    merge_failures,
    merge_nodes,
    namespace_rps_cap,
    parse_job_line,
    parse_job_list,
)

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
    assert (jobs[1].udf_module, jobs[1].udf_function, jobs[0].udf_module) == ("gold_udf", "bump", "")
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


def test_eta_is_the_records_left_at_the_rate_so_far() -> None:
    p = parse_job_line(OPS)  # 425 records in 2 s at 42.5 %: 575 left at 212.5 records/s
    assert p.eta == pytest.approx(575 / 212.5)
    assert parse_job_line(UDF_DONE).eta == 0.0
    just_started = OPS.replace("run-time=2000", "run-time=0")
    assert parse_job_line(just_started).eta is None
    nothing_yet = OPS.replace("job-progress=42.50", "job-progress=0.00")
    assert parse_job_line(nothing_yet).eta is None


SAMPLES = [
    FailureSample(bytes(range(20)), 42, 100, "/opt/aerolite/udf/lua/m.lua:3: bad; record: i=3"),
    FailureSample(b"\xff" * 20, "user:7", 12, "append of a str on bin 'n' holding a int"),
    FailureSample(b"\x01" * 20, b"\x00k", 13, "record too big"),
    FailureSample(b"\x02" * 20, None, 4, "ünïcode\nmessage"),
]


def test_failure_samples_survive_the_info_text() -> None:
    reply = ";".join(sample.info_item() for sample in SAMPLES)
    failures = merge_failures(1, [reply])
    assert failures.kept and failures.note == ""
    assert [(f.digest, f.key, f.result_code, f.message) for f in failures] == [
        (s.digest, s.key, s.code, s.message) for s in SAMPLES
    ]
    assert [f.code_name for f in failures] == ["UDF_BAD_RESPONSE", "BIN_TYPE_ERROR", "RECORD_TOO_BIG",
                                               "PARAMETER_ERROR"]
    assert failures[0] == JobFailure(bytes(range(20)), 42, 100, SAMPLES[0].message)
    assert failures[1:3] == tuple(failures)[1:3]


def test_nodes_add_their_samples_and_a_node_without_the_job_adds_none() -> None:
    one, two = SAMPLES[0].info_item(), SAMPLES[1].info_item()
    failures = merge_failures(1, [one, "ERROR:2:job not found", two, ""])
    assert [f.key for f in failures] == [42, "user:7"]
    assert merge_failures(1, [""]).kept and len(merge_failures(1, [""])) == 0


def test_a_node_that_keeps_no_samples_answers_empty_with_a_note() -> None:
    failures = merge_failures(1, ["ERROR:4:unrecognized command"])
    assert (list(failures), failures.kept) == ([], False)
    assert "keep no failure samples" in failures.note


def test_failure_samples_of_an_unknown_job_or_a_garbled_reply_raise() -> None:
    with pytest.raises(JobNotFoundError, match="no node knows job 5"):
        merge_failures(5, ["ERROR:2:job not found", "ERROR:4:unrecognized command"])
    with pytest.raises(ServerError, match="bad base64"):
        merge_failures(5, ["digest=00:result-code=1:key-type=str:key=@@@:message="])
    with pytest.raises(ServerError, match="unreadable failure samples"):
        merge_failures(5, ["digest=zz:result-code=1:key-type=none:key=:message="])
