"""Hostile AEL: whatever the text, the answer is an expression or an AelSyntaxError naming a position.

Deep nesting of every construct stops at ``MAX_NESTING`` levels (or trees of ``MAX_DEPTH`` levels)
with the column of the token that crossed the limit; 10,000 generated malformed texts (token soup,
mutations of the corpus, deep nestings) never raise anything else, and whatever parses also encodes,
decodes, compiles and prints.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aerolite.ael import AelSyntaxError, filter_from_wire, parse, to_text, to_wire
from aerolite.ael.parser import MAX_NESTING
from aerolite.engine.record import Record
from aerolite.expr import ExprError, decode, walk
from aerolite.expr.paths import MAX_LEVELS as MAX_PATH_STEPS
from aerolite.result_codes import ResultCode
from tests.ael.corpus import CORPUS

# kind → (text before, opener, innermost operand, closer): valid filters at any nesting level.
NESTINGS: dict[str, tuple[str, str, str, str]] = {
    "parentheses": ("$.b == ", "(", "1", ")"),
    "not": ("", "not(", "$.a == 1", ")"),
    "function": ("$.b == ", "abs(", "1", ")"),
    "list literal": ("$.b == ", "[", "", "]"),
    "map literal": ("$.b == ", "{1:", "1", "}"),
    "unary minus": ("$.b == ", "-", "1", ""),
    "bitwise not": ("$.b == ", "~", "1", ""),
    "when": ("$.b == ", "when($.c == 1 => ", "1", ", default => 2)"),
    "let": ("$.b == ", "let(x = ", "1", ") then (1)"),
    "power": ("$.f == ", "2.0 ** ", "1.0", ""),
}


def nested(kind: str, levels: int) -> str:
    before, opener, core, closer = NESTINGS[kind]
    return before + opener * levels + core + closer * levels


def at_stack_depth(frames: int, fn: Callable[[], Any]) -> Any:
    """``fn()`` called ``frames`` Python frames deeper, as from inside a deep application."""
    return fn() if frames <= 0 else at_stack_depth(frames - 1, fn)


def record(bins: dict[str, Any]) -> Record:
    return Record(bytes(20), "s", "k", bins)


def check_outcome(text: str) -> bool:
    """The contract for one text: a working expression (True), or an AelSyntaxError with a position."""
    try:
        expr = parse(text)
    except AelSyntaxError as exc:
        assert exc.code == ResultCode.PARAMETER_ERROR
        assert exc.line >= 1 and exc.column >= 1 and 0 <= exc.offset <= len(text)
        assert str(exc).endswith("^"), str(exc)
        return False
    assert walk.depth(expr) <= walk.MAX_DEPTH
    wire = to_wire(text)
    assert decode(wire) is not None
    try:
        predicate = filter_from_wire(wire)
    except ExprError:  # types only the compiler checks (e.g. a bare literal as the whole filter)
        return True
    predicate(record({"a": 1, "b": 2}))
    to_text(expr)
    return True


@pytest.mark.parametrize("kind", sorted(NESTINGS))
def test_nesting_past_the_limit_names_the_position(kind: str) -> None:
    before, opener, _, _ = NESTINGS[kind]
    for levels in (MAX_NESTING + 1, 10_000):
        with pytest.raises(AelSyntaxError, match=f"nested deeper than {MAX_NESTING} levels") as caught:
            parse(nested(kind, levels))
        # The token that opened one level too many: among the last openers before the limit (some
        # constructs nest their own operands, e.g. the condition of a when).
        assert caught.value.line == 1
        assert len(before) + (MAX_NESTING - 2) * len(opener) < caught.value.column
        assert caught.value.column <= len(before) + (MAX_NESTING + 1) * len(opener) + 1


@pytest.mark.parametrize("kind", sorted(NESTINGS))
def test_nesting_up_to_the_limit_works_end_to_end(kind: str) -> None:
    text = nested(kind, MAX_NESTING - 1)
    parse(text)
    check_outcome(text)


def test_long_operator_chains_stop_at_the_tree_depth_limit() -> None:
    fits = "$.a == " + " + ".join(["$.b"] * (walk.MAX_DEPTH - 2))
    assert filter_from_wire(to_wire(fits))(record({"a": walk.MAX_DEPTH - 2, "b": 1}))
    for terms in (walk.MAX_DEPTH + 1, 50_000):
        with pytest.raises(AelSyntaxError, match=f"nested deeper than {walk.MAX_DEPTH} levels"):
            parse("$.a == " + " + ".join(["1"] * terms))
    with pytest.raises(AelSyntaxError, match=f"nested deeper than {walk.MAX_DEPTH} levels"):
        parse("$.a" + ".asFloat().asInt()" * 100 + " == 1")


def test_nested_chains_add_up_to_the_tree_depth() -> None:
    chain = " + ".join(["$.b"] * 60)
    with pytest.raises(AelSyntaxError, match=f"nested deeper than {walk.MAX_DEPTH} levels"):
        parse(f"$.a == abs(abs({chain}) + {chain}) + {chain}")


def test_the_deepest_accepted_texts_fit_well_inside_the_interpreter_stack() -> None:
    """Parse, encode, decode, compile and print the worst accepted shapes from 300 frames deep."""
    chain = " + ".join(["$.b"] * (walk.MAX_DEPTH - MAX_NESTING - 4))
    worst = [
        "$.a == " + "abs(" * (MAX_NESTING - 2) + chain + ")" * (MAX_NESTING - 2),
        "not(" * (MAX_NESTING - 2) + "$.a == " + chain + ")" * (MAX_NESTING - 2),
        "$.a == " + " + ".join(["(" * (MAX_NESTING - 2) + "$.b" + ")" * (MAX_NESTING - 2)] * 100),
    ]
    assert sys.getrecursionlimit() >= 1000
    for text in worst:
        at_stack_depth(300, lambda text=text: check_outcome(text))
        parse(text)


# --- generated hostile texts ------------------------------------------------------------------------

FRAGMENTS = [
    "$.a", "$.b", "$.", "$.l.[0]", "$.m.{k}", "$.m.{#1:3}", "$.l.[=1,2]", ".get(type: INT)", ".count()",
    "1", "-7", "2.5", "0x1f", "'s'", '"t"', "X'ff'", "b64'AA=='", "true", "nil", "?0", "%s",
    "(", ")", "[", "]", "{", "}", ",", ":", "=>", "==", "!=", ">", "<=", "=~", "/x/i", "in",
    "and", "or", "not(", "exclusive(", "when(", "default", "let(", "then", "with(", "do", "${x}", "x =",
    "+", "-", "*", "/", "%", "**", "&", "|", "^", "<<", ">>>", "~", ".asInt()", ".toFloat()",
    "abs(", "min(", "log(", "geoJson(", "$.key()", "$.ttl()", "$.digestModulo(3)", "unknown",
    " ", "\n", "\t", "\\", "'", '"', "@", "#", "!", ".", "\x00", "é", "\u202e", "😀",
]


def token_soup(rng: random.Random) -> str:
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 30)))


def mutated_corpus(rng: random.Random) -> str:
    text = rng.choice(CORPUS).text
    for _ in range(rng.randint(1, 4)):
        i, j = sorted(rng.randrange(len(text) + 1) for _ in range(2))
        action = rng.randrange(5)
        if action == 0:
            text = text[:i] + text[j:]  # delete a span
        elif action == 1:
            text = text[:i] + text[i:j] * rng.randint(2, 50) + text[j:]  # repeat a span
        elif action == 2:
            text = text[:i] + rng.choice(FRAGMENTS) + text[i:]
        elif action == 3:
            text = text[:i]  # truncate
        else:
            text = text[:i] + chr(rng.randrange(0x20, 0x7F)) + text[i + 1 :]
    return text


def deep_nesting(rng: random.Random) -> str:
    before, opener, core, closer = NESTINGS[rng.choice(sorted(NESTINGS))]
    levels = rng.choice((MAX_NESTING - 1, MAX_NESTING, MAX_NESTING + 1, 200, 1_000))
    closers = closer * rng.choice((levels, levels // 2, 0))
    return rng.choice((before, "", "not(")) + opener * levels + rng.choice((core, "$.b", "")) + closers


GENERATORS = (token_soup, mutated_corpus, deep_nesting)


def test_ten_thousand_generated_malformed_texts() -> None:
    rng = random.Random(20261205)
    outcomes = {True: 0, False: 0}
    for _ in range(10_000):
        outcomes[check_outcome(rng.choice(GENERATORS)(rng))] += 1
    # The generators reach both sides of the contract.
    assert outcomes[False] > 5_000 and outcomes[True] > 100, outcomes


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_any_sequence_of_fragments(text: str) -> None:
    check_outcome(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    check_outcome(text)


def test_a_wildcard_path_longer_than_the_wire_allows_is_refused_at_its_step() -> None:
    longest = "$.l:LIST" + ".*" * MAX_PATH_STEPS + ".count() > 0"
    assert decode(to_wire(longest)) is not None
    with pytest.raises(AelSyntaxError, match=f"at most {MAX_PATH_STEPS} steps") as caught:
        parse("$.l:LIST" + ".*" * (MAX_PATH_STEPS + 1) + ".count() > 0")
    assert caught.value.column == len("$.l:LIST") + 2 * (MAX_PATH_STEPS + 1)
