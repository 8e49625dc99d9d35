"""Wire bytes → IR, validating shape, arity and codes as it goes.

Contract: ``decode(data)`` returns the IR of one expression and consumes every byte, or raises
``ExprError`` (PARAMETER_ERROR) naming what is wrong and where; no other exception escapes. Strings
are read in context: names (bins, variables, regex patterns) are raw, literal values carry their
particle prefix and are handed, as byte spans, to the shared msgpack dialect decoder.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aerolite.expr import path_wire
from aerolite.expr.codes import ARITY, CALL_SYSTEM_CDT, CDT_ARITY, CDT_CONTEXT_EVAL, CtxType, ExpType, Op
from aerolite.expr.errors import ExprError
from aerolite.expr.nodes import (
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
from aerolite.expr.strings import (
    CALL_MODIFY,
    CALL_SYSTEM_STRING,
    CODE,
    LIST_JOIN,
    PAIR,
    STRING_FUNCTIONS,
    WFLAGS,
    StrCall,
    StrOp,
)
from aerolite.expr.walk import MAX_DEPTH
from aerolite.result_codes import ExpressionTrace
from aerolite.values.msgpack_codec import unpack

_T = TypeVar("_T")
_CTX_KINDS = frozenset(int(k) for k in CtxType)

# Bytes that follow a type byte before the payload: (fixed payload size, size of a length prefix).
_FIXED = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8, 0xD0: 1, 0xD1: 2, 0xD2: 4, 0xD3: 8, 0xCA: 4, 0xCB: 8,
          0xD4: 2, 0xD5: 3, 0xD6: 5, 0xD7: 9, 0xD8: 17}
_PREFIXED = {0xC4: 1, 0xC5: 2, 0xC6: 4, 0xD9: 1, 0xDA: 2, 0xDB: 4}
_EXT = {0xC7: 1, 0xC8: 2, 0xC9: 4}
_INT_SIGNED = {0xD0: 1, 0xD1: 2, 0xD2: 4, 0xD3: 8}
_INT_UNSIGNED = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8}


def decode(data: bytes) -> Expr:
    """The IR of the expression in ``data``."""
    return _read_all(data, lambda reader: reader.expr(0), "the filter expression")


def decode_path_op(data: bytes) -> path_wire.PathOp:
    """The body of a select/modify by path CDT operation (see ``path_wire.is_path_op``)."""
    return _read_all(data, path_wire.read_path_op, "the path operation")


def _read_all(data: bytes, read: Callable[[_Reader], _T], what: str) -> _T:
    reader = _Reader(bytes(data))
    try:
        expr = read(reader)
    except ExprError:
        raise
    except (ValueError, TypeError, IndexError, OverflowError) as exc:
        raise ExprError(f"malformed filter expression at byte {reader.pos}: {exc}",
                        ExpressionTrace(byte_offset=reader.pos)) from exc
    if reader.pos != len(reader.data):
        raise ExprError(f"{len(reader.data) - reader.pos} trailing bytes after {what}")
    return expr


class _Reader:
    """A cursor over msgpack bytes that reads headers and skips whole values without converting them."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def fail(self, message: str) -> ExprError:
        return ExprError(f"malformed filter expression at byte {self.pos}: {message}",
                         ExpressionTrace(byte_offset=self.pos))

    def take(self, n: int) -> bytes:
        end = self.pos + n
        if end > len(self.data):
            raise self.fail("value runs past the end of the buffer")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def peek(self) -> int:
        if self.pos >= len(self.data):
            raise self.fail("unexpected end of the buffer")
        return self.data[self.pos]

    def array_header(self) -> int | None:
        """The element count if an array starts here (consumed), else None (nothing consumed)."""
        b = self.peek()
        if 0x90 <= b <= 0x9F:
            self.pos += 1
            return b & 0x0F
        if b in (0xDC, 0xDD):
            self.pos += 1
            return int.from_bytes(self.take(2 if b == 0xDC else 4), "big")
        return None

    def array(self, what: str) -> int:
        n = self.array_header()
        if n is None:
            raise self.fail(f"expected an array for {what}")
        return n

    def integer(self, what: str) -> int:
        b = self.byte()
        if b < 0x80:
            return b
        if b >= 0xE0:
            return b - 0x100
        if b in _INT_UNSIGNED:
            return int.from_bytes(self.take(_INT_UNSIGNED[b]), "big")
        if b in _INT_SIGNED:
            return int.from_bytes(self.take(_INT_SIGNED[b]), "big", signed=True)
        self.pos -= 1
        raise self.fail(f"expected an integer for {what}")

    def raw(self, what: str) -> bytes:
        """A str or bin payload taken verbatim (no particle prefix)."""
        b = self.byte()
        if 0xA0 <= b <= 0xBF:
            return self.take(b & 0x1F)
        if b in _PREFIXED:
            return self.take(int.from_bytes(self.take(_PREFIXED[b]), "big"))
        self.pos -= 1
        raise self.fail(f"expected a string for {what}")

    def name(self, what: str) -> str:
        try:
            return self.raw(what).decode()
        except UnicodeDecodeError as exc:
            raise self.fail(f"{what} is not valid UTF-8") from exc

    def skip(self) -> None:
        pending = 1
        while pending:
            pending -= 1
            b = self.byte()
            if b < 0x80 or b >= 0xE0 or b in (0xC0, 0xC2, 0xC3):
                continue
            if b <= 0x8F:
                pending += 2 * (b & 0x0F)
            elif b <= 0x9F:
                pending += b & 0x0F
            elif b <= 0xBF:
                self.take(b & 0x1F)
            elif b in _FIXED:
                self.take(_FIXED[b])
            elif b in _PREFIXED:
                self.take(int.from_bytes(self.take(_PREFIXED[b]), "big"))
            elif b in _EXT:
                self.take(int.from_bytes(self.take(_EXT[b]), "big") + 1)
            elif b in (0xDC, 0xDD):
                pending += int.from_bytes(self.take(2 if b == 0xDC else 4), "big")
            elif b in (0xDE, 0xDF):
                pending += 2 * int.from_bytes(self.take(2 if b == 0xDE else 4), "big")
            else:
                self.pos -= 1
                raise self.fail(f"invalid msgpack type byte 0x{b:02x}")

    def value(self) -> Any:
        start = self.pos
        self.skip()
        return unpack(self.data[start : self.pos])

    def exp_type(self) -> ExpType:
        code = self.integer("a result type")
        try:
            return ExpType(code)
        except ValueError:
            raise self.fail(f"unknown expression type {code}") from None

    def expr(self, depth: int) -> Expr:
        if depth >= MAX_DEPTH:
            raise self.fail(f"expression nested deeper than {MAX_DEPTH} levels")
        n = self.array_header()
        if n is None:
            return Val(self.value())
        if n == 0:
            raise self.fail("empty operator array")
        code = self.integer("an opcode")
        reader = _SPECIAL.get(code)
        if reader is not None:
            return reader(self, n, depth + 1)
        try:
            op = Op(code)
            low, high = ARITY[op]
        except (ValueError, KeyError):
            raise self.fail(f"unknown expression opcode {code}") from None
        argc = n - 1
        if argc < low or (high is not None and argc > high):
            raise self.fail(f"opcode {op.name} takes {_arity_text(low, high)} arguments, got {argc}")
        return Apply(op, tuple(self.expr(depth + 1) for _ in range(argc)))

    def expect(self, n: int, wanted: int, what: str) -> None:
        if n != wanted:
            raise self.fail(f"{what} takes {wanted - 1} arguments, got {n - 1}")

    def bin_read(self, n: int, depth: int) -> Expr:
        self.expect(n, 3, "BIN")
        return BinRead(self.exp_type(), self.name("a bin name"))

    def bin_type(self, n: int, depth: int) -> Expr:
        self.expect(n, 2, "BIN_TYPE")
        return BinType(self.name("a bin name"))

    def key(self, n: int, depth: int) -> Expr:
        self.expect(n, 2, "KEY")
        return KeyRead(self.exp_type())

    def regex(self, n: int, depth: int) -> Expr:
        self.expect(n, 4, "REGEX")
        flags = self.integer("regex flags")
        return Regex(flags, self.name("a regex pattern"), self.expr(depth))

    def let(self, n: int, depth: int) -> Expr:
        if n < 4 or n % 2:
            raise self.fail("LET takes name/value pairs and a body")
        bindings = tuple((self.name("a variable name"), self.expr(depth)) for _ in range((n - 2) // 2))
        return Let(bindings, self.expr(depth))

    def var(self, n: int, depth: int) -> Expr:
        self.expect(n, 2, "VAR")
        return Var(self.name("a variable name"))

    def quote(self, n: int, depth: int) -> Expr:
        self.expect(n, 2, "QUOTE")
        value = self.value()
        if not isinstance(value, list):
            raise self.fail("QUOTE takes a list")
        return Val(value)

    def ael(self, n: int, depth: int) -> Expr:
        self.expect(n, 2, "AEL")
        return Ael(self.name("AEL text"))

    def call(self, n: int, depth: int) -> Expr:
        self.expect(n, 5, "CALL")
        result = self.exp_type()
        system = self.integer("a CALL system")
        if system in (CALL_SYSTEM_STRING, CALL_SYSTEM_STRING | CALL_MODIFY):
            return self.string_call(result, system, depth)
        count = self.array("a CDT op")
        if path_wire.starts_path(self):
            return path_wire.read_call(self, result, system, count, depth)
        if system != CALL_SYSTEM_CDT:
            raise self.fail(f"CALL system {system} (bit, HLL or modify expressions) is not supported")
        ctx: tuple[Ctx, ...] = ()
        if count and self.peek() == 0xCC and self.data[self.pos + 1 : self.pos + 2] == bytes((CDT_CONTEXT_EVAL,)):
            if count != 3:
                raise self.fail("a CDT context wrapper takes a context and an op")
            self.pos += 2
            ctx = self.contexts()
            count = self.array("a CDT op")
        if count == 0:
            raise self.fail("empty CDT op")
        op = self.integer("a CDT op code")
        if op not in CDT_ARITY:
            raise self.fail(f"CDT op {op} is not a supported list or map read")
        low, high = CDT_ARITY[op]
        return_type = None if high == 0 or op == LIST_JOIN else self.integer("a return type")
        argc = count - (1 if return_type is None else 2)
        if argc < low or argc > high:
            raise self.fail(f"CDT op {op} takes {_arity_text(low, high)} arguments, got {argc}")
        args = tuple(self.expr(depth) for _ in range(argc))
        return CdtRead(result, op, return_type, args, self.expr(depth), ctx)

    def string_call(self, result: ExpType, system: int, depth: int) -> Expr:
        count = self.array("a string function")
        if count == 0:
            raise self.fail("empty string function")
        op = self.integer("a string function code")
        spec = STRING_FUNCTIONS.get(op)
        if spec is None:
            raise self.fail(f"unknown string function {op}")
        name = StrOp(op).name
        if spec.modify != bool(system & CALL_MODIFY):
            raise self.fail(f"string function {name} needs CALL system {CALL_SYSTEM_STRING | (CALL_MODIFY if spec.modify else 0)}")
        if result != spec.result:
            raise self.fail(f"string function {name} returns {spec.result.name}, not {result.name}")
        given = count - 1
        if not spec.required <= given <= len(spec.params):
            raise self.fail(f"string function {name} takes {_arity_text(spec.required, len(spec.params))} arguments, got {given}")
        args: list[Expr] = []
        for kind in spec.params[:given]:
            if kind == PAIR:
                if self.array("a quoted pair") != 2 or self.integer("QUOTE") != Op.QUOTE or self.array("a pair") != 2:
                    raise self.fail(f"string function {name} takes its two strings as a quoted pair")
                args += (self.expr(depth), self.expr(depth))
            elif kind in (CODE, WFLAGS):
                args.append(Val(self.integer(f"{name} flags")))
            else:
                args.append(self.expr(depth))
        return StrCall(op, tuple(args), self.expr(depth))

    def contexts(self) -> tuple[Ctx, ...]:
        count = self.array("a CDT context")
        if count % 2:
            raise self.fail("a CDT context has an odd number of items")
        steps = []
        for _ in range(count // 2):
            kind = self.integer("a context type")
            if kind not in _CTX_KINDS:
                raise self.fail(f"unsupported CDT context type 0x{kind:x}")
            steps.append(Ctx(kind, self.value()))
        return tuple(steps)


def _arity_text(low: int, high: int | None) -> str:
    if high is None:
        return f"at least {low}"
    return str(low) if low == high else f"{low} to {high}"


_SPECIAL: dict[int, Callable[[_Reader, int, int], Expr]] = {
    Op.BIN: _Reader.bin_read, Op.BIN_TYPE: _Reader.bin_type, Op.KEY: _Reader.key, Op.REGEX: _Reader.regex,
    Op.LET: _Reader.let, Op.VAR: _Reader.var, Op.QUOTE: _Reader.quote, Op.CALL: _Reader.call,
    Op.AEL: _Reader.ael, Op.LOOP_VAR: path_wire.read_loop_var, Op.REMOVE_RESULT: path_wire.read_remove,
}
