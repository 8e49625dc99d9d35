"""Aerospike result codes: the one vocabulary of outcomes shared by the wire, the engine and the SDK."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ResultCode(IntEnum):
    """Result codes a node answers with (one byte on the wire)."""

    OK = 0
    SERVER_ERROR = 1
    KEY_NOT_FOUND = 2
    GENERATION_ERROR = 3
    PARAMETER_ERROR = 4
    KEY_EXISTS = 5
    BIN_EXISTS = 6
    CLUSTER_KEY_MISMATCH = 7
    SERVER_FULL = 8
    TIMEOUT = 9
    PARTITION_UNAVAILABLE = 11
    BIN_TYPE_ERROR = 12
    RECORD_TOO_BIG = 13
    KEY_BUSY = 14
    QUERY_ABORTED = 15
    UNSUPPORTED_FEATURE = 16
    BIN_NOT_FOUND = 17
    DEVICE_OVERLOAD = 18
    KEY_MISMATCH = 19
    INVALID_NAMESPACE = 20
    BIN_NAME_TOO_LONG = 21
    FAIL_FORBIDDEN = 22
    ELEMENT_NOT_FOUND = 23
    ELEMENT_EXISTS = 24
    ENTERPRISE_ONLY = 25
    OP_NOT_APPLICABLE = 26
    FILTERED_OUT = 27
    LOST_CONFLICT = 28
    QUERY_END = 50
    SECURITY_NOT_SUPPORTED = 51
    SECURITY_NOT_ENABLED = 52
    INVALID_COMMAND = 54
    INVALID_FIELD = 55
    INVALID_USER = 60
    USER_ALREADY_EXISTS = 61
    INVALID_PASSWORD = 62
    INVALID_CREDENTIAL = 65
    EXPIRED_SESSION = 66
    INVALID_ROLE = 70
    ROLE_ALREADY_EXISTS = 71
    INVALID_PRIVILEGE = 72
    INVALID_WHITELIST = 73
    QUOTAS_NOT_ENABLED = 74
    NOT_AUTHENTICATED = 80
    ROLE_VIOLATION = 81
    NOT_WHITELISTED = 82
    UDF_BAD_RESPONSE = 100
    GEO_INVALID_GEOJSON = 160
    INDEX_FOUND = 200
    INDEX_NOT_FOUND = 201
    INDEX_OOM = 202
    INDEX_NOT_READABLE = 203
    INDEX_GENERIC = 204
    INDEX_NAME_MAX_LEN = 205
    INDEX_MAX_COUNT = 206


@dataclass(frozen=True, slots=True)
class ExpressionTrace:
    """Where an expression failed to build: a byte offset into its msgpack, or a place in AEL text."""

    byte_offset: int | None = None
    ael_offset: int | None = None
    snippet: str = ""


class AerospikeResultError(Exception):
    """An outcome other than OK, carrying the result code a node would answer.

    ``sub_code`` refines the code (8.2 sub-codes are scoped to their result code; 0 is none) and
    ``trace`` says where an expression failed; both reach a client that asks for error detail.
    """

    def __init__(self, code: ResultCode, message: str = "", *, sub_code: int = 0,
                 trace: ExpressionTrace | None = None) -> None:
        super().__init__(message or code.name.lower().replace("_", " "))
        self.code = code
        self.sub_code = sub_code
        self.trace = trace


class SubCode:
    """The sub-codes aerolite answers with, each scoped to its result code."""

    OPNOT_CDT_INDEX_OUT_OF_BOUNDS = 1
    """With OP_NOT_APPLICABLE: a list index outside the elements."""
    FILTERED_META = 1
    """With FILTERED_OUT: rejected by a filter that reads only record metadata."""
    FILTERED_BINS = 2
    """With FILTERED_OUT: rejected by a filter that reads bins (or the stored key)."""
