"""String, path and base64 verbs refuse bad input at the call, naming the verb and what to do instead;
and a path chain is one operation (the bytes are compared with aerospike-sdk's in the e2e parity tests)."""

from __future__ import annotations

import aerospike_native as an
import pytest

from aerolite import DataSet
from tests.sdk.test_builders import tasks
from tests.sdk.test_verb_table import read_one, write_one

USERS = DataSet.of("test", "users")
X = an.FilterExpression
OVER_5 = X.gt(X.int_loop_var(an.LoopVarPart.VALUE), X.int_val(5))


def test_string_verbs_check_their_arguments() -> None:
    with pytest.raises(ValueError, match=r"str_repeat\(\) takes a count >= 0"):
        write_one().bin("s").str_repeat(-1)
    with pytest.raises(TypeError, match=r"str_concat\(\) takes a str or a list of str"):
        write_one().bin("s").str_concat(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"str_insert\(\) takes the index as an int"):
        write_one().bin("s").str_insert("0", "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"str_upper\(\) takes flags"):
        write_one().bin("s").str_upper(flags="loud")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"str_find\(\) takes the needle as a str"):
        read_one().bin("s").str_find(1)  # type: ignore[arg-type]


def test_string_writes_are_refused_by_reads_and_reads_by_jobs() -> None:
    with pytest.raises(ValueError, match=r"str_strlen\(\) reads, and a background job only writes"):
        tasks().update(USERS).bin("s").str_strlen()
    assert not hasattr(read_one().bin("s"), "str_upper")


def test_bit_b64_encode_takes_a_whole_range() -> None:
    with pytest.raises(ValueError, match="byte_offset and byte_size together"):
        read_one().bin("b").bit_b64_encode(1)
    with pytest.raises(ValueError, match="invert_size=True"):
        read_one().bin("b").bit_b64_encode(invert_size=True)


def test_and_filter_follows_a_selecting_step_only() -> None:
    with pytest.raises(TypeError, match="on_map_index"):
        write_one().bin("m").on_map_index(0).and_filter(OVER_5)
    with pytest.raises(TypeError, match="needs one element"):
        write_one().bin("m").on_map_key_range("a", "c").and_filter(OVER_5)
    with pytest.raises(TypeError, match="on_each_child_where"):
        write_one().bin("m").on_each_child().and_filter(OVER_5)
    with pytest.raises(TypeError, match="on_each_child_where"):
        write_one().bin("m").on_map_keys_in(["a"]).and_filter(OVER_5).and_filter(OVER_5)
    assert not hasattr(write_one().bin("m"), "and_filter")


def test_path_predicates_are_expressions() -> None:
    with pytest.raises(TypeError, match=r"on_each_child_where\(\) takes a FilterExpression"):
        write_one().bin("l").on_each_child_where("@ > 5")
    with pytest.raises(TypeError, match=r"on_map_keys_in\(\) takes a list of values"):
        write_one().bin("m").on_map_keys_in("abc")
    with pytest.raises(ValueError, match=r"ExpType\.MAP or ExpType\.LIST"):
        read_one().bin("m").on_each_child().collect_values_as_expression_read(an.ExpType.INT)


def test_read_paths_only_read_and_job_paths_only_write() -> None:
    assert not hasattr(read_one().bin("l").on_each_child(), "modify_by")
    with pytest.raises(ValueError, match=r"collect_values\(\) reads, and a background job only writes"):
        tasks().update(USERS).bin("l").on_each_child().collect_values()


def test_a_path_chain_is_one_operation_over_every_step() -> None:
    plan = (write_one().bin("m").on_map_key("a").on_each_child().on_map_keys_in(["x"]).and_filter(OVER_5)
            .modify_by(X.int_val(0)).bin("s").on_list_index(0).str_upper().execute())
    assert len(plan.args[1]) == 2
    assert [type(op) for op in plan.args[1]] == [an.CdtOperation, an.StringOperation]
