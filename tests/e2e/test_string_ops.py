"""String operations and string expressions (8.2) through the official client, read back from the server."""

from __future__ import annotations

from typing import Any

import pytest
from aerospike_native import (
    CTX,
    ExpOperation,
    ExpReadFlags,
    ExpWriteFlags,
    FilterExpression,
    Key,
    ListOperation,
    Operation,
    ReadPolicy,
    Statement,
    StringNumericType,
    StringOperation,
    StringRegexFlags,
    StringWriteFlags,
    WritePolicy,
)

SET = "e2e_str"
fe, S = FilterExpression, StringOperation


async def fresh(client: Any, name: str, bins: dict[str, Any]) -> Key:
    key = Key("test", SET, name)
    await client.delete(key)
    await client.put(key, bins)
    return key


async def code_of(coro: Any) -> int:
    with pytest.raises(Exception) as info:
        await coro
    return int(getattr(info.value, "result_code", -1))


async def test_reads_count_code_points(client: Any) -> None:
    key = await fresh(client, "reads", {"s": "Hóla  Mundo", "n": "-17", "f": "2.5", "b": "aGk="})
    rec = await client.operate(key, [S.strlen("s"), S.byte_length("s"), S.substr("s", -5), S.char_at("s", 1)])
    assert rec.bins["s"] == [11, 12, "Mundo", "ó"]
    rec = await client.operate(key, [S.find("s", "o"), S.find("s", "o", -1), S.contains("s", "o\u0301"),
                                     S.starts_with("s", "Hó"), S.ends_with("s", "do")])
    assert rec.bins["s"] == [10, 10, True, True, True]  # an 'o' inside 'ó' is not a match
    rec = await client.operate(key, [S.split("s", " "), S.regex_compare("s", "^hó", int(StringRegexFlags.CASE_INSENSITIVE)),
                                     S.is_upper("s"), S.to_blob("s")])
    assert rec.bins["s"][:3] == [["Hóla", "", "Mundo"], True, False]
    assert bytes(rec.bins["s"][3]) == "Hóla  Mundo".encode()
    rec = await client.operate(key, [S.to_integer("n"), S.is_numeric("n", StringNumericType.INT), S.to_double("f"),
                                     S.b64_decode("b"), Operation.get_bin("s")])
    assert rec.bins["n"] == [-17, True] and rec.bins["f"] == 2.5 and bytes(rec.bins["b"]) == b"hi"
    assert rec.bins["s"] == "Hóla  Mundo"  # reads change nothing


async def test_modifies_store_the_new_string(client: Any) -> None:
    key = await fresh(client, "modify", {"s": "  straße  ", "t": "hello world"})
    await client.operate(key, [S.trim("s"), S.upper("s"), S.pad_start("s", 9, "*")])
    assert (await client.get(key)).bins["s"] == "**STRASSE"
    await client.operate(key, [S.insert("t", 5, ","), S.overwrite("t", 0, "J"), S.append("t", "!"), S.prepend("t", "¡"),
                               S.replace_all("t", "l", "L"), S.snip("t", -1), S.concat("t", ["?", "?"])])
    assert (await client.get(key)).bins["t"] == "¡JeLLo, worLd??"
    await client.operate(key, [S.regex_replace("t", "([a-z]+)", "<$1>", int(StringRegexFlags.GLOBAL)), S.repeat("t", 2)])
    assert (await client.get(key)).bins["t"] == "¡J<e>LL<o>, <wor>L<d>??" * 2
    await client.operate(key, [S.lower("t"), S.case_fold("s"), S.snip("t", 2, 100), S.normalize_nfc("s")])
    assert (await client.get(key)).bins == {"s": "**strasse", "t": "¡j"}


async def test_modify_inside_a_list_and_a_map_through_a_context(client: Any) -> None:
    key = await fresh(client, "ctx", {"l": ["ab", "cd"], "m": {"k": {"x": " y "}}})
    rec = await client.operate(key, [S.upper("l", ctx=[CTX.list_index(1)]), S.strlen("l", ctx=[CTX.list_index(0)]),
                                     S.trim("m", ctx=[CTX.map_key("k"), CTX.map_key("x")])])
    assert rec.bins["l"][1] == 2
    assert (await client.get(key)).bins == {"l": ["ab", "CD"], "m": {"k": {"x": "y"}}}
    assert await code_of(client.operate(key, [S.upper("l", ctx=[CTX.list_index(7)])])) == 26
    await client.operate(key, [S.upper("l", ctx=[CTX.list_index(7)], flags=int(StringWriteFlags.NO_FAIL))])
    assert (await client.get(key)).bins["l"] == ["ab", "CD"]


async def test_missing_bins_and_write_flags(client: Any) -> None:
    key = await fresh(client, "flags", {"s": "x", "n": 5})
    await client.operate(key, [S.append("new", "a"), S.upper("gone"), S.append("other", "b", flags=int(StringWriteFlags.UPDATE_ONLY))])
    bins = (await client.get(key)).bins
    assert bins == {"s": "x", "n": 5, "new": "a"}
    assert (await client.operate(key, [S.strlen("gone")])).bins.get("gone") is None
    create_only = int(StringWriteFlags.CREATE_ONLY)
    assert await code_of(client.operate(key, [S.append("s", "y", flags=create_only)])) == 6
    await client.operate(key, [S.append("s", "y", flags=create_only | int(StringWriteFlags.NO_FAIL))])
    await client.operate(key, [S.append("fresh", "z", flags=create_only)])
    assert (await client.get(key)).bins["fresh"] == "z"
    assert await code_of(client.operate(key, [S.upper("s", flags=create_only)])) == 4
    assert await code_of(client.operate(key, [S.append("s", "y", flags=create_only | int(StringWriteFlags.UPDATE_ONLY))])) == 4
    assert (await client.get(key)).bins["s"] == "x"


async def test_wrong_types_and_bad_arguments_answer_the_node_codes(client: Any) -> None:
    key = await fresh(client, "errors", {"s": "12x", "n": 5})
    assert await code_of(client.operate(key, [S.strlen("n")])) == 12
    assert await code_of(client.operate(key, [S.upper("n")])) == 12
    assert await code_of(client.operate(key, [S.to_integer("s")])) == 26
    assert await code_of(client.operate(key, [S.b64_decode("s")])) == 26
    assert await code_of(client.operate(key, [S.find("s", "x", 0)])) == 4
    assert await code_of(client.operate(key, [S.repeat("s", -1)])) == 4
    assert await code_of(client.operate(key, [S.regex_replace("s", "(", "")])) == 4
    assert (await client.get(key)).bins == {"s": "12x", "n": 5}


async def test_list_join_joins_string_items(client: Any) -> None:
    key = await fresh(client, "join", {"l": ["a", "b", "c"], "bad": ["a", 1]})
    rec = await client.operate(key, [ListOperation.join("l"), ListOperation.join("l", ", ")])
    assert rec.bins["l"] == ["abc", "a, b, c"]
    assert await code_of(client.operate(key, [ListOperation.join("bad")])) == 4
    rec = await client.operate(key, [ExpOperation.read(
        "j", fe.list_join_by_separator(fe.string_val("-"), fe.list_bin("l"), []), ExpReadFlags.DEFAULT)])
    assert rec.bins["j"] == "a-b-c"


async def test_to_string_reads_the_text_of_a_scalar_bin(client: Any) -> None:
    key = await fresh(client, "to_string", {"i": 42, "f": 1.5, "b": True, "l": [1]})
    rec = await client.operate(key, [S.to_string("i"), S.to_string("f"), S.to_string("b")])
    assert rec.bins == {"i": "42", "f": "1.5", "b": "true"}
    assert (await client.get(key)).bins["i"] == 42
    assert await code_of(client.operate(key, [S.to_string("l")])) == 12


async def test_batch_write_rows_and_a_background_job_apply_string_ops(client: Any) -> None:
    keys = [await fresh(client, f"bg{i}", {"s": f" name {i} "}) for i in range(4)]
    results = await client.batch_operate(keys[:2], [[S.trim("s"), S.upper("s")], [S.strlen("s")]])
    assert [r.result_code for r in results] == [0, 0]
    assert (await client.get(keys[0])).bins["s"] == "NAME 0"
    assert results[1].record.bins["s"] == 8
    policy = WritePolicy()
    policy.filter_expression = fe.string_starts_with(fe.string_val(" name"), fe.string_bin("s"))
    task = await client.query_operate(Statement("test", SET), [S.trim("s"), S.replace("s", "name", "id")], write_policy=policy)
    await task.wait_till_complete(sleep_time=0.05)
    assert [(await client.get(k)).bins["s"] for k in keys] == ["NAME 0", "id 1", "id 2", "id 3"]


async def test_string_expressions_filter_read_and_write(client: Any) -> None:
    key = await fresh(client, "exp", {"s": "Hello World", "n": 7})
    upper = fe.string_upper(0, fe.string_bin("s"))
    rec = await client.operate(key, [
        ExpOperation.read("u", upper, ExpReadFlags.DEFAULT),
        ExpOperation.read("len", fe.string_strlen(fe.string_concat(0, fe.list_val(["!"]), fe.string_bin("s"))), ExpReadFlags.DEFAULT),
        ExpOperation.write("t", fe.to_string(fe.int_bin("n")), ExpWriteFlags.DEFAULT),
    ], filter_expression=fe.eq(upper, fe.string_val("HELLO WORLD")))
    assert rec.bins["u"] == "HELLO WORLD" and rec.bins["len"] == 12
    assert (await client.get(key)).bins["t"] == "7"
    assert await code_of(client.get(key, filter_expression=fe.string_contains(fe.string_val("xyz"), fe.string_bin("s")))) == 27
    assert await code_of(client.operate(key, [
        ExpOperation.read("x", fe.string_to_integer(fe.string_bin("s")), ExpReadFlags.DEFAULT)])) == 26


async def test_server_compiled_string_methods(client: Any) -> None:
    key = await fresh(client, "ael", {"s": " Hello ", "n": 7})
    policy = ReadPolicy()
    policy.filter_expression = fe.from_server_compiled_ael("$.s:STRING.trim().upper() == 'HELLO' and $.n.toString() == '7'")
    assert (await client.get(key, policy=policy)).bins["n"] == 7
    policy.filter_expression = fe.from_server_compiled_ael("$.n:INT.upper() == 'X'")  # a method on the wrong type
    assert await code_of(client.get(key, policy=policy)) == 4
    policy.filter_expression = fe.from_server_compiled_ael("$.s:STRING.toInt() == 1")  # cannot convert: no match
    assert await code_of(client.get(key, policy=policy)) == 27
