"""Requests without a digest: foreground partition queries (streamed) and background jobs.

A foreground query is run as a job whose per-record action encodes the record into the reply
stream, so it appears in ``query-show`` like on a node, shares the throttle logic, and is cut into
slices that let other connections' commands through. Background jobs are validated, registered under
their task id, answered with one LAST message, and then run by the server's job runner.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from aerolite.ael import filter_from_text
from aerolite.digest import N_PARTITIONS
from aerolite.engine.background import effective_rps, start_ops_job, start_udf_job
from aerolite.engine.commands import RecordFilter
from aerolite.engine.engine import Engine, check_projection, project
from aerolite.engine.indexing import find_index
from aerolite.engine.jobs import Job, JobType, Outcome, per_record
from aerolite.engine.ops import Op, OpKind
from aerolite.engine.record import Record
from aerolite.engine.scan import chunks, current, ordered_subset, scan_set, set_size
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.server.job_runner import Pacer
from aerolite.server.requests import (
    decode_ops,
    int_field,
    namespace_of,
    set_field,
    text_field,
    udf_call,
    write_policy,
)
from aerolite.wire.error_detail import detail_field, verbosity
from aerolite.wire.message import (
    FieldType,
    Info1,
    Info2,
    Info3,
    Message,
    encode_bin_op,
    encode_field,
    encode_header,
    error_frame,
    message_frame,
    parse_index_range,
)
from aerolite.wire.particles import decode_particle, encode_key

log = logging.getLogger("aerolite.server")

LAST = message_frame(encode_header(ResultCode.OK, info3=Info3.LAST))
FRAME_TARGET = 64 * 1024
WHERE_EXPLAIN = 0x02
_READ = int(OpKind.READ)


def last_with(code: int, detail: bytes = b"") -> bytes:
    return message_frame(encode_header(code, n_fields=1 if detail else 0, info3=Info3.LAST) + detail)


class QueryHandler:
    """Answers queries and starts background jobs."""

    def __init__(
        self,
        engine: Engine,
        compile_filter: Callable[[bytes], RecordFilter],
        start_job: Callable[[Job], None],
        compile_ael: Callable[[str], RecordFilter] = filter_from_text,
    ) -> None:
        self.engine = engine
        self.compile_filter = compile_filter
        self.compile_ael = compile_ael
        self.start_job = start_job

    def handle(self, msg: Message, client: str) -> bytes | AsyncIterator[bytes]:
        try:
            namespace = namespace_of(msg)
            self.engine.namespace(namespace)
            if msg.info2 & Info2.WRITE:
                return self._background(msg, namespace, client)
            return self._foreground(msg, namespace, client)
        except AerospikeResultError as exc:
            log.debug("query refused (%s): %s", exc.code.name, exc)
            detail = detail_field(exc, verbosity(msg.info4))
            if exc.code == ResultCode.INDEX_NOT_FOUND:
                return error_frame(exc.code, detail=detail)
            return last_with(exc.code, detail)

    def _filter(self, msg: Message) -> RecordFilter | None:
        exp = msg.fields.get(FieldType.FILTER_EXP)
        if exp is not None:
            return self.compile_filter(bytes(exp))
        where = msg.fields.get(FieldType.WHERE_AEL)
        if where is not None and len(where) > 1:
            return self.compile_ael(bytes(where[1:]).decode("utf-8", "replace"))
        return None

    def _background(self, msg: Message, namespace: str, client: str) -> bytes:
        task_id = int_field(msg, FieldType.TASK_ID)
        set_name = set_field(msg)
        indexed = self._index_lookup(msg, namespace, set_name)
        candidates = None if indexed is None else list(indexed)
        rps = int_field(msg, FieldType.RECORDS_PER_SECOND)
        call = udf_call(msg)
        if call is not None:
            job = start_udf_job(self.engine, task_id, namespace, set_name, call, write_policy(msg), self._filter(msg),
                                rps, client, candidates)
        else:
            job = start_ops_job(self.engine, task_id, namespace, set_name, decode_ops(msg), write_policy(msg),
                                self._filter(msg), rps, client, candidates)
        self.start_job(job)
        return LAST

    def _foreground(self, msg: Message, namespace: str, client: str) -> bytes | AsyncIterator[bytes]:
        where = msg.fields.get(FieldType.WHERE_AEL)
        record_filter = self._filter(msg)
        if where is not None and len(where) and where[0] & WHERE_EXPLAIN:
            return message_frame(encode_header(ResultCode.OK))
        pid_field = msg.fields.get(FieldType.PID_ARRAY)
        pids = [int.from_bytes(pid_field[i : i + 2], "little") for i in range(0, len(pid_field) - 1, 2)] if pid_field is not None else None
        if pids and max(pids) >= N_PARTITIONS:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"partition id {max(pids)} is not below {N_PARTITIONS}")
        digests_field = msg.fields.get(FieldType.DIGEST_ARRAY)
        resume: dict[int, bytes] = {}
        if digests_field is not None:
            for i in range(0, len(digests_field) - 19, 20):
                digest = bytes(digests_field[i : i + 20])
                resume[int.from_bytes(digest[:4], "little") & 4095] = digest
        ns = self.engine.namespace(namespace)
        set_name = set_field(msg)
        throttle, shown = effective_rps(self.engine, namespace, int_field(msg, FieldType.RECORDS_PER_SECOND))
        indexed = self._index_lookup(msg, namespace, set_name)
        ops = decode_ops(msg)
        emitter = _RecordEmitter(
            namespace, bool(msg.info1 & Info1.GET_NO_BINS), [op.bin_name for op in ops if op.bin_name],
            int_field(msg, FieldType.MAX_RECORDS), record_filter, indexed or {}, check_projection(ops),
        )
        if indexed is None:
            candidates: Iterator[list[bytes]] = scan_set(ns, set_name, pids, resume)
            total = set_size(ns, set_name)
        else:
            subset = ordered_subset(ns, set_name, indexed, pids, resume)
            candidates, total = chunks(subset), len(subset)
        job = Job(int_field(msg, FieldType.TASK_ID), namespace, set_name, JobType.QUERY, candidates, total,
                  per_record(lambda chunk: current(ns, set_name, chunk), lambda record: emitter.emit(record, job)), rps=throttle, shown_rps=shown,
                  client=client, socket_timeout=int_field(msg, FieldType.SOCKET_TIMEOUT, 30_000),
                  n_pids_requested=len(pids or ()) + len(resume))
        self.engine.jobs.register(job)
        return _stream(job, emitter)


    def _index_lookup(self, msg: Message, namespace: str, set_name: str) -> dict[bytes, Any] | None:
        """Digests (with their indexed value) selected by a secondary-index filter, or None without one."""
        field = msg.fields.get(FieldType.INDEX_RANGE)
        if field is None:
            return None
        selection = parse_index_range(field)
        value_type = _INDEX_VALUE_TYPES.get(selection.particle_type)
        if value_type is None:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"index filter on particle type {selection.particle_type}")
        collection = _COLLECTIONS.get(int_field(msg, FieldType.INDEX_TYPE), "default")
        expression = msg.fields.get(FieldType.INDEX_EXPRESSION)
        index = find_index(self.engine.namespace(namespace), text_field(msg, FieldType.INDEX_NAME), set_name,
                           selection.bin_name, value_type, collection,
                           bytes(expression) if expression is not None else None)
        if value_type == "geo2dsphere":
            region = bytes(selection.begin).decode("utf-8", "replace")
            return index.lookup(region, region)
        return index.lookup(decode_particle(selection.particle_type, selection.begin),
                            decode_particle(selection.particle_type, selection.end))


_INDEX_VALUE_TYPES = {1: "numeric", 3: "string", 4: "blob", 23: "geo2dsphere"}
_COLLECTIONS = {0: "default", 1: "list", 2: "mapkeys", 3: "mapvalues"}


class _RecordEmitter:
    """Encodes the records a query returns into reply messages: their bins, the named ones, or what
    the query's read operations (expression, CDT, bit, HLL reads) answer on each record."""

    def __init__(self, namespace: str, no_bins: bool, bins: list[str], max_records: int,
                 record_filter: RecordFilter | None, indexed_values: dict[bytes, Any],
                 projection: list[Op] | None = None) -> None:
        self.indexed_values = indexed_values
        self.projection = projection
        self.ns_field = encode_field(FieldType.NAMESPACE, namespace.encode())
        self.info1 = Info1.GET_NO_BINS if no_bins else 0
        self.no_bins = no_bins
        self.bins = bins
        self.max_records = max_records
        self.filter = record_filter
        self.emitted = 0
        self.out: list[bytes] = []
        self.size = 0

    def emit(self, record: Record, job: Job) -> Outcome:
        if job.done:
            return Outcome.MISSING
        if self.filter is not None and not self.filter(record):
            return Outcome.FILTERED
        if self.no_bins:
            values: list[tuple[int, str, object]] = []
        elif self.projection is not None:
            try:
                values = [(int(answer.kind), answer.bin_name, answer.value)
                          for answer in project(record, self.projection)]
            except AerospikeResultError:
                return Outcome.FAILED
        elif self.bins:
            values = [(_READ, n, record.bins[n]) for n in self.bins if n in record.bins]
            if not values:
                return Outcome.MISSING
        else:
            values = [(_READ, n, v) for n, v in record.bins.items()]
        fields = [self.ns_field, encode_field(FieldType.DIGEST, record.digest)]
        if record.set_name:
            fields.append(encode_field(FieldType.SET, record.set_name.encode()))
        if record.key is not None:
            fields.append(encode_field(FieldType.KEY, encode_key(record.key)))
        bval = self.indexed_values.get(record.digest)
        if type(bval) is int:
            fields.append(encode_field(FieldType.BVAL_ARRAY, (bval & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little")))
        message = b"".join([
            encode_header(ResultCode.OK, record.generation, record.void_time, len(fields), len(values), info1=self.info1),
            *fields,
            *(encode_bin_op(op_type, name, value) for op_type, name, value in values),
        ])
        self.out.append(message)
        self.size += len(message)
        self.emitted += 1
        if self.max_records and self.emitted >= self.max_records:
            job.complete()
        return Outcome.SUCCEEDED

    def take(self) -> bytes:
        chunk = b"".join(self.out)
        self.out.clear()
        self.size = 0
        return chunk


async def _stream(job: Job, emitter: _RecordEmitter) -> AsyncIterator[bytes]:
    pacer = Pacer(job)
    try:
        while not job.done:
            await pacer.run_turn()
            if emitter.size >= FRAME_TARGET or (job.done and emitter.out):
                yield message_frame(emitter.take())
            # Give other connections their turn: nothing above suspends when the socket keeps up.
            await asyncio.sleep(0)
        yield LAST
    finally:
        if not job.done:
            job.abort()
