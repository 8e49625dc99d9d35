"""Starting background jobs: validation before anything runs, and the per-record action of each kind.

Everything that can be refused is refused here, before the job is registered: an unknown namespace,
read operations in a write job, a rate above the namespace cap. Per-record problems later never fail
the job; they are counted.
"""

from __future__ import annotations

from dataclasses import replace

from aerolite.engine.clock import now_since_2010
from aerolite.engine.commands import Command, ExistsAction, RecordFilter, UdfCall, WritePolicy
from aerolite.engine.engine import Engine
from aerolite.engine.jobs import Job, JobType, Outcome, RecordAction
from aerolite.engine.namespace import Namespace
from aerolite.engine.ops import WRITE_KINDS, Op
from aerolite.engine.record import Record
from aerolite.engine.scan import records_of, scan, set_size
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


def _start(engine: Engine, job_type: JobType, task_id: int, ns: Namespace, set_name: str, action: RecordAction,
           rps: int, client: str, candidates: list[bytes] | None, udf: UdfCall | None = None) -> Job:
    """Register a job running ``action`` on every candidate record (by default, the whole set)."""
    throttle, shown = effective_rps(engine, ns.name, rps)
    source = scan(ns, set_name) if candidates is None else records_of(ns, candidates)
    total = set_size(ns, set_name) if candidates is None else len(candidates)
    job = Job(task_id, ns.name, set_name, job_type, source, total, action, rps=throttle, shown_rps=shown,
              client=client, udf_module=udf.module if udf else "", udf_function=udf.function if udf else "")
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

    A failing call counts the record as failed; the job goes on.
    """
    if not call.module or not call.function:
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, "a UDF job needs a module and a function name")
    ns = engine.namespace(namespace)
    template = Command(namespace, b"", set_name, write=True, policy=policy, filter=record_filter, udf=call)

    def run_udf(record: Record) -> Outcome:
        template.digest = record.digest
        return _OUTCOMES.get(ResultCode(engine.execute(template).code), Outcome.FAILED)

    return _start(engine, JobType.UDF, task_id, ns, set_name, run_udf, rps, client, candidates, call)


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
    # A job never creates records: a node forces UPDATE_ONLY, keeping only a client's REPLACE_ONLY.
    exists = ExistsAction.REPLACE_ONLY if policy.exists == ExistsAction.REPLACE_ONLY else ExistsAction.UPDATE_ONLY
    policy = replace(policy, exists=exists)
    apply_ops = engine.apply_ops
    clock = now_since_2010

    def run_ops(record: Record) -> Outcome:
        # The record comes straight from the scan: expiry, filter, then the write, with no second lookup.
        if record.void_time and record.void_time <= clock():
            return Outcome.MISSING
        if record_filter is not None and not record_filter(record):
            return Outcome.FILTERED
        try:
            reply = apply_ops(ns, record.digest, record, record.set_name, None, ops, policy)
        except AerospikeResultError:
            return Outcome.FAILED
        return Outcome.SUCCEEDED if reply.code == ResultCode.OK else Outcome.FAILED

    return _start(engine, JobType.OPS, task_id, ns, set_name, run_ops, rps, client, candidates)
