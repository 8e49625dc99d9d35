"""Unit tests of wire/: framing, AS_MSG parsing errors, particles, digests, info text, S2 cells."""

from __future__ import annotations

import hashlib
import itertools
import math
import struct
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.values import GeoJson
from aerolite.wire.digest import key_digest, partition_id
from aerolite.wire.framing import DEFAULT_MAX_FRAME, FrameBuffer, FramingError, frame, frame_header
from aerolite.wire.geo_cells import cell_ids, leaf_cell_id
from aerolite.wire.info import parse_params, split_commands
from aerolite.wire.message import MessageError, parse_message
from aerolite.wire.particles import ParticleType, decode_key, decode_particle, encode_key, encode_particle

FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def header(version: int, ptype: int, length: int) -> bytes:
    return ((version << 56) | (ptype << 48) | length).to_bytes(8, "big")


# --- framing --------------------------------------------------------------------------------------

frames_strategy = st.lists(
    st.tuples(st.sampled_from([1, 2, 3, 4]), st.binary(max_size=300)), min_size=1, max_size=8
)


@FAST
@given(frames=frames_strategy, cuts=st.lists(st.integers(min_value=0, max_value=3000), max_size=20))
def test_frames_survive_arbitrary_chunk_boundaries(frames: list[tuple[int, bytes]], cuts: list[int]) -> None:
    stream = b"".join(frame(t, body) for t, body in frames)
    points = sorted({c % (len(stream) + 1) for c in cuts} | {0, len(stream)})
    buf = FrameBuffer()
    got: list[tuple[int, bytes]] = []
    for a, b in itertools.pairwise(points):
        got.extend((t, bytes(body)) for t, body in buf.feed(stream[a:b]))
    assert got == frames


def test_one_byte_at_a_time() -> None:
    data = frame(3, b"x" * 40) + frame(1, b"build\n")
    buf = FrameBuffer()
    outputs = [buf.feed(data[i : i + 1]) for i in range(len(data))]
    complete = [(i, [(t, bytes(b)) for t, b in out]) for i, out in enumerate(outputs) if out]
    assert complete == [(47, [(3, b"x" * 40)]), (len(data) - 1, [(1, b"build\n")])]


def test_several_frames_in_one_feed_come_out_in_order() -> None:
    buf = FrameBuffer()
    data = frame(1, b"node\n") + frame(3, b"\x16" + b"\x00" * 21) + frame(1, b"") + frame(3, b"abc")[:5]
    got = [(t, bytes(b)) for t, b in buf.feed(data)]
    assert got == [(1, b"node\n"), (3, b"\x16" + b"\x00" * 21), (1, b"")]
    assert [(t, bytes(b)) for t, b in buf.feed(frame(3, b"abc")[5:])] == [(3, b"abc")]
    assert buf.feed(b"") == []


def test_frame_header_layout() -> None:
    assert frame_header(3, 0x0102030405) == bytes.fromhex("0203000102030405")
    assert frame(1, b"build\n") == bytes.fromhex("0201000000000006") + b"build\n"


@pytest.mark.parametrize("version", [0, 1, 3, 255])
def test_bad_version_resets(version: int) -> None:
    with pytest.raises(FramingError) as err:
        FrameBuffer().feed(header(version, 3, 22))
    assert err.value.reset is True


@pytest.mark.parametrize("ptype", [0, 5, 9, 255])
def test_unknown_type_resets(ptype: int) -> None:
    with pytest.raises(FramingError) as err:
        FrameBuffer().feed(header(2, ptype, 4) + b"abcd")
    assert err.value.reset is True


@pytest.mark.parametrize("length", [DEFAULT_MAX_FRAME + 1, 200 * 1024 * 1024, 2**40, 2**48 - 1])
def test_oversized_length_closes_without_waiting_for_the_body(length: int) -> None:
    with pytest.raises(FramingError) as err:
        FrameBuffer().feed(header(2, 3, length))  # the header alone is enough to refuse it
    assert err.value.reset is False


def test_configured_cap_is_inclusive() -> None:
    buf = FrameBuffer(max_body=100)
    assert buf.feed(header(2, 3, 100) + b"\x00" * 99) == []
    assert [bytes(b) for _, b in buf.feed(b"\x00")] == [b"\x00" * 100]
    with pytest.raises(FramingError) as err:
        FrameBuffer(max_body=100).feed(header(2, 1, 101))
    assert err.value.reset is False


def test_header_split_before_the_bad_byte_arrives() -> None:
    buf = FrameBuffer()
    assert buf.feed(b"\x02") == []
    with pytest.raises(FramingError):
        buf.feed(b"\x09" + b"\x00" * 6)


# --- AS_MSG structure -----------------------------------------------------------------------------


def as_msg(
    fields: list[tuple[int, bytes]] | None = None,
    ops: list[tuple[int, int, bytes, bytes]] | None = None,
    *,
    info1: int = 0,
    info2: int = 1,
    n_fields: int | None = None,
    n_ops: int | None = None,
) -> bytes:
    """A request body built by hand (independent of the codec under test)."""
    fields = fields or []
    ops = ops or []
    out = struct.pack(
        ">BBBBBBIIIHH", 22, info1, info2, 0, 0, 0, 0, 0, 1000,
        len(fields) if n_fields is None else n_fields, len(ops) if n_ops is None else n_ops,
    )
    for ftype, data in fields:
        out += struct.pack(">IB", len(data) + 1, ftype) + data
    for op_type, ptype, name, value in ops:
        out += struct.pack(">IBBBB", 4 + len(name) + len(value), op_type, ptype, 0, len(name)) + name + value
    return out


NS = (0, b"test")
SET = (1, b"demo")
DIGEST = (4, key_digest("demo", "k"))
PUT = as_msg([NS, SET, DIGEST], [(2, 1, b"i", (5).to_bytes(8, "big")), (2, 3, b"s", b"hello")])


def test_hand_built_message_parses() -> None:
    msg = parse_message(memoryview(PUT))
    assert bytes(msg.fields[0]) == b"test" and bytes(msg.fields[4]) == DIGEST[1]
    assert [(op.op_type, op.particle_type, op.name, bytes(op.value)) for op in msg.ops] == [
        (2, 1, "i", (5).to_bytes(8, "big")),
        (2, 3, "s", b"hello"),
    ]
    assert (msg.info2, msg.transaction_ttl) == (1, 1000)


BROKEN = {
    "empty": b"",
    "ten_bytes": b"\x16" + b"\x00" * 9,
    "21_bytes": PUT[:21],
    "field_count_past_end": as_msg([NS], n_fields=3),
    "field_size_past_end": as_msg([NS])[:-2],
    "field_size_zero": as_msg(n_fields=1) + b"\x00\x00\x00\x00\x00",
    "op_count_past_end": as_msg([NS, SET, DIGEST], [(2, 1, b"i", b"\x00" * 8)], n_ops=2),
    "op_past_end": as_msg([NS, SET, DIGEST], [(2, 1, b"i", b"\x00" * 8)])[:-3],
    "op_header_cut": as_msg([NS, SET, DIGEST], [(2, 1, b"i", b"\x00" * 8)])[:-10],
    "op_size_below_name": as_msg([NS], n_ops=1) + struct.pack(">IBBBB", 4, 2, 3, 0, 5) + b"abcde",
    "bin_name_not_utf8": as_msg([NS, SET, DIGEST], [(2, 3, b"\xff\xfe", b"x")]),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_structural_damage_raises_message_error(name: str) -> None:
    with pytest.raises(MessageError) as err:
        parse_message(memoryview(BROKEN[name]))
    assert err.value.code == ResultCode.PARAMETER_ERROR
    assert isinstance(err.value, AerospikeResultError)


@FAST
@given(
    counts=st.tuples(st.integers(0, 6), st.integers(0, 6)),
    tail=st.binary(max_size=120),
    garbage=st.binary(max_size=60),
)
def test_random_bytes_parse_or_raise_message_error(counts: tuple[int, int], tail: bytes, garbage: bytes) -> None:
    for body in (as_msg(n_fields=counts[0], n_ops=counts[1]) + tail, garbage):
        try:
            msg = parse_message(memoryview(body))
        except MessageError:
            continue
        assert len(msg.fields) <= counts[0] or body is garbage


# --- particles ------------------------------------------------------------------------------------

ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
floats = st.floats(allow_nan=False)
scalars = st.one_of(st.none(), st.booleans(), ints, floats, st.text(max_size=40), st.binary(max_size=40))
map_keys = st.one_of(ints, st.text(max_size=20), st.binary(max_size=20))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6), st.dictionaries(map_keys, inner, max_size=6)
    ),
    max_leaves=25,
)


def strict_equal(got: Any, want: Any) -> bool:
    """Equality that tells True from 1 and 1.0 from 1, through lists and maps."""
    if isinstance(want, (bytes, bytearray)):
        return isinstance(got, (bytes, bytearray)) and bytes(got) == bytes(want)
    if type(got) is not type(want) and not (isinstance(got, list) and isinstance(want, list)) and not (
        isinstance(got, dict) and isinstance(want, dict)
    ):
        return False
    if isinstance(want, list):
        return len(got) == len(want) and all(strict_equal(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(want, dict):
        return set(got) == set(want) and all(strict_equal(got[k], want[k]) for k in want)
    if isinstance(want, float):
        return struct.pack(">d", got) == struct.pack(">d", want)
    return bool(got == want)


@FAST
@given(value=values)
def test_particle_round_trip(value: Any) -> None:
    ptype, data = encode_particle(value)
    assert strict_equal(decode_particle(ptype, data), value)


@FAST
@given(value=ints)
def test_integers_are_eight_bytes_big_endian(value: int) -> None:
    assert encode_particle(value) == (ParticleType.INTEGER, value.to_bytes(8, "big", signed=True))


@FAST
@given(value=st.floats(allow_nan=True))
def test_floats_are_ieee_doubles(value: float) -> None:
    ptype, data = encode_particle(value)
    assert ptype == ParticleType.FLOAT and data == struct.pack(">d", value)
    back = decode_particle(ptype, data)
    assert (math.isnan(back) and math.isnan(value)) or back == value


@pytest.mark.parametrize(
    ("value", "ptype", "data"),
    [
        (None, 0, b""),
        (True, 17, b"\x01"),
        (False, 17, b"\x00"),
        ("héllo", 3, "héllo".encode()),
        (b"\xde\xad", 4, b"\xde\xad"),
        ([1, "a"], 20, b"\x92\x01\xa2\x03a"),
        ({"k": 1}, 19, b"\x81\xa2\x03k\x01"),
    ],
)
def test_particle_encodings_match_the_protocol(value: Any, ptype: int, data: bytes) -> None:
    assert encode_particle(value) == (ptype, data)
    assert strict_equal(decode_particle(ptype, data), value)


@pytest.mark.parametrize(("data", "value"), [(b"\x05", 5), (b"\x01\x00", 256), (b"\x00\x00\x00\x07", 7)])
def test_short_integer_forms_are_accepted(data: bytes, value: int) -> None:
    assert decode_particle(ParticleType.INTEGER, data) == value


@pytest.mark.parametrize(
    ("ptype", "data"),
    [
        (1, b"\x00\x00\x00"),
        (1, b"\x00" * 9),
        (2, b"\x00" * 4),
        (17, b""),
        (17, b"\x01\x01"),
        (20, b"\xc1"),  # never-used msgpack byte
        (20, b"\x81\xa2\x03k\x01"),  # a map in a list particle
        (19, b"\x92\x01\x02"),  # a list in a map particle
        (19, b"\x82\xa2\x03k"),  # truncated
        (23, b"\x00\x00"),  # geojson shorter than its header
        (23, b"\x00\x00\x02" + b"\x00" * 8),  # cells past the end
        (99, b"x"),  # unknown particle type
        (5, b""),
    ],
)
def test_malformed_particles_are_parameter_errors(ptype: int, data: bytes) -> None:
    with pytest.raises(AerospikeResultError) as err:
        decode_particle(ptype, data)
    assert err.value.code == ResultCode.PARAMETER_ERROR


def test_language_blobs_decode_as_bytes() -> None:
    for ptype in range(7, 13):
        assert decode_particle(ptype, b"\x80\x04") == b"\x80\x04"


@FAST
@given(key=st.one_of(ints, st.text(max_size=30), st.binary(max_size=30)))
def test_key_field_round_trip(key: int | str | bytes) -> None:
    data = encode_key(key)
    assert data[0] == {int: 1, str: 3, bytes: 4}[type(key)]
    assert strict_equal(decode_key(data), key)


def test_empty_key_field_is_a_parameter_error() -> None:
    with pytest.raises(AerospikeResultError):
        decode_key(b"")


# --- digests --------------------------------------------------------------------------------------


def test_digest_vectors_from_the_protocol_notes() -> None:
    assert key_digest("demo", "k1").hex() == "b747f5854d0b33259928d0cfab7fad81d6abfbf6"
    assert key_digest("demo", 7).hex() == "dc2e595bc2a0d8c6290c474d74e71b23e3ed846a"
    assert key_digest("demo", "cap-1").hex() == "1c40f8c70647861e76aa6ebd7eac1499f0b602d7"


def test_digest_recipe_for_blobs_negative_ints_and_empty_sets() -> None:
    def ripemd(data: bytes) -> bytes:
        h = hashlib.new("ripemd160")
        h.update(data)
        return h.digest()

    assert key_digest("", b"\x01\x02") == ripemd(b"\x04\x01\x02")
    assert key_digest("s", -1) == ripemd(b"s\x01" + b"\xff" * 8)
    assert key_digest("sé", "ké") == ripemd("sé".encode() + b"\x03" + "ké".encode())
    with pytest.raises(TypeError):
        key_digest("s", True)


def test_partition_id_is_the_low_twelve_bits_of_the_little_endian_u32() -> None:
    assert partition_id(bytes.fromhex("b747f585") + b"\x00" * 16) == 0x85F547B7 & 0xFFF == 0x7B7
    assert partition_id(b"\xff\xff\x00\x00" + b"\x00" * 16) == 0xFFF
    assert partition_id(b"\x00\x10" + b"\x00" * 18) == 0


# --- info text ------------------------------------------------------------------------------------


def test_info_commands_split_on_newlines_and_drop_an_unterminated_tail() -> None:
    assert split_commands(b"node\ncluster-name\nbuild\n") == ["node", "cluster-name", "build"]
    assert split_commands(b"build") == []
    assert split_commands(b"build\nnode") == ["build"]
    assert split_commands(b"build\n\n") == ["build", ""]
    assert split_commands(b"") == []


def test_info_params() -> None:
    assert parse_params("truncate:namespace=test;set=demo;") == ("truncate", {"namespace": "test", "set": "demo"})
    assert parse_params("build") == ("build", {})
    name, params = parse_params("udf-put:filename=a.lua;content=YQ==;udf-type=LUA;")
    assert name == "udf-put" and params["content"] == "YQ==" and params["udf-type"] == "LUA"


# --- GeoJSON cells --------------------------------------------------------------------------------

POINT = '{"type":"Point","coordinates":[1.5,2.5]}'


def test_s2_leaf_cell_of_the_golden_point() -> None:
    assert leaf_cell_id(1.5, 2.5) == 0x101B4A5F93E10DD1
    assert cell_ids(POINT) == [0x101B4A5F93E10DD1]


def test_geojson_particle_matches_the_real_server_bytes() -> None:
    ptype, data = encode_particle(GeoJson(POINT))
    assert ptype == ParticleType.GEOJSON
    assert data == bytes.fromhex("000001101b4a5f93e10dd1") + POINT.encode()
    back = decode_particle(ptype, data)
    assert isinstance(back, GeoJson) and back == POINT
    # A client sends ncells 0; that decodes to the same value.
    assert decode_particle(ptype, b"\x00\x00\x00" + POINT.encode()) == POINT


def test_non_points_and_bad_json_get_no_cells() -> None:
    assert cell_ids('{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}') == []
    assert cell_ids("not json") == []


@FAST
@given(lng=st.floats(min_value=-180, max_value=180), lat=st.floats(min_value=-90, max_value=90))
def test_leaf_cells_are_valid_s2_ids(lng: float, lat: float) -> None:
    cell = leaf_cell_id(lng, lat)
    assert 0 <= cell < 2**64
    assert cell & 1 == 1  # a leaf cell's lowest set bit is bit 0
    assert cell >> 61 < 6  # one of six cube faces
