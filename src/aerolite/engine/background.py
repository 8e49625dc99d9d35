"""Starting background jobs: validation before anything runs, and the per-record action of each kind.

Everything that can be refused is refused here, before the job is registered: an unknown namespace,
read operations in a write job, a bad expression in an operation, a rate above the namespace cap. Per-record
problems later never fail the job; they are counted, and the first few are kept with their reason (``Job.failures``).
"""

from __future__ import annotations

from dataclasses import replace

from aerolite.engine.cdt.exp_ops import ExpProgram
from aerolite.engine.commands import Command, ExistsAction, RecordFilter, Reply, UdfCall, WritePolicy
from aerolite.engine.engine import Engine
from aerolite.engine.jobs import ChunkAction, FailureLog, Job, JobType, Outcome, per_record
from aerolite.engine.namespace import Namespace
from aerolite.engine.ops import WRITE_KINDS, Op
from aerolite.engine.record import Record
from aerolite.engine.scan import chunks, current, scan_set, set_size
from aerolite.result_codes import AerospikeResultError, ResultCode

_OUTCOMES = {
    ResultCode.OK: Outcome.SUCCEEDED,
    ResultCode.FILTERED_OUT: Outcome.FILTERED,
    ResultCode.KEY_NOT_FOUND: Outcome.MISSING,
}


def effective_rps(engine: Engine, namespace: str, requested: int) -> tuple[int, int]:
    """(throttle, reported rate) for a job asking for ``requested`` records/s (0 = as fast as allowed)."""
    cap = engine.namespace(namespace).config.background_query_max_rps
    if requested < 0:
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"records per second must not be negative, got {requested}")
    if cap and requested > cap:
        raise AerospikeResultError(
            ResultCode.PARAMETER_ERROR,
            f"records per second {requested} is above the namespace's background-query-max-rps {cap}",
        )
    throttle = requested or cap
    return throttle, throttle


def reason(code: int) -> str:
    """A result code in words, for a failure that carries no text of its own.

    >>> reason(12)
    'bin type error'
    """
    try:
        return ResultCode(code).name.lower().replace("_", " ")
    except ValueError:
        return f"result code {code}"


def _udf_failure(reply: Reply) -> str:
    """Why a UDF call failed: the text of its ``FAILURE`` answer (the Lua error), else its code's reason."""
    texts = [str(op.value) for op in reply.ops if op.bin_name == "FAILURE" and op.value is not None]
    return texts[0] if texts else reason(reply.code)


def _start(engine: Engine, job_type: JobType, task_id: int, ns: Namespace, set_name: str, action: ChunkAction,
           rps: int, client: str, candidates: list[bytes] | None, failures: FailureLog,
           udf: UdfCall | None = None) -> Job:
    """Register a job running ``action`` on every candidate record (by default, the whole set)."""
    throttle, shown = effective_rps(engine, ns.name, rps)
    source = scan_set(ns, set_name) if candidates is None else chunks(candidates)
    total = set_size(ns, set_name) if candidates is None else len(candidates)
    job = Job(task_id, ns.name, set_name, job_type, source, total, action, rps=throttle, shown_rps=shown,
              client=client, udf_module=udf.module if udf else "", udf_function=udf.function if udf else "",
              failures=failures)
    engine.jobs.register(job)
    return job


def start_udf_job(
    engine: Engine,
    task_id: int,
    namespace: str,
    set_name: str,
    call: UdfCall,
    policy: WritePolicy,
    record_filter: RecordFilter | None,
    rps: int = 0,
    client: str = "",
    candidates: list[bytes] | None = None,
) -> Job:
    """Register a job running a record UDF on every record of a set that passes the filter.

    A failing call counts the record as failed (keeping the first few with their error); the job goes on.
    """
    if not call.module or not call.function:
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, "a UDF job needs a module and a function name")
    ns = engine.namespace(namespace)
    template = Command(namespace, b"", set_name, write=True, policy=policy, filter=record_filter, udf=call)
    failures = FailureLog()

    def run_udf(record: Record) -> Outcome:
        template.digest = record.digest
        reply = engine.execute(template)
        outcome = _OUTCOMES.get(ResultCode(reply.code), Outcome.FAILED)
        if outcome is Outcome.FAILED:
            failures.note(record, reply.code, _udf_failure(reply))
        return outcome

    action = per_record(lambda chunk: current(ns, set_name, chunk), run_udf)
    return _start(engine, JobType.UDF, task_id, ns, set_name, action, rps, client, candidates, failures, call)


def start_ops_job(
    engine: Engine,
    task_id: int,
    namespace: str,
    set_name: str,
    ops: list[Op],
    policy: WritePolicy,
    record_filter: RecordFilter | None,
    rps: int = 0,
    client: str = "",
    candidates: list[bytes] | None = None,
) -> Job:
    """Register a job applying write ``ops`` to every record of a set that passes the filter.

    ``candidates`` (a secondary-index lookup) narrows the records visited; by default the whole set.
    """
    ns = engine.namespace(namespace)
    if not ops:
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, "a background job needs at least one operation")
    reads = [op for op in ops if op.kind not in WRITE_KINDS]
    if reads:
        raise AerospikeResultError(
            ResultCode.PARAMETER_ERROR,
            f"background jobs only write; {reads[0].kind.name} on bin {reads[0].bin_name!r} is a read",
        )
    for op in ops:
        if isinstance(op.value, ExpProgram) and op.value.error is not None:
            raise op.value.error.with_traceback(None)
    # A job never creates records: a node forces UPDATE_ONLY, keeping only a client's REPLACE_ONLY.
    exists = ExistsAction.REPLACE_ONLY if policy.exists == ExistsAction.REPLACE_ONLY else ExistsAction.UPDATE_ONLY
    policy = replace(policy, exists=exists)
    apply_ops = engine.apply_ops
    failures = FailureLog()

    def run_ops(chunk: list[bytes]) -> tuple[int, int, int, int]:
        # Select first (current version, live, of the set, passing the filter), then write what
        # matched: the selection runs as comprehensions, and it is most of a job's records.
        found = current(ns, set_name, chunk)
        matched = found if record_filter is None else [r for r in found if record_filter(r)]
        failed = 0
        for record in matched:
            try:
                code = apply_ops(ns, record.digest, record, record.set_name, None, ops, policy).code
                if code == ResultCode.OK:
                    continue
                failures.note(record, code, reason(code))
            except AerospikeResultError as exc:
                failures.note(record, exc.code, str(exc))
            failed += 1
        return len(found), len(matched) - failed, len(found) - len(matched), failed

    return _start(engine, JobType.OPS, task_id, ns, set_name, run_ops, rps, client, candidates, failures)
