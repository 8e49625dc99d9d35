"""Turns one AS_MSG request into engine calls and one reply frame.

This is the only place where wire structures meet engine structures: fields and flags become a
``Command``; the engine's ``Reply`` becomes reply bytes. It holds no data and no rules of its own
beyond the protocol's (which request shapes are valid, what each flag means).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aerolite.engine.commands import Command, ExistsAction, GenerationCheck, RecordFilter, Reply, WritePolicy
from aerolite.engine.engine import Engine
from aerolite.engine.ops import Op, OpKind
from aerolite.result_codes import AerospikeResultError, ResultCode
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
from aerolite.wire.particles import decode_key, decode_particle

log = logging.getLogger("aerolite.server")

FilterCompiler = Callable[[bytes], RecordFilter]
"""Compiles field-43 bytes into a record predicate (raises AerospikeResultError on bad input)."""

_OP_KINDS = {int(k): k for k in OpKind}
_PARAMETER_ERROR = error_frame(ResultCode.PARAMETER_ERROR)


def _unsupported_filter(_data: bytes) -> RecordFilter:
    raise AerospikeResultError(ResultCode.UNSUPPORTED_FEATURE, "filter expressions are not available")


class Dispatcher:
    """Answers AS_MSG requests against one engine."""

    def __init__(self, engine: Engine, compile_filter: FilterCompiler = _unsupported_filter) -> None:
        self.engine = engine
        self.compile_filter = compile_filter

    def handle(self, body: memoryview) -> bytes:
        """The complete reply frame for one AS_MSG body; never raises for bad input."""
        try:
            msg = parse_message(body)
            return self._handle_message(msg)
        except MessageError as exc:
            log.debug("malformed as_msg: %s", exc)
            return _PARAMETER_ERROR
        except AerospikeResultError as exc:
            log.debug("request refused (%s): %s", exc.code.name, exc)
            return error_frame(exc.code)

    def _handle_message(self, msg: Message) -> bytes:
        fields = msg.fields
        if FieldType.DIGEST not in fields:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR, "queries, scans and batches are not available")
        ns_field = fields.get(FieldType.NAMESPACE)
        if ns_field is None:
            raise AerospikeResultError(ResultCode.INVALID_NAMESPACE, "request has no namespace field")
        digest = bytes(fields[FieldType.DIGEST])
        if len(digest) != 20:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"digest of {len(digest)} bytes")
        cmd = self._command(msg, bytes(ns_field).decode("utf-8", "replace"), digest)
        if cmd is None:
            return self._unknown_read_op(bytes(ns_field).decode("utf-8", "replace"), digest)
        return encode_reply(self.engine.execute(cmd), cmd.header_only)

    def _command(self, msg: Message, namespace: str, digest: bytes) -> Command | None:
        fields = msg.fields
        info1, info2 = msg.info1, msg.info2
        write = bool(info2 & Info2.WRITE)
        if not write and not info1 & Info1.READ:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR, "request neither reads nor writes")
        ops: list[Op] = []
        for wop in msg.ops:
            kind = _OP_KINDS.get(wop.op_type)
            if kind is None:
                if write:
                    raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"unknown op type {wop.op_type}")
                return None
            value = decode_particle(wop.particle_type, wop.value) if kind not in (OpKind.READ, OpKind.TOUCH, OpKind.DELETE_ALL) else None
            ops.append(Op(kind, wop.name, value))
        set_field = fields.get(FieldType.SET)
        key_field = fields.get(FieldType.KEY)
        filter_field = fields.get(FieldType.FILTER_EXP)
        return Command(
            namespace=namespace,
            digest=digest,
            set_name=bytes(set_field).decode("utf-8", "replace") if set_field is not None else "",
            key=decode_key(key_field) if key_field is not None else None,
            ops=ops,
            read_all=bool(info1 & Info1.GET_ALL),
            header_only=bool(info1 & Info1.GET_NO_BINS),
            write=write,
            delete=bool(info2 & Info2.DELETE),
            policy=_write_policy(msg) if write else _READ_POLICIES[bool(info2 & Info2.RESPOND_ALL_OPS)],
            filter=self.compile_filter(bytes(filter_field)) if filter_field is not None else None,
        )

    def _unknown_read_op(self, namespace: str, digest: bytes) -> bytes:
        """A read naming an unknown op type: 2 when the record is missing, else 4 (as a node answers)."""
        probe = self.engine.execute(Command(namespace=namespace, digest=digest, header_only=True))
        if probe.code != ResultCode.OK:
            return error_frame(probe.code)
        return error_frame(ResultCode.PARAMETER_ERROR, probe.generation, probe.void_time)


_READ_POLICIES = {False: WritePolicy(), True: WritePolicy(respond_all_ops=True)}


def _write_policy(msg: Message) -> WritePolicy:
    info2, info3 = msg.info2, msg.info3
    if info2 & Info2.CREATE_ONLY:
        exists = ExistsAction.CREATE_ONLY
    elif info3 & Info3.UPDATE_ONLY:
        exists = ExistsAction.UPDATE_ONLY
    elif info3 & Info3.CREATE_OR_REPLACE:
        exists = ExistsAction.REPLACE
    elif info3 & Info3.REPLACE_ONLY:
        exists = ExistsAction.REPLACE_ONLY
    else:
        exists = ExistsAction.UPDATE
    if info2 & Info2.GENERATION:
        check = GenerationCheck.EQUAL
    elif info2 & Info2.GENERATION_GT:
        check = GenerationCheck.GREATER
    else:
        check = GenerationCheck.NONE
    return WritePolicy(
        exists=exists,
        generation_check=check,
        generation=msg.generation,
        ttl=msg.record_ttl,
        durable_delete=bool(info2 & Info2.DURABLE_DELETE),
        respond_all_ops=bool(info2 & Info2.RESPOND_ALL_OPS),
    )


def encode_reply(reply: Reply, header_only: bool = False) -> bytes:
    """The reply frame for an engine reply."""
    ops = () if header_only and not reply.ops else reply.ops
    parts = [encode_header(reply.code, reply.generation, reply.void_time, 0, len(ops))]
    parts.extend(encode_bin_op(op.kind, op.bin_name, op.value) for op in ops)
    return message_frame(b"".join(parts))
