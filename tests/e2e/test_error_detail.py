"""Extended error detail (8.2): a request asking for ``error_detail_verbosity`` gets the sub-code,
the message naming the cause and, at the highest level, the expression trace, as aerospike-native
and aerospike-sdk 1.0.0 read them: on single-record commands, batch rows and queries."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import aerospike_native as an
import pytest
from aerospike_native import ErrorDetailVerbosity, ExpOperation, FilterExpression, Key, ListOperation
from aerospike_native import exceptions as ex

from tests.conftest import ServerProcess

aerospike_sdk = pytest.importorskip("aerospike_sdk")
from aerospike_sdk.policy.behavior_settings import Scope, Settings  # noqa: E402

SET = "error_detail"
TYPO = "$.score * * 2"
TYPO_MESSAGE = "expected a value, found '*' at line 1, column 11\n  $.score * * 2\n            ^"
BAD_INDEX = [ListOperation.get_by_index("l", 7, an.ListReturnType.VALUE)]


def write_policy(level: int) -> an.WritePolicy:
    policy = an.WritePolicy()
    policy.error_detail_verbosity = level
    return policy


@pytest.fixture
async def key(client: Any) -> Key:
    k = Key("test", SET, 1)
    await client.put(k, {"score": 3, "l": [1, 2]})
    return k


async def failure(call: Any) -> Any:
    with pytest.raises(ex.ServerError) as info:
        await call
    return info.value


async def test_nothing_unless_asked(client: Any, key: Key) -> None:
    error = await failure(client.operate(key, BAD_INDEX, policy=write_policy(ErrorDetailVerbosity.NONE)))
    assert error.result_code == an.ResultCode.OP_NOT_APPLICABLE
    assert (error.sub_code, error.server_message, error.exp_trace) == (None, None, None)


async def test_levels_add_up(client: Any, key: Key) -> None:
    sub_only = await failure(client.operate(key, BAD_INDEX, policy=write_policy(ErrorDetailVerbosity.SUBCODE)))
    assert sub_only.sub_code == an.SubCode.OPNOT_CDT_INDEX_OUT_OF_BOUNDS and not sub_only.server_message
    message = await failure(client.operate(key, BAD_INDEX, policy=write_policy(ErrorDetailVerbosity.MESSAGE)))
    assert message.sub_code == an.SubCode.OPNOT_CDT_INDEX_OUT_OF_BOUNDS
    assert message.server_message == "index 7 is out of range for 2 elements"
    assert message.exp_trace is None


async def test_ael_typo_in_an_operation(client: Any, key: Key) -> None:
    op = [ExpOperation.read("x", FilterExpression.from_server_compiled_ael(TYPO))]
    message = await failure(client.operate(key, op, policy=write_policy(ErrorDetailVerbosity.MESSAGE)))
    assert message.result_code == an.ResultCode.PARAMETER_ERROR
    assert message.server_message == TYPO_MESSAGE and message.exp_trace is None
    traced = await failure(client.operate(key, op, policy=write_policy(ErrorDetailVerbosity.EXPRESSION_TRACE)))
    trace = traced.exp_trace
    assert (trace.phase, trace.lang, trace.ael_offset, trace.snippet) == (
        trace.PHASE_BUILD, trace.LANG_AEL, TYPO.index("* 2"), TYPO)


async def test_malformed_filter_bytes_trace_their_offset(client: Any, key: Key) -> None:
    policy = an.ReadPolicy()
    policy.error_detail_verbosity = ErrorDetailVerbosity.EXPRESSION_TRACE
    policy.filter_expression = FilterExpression.from_base64(base64.b64encode(b"\x93\x01\x02\xc1").decode())
    error = await failure(client.get(key, policy=policy))
    assert error.result_code == an.ResultCode.PARAMETER_ERROR and "at byte 3" in error.server_message
    assert (error.exp_trace.lang, error.exp_trace.byte_offset) == (error.exp_trace.LANG_MSGPACK, 3)


async def test_batch_rows_carry_their_own_detail(client: Any, key: Key) -> None:
    policy = an.BatchPolicy()
    policy.error_detail_verbosity = ErrorDetailVerbosity.MESSAGE
    rows = [
        an.BatchReadOp(key, operations=[ExpOperation.read("x", FilterExpression.from_server_compiled_ael("$.score + 1"))]),
        an.BatchReadOp(key, operations=[ExpOperation.read("x", FilterExpression.from_server_compiled_ael(TYPO))]),
        an.BatchReadOp(key, operations=BAD_INDEX),
    ]
    ok, typo, index = await client.batch(rows, batch_policy=policy)
    assert ok.result_code == an.ResultCode.OK and ok.record.bins == {"x": 4} and ok.server_message is None
    assert (typo.result_code, typo.server_message) == (an.ResultCode.PARAMETER_ERROR, TYPO_MESSAGE)
    assert (index.result_code, index.sub_code) == (an.ResultCode.OP_NOT_APPLICABLE, an.SubCode.OPNOT_CDT_INDEX_OUT_OF_BOUNDS)


@pytest.fixture
async def verbose_session(server: ServerProcess) -> AsyncIterator[Any]:
    cluster = await aerospike_sdk.ClusterDefinition("127.0.0.1", server.port).connect()
    behavior = aerospike_sdk.Behavior("verbose", {Scope.ALL: Settings(error_detail_verbosity=ErrorDetailVerbosity.MESSAGE)})
    try:
        yield cluster.create_session(behavior)
    finally:
        await cluster.close()


async def test_sdk_shows_the_ael_typo(verbose_session: Any, key: Key) -> None:
    ds = aerospike_sdk.DataSet.of("test", SET)
    with pytest.raises(aerospike_sdk.AerospikeError) as point:
        await verbose_session.query(ds.id(1)).where("$.score >").execute()
    assert point.value.server_message == "expected a value, found end of input at line 1, column 10\n  $.score >\n           ^"
    assert "line 1, column 10" in str(point.value)
    with pytest.raises(aerospike_sdk.AerospikeError) as operation:
        await verbose_session.query(ds.id(1)).bin("x").select_from(TYPO).execute()
    assert operation.value.server_message == TYPO_MESSAGE
    with pytest.raises(aerospike_sdk.AerospikeError) as query:
        async for _ in await verbose_session.query(ds).where("$.score == ").execute():
            pass
    assert query.value.result_code == an.ResultCode.PARAMETER_ERROR
    assert query.value.server_message.startswith("expected a value, found end of input at line 1, column 12")


async def test_sdk_batch_row_message(client: Any, verbose_session: Any, key: Key) -> None:
    await client.put(Key("test", SET, 2), {"score": 5})
    ds = aerospike_sdk.DataSet.of("test", SET)
    stream = await verbose_session.query(ds.ids(1, 2)).bin("x").select_from("$.score +").execute()
    rows = [r async for r in stream]
    message = "expected a value, found end of input at line 1, column 10\n  $.score +\n           ^"
    assert [(r.result_code, r.server_message) for r in rows] == [(an.ResultCode.PARAMETER_ERROR, message)] * 2


async def test_filtered_out_says_what_kind_of_filter_rejected_the_record(client: Any, key: Key) -> None:
    policy = an.ReadPolicy()
    policy.error_detail_verbosity = ErrorDetailVerbosity.MESSAGE
    for text, sub_code, what in (("$.score > 100", 2, "it reads bins"),
                                 ("$.setName() == 'elsewhere'", 1, "it reads only record metadata")):
        policy.filter_expression = FilterExpression.from_server_compiled_ael(text)
        error = await failure(client.get(key, policy=policy))
        assert error.result_code == an.ResultCode.FILTERED_OUT
        assert (error.sub_code, error.server_message) == (sub_code, f"the filter expression rejected the record ({what})")
    batch = an.BatchPolicy()
    batch.error_detail_verbosity = ErrorDetailVerbosity.SUBCODE
    batch.filter_expression = FilterExpression.from_server_compiled_ael("$.ttl() > 0")
    (row,) = await client.batch([an.BatchReadOp(key)], batch_policy=batch)
    assert (row.result_code, row.sub_code) == (an.ResultCode.FILTERED_OUT, 1)


async def test_background_job_refusal_explains_itself(client: Any, key: Key) -> None:
    policy = write_policy(ErrorDetailVerbosity.MESSAGE)
    op = [ExpOperation.write("d", FilterExpression.from_server_compiled_ael(TYPO))]
    error = await failure(client.query_operate(an.Statement("test", SET), op, write_policy=policy))
    assert (error.result_code, error.server_message) == (an.ResultCode.PARAMETER_ERROR, TYPO_MESSAGE)
    assert "d" not in (await client.get(key)).bins
