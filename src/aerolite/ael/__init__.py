"""AEL, the Aerospike Expression Language: text → expression IR → wire bytes or a compiled filter.

Modules, one job each: ``lexer`` (tokens) → ``parser`` (grammar, with ``paths`` for CDT paths and
``pending`` for type inference) → IR, with ``shapes`` reading the commonest shape (bin-versus-literal
comparisons joined by and/or) in one regex pass before the general parser; ``printer`` (IR → canonical text); ``literals`` and ``params``
(values as AEL text, printf binding); this module ties them together with LRU caches.

Dialect (reference/ael.md): the client grammar G1 with the G2/G3 conveniences, plus the spellings of
the server dialect G4 used by aerospike-sdk 1.0.0. Where they differ:

* types: ``$.a:INT`` (G4) and ``$.a.get(type: INT)`` (G1) both pin; G1's silent defaults are kept
  (bare bin INT, list element INT, map element STRING) instead of G4's "every bin must be typed"
  error, so G1 texts keep working. A bare bin as the whole filter reads as BOOL.
* ``when`` unifies its actions' types and takes the type of the comparison around it (G4), so
  ``$.name == (when(... default => 'x'))`` reads ``$.name`` as STRING (G1 would read INT).
* casts: ``.asInt()`` / ``.asFloat()`` (G1) and ``.toInt()`` / ``.toFloat()`` (G4) are synonyms
  meaning "read as FLOAT / INT, then convert"; both also work on literals and parentheses.
* metadata: ``sinceUpdate()`` and ``timeSinceLastUpdate()``, ``lastUpdate()`` and
  ``lastUpdateTime()`` are synonyms; ``$.key()`` reads the user key, typed like a bin.
* key lists and ranges: ``{a,b}`` and ``{@a,b}``; ``{a-c}`` and ``{@a:c}``, ``{@:c}`` (open start).
* result methods (G4): ``.getKeys() .getValues() .getKeyValues() .getTree() .getIndexes()
  .getRanks() .exists()`` set the return type; ``.count()`` as in G1.
* ``log(value: x, base: b)`` / ``pow(base:, exponent:)`` (G4 named arguments) and positional forms.
* control: ``let (...) then (...)`` and ``with (...) do (...)``; ``unknown`` / ``error``.
* literals: ``nil`` / ``null``, blobs ``X'..'`` / ``b64'..'``, ``geoJson('..')``; regex
  ``$.s =~ /pattern/flags`` with flags ``i`` (ICASE) ``m`` (NEWLINE) ``x`` (EXTENDED) ``n`` (NOSUB).
* strings: a backslash escapes a backslash or a quote; every other backslash is kept (G1 has no
  escapes, so G1 texts keep their meaning except for ``\\\\`` and ``\\'``).
* ``a in L`` is sent as ``list_get_by_value(EXISTS, a, L)`` (G1's form, which every server accepts),
  not as opcode 9; opcode 9 is still decoded and evaluated.
* ``-x`` on a non-literal is ``sub(0, x)`` as in G1; printer-only spellings for trees no operator
  writes: ``add(...) sub(...) mul(...) div(...) mod() intAnd(...) intOr(...) intXor(...) intNot()
  lshift() rshift() arshift() toInt() toFloat() mapKeys() mapValues() and(x) or(x)``,
  ``$.bin.binType()``.
* string methods (G4, ``strings``) and the list join ``$.l:LIST.join(',')``: ``$.s:STRING.upper()``,
  ``.substr(from:, to:)``, ``.find(needle:, occurrence:)``, ... chainable; ``.toInt()`` / ``.toFloat()`` parse a
  STRING receiver; ``.toString()`` renders any scalar.
* path expressions (G4, see ``path_select``): ``$.l:LIST.*[?(@ > 200)].count()``, ``&[?(...)]``,
  ``@`` / ``@key`` / ``@index``, ``.getKeys() .getKeyValues() .getTree() .modify(expr) .remove()``
  on wildcard paths.
* not supported (clear error): single-element write forms, HLL path functions, bit functions.
* parameters: ``?N`` placeholders (G1) and printf ``%s`` (aerospike-sdk) both bind from ``*params``;
  printf values are quoted safely (see ``params``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aerolite.ael.errors import AelSyntaxError
from aerolite.ael.params import bind, has_conversions
from aerolite.ael.parser import Parser
from aerolite.ael.printer import to_text
from aerolite.ael.shapes import simple_filter
from aerolite.expr import Ael, Apply, CdtRead, Expr, Filter, Let, Regex, compile_filter, decode, encode, walk

__all__ = ["AelSyntaxError", "filter_from_text", "filter_from_wire", "parse", "to_text", "to_wire"]


def _parse_now(text: str, params: tuple[Any, ...]) -> Expr:
    if params and has_conversions(text):
        text = bind(text, params)
    simple = simple_filter(text)
    return simple if simple is not None else Parser(text, params).parse()


@lru_cache(maxsize=4096, typed=True)
def _parse_cached(text: str, *params: Any) -> Expr:
    return _parse_now(text, params)


def parse(text: str, *params: Any) -> Expr:
    """The IR of an AEL text, with ``%s`` / ``?N`` parameters bound.

    >>> parse("$.age > %s", 25)
    Apply(op=<Op.GT: 3>, args=(BinRead(type=<ExpType.INT: 2>, name='age'), Val(value=25)))
    """
    try:
        hash(params)
    except TypeError:
        return _parse_now(text, params)
    return _parse_cached(text, *params)


def to_wire(text: str, *params: Any) -> bytes:
    """Compile AEL on the client into standard expression bytes (field 43).

    >>> to_wire("$.age > 25").hex()
    '9303935102a361676519'
    """
    return encode(parse(text, *params))


@lru_cache(maxsize=1024, typed=True)
def _filter_cached(text: str, *params: Any) -> Filter:
    return compile_filter(parse(text, *params))


def filter_from_text(text: str, *params: Any) -> Filter:
    """A compiled predicate for an AEL text, cached by text and parameters.

    >>> filter_from_text("$.age > 25")  # doctest: +ELLIPSIS
    <function ...>
    """
    try:
        hash(params)
    except TypeError:
        return compile_filter(parse(text, *params))
    return _filter_cached(text, *params)


def filter_from_wire(data: bytes) -> Filter:
    """Decode field-43 bytes (standard expressions, server AEL ``[128, text]`` anywhere inside),
    compile, and cache by the bytes. Raises ``AerospikeResultError(PARAMETER_ERROR)`` on bad input.

    >>> filter_from_wire(to_wire("$.age > 25"))  # doctest: +ELLIPSIS
    <function ...>
    """
    return _filter_from_bytes(bytes(data))


@lru_cache(maxsize=1024)
def _filter_from_bytes(data: bytes) -> Filter:
    return compile_filter(expand_ael(decode(data)))


def expand_ael(e: Expr) -> Expr:
    """``e`` with every server-AEL node replaced by the parse of its text (at most ``MAX_DEPTH`` deep).

    The texts are parsed first, from here, so that a parse never starts deep inside a recursion.
    """
    parsed = {node.text: parse(node.text) for node in walk.nodes(e) if isinstance(node, Ael)}
    return walk.check_depth(_substitute(e, parsed)) if parsed else e


def _substitute(e: Expr, parsed: dict[str, Expr]) -> Expr:
    if isinstance(e, Ael):
        return parsed[e.text]
    if isinstance(e, Apply):
        return Apply(e.op, tuple(_substitute(a, parsed) for a in e.args))
    if isinstance(e, Regex):
        return Regex(e.flags, e.pattern, _substitute(e.arg, parsed))
    if isinstance(e, Let):
        return Let(tuple((n, _substitute(v, parsed)) for n, v in e.bindings), _substitute(e.body, parsed))
    if isinstance(e, CdtRead):
        args = tuple(_substitute(a, parsed) for a in e.args)
        return CdtRead(e.type, e.op, e.return_type, args, _substitute(e.bin, parsed), e.ctx)
    return e


def clear_caches() -> None:
    """Forget every cached parse and compiled filter (benchmarks measure cold compiles with it)."""
    _parse_cached.cache_clear()
    _filter_cached.cache_clear()
    _filter_from_bytes.cache_clear()
