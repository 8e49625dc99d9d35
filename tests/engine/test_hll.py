"""HLL ops on records: the particle layout a node writes, the op rules, and estimates within HLL error."""

from __future__ import annotations

import math
from typing import Any

import pytest

from aerolite.engine.cdt.hll.sketch import Sketch
from aerolite.engine.ops import NO_RESULT, Op, OpKind, apply_write, read_op
from aerolite.engine.record import Record
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.values import Hll

INIT, ADD, SET_UNION, REFRESH_COUNT, FOLD = range(5)
COUNT, GET_UNION, UNION_COUNT, INTERSECT_COUNT, SIMILARITY, DESCRIBE = range(50, 56)
CREATE_ONLY, UPDATE_ONLY, NO_FAIL, ALLOW_FOLD = 1, 2, 4, 8


def run(rec: Record, *ops: list[Any]) -> list[Any]:
    """Run HLL ops on bin ``h`` the way the engine's loop does; the answers (None: no answer)."""
    answers = []
    for op in ops:
        if op[0] >= COUNT:
            answers.append(read_op(rec, Op(OpKind.HLL_READ, "h", op)))
        else:
            answer = apply_write(rec, Op(OpKind.HLL_MODIFY, "h", op))
            answers.append(None if answer is NO_RESULT else answer)
    return answers


def record(value: Any = None) -> Record:
    return Record(b"\x00" * 20, "s", None, {} if value is None else {"h": value})


def sketch_of(elements: range | list[Any], p: int = 12, m: int = 0) -> Hll:
    rec = record()
    run(rec, [ADD, list(elements), p, m])
    value = rec.bins["h"]
    assert isinstance(value, Hll)
    return value


def fails(code: ResultCode, rec: Record, op: list[Any]) -> None:
    with pytest.raises(AerospikeResultError) as info:
        run(rec, op)
    assert info.value.code == code


def test_particle_matches_what_a_node_stored_for_a_b_c() -> None:
    """The golden ``hll`` scenario: a node put "a", "b", "c" in registers 117, 246 and 89."""
    rec = record()
    assert run(rec, [INIT, 8, 0, 0], [ADD, ["a", "b", "c"], -1, -1, 0], [COUNT], [DESCRIBE]) == [None, 3, 3, [8, 0]]
    particle = rec.bins["h"]
    assert isinstance(particle, Hll)
    assert len(particle) == 11 + 256 * 6 // 8
    assert particle[:11] == bytes((0, 8, 0)) + bytes(8)
    registers = Sketch.empty(8, 0).registers
    registers[89], registers[117], registers[246] = 3, 4, 2
    assert Sketch.decode(particle) == Sketch(8, 0, registers)


def test_add_answers_how_many_registers_grew() -> None:
    rec = record()
    assert run(rec, [ADD, ["x", 1, 2.5, b"\x01", True], 10], [ADD, ["x", 1]]) == [5, 0]


@pytest.mark.parametrize(("p", "m", "n"), [(14, 0, 20000), (10, 8, 5000)])
def test_count_is_within_hll_error(p: int, m: int, n: int) -> None:
    error = 1.04 / math.sqrt(1 << p)
    (count,) = run(record(sketch_of(range(n), p, m)), [COUNT])
    assert abs(count - n) <= 4 * error * n


def test_refresh_count_caches_and_an_add_clears_the_cache() -> None:
    rec = record(sketch_of(range(1000)))
    (count,) = run(rec, [REFRESH_COUNT])
    assert int.from_bytes(rec.bins["h"][3:11], "little") == count
    run(rec, [ADD, list(range(1000, 1100))])
    assert rec.bins["h"][3:11] == bytes(8)


def test_union_intersection_and_similarity_of_overlapping_sets() -> None:
    a, b = sketch_of(range(0, 6000)), sketch_of(range(4000, 10000))
    rec = record(a)
    union_count, overlap, similarity, union = run(
        rec, [UNION_COUNT, [b]], [INTERSECT_COUNT, [b]], [SIMILARITY, [b]], [GET_UNION, [b]]
    )
    assert abs(union_count - 10000) <= 500
    assert abs(overlap - 2000) <= 600
    assert abs(similarity - 0.2) <= 0.06
    assert isinstance(union, Hll)
    assert run(record(union), [COUNT]) == [union_count]


def test_minhash_similarity_and_intersection_of_three() -> None:
    a, b, c = (sketch_of(range(start, start + 4000), 10, 16) for start in (0, 1000, 2000))
    overlap, similarity = run(record(a), [INTERSECT_COUNT, [b, c]], [SIMILARITY, [b]])
    assert abs(overlap - 2000) <= 400
    assert abs(similarity - 0.6) <= 0.1


def test_similarity_with_empty_sketches() -> None:
    empty = Sketch.empty(10, 16).encode()
    assert run(record(sketch_of(range(10), 10, 16)), [SIMILARITY, [empty]]) == [0.0]
    assert math.isnan(run(record(empty), [SIMILARITY, [empty]])[0])


def test_set_union_creates_or_folds_into_the_bin() -> None:
    small, large = sketch_of(range(500), 8), sketch_of(range(500, 1000), 12)
    rec = record()
    assert run(rec, [SET_UNION, [large, small]], [DESCRIBE]) == [None, [8, 0]]
    rec = record(large)
    fails(ResultCode.OP_NOT_APPLICABLE, rec, [SET_UNION, [small]])
    assert run(rec, [SET_UNION, [small], ALLOW_FOLD], [DESCRIBE]) == [None, [8, 0]]
    assert abs(run(rec, [COUNT])[0] - 1000) <= 200


def test_fold_equals_a_sketch_built_with_fewer_index_bits() -> None:
    rec = record(sketch_of(range(3000), 12))
    run(rec, [FOLD, 9])
    assert rec.bins["h"] == sketch_of(range(3000), 9)


def test_init_resets_and_keeps_the_layout_when_bits_are_unset() -> None:
    rec = record(sketch_of(range(100), 11, 4))
    assert run(rec, [INIT, -1, -1], [DESCRIBE], [COUNT]) == [None, [11, 4], 0]


@pytest.mark.parametrize(
    ("code", "value", "op"),
    [
        (ResultCode.OP_NOT_APPLICABLE, None, [INIT]),
        (ResultCode.OP_NOT_APPLICABLE, None, [ADD, ["a"]]),
        (ResultCode.BIN_NOT_FOUND, None, [REFRESH_COUNT]),
        (ResultCode.BIN_NOT_FOUND, None, [FOLD, 8]),
        (ResultCode.BIN_NOT_FOUND, None, [INIT, 8, 0, UPDATE_ONLY]),
        (ResultCode.BIN_EXISTS, "hll", [INIT, 8, 0, CREATE_ONLY]),
        (ResultCode.OP_NOT_APPLICABLE, "hll", [FOLD, 13]),
        (ResultCode.OP_NOT_APPLICABLE, "minhash", [FOLD, 8]),
        (ResultCode.OP_NOT_APPLICABLE, "wide", [INIT, 16, -1]),
        (ResultCode.PARAMETER_ERROR, "hll", [INIT, 3]),
        (ResultCode.PARAMETER_ERROR, "hll", [INIT, 17]),
        (ResultCode.PARAMETER_ERROR, "hll", [INIT, 8, 3]),
        (ResultCode.PARAMETER_ERROR, "hll", [INIT, 16, 51]),
        (ResultCode.PARAMETER_ERROR, "hll", [INIT, 8, 0, CREATE_ONLY | UPDATE_ONLY]),
        (ResultCode.PARAMETER_ERROR, "hll", [ADD, []]),
        (ResultCode.PARAMETER_ERROR, "hll", [ADD, [[1]]]),
        (ResultCode.PARAMETER_ERROR, "hll", [ADD, ["a"], -1, -1, UPDATE_ONLY]),
        (ResultCode.PARAMETER_ERROR, "hll", [SET_UNION, [b"\x00\x08\x00"]]),
        (ResultCode.PARAMETER_ERROR, "hll", [REFRESH_COUNT, 1]),
        (ResultCode.PARAMETER_ERROR, "hll", [COUNT + 20]),
        (ResultCode.BIN_TYPE_ERROR, b"\x00" * 203, [ADD, ["a"], 8]),
        (ResultCode.BIN_TYPE_ERROR, 3, [INIT, 8]),
    ],
)
def test_modify_failures(code: ResultCode, value: Any, op: list[Any]) -> None:
    stored = {"hll": sketch_of(["a"], 8), "minhash": sketch_of(["a"], 8, 8), "wide": sketch_of(["a"], 8, 51)}.get(value, value)
    fails(code, record(stored), op)


def test_no_fail_skips_a_refused_op() -> None:
    stored = sketch_of(["a"], 8)
    rec = record(stored)
    assert run(rec, [INIT, 10, 0, CREATE_ONLY | NO_FAIL]) == [None]
    assert rec.bins["h"] is stored


@pytest.mark.parametrize(
    ("code", "op"),
    [
        (ResultCode.PARAMETER_ERROR, [INTERSECT_COUNT, ["three", "plain", "sketches"]]),
        (ResultCode.PARAMETER_ERROR, [COUNT, 1]),
        (ResultCode.PARAMETER_ERROR, [UNION_COUNT, []]),
        (ResultCode.OP_NOT_APPLICABLE, [SIMILARITY, ["minhash", "minhash", "minhash"]]),
    ],
)
def test_read_failures(code: ResultCode, op: list[Any]) -> None:
    sketches = {"plain": sketch_of(["a"], 8), "three": sketch_of(["b"], 8), "sketches": sketch_of(["c"], 8),
                "minhash": sketch_of(["a"], 8, 8)}
    op = [op[0], *([[sketches.get(v, v) for v in arg] if isinstance(arg, list) else arg for arg in op[1:]])]
    fails(code, record(sketch_of(["a"], 8)), op)


def test_reads_of_a_missing_bin_answer_nil_and_other_types_fail() -> None:
    assert run(record(), [COUNT], [DESCRIBE]) == [None, None]
    fails(ResultCode.BIN_TYPE_ERROR, record(b"\x01"), [COUNT])
