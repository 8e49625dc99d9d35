"""The SDK's one exception hierarchy, rooted at :class:`AerospikeError`.

Every failure a caller can see is one of these: result codes answered by a node (in an AS_MSG reply
or an ``ERROR:<code>:<text>`` info line), errors raised by the official client, and expression
errors of the AEL compiler. One class per *family* of result codes, so ``except RecordNotFoundError``
reads like the problem rather than like a number. Raw ``aerospike_native`` exceptions never escape:
:func:`from_native` converts them at the single seam where the SDK calls the client.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aerospike_native as an
import aerospike_native.exceptions as anx

from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.sdk.udf import explain_compile_error


class AerospikeError(Exception):
    """Anything that went wrong talking to a node; ``result_code`` is the node's (or client's) code.

    >>> try:
    ...     raise RecordNotFoundError(2, "no such user")
    ... except AerospikeError as e:
    ...     e.result_code
    2
    """

    def __init__(self, result_code: int, message: str, *, in_doubt: bool = False) -> None:
        super().__init__(message)
        self.result_code = result_code
        self.message = message
        self.in_doubt = in_doubt


class ClientError(AerospikeError):
    """The client could not do what was asked (negative result codes: bad arguments, parse errors)."""


class ConnectionError(ClientError, builtins.ConnectionError):
    """No usable connection to a node (refused, closed, no node known)."""


class TimeoutError(AerospikeError, builtins.TimeoutError):
    """A command or a wait ran out of time (client timeouts and the node's TIMEOUT, 9)."""


class ServerError(AerospikeError):
    """A node-side failure with no more specific family (SERVER_ERROR, unknown codes)."""


class RecordNotFoundError(AerospikeError):
    """KEY_NOT_FOUND (2): the record, or (for a job submit) the set, does not exist."""


class GenerationError(AerospikeError):
    """GENERATION_ERROR (3): the record changed since it was read."""


class InvalidRequestError(AerospikeError):
    """PARAMETER_ERROR (4) and friends: the node refused the request as malformed or not allowed."""


class AelError(InvalidRequestError, builtins.ValueError):
    """An AEL text that does not compile; ``line``/``column`` point at the problem."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(int(ResultCode.PARAMETER_ERROR), message)
        self.line = line
        self.column = column


class RecordExistsError(AerospikeError):
    """KEY_EXISTS (5): a create-only write met an existing record."""


class BinError(AerospikeError):
    """Bin problems: BIN_EXISTS (6), BIN_TYPE_ERROR (12), BIN_NOT_FOUND (17), BIN_NAME_TOO_LONG (21)."""


class RecordTooBigError(AerospikeError):
    """RECORD_TOO_BIG (13)."""


class KeyBusyError(AerospikeError):
    """KEY_BUSY (14) / XDR_KEY_BUSY (32): too many concurrent writes to one record."""


class CapacityError(AerospikeError):
    """The node is out of room or overloaded: SERVER_MEM (8), PARTITION_UNAVAILABLE (11), DEVICE_OVERLOAD (18)."""


class ForbiddenError(AerospikeError):
    """ALWAYS_FORBIDDEN (10) / FAIL_FORBIDDEN (22): the namespace's configuration forbids this."""


class UnsupportedError(AerospikeError):
    """UNSUPPORTED_FEATURE (16), ENTERPRISE_ONLY (25), OP_NOT_APPLICABLE (26)."""


class InvalidNamespaceError(AerospikeError):
    """INVALID_NAMESPACE (20): the node serves no such namespace."""


class ElementError(AerospikeError):
    """ELEMENT_NOT_FOUND (23) / ELEMENT_EXISTS (24) in a list or map operation."""


class FilteredOutError(AerospikeError):
    """FILTERED_OUT (27): a single-record command's filter expression was false."""


class SecurityError(AerospikeError):
    """Authentication, authorization and quota codes (51-83)."""


class UdfError(AerospikeError):
    """UDF_BAD_RESPONSE (100): a Lua UDF failed."""


class TransactionError(AerospikeError):
    """Multi-record transaction codes (120-127 and the client's -17..-19)."""


class BatchError(AerospikeError):
    """Batch codes (150-152, the client's -16)."""


class SecondaryIndexError(AerospikeError):
    """Secondary-index codes (200-206): e.g. INDEX_NOT_FOUND for a range filter on an unindexed bin."""


class QueryError(AerospikeError):
    """Query and scan codes (15, 50, 210-215, the client's -4/-5)."""


class JobNotFoundError(RecordNotFoundError):
    """No node knows the job: it never started there, or it finished long ago and was evicted."""


_FAMILIES: dict[int, type[AerospikeError]] = {
    2: RecordNotFoundError, 3: GenerationError, 4: InvalidRequestError, 29: InvalidRequestError,
    54: InvalidRequestError, 55: InvalidRequestError, 160: InvalidRequestError, 5: RecordExistsError,
    6: BinError, 12: BinError, 17: BinError, 21: BinError, 13: RecordTooBigError, 14: KeyBusyError,
    32: KeyBusyError, 8: CapacityError, 11: CapacityError, 18: CapacityError, 10: ForbiddenError,
    22: ForbiddenError, 16: UnsupportedError, 25: UnsupportedError, 26: UnsupportedError,
    20: InvalidNamespaceError, 23: ElementError, 24: ElementError, 27: FilteredOutError, 100: UdfError,
    9: TimeoutError, -11: TimeoutError, -15: TimeoutError, -16: BatchError, 15: QueryError, 50: QueryError,
    -4: QueryError, -5: QueryError, -7: ConnectionError, -8: ConnectionError, -3: ConnectionError,
}
for _code in range(51, 84):
    _FAMILIES[_code] = SecurityError
for _code in (*range(120, 128), -17, -18, -19):
    _FAMILIES[_code] = TransactionError
for _code in range(150, 153):
    _FAMILIES[_code] = BatchError
for _code in range(200, 207):
    _FAMILIES[_code] = SecondaryIndexError
for _code in range(210, 216):
    _FAMILIES[_code] = QueryError


def code_name(code: int) -> str:
    """The symbolic name of a result code, for messages (``KEY_NOT_FOUND``, or ``code 99``)."""
    try:
        return ResultCode(code).name
    except ValueError:
        return f"code {code}"


def error_for(code: int, detail: str, *, in_doubt: bool = False) -> AerospikeError:
    """The exception of ``code``'s family, with a message naming the code.

    >>> error_for(4, "bad filter")
    InvalidRequestError('PARAMETER_ERROR (4): bad filter')
    """
    family = _FAMILIES.get(code, ClientError if code < 0 else ServerError)
    return family(code, f"{code_name(code)} ({code}): {detail}", in_doubt=in_doubt)


# Client failures that carry no result code, by the native class that raised them.
_NATIVE_CLASS_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (anx.TimeoutError, 9),
    (anx.ConnectionError, -8),
    (anx.NoMoreConnections, -7),
    (anx.InvalidNodeError, -3),
    (anx.InvalidNamespaceError, 20),
    (anx.IoError, -8),
    (anx.RecvError, -8),
)

NATIVE_ERRORS: tuple[type[BaseException], ...] = (anx.AerospikeError, an.ServerError)


@contextmanager
def converted() -> Iterator[None]:
    """Re-raise any ``aerospike_native`` exception of the block as its SDK family."""
    try:
        yield
    except NATIVE_ERRORS as exc:
        raise from_native(exc) from exc


def from_native(exc: BaseException) -> AerospikeError:
    """Convert an ``aerospike_native`` exception into its SDK family, keeping the server's text."""
    raw: Any = getattr(exc, "result_code", None)
    code = int(raw) if raw is not None else _code_of_class(exc)
    detail = explain_compile_error(getattr(exc, "base_message", None) or str(exc))
    return error_for(code, detail, in_doubt=bool(getattr(exc, "in_doubt", False)))


def _code_of_class(exc: BaseException) -> int:
    for cls, code in _NATIVE_CLASS_CODES:
        if isinstance(exc, cls):
            return code
    return -1


def from_result_error(exc: AerospikeResultError) -> AerospikeError:
    """Convert an error of aerolite's own layers (e.g. the AEL compiler) into its SDK family."""
    line, column = getattr(exc, "line", None), getattr(exc, "column", None)
    if isinstance(line, int) and isinstance(column, int):
        return AelError(f"AEL does not compile: {exc}", line, column)
    return error_for(int(exc.code), str(exc))


def from_info_error(reply: str) -> AerospikeError | None:
    """The error an info reply reports (``ERROR:<code>:<text>``), or None for a normal reply.

    >>> from_info_error("ERROR:2:job not found")
    RecordNotFoundError('KEY_NOT_FOUND (2): job not found')
    """
    if not reply.startswith("ERROR"):
        return None
    _, _, rest = reply.partition(":")
    code_text, _, detail = rest.partition(":")
    code = int(code_text) if code_text.lstrip("-").isdigit() else int(ResultCode.SERVER_ERROR)
    return error_for(code, detail or reply)
