"""AEL text → tokens, in one pass of one compiled regular expression.

Contract: ``tokenize(text)`` returns a list of ``(kind, value, start, end)`` tuples ending with an
``end`` token, or raises ``AelSyntaxError`` at the first character no token can start with. Kinds:
``int`` ``float`` ``str`` ``blob`` (value: the decoded literal), ``name`` (identifiers and keywords,
value: the text), ``op`` (punctuation, value: the symbol), ``path`` (``$.``), ``var`` (``${x}``,
value: the name), ``param`` (``?N``, value: N), ``regex`` (``/pattern/flags``, only right after
``=~``; value: (pattern, flags)), ``end``.

Decisions: numbers carry no sign (unary minus folds later); ``.5`` is a float only where a value
may start, so ``$.m.10`` is the integer map key 10; inside quotes a backslash escapes a backslash
or a quote character and is kept verbatim before anything else, so G1 texts such as ``'\\d+'`` keep
their meaning while every string stays expressible.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from aerolite.ael.errors import AelSyntaxError

Token = tuple[str, Any, int, int]

_TOKEN = re.compile(
    r"""[ \t\r\n]*(?:
      (?P<blob>[xX]'(?P<hex>[^']*)'|b64'(?P<b64>[^']*)')
    | (?P<num>(?:0[xX][0-9A-Fa-f]+|0[bB][01]+|\d+\.\d+|\.\d+|\d+)(?![A-Za-z0-9_@]))
    | (?P<name>[A-Za-z0-9_@]+)
    | (?P<str>'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")
    | (?P<path>\$\.)
    | (?P<var>\$\{(?P<varname>[A-Za-z_][A-Za-z0-9_]*)\})
    | (?P<param>\?(?P<index>\d+))
    | (?P<op>>>>|\*\*|==|!=|>=|<=|<<|>>|=>|=~|[-+*/%~&|^<>()\[\]{},:.=!\#])
    | (?P<end>$)
    )""",
    re.VERBOSE,
)
_REGEX = re.compile(r"[ \t\r\n]*/((?:\\.|[^/\\\n])*)/([A-Za-z]*)")
_ESCAPE = re.compile(r"\\([\\'\"])")
_VALUE_END = frozenset({"int", "float", "str", "name", "blob", "var", "param"})
_CLOSERS = frozenset({")", "]", "}"})


def unquote(body: str) -> str:
    """The value of a quoted string's body."""
    return _ESCAPE.sub(r"\1", body)


def _number(text: str) -> tuple[str, Any]:
    if text[:2] in ("0x", "0X"):
        return "int", int(text[2:], 16)
    if text[:2] in ("0b", "0B"):
        return "int", int(text[2:], 2)
    if "." in text:
        return "float", float(text)
    return "int", int(text)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``."""
    tokens: list[Token] = []
    pos = 0
    match = _TOKEN.match
    while True:
        m = match(text, pos)
        if m is None:
            start = len(text) - len(text[pos:].lstrip(" \t\r\n"))
            raise AelSyntaxError(_lex_error(text, start), text, start)
        kind = m.lastgroup or "end"
        start, end = m.start(kind), m.end()
        if kind == "num":
            raw = m.group(kind)
            if raw[0] == "." and tokens and (tokens[-1][0] in _VALUE_END or tokens[-1][1] in _CLOSERS):
                tokens.append(("op", ".", start, start + 1))
                pos = start + 1
                continue
            kind, value = _number(raw)
        elif kind == "name":
            value = m.group(kind)
        elif kind == "str":
            value = unquote(m.group(kind)[1:-1])
        elif kind == "op":
            value = m.group(kind)
            if value == "=~":
                tokens.append(("op", value, start, end))
                pos = _regex(text, end, tokens)
                continue
        elif kind == "var":
            value = m.group("varname")
        elif kind == "param":
            value = int(m.group("index"))
        elif kind == "blob":
            value = _blob(m, text, start)
        elif kind == "path":
            value = "$."
        else:
            tokens.append(("end", None, len(text), len(text)))
            return tokens
        tokens.append((kind, value, start, end))
        pos = end


def _regex(text: str, pos: int, tokens: list[Token]) -> int:
    m = _REGEX.match(text, pos)
    if m is None:
        start = len(text) - len(text[pos:].lstrip(" \t\r\n"))
        raise AelSyntaxError("expected a /regex/ after '=~'", text, start)
    pattern = m.group(1).replace("\\/", "/")
    tokens.append(("regex", (pattern, m.group(2)), m.start(1) - 1, m.end()))
    return m.end()


def _blob(m: re.Match[str], text: str, start: int) -> bytes:
    try:
        if m.group("hex") is not None:
            return bytes.fromhex(m.group("hex"))
        return base64.b64decode(m.group("b64"), validate=True)
    except (ValueError, binascii.Error):
        raise AelSyntaxError("invalid blob literal", text, start) from None


def _lex_error(text: str, start: int) -> str:
    rest = text[start:]
    if rest.startswith(("'", '"')):
        return "unterminated string"
    if rest.startswith("$"):
        return "invalid '$': a path starts with '$.' and a variable is written '${name}'"
    if rest.startswith("?"):
        return "invalid placeholder: write '?' followed by digits"
    return f"unexpected character {rest[:1]!r}"
