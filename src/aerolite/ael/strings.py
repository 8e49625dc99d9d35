"""AEL string methods (G4): their spellings, parameter names, and how a call becomes a ``StrCall``.

Method style on a STRING receiver — a pinned bin (``$.s:STRING.upper()``), a path, a literal or a
parenthesised expression, or the result of another string method (``$.s:STRING.trim().strlen()``).
Arguments are positional or named (``substr(from: 1, to: 3)``); optional ones may be left out from
the end. Positions count code points. Modify methods return the changed copy; inside an expression
their write flags are always 0, as the official builders send them.

``toInt()`` / ``toFloat()`` on a STRING receiver parse the text (``string_to_integer`` /
``string_to_double``); on a number they stay the numeric casts. ``toString()`` works on any scalar.
"""

from __future__ import annotations

from typing import NamedTuple

from aerolite.expr.errors import ExprError
from aerolite.expr.nodes import Expr, Val
from aerolite.expr.strings import PAIR, STR, STRING_FUNCTIONS, WFLAGS, StrCall, StrOp


class Method(NamedTuple):
    """An AEL string method: its function and its parameter names in wire order (a PAIR names two)."""

    op: StrOp
    names: tuple[str, ...]


METHODS: dict[str, Method] = {
    "strlen": Method(StrOp.STRLEN, ()),
    "byteLength": Method(StrOp.BYTE_LENGTH, ()),
    "substr": Method(StrOp.SUBSTR, ("from", "to")),
    "charAt": Method(StrOp.CHAR_AT, ("index",)),
    "find": Method(StrOp.FIND, ("needle", "occurrence")),
    "contains": Method(StrOp.CONTAINS, ("needle",)),
    "startsWith": Method(StrOp.STARTS_WITH, ("prefix",)),
    "endsWith": Method(StrOp.ENDS_WITH, ("suffix",)),
    "toInt": Method(StrOp.TO_INTEGER, ()),
    "toFloat": Method(StrOp.TO_DOUBLE, ()),
    "isNumeric": Method(StrOp.IS_NUMERIC, ("type",)),
    "isUpper": Method(StrOp.IS_UPPER, ()),
    "isLower": Method(StrOp.IS_LOWER, ()),
    "toBlob": Method(StrOp.TO_BLOB, ()),
    "split": Method(StrOp.SPLIT, ("separator",)),
    "b64Decode": Method(StrOp.B64_DECODE, ()),
    "regexCompare": Method(StrOp.REGEX_COMPARE, ("pattern", "flags")),
    "insert": Method(StrOp.INSERT, ("index", "value")),
    "splice": Method(StrOp.INSERT, ("index", "value")),
    "overwrite": Method(StrOp.OVERWRITE, ("index", "value")),
    "concat": Method(StrOp.CONCAT, ("values",)),
    "append": Method(StrOp.APPEND, ("value",)),
    "prepend": Method(StrOp.PREPEND, ("value",)),
    "snip": Method(StrOp.SNIP, ("from", "to")),
    "replace": Method(StrOp.REPLACE, ("find", "replace")),
    "replaceAll": Method(StrOp.REPLACE_ALL, ("find", "replace")),
    "regexReplace": Method(StrOp.REGEX_REPLACE, ("pattern", "replace", "flags")),
    "upper": Method(StrOp.UPPER, ()),
    "lower": Method(StrOp.LOWER, ()),
    "caseFold": Method(StrOp.CASE_FOLD, ()),
    "normalizeNFC": Method(StrOp.NORMALIZE_NFC, ()),
    "trimStart": Method(StrOp.TRIM_START, ()),
    "trimEnd": Method(StrOp.TRIM_END, ()),
    "trim": Method(StrOp.TRIM, ()),
    "padStart": Method(StrOp.PAD_START, ("length", "pad")),
    "padEnd": Method(StrOp.PAD_END, ("length", "pad")),
    "repeat": Method(StrOp.REPEAT, ("count",)),
}
NAME_OF = {m.op: name for name, m in reversed(METHODS.items())}
"""The canonical spelling of each function (the first name listed for it)."""
STRING_CASTS = frozenset({"toInt", "toFloat"})


def slot_kinds(method: Method) -> tuple[str, ...]:
    """The kind of each named parameter (a PAIR's two names are both STRING), without write flags."""
    kinds: list[str] = []
    for kind in STRING_FUNCTIONS[method.op].params:
        if kind == PAIR:
            kinds += (STR, STR)
        elif kind != WFLAGS:
            kinds.append(kind)
    return tuple(kinds)


def required(method: Method) -> int:
    """How many leading parameters a call must give."""
    spec = STRING_FUNCTIONS[method.op]
    return len(spec.slots(spec.required))


def build(method: Method, receiver: Expr, args: list[Expr]) -> StrCall:
    """The call with ``args`` (already typed, CODE ones literal); a modify gets write flags 0 when its
    last parameter is given (``snip(from:)`` alone sends no flags, as ``string_snip_from`` does)."""
    spec = STRING_FUNCTIONS[method.op]
    full = args
    if spec.modify and len(args) == len(slot_kinds(method)):
        full = [*args, Val(0)]
    return StrCall(method.op, tuple(full), receiver)


def literal_list(arg: Expr) -> Expr | None:
    """``concat('x')`` means ``concat(['x'])``: a string literal becomes a one-element list literal."""
    if isinstance(arg, Val) and type(arg.value) is str:
        return Val([arg.value])
    return None


def printed_args(call: StrCall) -> list[Expr]:
    """The arguments AEL writes for ``call``: the IR's, without the trailing write flags."""
    spec = STRING_FUNCTIONS[call.op]
    full = len(spec.slots(len(spec.params)))
    args = list(call.args)
    if spec.modify and len(args) == full:
        flags = args.pop()
        if not (isinstance(flags, Val) and flags.value == 0):
            raise ExprError(f"write flags {flags} of {StrOp(call.op).name.lower()} have no AEL spelling")
    return args
