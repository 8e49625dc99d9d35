"""The one-regex reader of bin-versus-literal filters agrees with the general parser on every text it
accepts, declines everything else (the parser then owns errors), and accepts the common spellings."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aerolite.ael import AelSyntaxError
from aerolite.ael.parser import Parser
from aerolite.ael.shapes import simple_filter

WS = st.sampled_from(["", " ", "  ", "\t", "\n", "\r\n", "\f"])
NAMES = st.sampled_from(["age", "a", "_x", "@k", "x_1", "and", "or", "ttl", "key", "x", "b64", "9a", "12", "'q'"])
OPS = st.sampled_from(["==", "!=", ">", ">=", "<", "<=", "=", "=>", "<>", "=~", ">>", "in", "==="])
LITERALS = st.sampled_from([
    "25", "-7", "007", "- 7", "+7", "0", "-0", "9223372036854775807", "-9223372036854775808",
    "9223372036854775808", "50.5", "-0.0", ".5", "-.5", "5.", "1e3", "0x1F", "0b11", "٣",
    "'US'", "''", "'O\\'Brien'", "'a\\\\b'", "'\\d+'", '"dq"', '"d\\"q"', "'unterminated",
    "true", "false", "truex", "nil", "null", "X'0a'", "?0", "[1]", "(1)", "$.b", "25and",
])
JOINS = st.sampled_from(["and", "or", "AND", "Or", "&&", "and$.", "andx"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    pieces = []
    for i in range(draw(st.integers(1, 4))):
        if i:
            pieces += [draw(WS), draw(JOINS), draw(WS)]
        pieces += [draw(st.sampled_from(["$.", "$. ", "$"])), draw(NAMES), draw(WS), draw(OPS), draw(WS),
                   draw(LITERALS)]
    return "".join(pieces) + draw(WS)


@settings(max_examples=3000, deadline=None)
@given(texts())
def test_accepted_texts_parse_the_same_as_the_general_parser(text: str) -> None:
    fast = simple_filter(text)
    if fast is None:
        return
    assert fast == Parser(text).parse()
    assert repr(fast) == repr(Parser(text).parse())  # also the exact literal types (1 vs 1.0 vs True)


@pytest.mark.parametrize("text", [
    "$.age > 25 and $.country == 'US' and $.score >= 50.5",
    "$.age>25 or $.active == true and $.name != \"x\"",
    "$.a <= -3 or $.b < .5 or $.c == 'it\\'s'\n",
    "$.n == 9223372036854775807",
])
def test_common_spellings_take_the_fast_path(text: str) -> None:
    fast = simple_filter(text)
    assert fast is not None
    assert repr(fast) == repr(Parser(text).parse())


@pytest.mark.parametrize("text", ["$.n == 9223372036854775808", "$.a == 1 and", "$.a = 1", "$.a == 1 AND $.b == 2"])
def test_texts_the_parser_rejects_are_declined(text: str) -> None:
    assert simple_filter(text) is None
    with pytest.raises(AelSyntaxError):
        Parser(text).parse()
