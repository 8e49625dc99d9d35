"""String verbs of the verb table (Aerospike 8.2 string operations), as aerospike-sdk 1.0.0 names them.

Writes change the string in place (``str_upper``, ``str_pad_end`` ...); reads return a value under the
bin's name (``str_strlen``, ``str_find`` ...). Both work at a bin or at a string inside a list or map
reached by navigation (``.bin("names").on_map_key("first").str_upper()``). Indexes and lengths count
code points, not bytes. ``flags`` is a ``StringWriteFlags`` mask (``NO_FAIL``, ``UPDATE_ONLY`` ...),
except where a verb takes ``StringRegexFlags``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aerospike_native as an

from aerolite.sdk.verb_table import Path, verb

S = an.StringOperation


def _ctx(path: Path) -> list[Any] | None:
    return list(path.ctx) if path.ctx else None


def _flags(verb_name: str, flags: Any) -> int:
    try:
        return int(flags)
    except (TypeError, ValueError):
        raise TypeError(f"{verb_name}() takes flags as StringWriteFlags / StringRegexFlags or an int, "
                        f"not {flags!r}") from None


def _text(verb_name: str, what: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{verb_name}() takes the {what} as a str, not {type(value).__name__}")
    return value


def _int(verb_name: str, what: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{verb_name}() takes the {what} as an int, not {value!r}")
    return value


# -- string writes ------------------------------------------------------------------------------------

@verb("string_write")
def str_insert(path: Path, index: int, value: str, *, flags: int = 0) -> Any:
    """Insert ``value`` at code point ``index`` (negative: from the end).

    Example::

        session.update(users.id(1)).bin("code").str_insert(0, "#")
    """
    return S.insert(path.bin, _int("str_insert", "index", index), _text("str_insert", "value", value),
                    flags=_flags("str_insert", flags), ctx=_ctx(path))


@verb("string_write")
def str_overwrite(path: Path, index: int, value: str, *, flags: int = 0) -> Any:
    """Overwrite the code points from ``index`` with ``value`` (the string grows if it runs past the end).

    Example::

        session.update(users.id(1)).bin("code").str_overwrite(0, "XY")
    """
    return S.overwrite(path.bin, _int("str_overwrite", "index", index), _text("str_overwrite", "value", value),
                       flags=_flags("str_overwrite", flags), ctx=_ctx(path))


@verb("string_write")
def str_concat(path: Path, value: str | Sequence[str], *, flags: int = 0) -> Any:
    """Append one string, or several strings in order.

    Example::

        session.update(users.id(1)).bin("name").str_concat([" ", "Smith"])
    """
    if not isinstance(value, str) and not (
            isinstance(value, Sequence) and all(isinstance(part, str) for part in value)):
        raise TypeError(f"str_concat() takes a str or a list of str, not {value!r}")
    return S.concat(path.bin, value if isinstance(value, str) else list(value),
                    flags=_flags("str_concat", flags), ctx=_ctx(path))


@verb("string_write")
def str_append(path: Path, value: str, *, flags: int = 0) -> Any:
    """Append ``value`` to the end of the string (the string operation, usable inside lists and maps).

    Example::

        session.update(users.id(1)).bin("names").on_map_key("first").str_append("!")
    """
    return S.append(path.bin, _text("str_append", "value", value), flags=_flags("str_append", flags),
                    ctx=_ctx(path))


@verb("string_write")
def str_prepend(path: Path, value: str, *, flags: int = 0) -> Any:
    """Put ``value`` in front of the string.

    Example::

        session.update(users.id(1)).bin("title").str_prepend("Re: ")
    """
    return S.prepend(path.bin, _text("str_prepend", "value", value), flags=_flags("str_prepend", flags),
                     ctx=_ctx(path))


@verb("string_write")
def str_snip(path: Path, start: int, end: int | None = None, *, flags: int = 0) -> Any:
    """Remove the code points ``[start, end)`` (``end`` None: through the end; flags need an ``end``).

    Example::

        session.update(users.id(1)).bin("text").str_snip(5)
    """
    if end is not None:
        end = _int("str_snip", "end", end)
    return S.snip(path.bin, _int("str_snip", "start", start), end, flags=_flags("str_snip", flags),
                  ctx=_ctx(path))


@verb("string_write")
def str_replace(path: Path, needle: str, replacement: str, *, flags: int = 0) -> Any:
    """Replace the first occurrence of ``needle`` with ``replacement``.

    Example::

        session.update(users.id(1)).bin("city").str_replace("St.", "Saint")
    """
    return S.replace(path.bin, _text("str_replace", "needle", needle),
                     _text("str_replace", "replacement", replacement), flags=_flags("str_replace", flags),
                     ctx=_ctx(path))


@verb("string_write")
def str_replace_all(path: Path, needle: str, replacement: str, *, flags: int = 0) -> Any:
    """Replace every occurrence of ``needle`` with ``replacement``.

    Example::

        task.update(users).bin("phone").str_replace_all("-", "")
    """
    return S.replace_all(path.bin, _text("str_replace_all", "needle", needle),
                         _text("str_replace_all", "replacement", replacement),
                         flags=_flags("str_replace_all", flags), ctx=_ctx(path))


@verb("string_write")
def str_regex_replace(path: Path, pattern: str, replacement: str, flags: int = 0, *, write_flags: int = 0) -> Any:
    """Replace the first match of the regex ``pattern`` (``StringRegexFlags.GLOBAL``: every match).

    Example::

        task.update(users).bin("card").str_regex_replace(r"\\d", "*", StringRegexFlags.GLOBAL)
    """
    return S.regex_replace(path.bin, _text("str_regex_replace", "pattern", pattern),
                           _text("str_regex_replace", "replacement", replacement),
                           _flags("str_regex_replace", flags),
                           write_flags=_flags("str_regex_replace", write_flags), ctx=_ctx(path))


@verb("string_write")
def str_upper(path: Path, *, flags: int = 0) -> Any:
    """Uppercase the string in place.

    Example::

        session.update(users.id(1)).bin("name").str_upper()
    """
    return S.upper(path.bin, flags=_flags("str_upper", flags), ctx=_ctx(path))


@verb("string_write")
def str_lower(path: Path, *, flags: int = 0) -> Any:
    """Lowercase the string in place.

    Example::

        session.update(users.id(1)).bin("email").str_lower()
    """
    return S.lower(path.bin, flags=_flags("str_lower", flags), ctx=_ctx(path))


@verb("string_write")
def str_case_fold(path: Path, *, flags: int = 0) -> Any:
    """Case-fold the string (locale-independent lowercase, for comparison keys).

    Example::

        session.update(users.id(1)).bin("tag").str_case_fold()
    """
    return S.case_fold(path.bin, flags=_flags("str_case_fold", flags), ctx=_ctx(path))


@verb("string_write")
def str_normalize_nfc(path: Path, *, flags: int = 0) -> Any:
    """Normalize the string to Unicode NFC (composed code points).

    Example::

        session.update(users.id(1)).bin("name").str_normalize_nfc()
    """
    return S.normalize_nfc(path.bin, flags=_flags("str_normalize_nfc", flags), ctx=_ctx(path))


@verb("string_write")
def str_trim_start(path: Path, *, flags: int = 0) -> Any:
    """Strip whitespace from the start of the string.

    Example::

        session.update(users.id(1)).bin("text").str_trim_start()
    """
    return S.trim_start(path.bin, flags=_flags("str_trim_start", flags), ctx=_ctx(path))


@verb("string_write")
def str_trim_end(path: Path, *, flags: int = 0) -> Any:
    """Strip whitespace from the end of the string.

    Example::

        session.update(users.id(1)).bin("text").str_trim_end()
    """
    return S.trim_end(path.bin, flags=_flags("str_trim_end", flags), ctx=_ctx(path))


@verb("string_write")
def str_trim(path: Path, *, flags: int = 0) -> Any:
    """Strip whitespace from both ends of the string.

    Example::

        session.update(users.id(1)).bin("name").str_trim()
    """
    return S.trim(path.bin, flags=_flags("str_trim", flags), ctx=_ctx(path))


@verb("string_write")
def str_pad_start(path: Path, target_length: int, pad_string: str, *, flags: int = 0) -> Any:
    """Pad the start with ``pad_string`` up to ``target_length`` code points (no change if already long).

    Example::

        task.update(orders).bin("number").str_pad_start(8, "0")
    """
    return S.pad_start(path.bin, _int("str_pad_start", "target length", target_length),
                       _text("str_pad_start", "pad string", pad_string), flags=_flags("str_pad_start", flags),
                       ctx=_ctx(path))


@verb("string_write")
def str_pad_end(path: Path, target_length: int, pad_string: str, *, flags: int = 0) -> Any:
    """Pad the end with ``pad_string`` up to ``target_length`` code points.

    Example::

        session.update(users.id(1)).bin("label").str_pad_end(10, ".")
    """
    return S.pad_end(path.bin, _int("str_pad_end", "target length", target_length),
                     _text("str_pad_end", "pad string", pad_string), flags=_flags("str_pad_end", flags),
                     ctx=_ctx(path))


@verb("string_write")
def str_repeat(path: Path, count: int, *, flags: int = 0) -> Any:
    """Repeat the string ``count`` times (``count`` >= 0).

    Example::

        session.update(users.id(1)).bin("rule").str_repeat(3)
    """
    if _int("str_repeat", "count", count) < 0:
        raise ValueError(f"str_repeat() takes a count >= 0, not {count}")
    return S.repeat(path.bin, count, flags=_flags("str_repeat", flags), ctx=_ctx(path))


# -- string reads -------------------------------------------------------------------------------------

@verb("string_read")
def str_strlen(path: Path) -> Any:
    """Read the string's length in code points (``str_byte_length``: in UTF-8 bytes).

    Example::

        session.get(users.id(1)).bin("name").str_strlen()
    """
    return S.strlen(path.bin, ctx=_ctx(path))


@verb("string_read")
def str_substr(path: Path, start: int, end: int | None = None) -> Any:
    """Read the code points ``[start, end)`` (``end`` None: through the end; negative: from the end).

    Example::

        session.get(users.id(1)).bin("name").str_substr(0, 5)
    """
    if end is not None:
        end = _int("str_substr", "end", end)
    return S.substr(path.bin, _int("str_substr", "start", start), end, ctx=_ctx(path))


@verb("string_read")
def str_char_at(path: Path, index: int) -> Any:
    """Read the code point at ``index`` as a one-character string.

    Example::

        session.get(users.id(1)).bin("name").str_char_at(0)
    """
    return S.char_at(path.bin, _int("str_char_at", "index", index), ctx=_ctx(path))


@verb("string_read")
def str_find(path: Path, needle: str, occurrence: int | None = None) -> Any:
    """Read the code point index of ``needle`` (-1: absent; ``occurrence`` 1-based, -1: the last).

    Example::

        session.get(users.id(1)).bin("email").str_find("@")
    """
    if occurrence is not None:
        occurrence = _int("str_find", "occurrence", occurrence)
    return S.find(path.bin, _text("str_find", "needle", needle), occurrence, ctx=_ctx(path))


@verb("string_read")
def str_contains(path: Path, needle: str) -> Any:
    """Read whether the string contains ``needle``.

    Example::

        session.get(users.id(1)).bin("bio").str_contains("python")
    """
    return S.contains(path.bin, _text("str_contains", "needle", needle), ctx=_ctx(path))


@verb("string_read")
def str_starts_with(path: Path, prefix: str) -> Any:
    """Read whether the string starts with ``prefix`` (Unicode canonical match).

    Example::

        session.get(users.id(1)).bin("phone").str_starts_with("+31")
    """
    return S.starts_with(path.bin, _text("str_starts_with", "prefix", prefix), ctx=_ctx(path))


@verb("string_read")
def str_ends_with(path: Path, suffix: str) -> Any:
    """Read whether the string ends with ``suffix`` (Unicode canonical match).

    Example::

        session.get(users.id(1)).bin("email").str_ends_with(".org")
    """
    return S.ends_with(path.bin, _text("str_ends_with", "suffix", suffix), ctx=_ctx(path))


@verb("string_read")
def str_to_integer(path: Path) -> Any:
    """Read the string parsed as an integer (OP_NOT_APPLICABLE if it is not one).

    Example::

        session.get(users.id(1)).bin("zip").str_to_integer()
    """
    return S.to_integer(path.bin, ctx=_ctx(path))


@verb("string_read")
def str_to_double(path: Path) -> Any:
    """Read the string parsed as a float (OP_NOT_APPLICABLE if it is not one).

    Example::

        session.get(users.id(1)).bin("price").str_to_double()
    """
    return S.to_double(path.bin, ctx=_ctx(path))


@verb("string_read")
def str_byte_length(path: Path) -> Any:
    """Read the string's length in UTF-8 bytes.

    Example::

        session.get(users.id(1)).bin("name").str_byte_length()
    """
    return S.byte_length(path.bin, ctx=_ctx(path))


@verb("string_read")
def str_is_numeric(path: Path, numeric_type: Any = None) -> Any:
    """Read whether the string parses as a number (``StringNumericType.INT`` / ``FLOAT``: only that kind).

    Example::

        session.get(users.id(1)).bin("zip").str_is_numeric(StringNumericType.INT)
    """
    return S.is_numeric(path.bin, numeric_type, ctx=_ctx(path))


@verb("string_read")
def str_is_upper(path: Path) -> Any:
    """Read whether every cased code point is uppercase.

    Example::

        session.get(users.id(1)).bin("code").str_is_upper()
    """
    return S.is_upper(path.bin, ctx=_ctx(path))


@verb("string_read")
def str_is_lower(path: Path) -> Any:
    """Read whether every cased code point is lowercase.

    Example::

        session.get(users.id(1)).bin("code").str_is_lower()
    """
    return S.is_lower(path.bin, ctx=_ctx(path))


@verb("string_read")
def str_to_blob(path: Path) -> Any:
    """Read the string's UTF-8 bytes as a blob.

    Example::

        session.get(users.id(1)).bin("name").str_to_blob()
    """
    return S.to_blob(path.bin, ctx=_ctx(path))


@verb("string_read")
def str_split(path: Path, separator: str | None = None) -> Any:
    """Read the string split at ``separator`` into a list (None: one element per code point).

    Example::

        session.get(users.id(1)).bin("csv").str_split(",")
    """
    if separator is not None:
        separator = _text("str_split", "separator", separator)
    return S.split(path.bin, separator, ctx=_ctx(path))


@verb("string_read")
def str_b64_decode(path: Path) -> Any:
    """Read the string decoded from base64, as bytes (OP_NOT_APPLICABLE if it is not base64).

    Example::

        session.get(users.id(1)).bin("payload").str_b64_decode()
    """
    return S.b64_decode(path.bin, ctx=_ctx(path))


@verb("string_read")
def str_regex_compare(path: Path, pattern: str, flags: int = 0) -> Any:
    """Read whether the regex ``pattern`` matches the string (``StringRegexFlags``: CASE_INSENSITIVE ...).

    Example::

        session.get(users.id(1)).bin("email").str_regex_compare("@example[.]org$")
    """
    return S.regex_compare(path.bin, _text("str_regex_compare", "pattern", pattern),
                           _flags("str_regex_compare", flags), ctx=_ctx(path))


@verb("bin_read")
def read_as_string(path: Path) -> Any:
    """Read the bin (bool, int, float, string or UTF-8 blob) rendered as a string; whole bins only.

    Example::

        session.get(users.id(1)).bin("age").read_as_string()
    """
    return S.to_string(path.bin)
