"""Reading requests: the field and flag conventions shared by keyed commands, queries and jobs."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aerolite.engine.cdt.exp_ops import compile_exp_op
from aerolite.engine.commands import ExistsAction, GenerationCheck, UdfCall, WritePolicy
from aerolite.engine.ops import Op, OpKind
from aerolite.expr.path_wire import is_path_op
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.values.msgpack_codec import MsgpackError, unpack
from aerolite.wire.message import FieldType, Info2, Info3, Message, shared_text
from aerolite.wire.particles import decode_particle

OP_KINDS = {int(k): k for k in OpKind}
_VALUELESS = frozenset({OpKind.READ, OpKind.TOUCH, OpKind.DELETE_ALL, OpKind.TO_STRING})
_MSGPACK_OPS = frozenset({OpKind.CDT_READ, OpKind.CDT_MODIFY, OpKind.BITS_READ, OpKind.BITS_MODIFY,
                          OpKind.HLL_READ, OpKind.HLL_MODIFY, OpKind.STRING_READ, OpKind.STRING_MODIFY})
"""Ops whose value is an Aerospike-msgpack op array, decoded here (strings lose their 0x03 prefix)."""
_PATH_OPS = frozenset({OpKind.CDT_READ, OpKind.CDT_MODIFY})
_EXPRESSION_OPS = frozenset({OpKind.EXP_READ, OpKind.EXP_MODIFY})
"""Ops whose value holds an expression: compiled from the raw bytes (names in it are raw msgpack strings)."""
_PARTICLE_OPS = frozenset(OpKind) - _VALUELESS - _MSGPACK_OPS - _EXPRESSION_OPS
"""Ops whose value is one particle (writes, increments, appends): the common case, tested first."""


class UnknownOpTypeError(AerospikeResultError):
    """An op type byte no node knows."""

    def __init__(self, op_type: int) -> None:
        super().__init__(ResultCode.PARAMETER_ERROR, f"unknown op type {op_type}")


def decode_ops(msg: Message) -> list[Op]:
    """The request's ops as engine ops, with their values decoded."""
    ops: list[Op] = []
    for wop in msg.ops:
        kind = OP_KINDS.get(wop.op_type)
        if kind is None:
            raise UnknownOpTypeError(wop.op_type)
        # tuple.__new__ skips the NamedTuple's Python-level constructor: this runs for every op.
        ops.append(tuple.__new__(Op, (kind, wop.name, _op_value(kind, wop.particle_type, wop.value))))
    return ops


def _op_value(kind: OpKind, particle_type: int, data: bytes | memoryview) -> Any:
    if kind in _PARTICLE_OPS:
        return decode_particle(particle_type, data)
    if kind in _VALUELESS:
        return None
    if kind in _EXPRESSION_OPS:
        return compile_exp_op(bytes(data))
    if kind in _PATH_OPS and is_path_op(data):
        return bytes(data)  # select/modify by path: steps hold expressions, decoded by the engine
    try:  # the kinds left are those of _MSGPACK_OPS
        return unpack(data)
    except MsgpackError as exc:
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"malformed {kind.name} op: {exc}") from exc


def text_field(msg: Message, ftype: int) -> str | None:
    data = msg.fields.get(ftype)
    return None if data is None else bytes(data).decode("utf-8", "replace")


def set_field(msg: Message) -> str:
    """The set name, shared like bin names (every record keeps a reference to it); empty without one."""
    data = msg.fields.get(FieldType.SET)
    return "" if data is None else shared_text(bytes(data), lenient=True)


def int_field(msg: Message, ftype: int, default: int = 0) -> int:
    data = msg.fields.get(ftype)
    return default if data is None else int.from_bytes(data, "big")


def namespace_of(msg: Message) -> str:
    name = text_field(msg, FieldType.NAMESPACE)
    if name is None:
        raise AerospikeResultError(ResultCode.INVALID_NAMESPACE, "request has no namespace field")
    return name


def write_policy(msg: Message) -> WritePolicy:
    """The write options encoded in the header flags, generation and record TTL."""
    return _write_policy(msg.info2, msg.info3, msg.generation, msg.record_ttl)


@lru_cache(maxsize=1024)
def _write_policy(info2: int, info3: int, generation: int, record_ttl: int) -> WritePolicy:
    """Policies are immutable and few distinct ones are in use at a time, so they are shared."""
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
        generation=generation,
        ttl=record_ttl,
        durable_delete=bool(info2 & Info2.DURABLE_DELETE),
        respond_all_ops=bool(info2 & Info2.RESPOND_ALL_OPS),
    )


def udf_call(msg: Message) -> UdfCall | None:
    """The record UDF a request names (fields 30/31/32), or None."""
    module = text_field(msg, FieldType.UDF_FILENAME)
    if module is None:
        return None
    function = text_field(msg, FieldType.UDF_FUNCTION) or ""
    raw_args = msg.fields.get(FieldType.UDF_ARGLIST)
    try:
        args = unpack(raw_args) if raw_args is not None else []
    except MsgpackError as exc:
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"bad UDF argument list: {exc}") from exc
    if not isinstance(args, list):
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, "UDF arguments must be a list")
    return UdfCall(module, function, tuple(args))
