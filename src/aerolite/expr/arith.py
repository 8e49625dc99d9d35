"""Arithmetic and bitwise operators with a node's run-time semantics, as plain functions on values.

Contract: each function takes already evaluated, non-unknown arguments and returns the result or
``UNKNOWN``. Integers are signed 64-bit and wrap on overflow (as the node's C arithmetic does);
integer division and modulo truncate toward zero; division or modulo by zero, a float overflow, a
log of a non-positive number, or operands of two different numeric types (when the compiler could
not rule that out statically) all yield ``UNKNOWN``. Shift counts use their low six bits.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from functools import reduce
from typing import Any

from aerolite.expr.codes import ExpType, Op
from aerolite.expr.view import UNKNOWN

_MASK = (1 << 64) - 1
_SIGN = 1 << 63


def wrap(v: int) -> int:
    """Reduce an integer to signed 64 bits."""
    v &= _MASK
    return v - (1 << 64) if v & _SIGN else v


def _numeric_kind(values: tuple[Any, ...]) -> type | None:
    kind = type(values[0])
    if kind not in (int, float) or any(type(v) is not kind for v in values):
        return None
    return kind


def _int_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _fold(values: tuple[Any, ...], int_step: Callable[[int, int], int],
          float_step: Callable[[float, float], float]) -> Any:
    kind = _numeric_kind(values)
    if kind is None:
        return UNKNOWN
    step = int_step if kind is int else float_step
    acc = values[0]
    try:
        for v in values[1:]:
            acc = step(acc, v)
    except (ZeroDivisionError, OverflowError):
        return UNKNOWN
    if kind is int:
        return wrap(acc)
    return acc if math.isfinite(acc) else UNKNOWN


def add(*v: Any) -> Any:
    return _fold(v, operator.add, operator.add)


def sub(*v: Any) -> Any:
    if len(v) == 1:
        v = (0 if type(v[0]) is int else 0.0, v[0])
    return _fold(v, operator.sub, operator.sub)


def mul(*v: Any) -> Any:
    return _fold(v, operator.mul, operator.mul)


def div(*v: Any) -> Any:
    if len(v) == 1:
        v = (1 if type(v[0]) is int else 1.0, v[0])
    return _fold(v, _int_div, operator.truediv)


def mod(a: Any, b: Any) -> Any:
    if type(a) is not int or type(b) is not int or b == 0:
        return UNKNOWN
    return wrap(a - b * _int_div(a, b))


def _float_only(fn: Callable[..., float]) -> Callable[..., Any]:
    def apply(*v: Any) -> Any:
        if any(type(x) is not float for x in v):
            return UNKNOWN
        try:
            result = fn(*v)
        except (ValueError, OverflowError, ZeroDivisionError):
            return UNKNOWN
        return result if isinstance(result, float) and math.isfinite(result) else UNKNOWN
    return apply


def _log(x: float, base: float) -> float:
    return math.log(x, base)


def abs_(a: Any) -> Any:
    if type(a) is int:
        return wrap(abs(a))
    return abs(a) if type(a) is float else UNKNOWN


def to_int(a: Any) -> Any:
    if type(a) is not float or not math.isfinite(a):
        return UNKNOWN
    v = int(a)
    return v if -_SIGN <= v < _SIGN else UNKNOWN


def to_float(a: Any) -> Any:
    return float(a) if type(a) is int else UNKNOWN


def _int_only(fn: Callable[..., int]) -> Callable[..., Any]:
    def apply(*v: Any) -> Any:
        if any(type(x) is not int for x in v):
            return UNKNOWN
        return wrap(fn(*v))
    return apply


def _bits(a: int) -> int:
    return a & _MASK


def _scan(value: Any, search: Any, from_left: bool) -> Any:
    if type(value) is not int or type(search) is not bool:
        return UNKNOWN
    bits = _bits(value) if search else ~_bits(value) & _MASK
    if not bits:
        return -1
    if from_left:
        return 64 - bits.bit_length()
    return 63 - ((bits & -bits).bit_length() - 1)


def _extreme(pick: Callable[..., Any]) -> Callable[..., Any]:
    def apply(*v: Any) -> Any:
        return pick(v) if _numeric_kind(v) is not None else UNKNOWN
    return apply


FUNCTIONS: dict[Op, Callable[..., Any]] = {
    Op.ADD: add, Op.SUB: sub, Op.MUL: mul, Op.DIV: div, Op.MOD: mod,
    Op.POW: _float_only(math.pow), Op.LOG: _float_only(_log),
    Op.FLOOR: _float_only(lambda a: float(math.floor(a))), Op.CEIL: _float_only(lambda a: float(math.ceil(a))),
    Op.ABS: abs_, Op.TO_INT: to_int, Op.TO_FLOAT: to_float,
    Op.INT_AND: _int_only(lambda *v: reduce(operator.and_, v)),
    Op.INT_OR: _int_only(lambda *v: reduce(operator.or_, v)),
    Op.INT_XOR: _int_only(lambda *v: reduce(operator.xor, v)),
    Op.INT_NOT: _int_only(lambda a: ~a),
    Op.INT_LSHIFT: _int_only(lambda a, s: a << (s & 63)),
    Op.INT_RSHIFT: _int_only(lambda a, s: _bits(a) >> (s & 63)),
    Op.INT_ARSHIFT: _int_only(lambda a, s: a >> (s & 63)),
    Op.INT_COUNT: _int_only(lambda a: _bits(a).bit_count()),
    Op.INT_LSCAN: lambda a, b: _scan(a, b, True),
    Op.INT_RSCAN: lambda a, b: _scan(a, b, False),
    Op.MIN: _extreme(min), Op.MAX: _extreme(max),
}


def _int_fast(step: Callable[[int, int], int]) -> Callable[[int, int], int]:
    def apply(a: int, b: int) -> int:
        v = step(a, b)
        return v if -_SIGN <= v < _SIGN else wrap(v)
    return apply


def _float_fast(step: Callable[[float, float], float]) -> Callable[[float, float], Any]:
    def apply(a: float, b: float) -> Any:
        v = step(a, b)
        return v if -math.inf < v < math.inf else UNKNOWN
    return apply


BINARY_FAST: dict[tuple[Op, ExpType], Callable[[Any, Any], Any]] = {
    **{(op, ExpType.INT): _int_fast(step) for op, step in ((Op.ADD, operator.add), (Op.SUB, operator.sub),
                                                         (Op.MUL, operator.mul))},
    **{(op, ExpType.FLOAT): _float_fast(step) for op, step in ((Op.ADD, operator.add), (Op.SUB, operator.sub),
                                                             (Op.MUL, operator.mul))},
}
"""Binary ADD/SUB/MUL whose operand types the compiler proved equal: no per-call type checks."""
