"""Filter expressions: the IR, its wire encoding, and a compiler to fast Python callables.

Layers, each in its own module: ``codes`` (the numbers) → ``nodes`` (the IR) → ``encode`` /
``decode`` (wire bytes) → ``static`` (types) → ``arith`` / ``cdt`` / ``meta`` / ``geo`` / ``text`` (run-time
semantics) → ``compiler`` (closures). ``strings`` describes the string functions (8.2) once, for all of
them. Path expressions (select / modify by path, loop variables) keep
to their own modules: ``paths`` (IR), ``path_wire`` (bytes), ``path_eval`` (the walk) and
``path_compile`` (closures). Everything raises ``ExprError`` (PARAMETER_ERROR) on bad input.

    >>> from aerolite.expr import Apply, BinRead, ExpType, Op, Val, compile_filter, encode
    >>> e = Apply(Op.GT, (BinRead(ExpType.INT, "age"), Val(25)))
    >>> encode(e).hex()
    '9303935102a361676519'
"""

from aerolite.expr.codes import INVERTED, CtxType, ExpType, ListOp, MapOp, Op, ReturnType
from aerolite.expr.compiler import Filter, Value, compile_filter, compile_value
from aerolite.expr.decode import decode, decode_path_op
from aerolite.expr.encode import encode
from aerolite.expr.errors import ExprError
from aerolite.expr.nodes import (
    UNKNOWN_EXPR,
    Ael,
    Apply,
    BinRead,
    BinType,
    CdtRead,
    Ctx,
    Expr,
    KeyRead,
    Let,
    Regex,
    Val,
    Var,
)
from aerolite.expr.strings import STRING_FUNCTIONS, StrCall, StrOp
from aerolite.expr.view import UNKNOWN, RecordView

__all__ = [
    "INVERTED",
    "STRING_FUNCTIONS",
    "UNKNOWN",
    "UNKNOWN_EXPR",
    "Ael",
    "Apply",
    "BinRead",
    "BinType",
    "CdtRead",
    "Ctx",
    "CtxType",
    "ExpType",
    "Expr",
    "ExprError",
    "Filter",
    "KeyRead",
    "Let",
    "ListOp",
    "MapOp",
    "Op",
    "RecordView",
    "Regex",
    "ReturnType",
    "StrCall",
    "StrOp",
    "Val",
    "Value",
    "Var",
    "compile_filter",
    "compile_value",
    "decode",
    "decode_path_op",
    "encode",
]
