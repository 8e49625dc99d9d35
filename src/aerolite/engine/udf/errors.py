"""The UDF failure vocabulary: what registration and execution can answer instead of a result.

Each class carries the result code a node would send and, where the server must format a reply
(``udf-put`` errors, the ``FAILURE`` bin), the exact pieces a real node puts in it.
"""

from __future__ import annotations

from aerolite.result_codes import AerospikeResultError, ResultCode


class UdfError(AerospikeResultError):
    """Root of every UDF failure, so callers can catch the family in one clause."""


class UdfRegistrationError(UdfError):
    """``udf-put`` refused the module; ``token`` is the node's ``error=<token>`` word."""

    def __init__(self, token: str, message: str) -> None:
        super().__init__(ResultCode.PARAMETER_ERROR, message)
        self.token = token


class UdfCompileError(UdfRegistrationError):
    """The Lua text does not compile; a node answers ``error=compile_error;file=..;line=..;message=..``."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__("compile_error", f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.lua_message = message


class UdfExecutionError(UdfError):
    """A call failed; ``str(error)`` is the text a node puts in the ``FAILURE`` bin (result 100)."""

    def __init__(self, message: str) -> None:
        super().__init__(ResultCode.UDF_BAD_RESPONSE, message)
        self.message = message


class UdfTimeoutError(UdfError):
    """A call ran past its time limit (the request's deadline, or the cap); nothing it wrote is kept."""

    def __init__(self, message: str) -> None:
        super().__init__(ResultCode.TIMEOUT, message)
