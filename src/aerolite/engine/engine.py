"""The engine: namespaces plus the execution of single-record commands, with a node's exact rules.

Order of checks for a keyed command: namespace → record lookup (expired counts as missing) → filter
expression (27) → for reads, the read-touch percentage (4 above 100; ``read_touch``) → record-exists action
(2 or 5) → generation (3) → ops on a working copy (type errors abort before anything is stored) → room in
the namespace (8) and record size (13) → store, bump generation, set void time and last-update time.
The engine is single-threaded by design: callers run it on one event loop and need no locks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aerolite.digest import N_PARTITIONS
from aerolite.engine.clock import now_ns_ms_resolution, void_time_for
from aerolite.engine.commands import (
    Command,
    ExistsAction,
    GenerationCheck,
    Reply,
    ReplyOp,
    UdfCall,
    WritePolicy,
)
from aerolite.engine.indexing import load_definitions
from aerolite.engine.job_journal import JobJournal
from aerolite.engine.jobs import JobManager
from aerolite.engine.namespace import Namespace, NamespaceConfig
from aerolite.engine.ops import (
    MAX_BIN_NAME,
    NO_RESULT,
    READ_KINDS,
    SUPPORTED_KINDS,
    WRITE_KINDS,
    Op,
    OpKind,
    apply_write,
    read_op,
)
from aerolite.engine.read_touch import touch, touch_due
from aerolite.engine.record import Record
from aerolite.engine.sizing import bins_change, record_bytes, value_bytes
from aerolite.engine.udf import UdfAction, UdfExecutionError, UdfRegistry, UdfRunner, UdfTimeoutError
from aerolite.engine.udf.runner import TIME_CAP
from aerolite.result_codes import AerospikeResultError, ResultCode

log = logging.getLogger("aerolite.engine")

SWEEP_PARTITIONS = 512
"""Partitions swept for expired records per call of ``Engine.sweep_expired`` (the server calls it each second)."""

# Members of an enum class cost ~60 ns per lookup on Python 3.11 (the enum metaclass's __getattr__
# hook); the per-request and per-record paths below read these for every op, so they are bound once.
_OK, _READ, _TOUCH, _DELETE_ALL = ResultCode.OK, OpKind.READ, OpKind.TOUCH, OpKind.DELETE_ALL
_CREATE_ONLY, _MUST_EXIST = ExistsAction.CREATE_ONLY, (ExistsAction.UPDATE_ONLY, ExistsAction.REPLACE_ONLY)
_REPLACING = (ExistsAction.REPLACE, ExistsAction.REPLACE_ONLY)
_NOT_FOUND = Reply(ResultCode.KEY_NOT_FOUND)
_NO_NAMESPACE = Reply(ResultCode.INVALID_NAMESPACE)


class Engine:
    """Holds the namespaces and runs commands against them."""

    def __init__(self, namespaces: Iterable[NamespaceConfig], udf_directory: Path | None = None) -> None:
        self.namespaces: dict[str, Namespace] = {}
        self.jobs = JobManager()
        self.udfs = UdfRegistry(udf_directory)
        self.udf_runner = UdfRunner(self.udfs)
        self._sweep_at = 0
        for config in namespaces:
            if config.name in self.namespaces:
                raise ValueError(f"namespace {config.name!r} is configured twice")
            self.namespaces[config.name] = ns = Namespace(config)
            load_definitions(ns)
        stored = [ns.config for ns in self.namespaces.values() if ns.config.storage == "file"]
        if stored:
            assert stored[0].data_dir is not None
            self.jobs.open_journal(JobJournal(stored[0].data_dir / "jobs.log"), frozenset(c.name for c in stored))

    def namespace(self, name: str) -> Namespace:
        ns = self.namespaces.get(name)
        if ns is None:
            raise AerospikeResultError(ResultCode.INVALID_NAMESPACE, f"namespace {name!r} does not exist")
        return ns

    def execute(self, cmd: Command) -> Reply:
        """Run one keyed command; never raises for a request-level problem (it answers a code)."""
        ns = self.namespaces.get(cmd.namespace)
        if ns is None:
            return _NO_NAMESPACE
        try:
            if cmd.udf is not None:
                return self._udf(ns, cmd, cmd.udf)
            if cmd.write or cmd.delete:
                return self._write(ns, cmd)
            return self._read(ns, cmd)
        except AerospikeResultError as exc:
            record = ns.get(cmd.digest)
            return Reply(exc.code, record.generation if record else 0, record.void_time if record else 0, error=exc)

    def _read(self, ns: Namespace, cmd: Command) -> Reply:
        record = ns.get_live(cmd.digest)
        if record is None:
            return _NOT_FOUND
        if cmd.filter is not None and not cmd.filter(record):
            return Reply(ResultCode.FILTERED_OUT, record.generation, record.void_time)
        reply = _read_reply(record, cmd)
        if (record.void_time and (cmd.read_touch_pct or ns.config.default_read_touch_ttl_pct)
                and touch_due(ns, record, cmd.read_touch_pct)):
            touch(ns, record)
        return reply

    def _write(self, ns: Namespace, cmd: Command) -> Reply:
        policy = cmd.policy
        record = ns.get_live(cmd.digest)
        if record is not None and cmd.filter is not None and not cmd.filter(record):
            generation = 0 if cmd.delete else record.generation
            return Reply(ResultCode.FILTERED_OUT, generation, 0 if cmd.delete else record.void_time)
        if cmd.delete:
            return self._delete(ns, cmd, record)
        if record is None:
            if policy.exists in _MUST_EXIST or _only_touch(cmd.ops):
                return _NOT_FOUND
        else:
            if policy.exists == _CREATE_ONLY:
                return Reply(ResultCode.KEY_EXISTS, record.generation, record.void_time)
            _check_generation(policy.generation_check, policy.generation, record)
        if not cmd.ops:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR, "a write needs at least one operation")
        return self.apply_ops(ns, cmd.digest, record, cmd.set_name, cmd.key, cmd.ops, policy, cmd.read_all)

    def apply_ops(
        self,
        ns: Namespace,
        digest: bytes,
        record: Record | None,
        set_name: str,
        key: Any,
        ops: list[Op],
        policy: WritePolicy,
        read_all: bool = False,
    ) -> Reply:
        """Apply write ``ops`` to ``record`` (None: create it) once every check has passed, and store it.

        Background jobs call this directly for records they have already selected.
        """
        replace = policy.exists in _REPLACING
        ns.check_room()
        size: int | None
        if record is None:
            work = Record(digest, set_name, key, {})
            answers = _run_ops(work, ops, read_all, policy.respond_all_ops)
            size = change = record_bytes(work)
            ns.check_record_size(change)
        else:
            # Update in place: the engine is single-threaded, so nobody sees the record half-written;
            # the ops run on a copy of the bins, and a failing op or an oversized result puts the original back.
            work = record
            original, original_key = record.bins, record.key
            # A small record updated bin by bin (the usual job) is measured by the bins the ops name.
            by_bins = not replace and ns.is_small(digest) and all(op.kind != _DELETE_ALL for op in ops)
            previous_size = None if by_bins else ns.size_of(record)
            work.bins = {} if replace else dict(original)
            try:
                answers = _run_ops(work, ops, read_all, policy.respond_all_ops)
                if key is not None and original_key is None:
                    work.key = key
                change, size = _measure_update(ns, work, original, original_key, ops, previous_size)
            except BaseException:
                work.bins, work.key = original, original_key
                raise
        if not work.bins:
            if record is not None:
                work.bins, work.key = original, original_key  # the namespace forgets the size it counted
                ns.remove(digest)
            return Reply(_OK, 0, 0, answers)
        work.void_time = void_time_for(policy.ttl, ns.config.default_ttl, None if record is None else record.void_time)
        work.generation = 1 if record is None else (record.generation + 1) & 0xFFFF or 1
        work.last_update_ns = now_ns_ms_resolution()
        ns.store(work, change, size=size)
        return Reply(_OK, work.generation, work.void_time, answers)

    def _udf(self, ns: Namespace, cmd: Command, call: UdfCall) -> Reply:
        """Run a record UDF and store what it committed (a node's rules: see the protocol notes)."""
        record = ns.get_live(cmd.digest)
        if record is not None and cmd.filter is not None and not cmd.filter(record):
            return Reply(ResultCode.FILTERED_OUT, record.generation, record.void_time)
        time_limit = max(0.0, cmd.deadline - time.monotonic()) if cmd.deadline else TIME_CAP
        try:
            outcome = self.udf_runner.call(call.module, call.function, list(call.args), record,
                                           set_name=cmd.set_name if record is None else record.set_name,
                                           digest=cmd.digest, key=cmd.key if record is None else record.key,
                                           time_limit=time_limit)
        except UdfTimeoutError as exc:
            return Reply(exc.code, record.generation if record else 0, record.void_time if record else 0, error=exc)
        except UdfExecutionError as exc:
            failure = [ReplyOp(_READ, "FAILURE", exc.message)]
            return Reply(ResultCode.UDF_BAD_RESPONSE, record.generation if record else 0,
                         record.void_time if record else 0, failure, exc)
        answer = [ReplyOp(_READ, "SUCCESS", outcome.return_value)]
        if outcome.action == UdfAction.REMOVE:
            ns.remove(cmd.digest)
            return Reply(_OK, 0, 0, answer)
        if outcome.action == UdfAction.NONE or not outcome.bins:
            return Reply(_OK, record.generation if record else 0, record.void_time if record else 0, answer)
        ns.check_room()
        ttl = cmd.policy.ttl if outcome.ttl is None else outcome.ttl & 0xFFFFFFFF
        stored = Record(
            cmd.digest,
            cmd.set_name if record is None else record.set_name,
            cmd.key if record is None else record.key,
            outcome.bins,
            1 if record is None else (record.generation + 1) & 0xFFFF or 1,
            void_time_for(ttl, ns.config.default_ttl, None if record is None else record.void_time),
            now_ns_ms_resolution(),
        )
        size = record_bytes(stored)
        ns.check_record_size(size)
        ns.store(stored, size - (ns.size_of(record) if record is not None else 0), size=size)
        return Reply(_OK, stored.generation, stored.void_time, answer)

    def _delete(self, ns: Namespace, cmd: Command, record: Record | None) -> Reply:
        if record is None:
            return _NOT_FOUND
        try:
            _check_generation(cmd.policy.generation_check, cmd.policy.generation, record)
        except AerospikeResultError as exc:
            return Reply(exc.code)
        ns.remove(cmd.digest)
        return Reply(_OK)

    def truncate(self, namespace: str, set_name: str | None, before_ns: int | None = None) -> int:
        """Delete records last updated before ``before_ns`` (default: now); returns how many."""
        ns = self.namespace(namespace)
        return ns.truncate(set_name, before_ns if before_ns is not None else now_ns_ms_resolution() + 1_000_000)

    def sweep_expired(self) -> int:
        """Sweep the next ``SWEEP_PARTITIONS`` partitions of every namespace (a full round every
        4096 / SWEEP_PARTITIONS calls), so one call costs a few milliseconds even with millions of records."""
        start = self._sweep_at
        self._sweep_at = (start + SWEEP_PARTITIONS) % N_PARTITIONS
        window = range(start, start + SWEEP_PARTITIONS)
        return sum(ns.sweep_expired(window) for ns in self.namespaces.values())

    def close(self) -> None:
        for ns in self.namespaces.values():
            ns.close()
        if self.jobs.journal is not None:
            self.jobs.journal.close()


def _measure_update(ns: Namespace, work: Record, original: dict[str, Any], original_key: Any, ops: list[Op],
                    previous_size: int | None) -> tuple[int, int | None]:
    """How many bytes an updated record grew, and its size when measured (refused if too large).

    ``previous_size`` None: the record is small and the ops change only the bins they name, so those
    bins alone are measured, and the whole record only when it grew.
    """
    if previous_size is None:
        change = bins_change(original, work.bins, [op.bin_name for op in ops])
        if work.key is not original_key:
            change += value_bytes(work.key)
        if change <= 0:
            return change, None
    size = record_bytes(work)
    ns.check_record_size(size)
    return (change if previous_size is None else size - previous_size), size


def _only_touch(ops: list[Op]) -> bool:
    return bool(ops) and all(op.kind in (_TOUCH, _READ) for op in ops)


def _check_generation(check: GenerationCheck, expected: int, record: Record) -> None:
    if check == GenerationCheck.EQUAL and record.generation != expected:
        raise AerospikeResultError(ResultCode.GENERATION_ERROR, f"generation is {record.generation}, not {expected}")
    if check == GenerationCheck.GREATER and not expected > record.generation:
        raise AerospikeResultError(ResultCode.GENERATION_ERROR, f"generation {expected} is not above {record.generation}")


def _validate_op(op: Op) -> None:
    if op.kind not in SUPPORTED_KINDS:
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"operation {op.kind.name} is not supported")
    name = op.bin_name
    if len(name) > MAX_BIN_NAME or (not name.isascii() and len(name.encode()) > MAX_BIN_NAME):
        raise AerospikeResultError(ResultCode.BIN_NAME_TOO_LONG, f"bin name {op.bin_name!r} is longer than 15 bytes")


def check_projection(ops: list[Op]) -> list[Op] | None:
    """The read ops of a query's ops projection, validated once for the whole query; None when the
    query only names bins (plain reads, answered by bin selection)."""
    if all(op.kind == _READ for op in ops):
        return None
    for op in ops:
        _validate_op(op)
        if op.kind != _READ and op.kind not in READ_KINDS:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR,
                                       f"a foreground query only reads; operation {op.kind.name} writes")
    return ops


def project(record: Record, ops: list[Op]) -> list[ReplyOp]:
    """The answers of read ``ops`` on ``record`` (which stays unchanged): a query row's ops projection."""
    return _run_ops(record, ops, False, False)


def _read_reply(record: Record, cmd: Command) -> Reply:
    """What a read answers about a record that is there and passed the filter."""
    if cmd.header_only:
        ops = [ReplyOp(_READ, "", None)] if cmd.policy.respond_all_ops and cmd.ops else []
        return Reply(_OK, record.generation, record.void_time, ops)
    if cmd.read_all and not cmd.ops:
        return Reply(_OK, record.generation, record.void_time, _all_bins(record))
    ops = _run_ops(record, [op for op in cmd.ops if op.kind not in WRITE_KINDS], cmd.read_all, cmd.policy.respond_all_ops)
    return Reply(_OK, record.generation, record.void_time, ops)


def _all_bins(record: Record) -> list[ReplyOp]:
    new = tuple.__new__  # skips the NamedTuple's Python-level constructor, once per bin of every get
    return [new(ReplyOp, (_READ, name, value)) for name, value in record.bins.items()]


def _run_ops(record: Record, ops: list[Op], read_all: bool, respond_all: bool) -> list[ReplyOp]:
    """Apply ``ops`` in order to ``record`` (a working copy for writes) and collect the answers,
    following a node's rules for which ops answer (see the protocol notes, operate replies)."""
    answers: list[ReplyOp] = []
    bins = record.bins
    for op in ops:
        _validate_op(op)
        kind = op.kind
        if kind == _READ:
            if not op.bin_name:
                if read_all:
                    answers.extend(_all_bins(record))
                elif respond_all:
                    answers.append(ReplyOp(_READ, "", None))
                continue
            value = bins.get(op.bin_name)
            if value is not None or respond_all:
                answers.append(ReplyOp(_READ, op.bin_name, value))
        elif kind in READ_KINDS:
            answers.append(ReplyOp(kind, op.bin_name, read_op(record, op)))
        else:
            result = apply_write(record, op)
            if result is not NO_RESULT:
                answers.append(ReplyOp(kind, op.bin_name, result))
            elif respond_all and kind != _TOUCH:
                answers.append(ReplyOp(kind, op.bin_name, None))
    return answers
