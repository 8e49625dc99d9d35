"""Turns one AS_MSG request into engine calls and its reply.

This is where wire structures meet engine structures: fields and flags become a ``Command``; the
engine's ``Reply`` becomes reply bytes. Requests without a digest are queries or background jobs
(``queries.py``). It holds no data and no rules of its own beyond the protocol's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable
from functools import lru_cache
from typing import Protocol

from aerolite.ael import expand_ael, filter_from_wire
from aerolite.digest import partition_id
from aerolite.engine.commands import Command, RecordFilter, Reply, WritePolicy
from aerolite.engine.engine import Engine
from aerolite.engine.jobs import Job
from aerolite.expr import decode
from aerolite.expr.reads import reads_bins
from aerolite.result_codes import AerospikeResultError, ResultCode, SubCode
from aerolite.server.queries import QueryHandler
from aerolite.server.requests import (
    UnknownOpTypeError,
    decode_ops,
    namespace_of,
    set_field,
    udf_call,
    write_policy,
)
from aerolite.wire.batch import BATCH_RESPOND_ALL_KEYS, parse_batch
from aerolite.wire.error_detail import detail_field, verbosity
from aerolite.wire.message import (
    FieldType,
    Info1,
    Info2,
    Info3,
    Message,
    MessageError,
    encode_bin_op,
    encode_header,
    error_frame,
    message_frame,
    parse_message,
)
from aerolite.wire.particles import decode_key

log = logging.getLogger("aerolite.server")

FilterCompiler = Callable[[bytes], RecordFilter]
"""Compiles field-43 bytes into a record predicate (raises AerospikeResultError on bad input)."""

Answer = bytes | AsyncIterator[bytes]
"""A reply frame, or a stream of frames for queries."""


class Authorizer(Protocol):
    """Access control: raises AerospikeResultError (80 or 81) for a request its user may not make."""

    def authorize(self, msg: Message) -> None: ...

_LAST = message_frame(encode_header(ResultCode.OK, info3=Info3.LAST))
_READ_POLICIES = {False: WritePolicy(), True: WritePolicy(respond_all_ops=True)}


class Dispatcher:
    """Answers AS_MSG requests against one engine."""

    def __init__(
        self,
        engine: Engine,
        start_job: Callable[[Job], None] = lambda _job: None,
        compile_filter: FilterCompiler = filter_from_wire,
    ) -> None:
        self.engine = engine
        self.compile_filter = compile_filter
        self.queries = QueryHandler(engine, compile_filter, start_job)
        self.owned: bytes | None = None
        """On a node of a multi-node cluster: 1 per partition this node owns (it never holds others)."""

    def handle(self, body: memoryview, client: str = "", guard: Authorizer | None = None) -> Answer:
        """The reply to one AS_MSG body; never raises for bad input. ``guard`` checks each request first."""
        level = 0
        try:
            msg = parse_message(body)
            level = verbosity(msg.info4)
            if FieldType.BATCH_INDEX in msg.fields:
                return self._batch(msg, level, guard)
            if guard is not None:
                guard.authorize(msg)
            if FieldType.DIGEST not in msg.fields:
                return self.queries.handle(msg, client)
            reply, header_only = self._execute_keyed(msg, None, deadline_of(msg.transaction_ttl))
            if level and reply.code == ResultCode.FILTERED_OUT:
                reply = explain_filtered(reply, msg.fields.get(FieldType.FILTER_EXP))
            return message_frame(encode_reply_body(reply, header_only, level=level))
        except MessageError as exc:
            log.debug("malformed as_msg: %s", exc)
            return error_frame(exc.code, detail=detail_field(exc, level))
        except AerospikeResultError as exc:
            log.debug("request refused (%s): %s", exc.code.name, exc)
            return error_frame(exc.code, detail=detail_field(exc, level))
        except Exception:
            # A defect must cost one request (answered 1, as a node answers an internal error), never
            # the connection or the node.
            log.exception("request failed inside the node")
            return error_frame(ResultCode.SERVER_ERROR)

    def _execute_keyed(self, msg: Message, default_filter: RecordFilter | None, deadline: float) -> tuple[Reply, bool]:
        """Run one keyed command (a single-record request or a batch row); (reply, header only)."""
        namespace = namespace_of(msg)
        digest = bytes(msg.fields[FieldType.DIGEST])
        if len(digest) != 20:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"digest of {len(digest)} bytes")
        if self.owned is not None and not self.owned[partition_id(digest)]:
            raise AerospikeResultError(ResultCode.PARTITION_UNAVAILABLE, "partition owned by another node")
        write = bool(msg.info2 & Info2.WRITE)
        if not write and not msg.info1 & Info1.READ:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR, "request neither reads nor writes")
        udf = udf_call(msg)
        try:
            ops = decode_ops(msg)
        except UnknownOpTypeError as exc:
            if write:
                raise
            return self._unknown_read_op(namespace, digest, exc), False
        key_field = msg.fields.get(FieldType.KEY)
        filter_field = msg.fields.get(FieldType.FILTER_EXP)
        cmd = Command(
            namespace=namespace,
            digest=digest,
            set_name=set_field(msg),
            key=decode_key(key_field) if key_field is not None else None,
            ops=ops,
            read_all=bool(msg.info1 & Info1.GET_ALL),
            header_only=bool(msg.info1 & Info1.GET_NO_BINS),
            write=write,
            delete=bool(msg.info2 & Info2.DELETE),
            policy=write_policy(msg) if write else _READ_POLICIES[bool(msg.info2 & Info2.RESPOND_ALL_OPS)],
            filter=self.compile_filter(bytes(filter_field)) if filter_field is not None else default_filter,
            udf=udf,
            read_touch_pct=0 if write else msg.record_ttl,
            deadline=deadline,
        )
        return self.engine.execute(cmd), cmd.header_only

    def _unknown_read_op(self, namespace: str, digest: bytes, error: UnknownOpTypeError) -> Reply:
        """A read naming an unknown op type: 2 when the record is missing, else 4 (as a node answers)."""
        probe = self.engine.execute(Command(namespace=namespace, digest=digest, header_only=True))
        if probe.code != ResultCode.OK:
            return Reply(probe.code)
        return Reply(ResultCode.PARAMETER_ERROR, probe.generation, probe.void_time, error=error)

    def _batch(self, msg: Message, level: int, guard: Authorizer | None) -> bytes:
        """Every row answered in row order (the row index in ``transaction_ttl``), then LAST alone.

        Like a node, a UDF row rejected by a filter is left out unless the batch asks for all keys.
        """
        flags, rows = parse_batch(msg.fields[FieldType.BATCH_INDEX])
        parent = msg.fields.get(FieldType.FILTER_EXP)
        parent_filter = self.compile_filter(bytes(parent)) if parent is not None else None
        all_keys = bool(flags & BATCH_RESPOND_ALL_KEYS)
        deadline = deadline_of(msg.transaction_ttl)
        parts: list[bytes] = []
        for row in rows:
            try:
                if guard is not None:
                    guard.authorize(row)
                reply, header_only = self._execute_keyed(row, parent_filter, deadline)
            except AerospikeResultError as exc:
                reply, header_only = Reply(exc.code, error=exc), True
            row_level = verbosity(row.info4) or level
            if reply.code == ResultCode.FILTERED_OUT:
                if not all_keys and FieldType.UDF_FILENAME in row.fields:
                    continue
                if row_level:
                    reply = explain_filtered(reply, row.fields.get(FieldType.FILTER_EXP, parent))
            parts.append(encode_reply_body(reply, header_only, row.transaction_ttl, row_level))
        return message_frame(b"".join(parts)) + _LAST


_FILTERED = {
    reads: AerospikeResultError(ResultCode.FILTERED_OUT,
                                f"the filter expression rejected the record (it reads {what})",
                                sub_code=SubCode.FILTERED_BINS if reads else SubCode.FILTERED_META)
    for reads, what in ((True, "bins"), (False, "only record metadata"))
}


def explain_filtered(reply: Reply, filter_field: memoryview | None) -> Reply:
    """A FILTERED_OUT reply with the detail a node gives: which kind of filter rejected the record."""
    return reply._replace(error=_FILTERED[filter_field is None or _filter_reads_bins(bytes(filter_field))])


@lru_cache(maxsize=256)
def _filter_reads_bins(data: bytes) -> bool:
    try:
        return reads_bins(expand_ael(decode(data)))
    except AerospikeResultError:
        return True


def deadline_of(timeout_ms: int) -> float:
    """The monotonic time a request's timeout (the header's transaction TTL, in ms; 0: none) ends."""
    return time.monotonic() + timeout_ms / 1000 if timeout_ms else 0.0


def encode_reply_body(reply: Reply, header_only: bool = False, transaction_ttl: int = 0, level: int = 0) -> bytes:
    """The AS_MSG of an engine reply (``transaction_ttl`` carries a batch row's index; ``level`` is
    the error detail the request asked for)."""
    ops = () if header_only and not reply.ops else reply.ops
    detail = detail_field(reply.error, level) if level and reply.code != ResultCode.OK else b""
    header = encode_header(reply.code, reply.generation, reply.void_time, 1 if detail else 0, len(ops),
                           transaction_ttl=transaction_ttl)
    if not ops:
        return header + detail
    return b"".join([header, detail, *[encode_bin_op(kind, name, value) for kind, name, value in ops]])

