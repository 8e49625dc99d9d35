"""String functions (Aerospike 8.2): their codes, argument shapes and evaluators, described once.

Contract: ``STRING_FUNCTIONS`` maps each function code to a ``StrSpec`` — its result type, the kinds
of its parameters in wire order, how many are required, and the ``text`` function that evaluates it.
The same table drives the expression decoder and encoder (``StrCall`` nodes inside a CALL with system
``CALL_SYSTEM_STRING``, plus ``CALL_MODIFY`` for the functions that return a changed copy), the
static type rules, the compiler, the AEL printer and parser, and the engine's string bin operations
(op types STRING_READ / STRING_MODIFY), so a function exists everywhere or nowhere.

Parameter kinds: ``INT`` / ``STR`` / ``LIST`` are expressions of that type; ``CODE`` is a literal
integer the function receives (regex flags, numeric type); ``WFLAGS`` is the trailing literal write
policy of a modify, which an expression ignores and an operation obeys; ``PAIR`` is two STRING
expressions packed together (needle and replacement, pattern and replacement) — quoted as a literal
list inside expressions, a plain list inside operations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from aerolite.expr import text
from aerolite.expr.codes import ExpType, ListOp
from aerolite.expr.nodes import Expr

CALL_SYSTEM_STRING = 3
CALL_MODIFY = 0x40
"""Added to a CALL's system byte when the function returns a modified copy of its source."""

LIST_JOIN = ListOp.JOIN
"""The list join (8.2), the inverse of SPLIT: a list read (CALL, system CDT) that carries no return type."""

INT, STR, LIST, CODE, WFLAGS, PAIR = "int", "str", "list", "code", "wflags", "pair"
WRITE_CREATE_ONLY, WRITE_UPDATE_ONLY, WRITE_NO_FAIL = 1, 2, 4


class StrOp(IntEnum):
    """String function codes: reads below 50, modifies from 50."""

    STRLEN = 0
    SUBSTR = 1
    CHAR_AT = 2
    FIND = 3
    CONTAINS = 4
    STARTS_WITH = 5
    ENDS_WITH = 6
    TO_INTEGER = 7
    TO_DOUBLE = 8
    BYTE_LENGTH = 9
    IS_NUMERIC = 10
    IS_UPPER = 11
    IS_LOWER = 12
    TO_BLOB = 13
    SPLIT = 14
    B64_DECODE = 15
    REGEX_COMPARE = 16
    INSERT = 50
    OVERWRITE = 51
    CONCAT = 52
    SNIP = 53
    REPLACE = 54
    REPLACE_ALL = 55
    UPPER = 56
    LOWER = 57
    CASE_FOLD = 58
    NORMALIZE_NFC = 59
    TRIM_START = 60
    TRIM_END = 61
    TRIM = 62
    PAD_START = 63
    PAD_END = 64
    REPEAT = 65
    REGEX_REPLACE = 66
    APPEND = 67
    PREPEND = 68


@dataclass(frozen=True, slots=True)
class StrSpec:
    """One string function: result type, parameter kinds in wire order, required count, evaluator."""

    result: ExpType
    params: tuple[str, ...]
    required: int
    fn: Callable[..., Any]
    additive: bool = False
    """A modify that can build a bin from nothing (so CREATE_ONLY applies to it)."""

    @property
    def modify(self) -> bool:
        return self.result == ExpType.STRING and bool(self.params) and self.params[-1] == WFLAGS

    def slots(self, given: int) -> tuple[str, ...]:
        """The kinds of the IR arguments when ``given`` wire parameters are present (PAIR counts twice)."""
        kinds: list[str] = []
        for kind in self.params[:given]:
            kinds.extend((STR, STR) if kind == PAIR else (kind,))
        return tuple(kinds)


def _modify(params: tuple[str, ...], required: int, fn: Callable[..., Any], additive: bool = False) -> StrSpec:
    return StrSpec(ExpType.STRING, (*params, WFLAGS), required, fn, additive)


_CASE = {StrOp.UPPER: text.upper, StrOp.LOWER: text.lower, StrOp.CASE_FOLD: text.case_fold,
         StrOp.NORMALIZE_NFC: text.normalize_nfc, StrOp.TRIM_START: text.trim_start,
         StrOp.TRIM_END: text.trim_end, StrOp.TRIM: text.trim}

STRING_FUNCTIONS: dict[int, StrSpec] = {
    StrOp.STRLEN: StrSpec(ExpType.INT, (), 0, text.strlen),
    StrOp.SUBSTR: StrSpec(ExpType.STRING, (INT, INT), 1, text.substr),
    StrOp.CHAR_AT: StrSpec(ExpType.STRING, (INT,), 1, text.char_at),
    StrOp.FIND: StrSpec(ExpType.INT, (STR, INT), 1, text.find),
    StrOp.CONTAINS: StrSpec(ExpType.BOOL, (STR,), 1, text.contains),
    StrOp.STARTS_WITH: StrSpec(ExpType.BOOL, (STR,), 1, text.starts_with),
    StrOp.ENDS_WITH: StrSpec(ExpType.BOOL, (STR,), 1, text.ends_with),
    StrOp.TO_INTEGER: StrSpec(ExpType.INT, (), 0, text.to_integer),
    StrOp.TO_DOUBLE: StrSpec(ExpType.FLOAT, (), 0, text.to_double),
    StrOp.BYTE_LENGTH: StrSpec(ExpType.INT, (), 0, text.byte_length),
    StrOp.IS_NUMERIC: StrSpec(ExpType.BOOL, (CODE,), 0, text.is_numeric),
    StrOp.IS_UPPER: StrSpec(ExpType.BOOL, (), 0, text.is_upper),
    StrOp.IS_LOWER: StrSpec(ExpType.BOOL, (), 0, text.is_lower),
    StrOp.TO_BLOB: StrSpec(ExpType.BLOB, (), 0, text.to_blob),
    StrOp.SPLIT: StrSpec(ExpType.LIST, (STR,), 0, text.split),
    StrOp.B64_DECODE: StrSpec(ExpType.BLOB, (), 0, text.b64_decode),
    StrOp.REGEX_COMPARE: StrSpec(ExpType.BOOL, (STR, CODE), 1, text.regex_compare),
    StrOp.INSERT: _modify((INT, STR), 2, text.insert, additive=True),
    StrOp.OVERWRITE: _modify((INT, STR), 2, text.overwrite, additive=True),
    StrOp.CONCAT: _modify((LIST,), 1, text.concat, additive=True),
    StrOp.SNIP: _modify((INT, INT), 1, text.snip),
    StrOp.REPLACE: _modify((PAIR,), 1, text.replace),
    StrOp.REPLACE_ALL: _modify((PAIR,), 1, text.replace_all),
    **{op: _modify((), 0, fn) for op, fn in _CASE.items()},
    StrOp.PAD_START: _modify((INT, STR), 2, text.pad_start, additive=True),
    StrOp.PAD_END: _modify((INT, STR), 2, text.pad_end, additive=True),
    StrOp.REPEAT: _modify((INT,), 1, text.repeat, additive=True),
    StrOp.REGEX_REPLACE: _modify((PAIR, CODE), 1, text.regex_replace),
    StrOp.APPEND: _modify((STR,), 1, text.append, additive=True),
    StrOp.PREPEND: _modify((STR,), 1, text.prepend, additive=True),
}

SLOT_TYPES = {INT: ExpType.INT, STR: ExpType.STRING, LIST: ExpType.LIST}
"""The expression type an argument of each expression kind must have (CODE and WFLAGS are literals)."""


@dataclass(frozen=True, slots=True)
class StrCall(Expr):
    """A string function applied to the STRING ``src``; ``args`` follow ``STRING_FUNCTIONS[op].slots``
    (literal CODE / WFLAGS integers are ``Val`` nodes, a PAIR is two arguments)."""

    op: int
    args: tuple[Expr, ...]
    src: Expr


def evaluator(spec: StrSpec, argc: int) -> Callable[..., Any]:
    """``f(src, *args)`` for a call with ``argc`` IR arguments: the trailing write flags are dropped."""
    fn = spec.fn
    if spec.modify and len(spec.slots(len(spec.params))) == argc:
        return lambda s, *args: fn(s, *args[:-1])
    return fn
