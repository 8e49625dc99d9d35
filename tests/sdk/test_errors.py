"""The exception hierarchy: families, messages, and conversion of client and info errors."""

from __future__ import annotations

import builtins

import aerospike_native.exceptions as anx
import pytest

from aerolite import sdk
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.sdk.errors import error_for, from_info_error, from_native, from_result_error


@pytest.mark.parametrize(
    ("code", "family"),
    [(2, sdk.RecordNotFoundError), (4, sdk.InvalidRequestError), (9, sdk.TimeoutError), (12, sdk.BinError),
     (20, sdk.InvalidNamespaceError), (22, sdk.ForbiddenError), (26, sdk.UnsupportedError),
     (27, sdk.FilteredOutError), (80, sdk.SecurityError), (100, sdk.UdfError), (201, sdk.SecondaryIndexError),
     (210, sdk.QueryError), (1, sdk.ServerError), (199, sdk.ServerError), (-1, sdk.ClientError),
     (-8, sdk.ConnectionError)],
)
def test_each_code_maps_to_its_family(code: int, family: type[sdk.AerospikeError]) -> None:
    error = error_for(code, "detail")
    assert type(error) is family
    assert isinstance(error, sdk.AerospikeError)
    assert error.result_code == code
    assert "detail" in str(error) and f"({code})" in str(error)


def test_timeout_and_connection_are_also_builtin_families() -> None:
    assert isinstance(error_for(9, "x"), builtins.TimeoutError)
    assert isinstance(error_for(-8, "x"), builtins.ConnectionError)


def test_native_errors_convert_by_class_when_they_carry_no_code() -> None:
    assert type(from_native(anx.TimeoutError("slow"))) is sdk.TimeoutError
    assert type(from_native(anx.ConnectionError("refused"))) is sdk.ConnectionError
    converted = from_native(anx.ClientError("odd"))
    assert type(converted) is sdk.ClientError and "odd" in str(converted)


def test_info_errors() -> None:
    assert from_info_error("ok") is None
    error = from_info_error("ERROR:20:unknown namespace")
    assert isinstance(error, sdk.InvalidNamespaceError) and error.result_code == 20
    assert isinstance(from_info_error("ERROR::garbled"), sdk.ServerError)


def test_aerolite_layer_errors_convert() -> None:
    error = from_result_error(AerospikeResultError(ResultCode.PARAMETER_ERROR, "bad"))
    assert type(error) is sdk.InvalidRequestError and error.result_code == 4
