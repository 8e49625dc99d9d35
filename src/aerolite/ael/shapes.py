"""The commonest filter shape, read without the general parser: typed bin comparisons with literals
joined by ``and`` / ``or`` (``$.age > 25 and $.country == 'US' or $.vip == true``).

Contract: ``simple_filter(text)`` returns exactly the IR ``Parser(text).parse()`` returns, or None
when the text is not of this shape (or is, but would raise); callers then run the general parser,
which owns every error. Why: most filters are this shape, and one regular expression per clause is
several times cheaper than tokens, recursive descent and type inference.

Shape, clause by clause: ``$.`` and a bin name that cannot lex as a number, a comparison operator, a
literal (decimal int or float with an optional attached minus, quoted string, ``true`` / ``false``),
then whitespace and ``and`` / ``or`` and whitespace, or the end. Anything else (pins, paths,
parentheses, ``nil``, hex, params) declines. The bin reads the literal's type, as inference would;
``and`` binds tighter than ``or`` and same-word runs flatten into one n-ary node.
"""

from __future__ import annotations

import re

from aerolite.ael.lexer import unquote
from aerolite.expr.codes import ExpType, Op
from aerolite.expr.nodes import Apply, BinRead, Expr, Val

_CLAUSE = re.compile(
    r"""[ \t\r\n]*\$\.(?P<bin>[A-Za-z_@][A-Za-z0-9_@]*)[ \t\r\n]*(?P<op>==|!=|>=|<=|>|<)[ \t\r\n]*(?:
      (?P<int>-?[0-9]+)
    | (?P<float>-?[0-9]*\.[0-9]+)
    | '(?P<sq>(?:\\.|[^'\\])*)'
    | "(?P<dq>(?:\\.|[^"\\])*)"
    | (?P<bool>true|false)
    )(?:[ \t\r\n]+(?P<join>and|or)(?=[ \t\r\n])|[ \t\r\n]*\Z)""",
    re.VERBOSE,
)
_OPS = {"==": Op.EQ, "!=": Op.NE, ">": Op.GT, ">=": Op.GE, "<": Op.LT, "<=": Op.LE}
_INT, _FLOAT, _STRING, _BOOL = ExpType.INT, ExpType.FLOAT, ExpType.STRING, ExpType.BOOL
_AND, _OR = Op.AND, Op.OR
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


def simple_filter(text: str) -> Expr | None:
    """The IR of ``text`` when it is a run of bin-versus-literal comparisons, else None."""
    clauses = []
    pos = 0
    match = _CLAUSE.match
    while True:  # match every clause before building any node: most texts that decline do so late
        m = match(text, pos)
        if m is None:
            return None
        clauses.append(m.groups())
        if m.group("join") is None:
            break
        pos = m.end()
    ors: list[Expr] = []
    ands: list[Expr] = []
    for bin_name, symbol, number, real, single, double, word, join in clauses:
        value: object
        if number is not None:
            integer = int(number)
            if not _INT64_MIN <= integer <= _INT64_MAX:  # the parser reports the range error
                return None
            value, kind = integer, _INT
        elif real is not None:
            value, kind = float(real), _FLOAT
        elif word is not None:
            value, kind = word == "true", _BOOL
        else:
            value, kind = unquote(single if single is not None else double), _STRING
        ands.append(Apply(_OPS[symbol], (BinRead(kind, bin_name), Val(value))))
        if join != "and":
            ors.append(ands[0] if len(ands) == 1 else Apply(_AND, tuple(ands)))
            ands = []
    return ors[0] if len(ors) == 1 else Apply(_OR, tuple(ors))
