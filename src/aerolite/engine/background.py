"""Starting background jobs: validation before anything runs, and the per-record action of each kind.

Everything that can be refused is refused here, before the job is registered: an unknown namespace,
read operations in a write job, a rate above the namespace cap. Per-record problems later never fail
the job; they are counted.
"""

from __future__ import annotations

from dataclasses import replace

from aerolite.engine.commands import Command, ExistsAction, RecordFilter, UdfCall, WritePolicy
from aerolite.engine.engine import Engine
from aerolite.engine.jobs import Job, JobType, Outcome
from aerolite.engine.ops import WRITE_KINDS, Op
from aerolite.engine.scan import scan, set_size
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


def _start(engine: Engine, job_type: JobType, task_id: int, namespace: str, set_name: str, template: Command,
           rps: int, client: str, candidates: list[bytes] | None) -> Job:
    """Register a job running ``template`` (a keyed command without its digest) on every candidate."""
    ns = engine.namespace(namespace)
    throttle, shown = effective_rps(engine, namespace, rps)

    def apply(digest: bytes) -> Outcome:
        template.digest = digest
        reply = engine.execute(template)
        return _OUTCOMES.get(ResultCode(reply.code), Outcome.FAILED)

    source = scan(ns, set_name) if candidates is None else iter(candidates)
    total = set_size(ns, set_name) if candidates is None else len(candidates)
    udf = template.udf
    job = Job(task_id, ns.name, set_name, job_type, source, total, apply, rps=throttle, shown_rps=shown, client=client,
              udf_module=udf.module if udf else "", udf_function=udf.function if udf else "")
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
    template = Command(namespace, b"", set_name, write=True, policy=policy, filter=record_filter, udf=call)
    return _start(engine, JobType.UDF, task_id, namespace, set_name, template, rps, client, candidates)


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
    template = Command(namespace, b"", set_name, ops=ops, write=True, policy=replace(policy, exists=exists),
                       filter=record_filter)
    return _start(engine, JobType.OPS, task_id, ns.name, set_name, template, rps, client, candidates)
