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
    | (?P<match>=~(?:[ \t\r\n]*/(?P<pattern>(?:\\.|[^/\\\n])*)/(?P<flags>[A-Za-z]*))?)
    | (?P<op>&\[\?\(|\[\?\(|>>>|\*\*|==|!=|>=|<=|<<|>>|=>|[-+*/%~&|^<>()\[\]{},:.=!\#])
    | (?P<end>$)
    | (?P<bad>.)
    )""",
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\([\\'\"])")
_VALUE_END = frozenset({"int", "float", "str", "name", "blob", "var", "param"})
_CLOSERS = frozenset({")", "]", "}"})


def unquote(body: str) -> str:
    """The value of a quoted string's body."""
    return _ESCAPE.sub(r"\1", body) if "\\" in body else body


def _number(text: str) -> tuple[str, Any]:
    if text[:2] in ("0x", "0X"):
        return "int", int(text[2:], 16)
    if text[:2] in ("0b", "0B"):
        return "int", int(text[2:], 2)
    if "." in text:
        return "float", float(text)
    return "int", int(text)


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``.

    Every position matches some alternative of ``_TOKEN`` (``bad`` catches the rest), so one
    ``finditer`` pass covers the text; it restarts only to split ``.5`` after a value into ``.`` ``5``.
    """
    tokens: list[Token] = []
    append = tokens.append
    pos = 0
    while True:
        for m in _TOKEN.finditer(text, pos):
            kind = m.lastgroup or "end"
            start, end = m.span(kind)
            if kind == "name" or kind == "op":  # the commonest kinds first
                append((kind, text[start:end], start, end))
            elif kind == "path":
                append(("path", "$.", start, end))
            elif kind == "num":
                if text[start] == "." and tokens and (tokens[-1][0] in _VALUE_END or tokens[-1][1] in _CLOSERS):
                    append(("op", ".", start, start + 1))
                    pos = start + 1
                    break
                append((*_number(text[start:end]), start, end))
            elif kind == "str":
                append(("str", unquote(text[start + 1 : end - 1]), start, end))
            elif kind == "match":
                append(("op", "=~", start, start + 2))
                append(_regex(m, text))
            elif kind == "var":
                append(("var", m.group("varname"), start, end))
            elif kind == "param":
                append(("param", int(m.group("index")), start, end))
            elif kind == "blob":
                append(("blob", _blob(m, text, start), start, end))
            elif kind == "bad":
                raise AelSyntaxError(_lex_error(text, start), text, start)
            else:
                append(("end", None, end, end))
                return tokens


def _regex(m: re.Match[str], text: str) -> Token:
    pattern = m.group("pattern")
    if pattern is None:
        end = m.end()
        start = len(text) - len(text[end:].lstrip(" \t\r\n"))
        raise AelSyntaxError("expected a /regex/ after '=~'", text, start)
    return "regex", (pattern.replace("\\/", "/"), m.group("flags")), m.start("pattern") - 1, m.end()


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
