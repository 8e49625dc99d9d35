"""The wire codec against frames the real clients sent (``tests/data/captures``).

Every request frame of every capture must frame and parse; for the single-record captures the decoded
namespace, set, digest, header flags, ops and particle values must be exactly what the Python call in
the capture's header asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aerolite.result_codes import ResultCode
from aerolite.wire.digest import key_digest, partition_id
from aerolite.wire.framing import FrameBuffer, ProtoType
from aerolite.wire.info import split_commands
from aerolite.wire.message import MSG_HEADER_SIZE, FieldType, Message, MessageError, OpType, parse_message
from aerolite.wire.particles import decode_key, decode_particle
from tests.wire.captures import Capture, CapturedFrame, load_captures

CAPTURES = load_captures()
BY_NAME = {c.name: c for c in CAPTURES}
REQUESTS = [f for c in CAPTURES for f in c.requests]


def frame_id(f: CapturedFrame) -> str:
    return f"{f.capture}-{f.number}"


def split_one(frame: CapturedFrame) -> tuple[int, bytes]:
    """Frame the captured bytes with FrameBuffer; a capture holds exactly one whole frame."""
    frames = FrameBuffer().feed(frame.data)
    assert len(frames) == 1, f"{frame_id(frame)}: {len(frames)} frames"
    ptype, body = frames[0]
    return ptype, bytes(body)


def consumed_size(msg: Message) -> int:
    """The byte size the parsed header, fields and ops account for."""
    size = MSG_HEADER_SIZE
    size += sum(5 + len(v) for v in msg.fields.values())
    size += sum(8 + len(op.name.encode()) + len(op.value) for op in msg.ops)
    return size


def test_capture_set_is_complete() -> None:
    assert len(CAPTURES) >= 30
    assert len(REQUESTS) >= 60
    for capture in CAPTURES:
        assert capture.requests, f"{capture.name} has no request frame"
        assert capture.python_call, f"{capture.name} has no Python call in its header"
    # Requests are never cut in the files; only long reply streams are.
    assert not any(f.truncated for f in REQUESTS)
    assert any(f.truncated for c in CAPTURES for f in c.frames if not f.is_request)


@pytest.mark.parametrize("frame", REQUESTS, ids=frame_id)
def test_every_request_frame_parses(frame: CapturedFrame) -> None:
    ptype, body = split_one(frame)
    assert ptype == frame.proto_type
    assert len(body) == frame.length - 8
    if ptype == ProtoType.INFO:
        commands = split_commands(body)
        assert commands, "an info request with no command"
        assert all(cmd and "\n" not in cmd for cmd in commands)
        assert "".join(f"{cmd}\n" for cmd in commands) == body.decode()
        return
    assert ptype == ProtoType.MESSAGE
    msg = parse_message(memoryview(body))
    assert consumed_size(msg) == len(body), "fields and ops must account for the whole body"
    assert msg.result_code == 0
    if FieldType.BATCH_INDEX in msg.fields:
        assert msg.info1 & 0x08 and not msg.ops  # batch rows carry their own namespaces
    else:
        assert bytes(msg.fields[FieldType.NAMESPACE]) == b"test"
    if FieldType.DIGEST in msg.fields:
        assert len(msg.fields[FieldType.DIGEST]) == 20
    for op in msg.ops:
        assert op.op_type in set(OpType), f"op type {op.op_type}"
        decode_particle(op.particle_type, op.value)  # must not raise for anything a real client sends


def test_info_requests_of_the_connect_sequence() -> None:
    first = BY_NAME["connect_sequence"].requests[0]
    _, body = split_one(first)
    assert split_commands(body) == ["node", "cluster-name", "build", "partition-generation"]
    user_agent = BY_NAME["connect_sequence"].requests[1]
    (cmd,) = split_commands(split_one(user_agent)[1])
    assert cmd.startswith("user-agent-set:value=")
    polls = {split_commands(split_one(f)[1])[0] for f in BY_NAME["task_status_poll"].requests}
    assert len(polls) == 1 and polls.pop().startswith("query-show:id=")


def test_all_info_requests_are_terminated_ascii() -> None:
    info = [f for f in REQUESTS if f.proto_type == ProtoType.INFO]
    assert len(info) >= 30
    for f in info:
        body = f.body
        assert body.endswith(b"\n") and body.isascii(), frame_id(f)


# --- single-record captures: decoded specifics ---------------------------------------------------

I1_READ, I1_GET_ALL, I1_NO_BINS = 0x01, 0x02, 0x20
I2_WRITE, I2_DELETE, I2_RESPOND_ALL = 0x01, 0x02, 0x80


@dataclass(frozen=True)
class Expected:
    """What a single-record capture's request must decode to."""

    info1: int
    info2: int
    ops: list[tuple[int, int, str, Any]] = field(default_factory=list)
    """(op_type, particle_type, bin name, decoded value)"""
    record_ttl: int = 0
    key_sent: bool = False
    key: tuple[str, str, int | str] | None = None
    """Only for captures whose Python call does not spell the key out literally."""
    extra_fields: dict[int, bytes] = field(default_factory=dict)


W, R = OpType.WRITE, OpType.READ
SINGLE: dict[str, Expected] = {
    "put_3_bins": Expected(
        0, I2_WRITE, [(W, 1, "int_bin", 42), (W, 3, "str_bin", "hello"), (W, 2, "float_bin", 3.14)],
        record_ttl=3600, key_sent=True,
    ),
    "legacy_put_3_bins": Expected(
        0, I2_WRITE, [(W, 1, "int_bin", 42), (W, 3, "str_bin", "hello"), (W, 2, "float_bin", 3.14)],
        record_ttl=3600, key_sent=True,
    ),
    "put_list_map_bool_blob": Expected(
        0, I2_WRITE,
        [
            (W, 20, "list_bin", [1, "a", 2.5, None, True]),
            (W, 19, "map_bin", {"k": 1, "n": {"x": b"\x01"}}),
            (W, 17, "bool_bin", True),
            (W, 4, "blob_bin", b"\xde\xad"),
        ],
    ),
    "get": Expected(I1_READ | I1_GET_ALL, 0),
    "get_not_found": Expected(I1_READ | I1_GET_ALL, 0),
    "get_selected_bins": Expected(I1_READ, 0, [(R, 0, "str_bin", None)]),
    "exists": Expected(I1_READ | I1_NO_BINS, 0),
    "delete": Expected(0, I2_WRITE | I2_DELETE),
    "touch": Expected(0, I2_WRITE, [(OpType.TOUCH, 0, "", None)]),
    "operate_add_read": Expected(
        I1_READ, I2_WRITE | I2_RESPOND_ALL, [(OpType.INCR, 1, "int_bin", 5), (R, 0, "int_bin", None)]
    ),
    "legacy_operate_add_read": Expected(
        I1_READ, I2_WRITE, [(OpType.INCR, 1, "int_bin", 5), (R, 0, "int_bin", None)]
    ),
    "operate_put_append_getall": Expected(
        I1_READ | I1_GET_ALL, I2_WRITE,
        [(W, 3, "str_bin", "bye"), (OpType.APPEND, 3, "str_bin", "!"), (R, 0, "", None)],
        key=("test", "demo", "cap-1"),  # the call says `key`: the Key("test", "demo", "cap-1") of put_3_bins
    ),
    "execute_udf_single": Expected(
        0, I2_WRITE,
        extra_fields={
            FieldType.UDF_FILENAME: b"capmod",
            FieldType.UDF_FUNCTION: b"set_bin",
            FieldType.UDF_ARGLIST: bytes.fromhex("92a403746167a20379"),
        },
    ),
    "sdk_point_read_where_ael": Expected(
        I1_READ | I1_GET_ALL, 0,
        key=("test", "sdk", 22),  # DataSet.of("test", "sdk").id(22)
        extra_fields={FieldType.FILTER_EXP: bytes.fromhex("92cc80c40b242e616765203d3d203232")},
    ),
}


def same_value(got: Any, want: Any) -> bool:
    """Equality that tells bools from ints and compares floats exactly."""
    if type(want) is not type(got) and not (isinstance(want, bytes) and isinstance(got, (bytes, bytearray))):
        return False
    if isinstance(want, list):
        return len(got) == len(want) and all(same_value(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(want, dict):
        return got.keys() == want.keys() and all(same_value(got[k], want[k]) for k in want)
    if isinstance(want, float):
        return math.isclose(got, want, rel_tol=0, abs_tol=0)
    return bool(got == want)


def the_key(name: str, capture: Capture) -> tuple[str, str, int | str]:
    expected = SINGLE[name]
    literal = capture.keys_in_call()
    if expected.key is not None:
        assert not literal
        return expected.key
    assert len(literal) == 1, f"{name}: keys in call {literal}"
    return literal[0]


def test_single_record_table_covers_existing_captures() -> None:
    assert set(SINGLE) <= set(BY_NAME)


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_single_record_capture_decodes(name: str) -> None:
    capture = BY_NAME[name]
    expected = SINGLE[name]
    (request,) = capture.requests
    ptype, body = split_one(request)
    assert ptype == ProtoType.MESSAGE
    msg = parse_message(memoryview(body))
    ns, set_name, user_key = the_key(name, capture)

    assert (msg.info1, msg.info2, msg.info3, msg.info4) == (expected.info1, expected.info2, 0, 0)
    assert msg.record_ttl == expected.record_ttl
    assert msg.generation == 0
    assert msg.transaction_ttl == 1000  # the default total timeout of both clients, in ms
    assert bytes(msg.fields[FieldType.NAMESPACE]).decode() == ns
    assert bytes(msg.fields[FieldType.SET]).decode() == set_name
    digest = bytes(msg.fields[FieldType.DIGEST])
    assert digest == key_digest(set_name, user_key)
    assert 0 <= partition_id(digest) < 4096
    if expected.key_sent:
        assert same_value(decode_key(msg.fields[FieldType.KEY]), user_key)
    else:
        assert FieldType.KEY not in msg.fields
    want_fields = {FieldType.NAMESPACE, FieldType.SET, FieldType.DIGEST, *expected.extra_fields}
    if expected.key_sent:
        want_fields.add(FieldType.KEY)
    assert set(msg.fields) == want_fields
    for ftype, data in expected.extra_fields.items():
        assert bytes(msg.fields[ftype]) == data

    got_ops = [(op.op_type, op.particle_type, op.name) for op in msg.ops]
    assert got_ops == [(t, p, n) for t, p, n, _ in expected.ops]
    for op, (_, _, bin_name, value) in zip(msg.ops, expected.ops, strict=True):
        decoded = decode_particle(op.particle_type, op.value)
        assert same_value(decoded, value), f"{bin_name}: {decoded!r} != {value!r}"


def test_key_field_decodes_to_the_integer_key() -> None:
    # put_list_map_bool_blob has an integer key but no send_key: only the digest carries it.
    msg = parse_message(memoryview(split_one(BY_NAME["put_list_map_bool_blob"].requests[0])[1]))
    assert bytes(msg.fields[FieldType.DIGEST]) == key_digest("demo", 77)
    assert decode_key(b"\x01" + (77).to_bytes(8, "big")) == 77


# --- multi-record captures ------------------------------------------------------------------------


def test_batch_read_rows_carry_the_keys_digests() -> None:
    capture = BY_NAME["batch_read"]
    msg = parse_message(memoryview(split_one(capture.requests[0])[1]))
    assert msg.info1 & 0x08, "BATCH flag"
    batch = bytes(msg.fields[FieldType.BATCH_INDEX])
    keys = capture.keys_in_call()
    assert len(keys) == 3
    assert int.from_bytes(batch[:4], "big") == len(keys)
    positions = [batch.find(key_digest(s, k)) for _, s, k in keys]
    assert all(p > 0 for p in positions) and positions == sorted(positions)
    # Row 0 starts right after n_rows and flags: u32 index 0, then the first digest.
    assert batch[5:9] == b"\x00\x00\x00\x00" and positions[0] == 9


@pytest.mark.parametrize(
    "name", ["query_scan_set", "legacy_query_scan_set", "query_with_filter_exp_and_bins", "query_sindex_range"]
)
def test_partition_queries_ask_for_every_partition(name: str) -> None:
    msg = parse_message(memoryview(split_one(BY_NAME[name].requests[0])[1]))
    assert FieldType.DIGEST not in msg.fields
    pids = bytes(msg.fields[FieldType.PID_ARRAY])
    assert len(pids) == 2 * 4096
    got = [int.from_bytes(pids[i : i + 2], "little") for i in range(0, len(pids), 2)]
    assert sorted(got) == list(range(4096))
    assert bytes(msg.fields[FieldType.SET]) == b"demo"


def test_background_query_carries_its_task_id() -> None:
    msg = parse_message(memoryview(split_one(BY_NAME["query_operate_filter_ops"].requests[0])[1]))
    assert int.from_bytes(msg.fields[FieldType.TASK_ID], "big") == 5648557525572946613
    assert msg.info2 & I2_WRITE
    assert [(op.op_type, op.name) for op in msg.ops] == [(OpType.WRITE, "flag"), (OpType.INCR, "int_bin")]
    assert [decode_particle(op.particle_type, op.value) for op in msg.ops] == [1, 100]


def test_whole_reply_frames_parse_too() -> None:
    """The prototype's replies were accepted by the clients; the complete single-message ones parse."""
    get_reply = BY_NAME["get"].frames[1]
    assert not get_reply.is_request and not get_reply.truncated
    _, body = split_one(get_reply)
    msg = parse_message(memoryview(body))
    assert msg.result_code == 0 and msg.generation >= 1
    bins = {op.name: decode_particle(op.particle_type, op.value) for op in msg.ops}
    assert bins == {"int_bin": 42, "str_bin": "hello", "float_bin": 3.14}
    missing = parse_message(memoryview(split_one(BY_NAME["get_not_found"].frames[1])[1]))
    assert missing.result_code == 2 and not missing.ops


# --- damaged copies of real requests --------------------------------------------------------------

AS_MSG_BODIES = [f.body for f in REQUESTS if f.proto_type == ProtoType.MESSAGE]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_truncation_of_a_real_request_is_a_message_error(data: st.DataObject) -> None:
    body = data.draw(st.sampled_from(AS_MSG_BODIES))
    cut = data.draw(st.integers(min_value=0, max_value=len(body) - 1))
    # The captured messages end exactly where their last field or op ends, so any cut breaks one.
    with pytest.raises(MessageError) as err:
        parse_message(memoryview(body[:cut]))
    assert err.value.code == ResultCode.PARAMETER_ERROR


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_corrupted_real_requests_parse_or_raise_message_error(data: st.DataObject) -> None:
    body = bytearray(data.draw(st.sampled_from(AS_MSG_BODIES)))
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        pos = data.draw(st.integers(min_value=0, max_value=len(body) - 1))
        body[pos] = data.draw(st.integers(min_value=0, max_value=255))
    cut = data.draw(st.integers(min_value=0, max_value=len(body)))
    try:
        msg = parse_message(memoryview(bytes(body[:cut])))
    except MessageError:
        return
    assert consumed_size(msg) <= cut
