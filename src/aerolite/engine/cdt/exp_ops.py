"""EXP_READ and EXP_MODIFY: evaluate ``[expression, flags]`` against the working record.

The op's bytes are compiled once into an ``ExpProgram`` (cached by the bytes, so a batch repeating
an op or a job visiting many records compiles it once); server-compiled AEL text (``[128, text]``)
is parsed there like in filters. A bad expression is kept in the program and raised when the op runs,
so it is answered in the order a node checks things (a missing record first).

An unknown result (a missing bin, a type mismatch) fails the command with 26 unless EVAL_NO_FAIL;
a write's policy problems (CREATE_ONLY on an existing bin: 6, UPDATE_ONLY on a missing one: 17, a
nil result without ALLOW_DELETE: 26) are skipped silently under POLICY_NO_FAIL.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Final, NamedTuple

from aerolite.ael import expand_ael
from aerolite.engine.cdt.common import fail
from aerolite.engine.record import Record
from aerolite.expr import UNKNOWN, ExprError, Value, compile_value, decode
from aerolite.result_codes import AerospikeResultError, ResultCode

CREATE_ONLY = 0x01
UPDATE_ONLY = 0x02
ALLOW_DELETE = 0x04
POLICY_NO_FAIL = 0x08
EVAL_NO_FAIL = 0x10
_PAIR_HEADER = 0x92
_FIXINT_LIMIT = 0x80


class _Skip:
    """Marks a write that leaves its bin alone."""

    __slots__ = ()


SKIP: Final = _Skip()


class ExpProgram(NamedTuple):
    """A compiled expression op: its evaluator and flags, or the error its bytes gave."""

    evaluate: Value | None
    flags: int
    error: AerospikeResultError | None = None


@lru_cache(maxsize=1024)
def compile_exp_op(data: bytes) -> ExpProgram:
    """The program of an op value ``[expression, flags]`` (the flags, all below 0x20, are one fixint)."""
    if len(data) < 3 or data[0] != _PAIR_HEADER or data[-1] >= _FIXINT_LIMIT:
        error = AerospikeResultError(ResultCode.PARAMETER_ERROR, "an expression op must be [expression, flags]")
        return ExpProgram(None, 0, error)
    try:
        return ExpProgram(compile_value(expand_ael(decode(data[1:-1]))), data[-1])
    except ExprError as exc:
        return ExpProgram(None, data[-1], exc)


def program_of(raw: Any) -> ExpProgram:
    """The op value as a program (values decoded by the network front already are)."""
    if isinstance(raw, ExpProgram):
        return raw
    return compile_exp_op(bytes(raw) if isinstance(raw, (bytes, bytearray, memoryview)) else b"")


def _evaluate(record: Record, raw: Any) -> tuple[Any, int]:
    program = program_of(raw)
    if program.evaluate is None:
        # The error is cached with the program: drop the traceback of its last raise, or it would grow.
        raise (program.error or AerospikeResultError(ResultCode.PARAMETER_ERROR)).with_traceback(None)
    value = program.evaluate(record)
    flags = program.flags
    if value is UNKNOWN and not flags & EVAL_NO_FAIL:
        fail(ResultCode.OP_NOT_APPLICABLE, "the expression evaluated to unknown")
    return value, flags


def exp_read(record: Record, raw: Any) -> Any:
    """The value of the expression (nil for unknown under EVAL_NO_FAIL)."""
    value, _ = _evaluate(record, raw)
    return None if value is UNKNOWN else value


def exp_write_value(record: Record, bin_name: str, raw: Any) -> Any:
    """What an expression write stores in ``bin_name``: a value, None to delete the bin, or SKIP."""
    value, flags = _evaluate(record, raw)
    if value is UNKNOWN:
        return SKIP
    present = bin_name in record.bins
    problem: tuple[ResultCode, str] | None = None
    if flags & CREATE_ONLY and present:
        problem = ResultCode.BIN_EXISTS, f"bin {bin_name!r} exists"
    elif flags & UPDATE_ONLY and not present:
        problem = ResultCode.BIN_NOT_FOUND, f"bin {bin_name!r} does not exist"
    elif value is None and not flags & ALLOW_DELETE:
        problem = ResultCode.OP_NOT_APPLICABLE, "a nil result deletes the bin only with ALLOW_DELETE"
    if problem is None:
        return value
    if flags & POLICY_NO_FAIL:
        return SKIP
    fail(*problem)
