"""The one error type of the expression layer.

Contract: every bad expression (malformed wire bytes, unknown opcodes, ill-typed trees, unsupported
constructs) surfaces as ``ExprError``, an ``AerospikeResultError`` with code PARAMETER_ERROR, which is
what a node answers for a bad filter. Nothing else escapes the public functions.
"""

from __future__ import annotations

from aerolite.result_codes import AerospikeResultError, ExpressionTrace, ResultCode


class ExprError(AerospikeResultError):
    """A filter expression that cannot be decoded, typed or compiled (a failure to build it, which
    carries a trace: the byte offset where decoding stopped, when known)."""

    def __init__(self, message: str, trace: ExpressionTrace | None = None) -> None:
        super().__init__(ResultCode.PARAMETER_ERROR, message, trace=trace or ExpressionTrace())
