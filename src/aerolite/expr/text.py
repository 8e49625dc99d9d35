"""String functions with a node's semantics, as plain functions on Python values.

Contract: every function takes an already evaluated source string and arguments and returns the
result, or raises ``TextError`` carrying the result code a node answers with when it runs the same
function as a bin operation: PARAMETER_ERROR (4) for arguments out of their domain (an occurrence of
0, a negative repeat count, an empty needle, a bad regex), OP_NOT_APPLICABLE (26) for a source the
function cannot convert (``"12x".toInt()``, invalid base64). Expressions turn either into unknown.

Unicode rules (Aerospike 8.2 string operations): positions and lengths count code points, never
bytes; negative positions count from the end and out-of-range positions clamp; searches (find,
contains, starts/ends with) treat canonically equivalent spellings as the same text, so a precomposed
"á" matches "a" followed by a combining acute accent, while a match never splits a character from its
combining marks. Regexes follow ICU's flags (case-insensitive, multiline, dot-all, Unix lines) and
``$n`` group references in replacements.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from aerolite.result_codes import AerospikeResultError, ResultCode

MAX_RESULT = 1 << 24
"""Longest string (code points) pad and repeat may build: a guard against a request that asks for gigabytes."""
_INT64 = 1 << 63

REGEX_CASE_INSENSITIVE, REGEX_MULTILINE, REGEX_DOTALL, REGEX_UNIX_LINES, REGEX_GLOBAL = 1, 2, 4, 8, 16
NUMERIC_ANY, NUMERIC_INT, NUMERIC_FLOAT = 0, 1, 2
_GROUP_REF = re.compile(r"\$(?:([0-9]+)|\{([A-Za-z][A-Za-z0-9]*)\})")
_INT_TEXT = re.compile(r"[+-]?[0-9]+\Z")
_FLOAT_TEXT = re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


class TextError(AerospikeResultError):
    """A string function refused its input."""


def _bad(message: str) -> TextError:
    return TextError(ResultCode.PARAMETER_ERROR, message)


def _not_applicable(message: str) -> TextError:
    return TextError(ResultCode.OP_NOT_APPLICABLE, message)


def _int(value: Any, what: str) -> int:
    if type(value) is not int:
        raise _bad(f"{what} must be an integer, not {type(value).__name__}")
    return value


def _str(value: Any, what: str) -> str:
    if type(value) is not str:
        raise _bad(f"{what} must be a string, not {type(value).__name__}")
    return value


def _position(s: str, index: Any, what: str = "index") -> int:
    """A code point position: negative counts from the end; clamped to ``[0, len(s)]``."""
    i = _int(index, what)
    n = len(s)
    if i < 0:
        i += n
    return min(max(i, 0), n)


def _span(s: str, start: Any, end: Any) -> tuple[int, int]:
    a = _position(s, start, "start")
    b = len(s) if end is None else _position(s, end, "end")
    return a, max(a, b)


# --- reads -----------------------------------------------------------------------------------------

def strlen(s: str) -> int:
    return len(s)


def substr(s: str, start: Any, end: Any = None) -> str:
    a, b = _span(s, start, end)
    return s[a:b]


def char_at(s: str, index: Any) -> str:
    i = _position(s, index)
    return s[i : i + 1]


class _Decomposed:
    """``s`` in canonical decomposition, with the code point of ``s`` each decomposed position starts."""

    __slots__ = ("origin", "text")

    def __init__(self, s: str) -> None:
        pieces = [unicodedata.normalize("NFD", c) for c in s]
        self.text = "".join(pieces)
        self.origin: dict[int, int] = {}
        at = 0
        for i, piece in enumerate(pieces):
            self.origin[at] = i
            at += len(piece)
        self.origin[at] = len(s)

    def matches(self, needle: str) -> list[int]:
        """Code point positions in ``s`` where a canonically equivalent ``needle`` starts."""
        target = unicodedata.normalize("NFD", needle)
        found: list[int] = []
        at = self.text.find(target)
        while at >= 0:
            if at in self.origin and at + len(target) in self.origin:
                found.append(self.origin[at])
            at = self.text.find(target, at + 1)
        return found


def _needle(needle: Any) -> str:
    text = _str(needle, "the needle")
    if not text:
        raise _bad("the needle must not be empty")
    return text


def find(s: str, needle: Any, occurrence: Any = 1) -> int:
    n = _int(occurrence, "occurrence")
    if n == 0:
        raise _bad("occurrence counts from 1 (or from -1 for the last match), not 0")
    if s.isascii() and _needle(needle).isascii():
        hits = [m.start() for m in re.finditer(f"(?={re.escape(needle)})", s)]
    else:
        hits = _Decomposed(s).matches(_needle(needle))
    index = n - 1 if n > 0 else n
    return hits[index] if -len(hits) <= index < len(hits) else -1


def contains(s: str, needle: Any) -> bool:
    text = _str(needle, "the needle")
    if text in s:
        return True
    return not s.isascii() and bool(text) and bool(_Decomposed(s).matches(text))


def starts_with(s: str, prefix: Any) -> bool:
    text = _str(prefix, "the prefix")
    if s.startswith(text) or s.isascii():
        return s.startswith(text)
    d, target = _Decomposed(s), unicodedata.normalize("NFD", text)
    return d.text.startswith(target) and len(target) in d.origin


def ends_with(s: str, suffix: Any) -> bool:
    text = _str(suffix, "the suffix")
    if s.endswith(text) or s.isascii():
        return s.endswith(text)
    d, target = _Decomposed(s), unicodedata.normalize("NFD", text)
    return d.text.endswith(target) and len(d.text) - len(target) in d.origin


def to_integer(s: str) -> int:
    if not _INT_TEXT.match(s):
        raise _not_applicable(f"{s[:40]!r} is not an integer")
    v = int(s)
    if not -_INT64 <= v < _INT64:
        raise _not_applicable(f"{s[:40]!r} does not fit in 64 bits")
    return v


def to_double(s: str) -> float:
    if not _FLOAT_TEXT.match(s):
        raise _not_applicable(f"{s[:40]!r} is not a number")
    v = float(s)
    if v in (float("inf"), float("-inf")):
        raise _not_applicable(f"{s[:40]!r} is out of the range of a double")
    return v


def byte_length(s: str) -> int:
    return len(s.encode())


def is_numeric(s: str, numeric_type: Any = NUMERIC_ANY) -> bool:
    kind = _int(numeric_type, "the numeric type")
    if kind not in (NUMERIC_ANY, NUMERIC_INT, NUMERIC_FLOAT):
        raise _bad(f"unknown numeric type {kind}")
    is_int = _INT_TEXT.match(s) is not None
    if kind == NUMERIC_INT:
        return is_int
    is_float = _FLOAT_TEXT.match(s) is not None
    return is_float and not is_int if kind == NUMERIC_FLOAT else is_float


def is_upper(s: str) -> bool:
    return not any(c.islower() for c in s)


def is_lower(s: str) -> bool:
    return not any(c.isupper() or c.istitle() for c in s)


def to_blob(s: str) -> bytes:
    return s.encode()


def split(s: str, separator: Any = None) -> list[str]:
    if separator is None or _str(separator, "the separator") == "":
        return list(s)
    return s.split(separator)


def b64_decode(s: str) -> bytes:
    try:
        return base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        raise _not_applicable("the string is not valid base64") from None


@lru_cache(maxsize=256)
def regex(pattern: str, flags: int) -> re.Pattern[str]:
    py = 0
    if flags & REGEX_CASE_INSENSITIVE:
        py |= re.IGNORECASE
    if flags & REGEX_MULTILINE:
        py |= re.MULTILINE
    if flags & REGEX_DOTALL:
        py |= re.DOTALL
    try:
        return re.compile(pattern, py)
    except re.error as exc:
        raise _bad(f"bad regular expression {pattern!r}: {exc}") from None


def regex_compare(s: str, pattern: Any, flags: Any = 0) -> bool:
    return regex(_str(pattern, "the pattern"), _int(flags, "regex flags")).search(s) is not None


# --- modifies: each returns the new string ---------------------------------------------------------

def insert(s: str, index: Any, value: Any) -> str:
    i = _position(s, index)
    return s[:i] + _str(value, "the value") + s[i:]


def overwrite(s: str, index: Any, value: Any) -> str:
    i = _position(s, index)
    text = _str(value, "the value")
    return s[:i] + text + s[i + len(text) :]


def concat(s: str, values: Any) -> str:
    items = values if isinstance(values, list) else [values]
    return s + "".join(_str(v, "each concatenated value") for v in items)


def append(s: str, value: Any) -> str:
    return s + _str(value, "the value")


def prepend(s: str, value: Any) -> str:
    return _str(value, "the value") + s


def snip(s: str, start: Any, end: Any = None) -> str:
    a, b = _span(s, start, end)
    return s[:a] + s[b:]


def replace(s: str, needle: Any, replacement: Any) -> str:
    return s.replace(_needle(needle), _str(replacement, "the replacement"), 1)


def replace_all(s: str, needle: Any, replacement: Any) -> str:
    return s.replace(_needle(needle), _str(replacement, "the replacement"))


def upper(s: str) -> str:
    return s.upper()


def lower(s: str) -> str:
    return s.lower()


def case_fold(s: str) -> str:
    return s.casefold()


def normalize_nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def trim_start(s: str) -> str:
    return s.lstrip()


def trim_end(s: str) -> str:
    return s.rstrip()


def trim(s: str) -> str:
    return s.strip()


def _padding(s: str, length: Any, pad: Any) -> str:
    target = _int(length, "the target length")
    text = _str(pad, "the pad string")
    if target < 0 or target > MAX_RESULT:
        raise _bad(f"target length {target} is outside 0..{MAX_RESULT}")
    missing = target - len(s)
    if missing <= 0:
        return ""
    if not text:
        raise _bad("the pad string must not be empty")
    return (text * (missing // len(text) + 1))[:missing]


def pad_start(s: str, length: Any, pad: Any) -> str:
    return _padding(s, length, pad) + s


def pad_end(s: str, length: Any, pad: Any) -> str:
    return s + _padding(s, length, pad)


def repeat(s: str, count: Any) -> str:
    n = _int(count, "the count")
    if n < 0:
        raise _bad(f"repeat count {n} is negative")
    if len(s) * n > MAX_RESULT:
        raise _bad(f"repeating {len(s)} code points {n} times exceeds {MAX_RESULT}")
    return s * n


def _expander(replacement: str) -> Callable[[re.Match[str]], str]:
    """ICU replacement text: ``$n`` / ``${name}`` insert a group, a backslash quotes the next character."""
    literals: list[str] = []
    groups: list[int | str] = []
    literal: list[str] = []
    i = 0
    while i < len(replacement):
        c = replacement[i]
        group = _GROUP_REF.match(replacement, i) if c == "$" else None
        if c == "\\" and i + 1 < len(replacement):
            literal.append(replacement[i + 1])
            i += 2
        elif group is None:
            literal.append(c)
            i += 1
        else:
            literals.append("".join(literal))
            literal = []
            groups.append(int(group[1]) if group[1] is not None else group[2])
            i = group.end()
    tail = "".join(literal)

    def expand(m: re.Match[str]) -> str:
        try:
            picked = [m.group(g) or "" for g in groups]
        except (IndexError, re.error):
            raise _bad(f"replacement {replacement!r} names a group the pattern lacks") from None
        return "".join(lit + got for lit, got in zip(literals, picked, strict=True)) + tail
    return expand


def regex_replace(s: str, pattern: Any, replacement: Any, flags: Any = 0) -> str:
    bits = _int(flags, "regex flags")
    compiled = regex(_str(pattern, "the pattern"), bits)
    expand = _expander(_str(replacement, "the replacement"))
    return compiled.sub(expand, s, count=0 if bits & REGEX_GLOBAL else 1)


def to_string(value: Any) -> str:
    """A bool, integer, float, string or UTF-8 blob as text; anything else is refused."""
    if type(value) is str:
        return value
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if type(value) is float:
        return repr(value)
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode()
        except UnicodeDecodeError:
            raise _not_applicable("the blob is not valid UTF-8") from None
    raise TextError(ResultCode.BIN_TYPE_ERROR, f"a {type(value).__name__} has no string form")
