"""AEL tokens → expression IR: recursive descent for the structure, precedence climbing for operators.

Contract: ``Parser(text, params).parse()`` returns a fully typed ``Expr`` or raises
``AelSyntaxError`` at the offending token. Grammar and precedence are G1's (reference/ael.md §2-§3):
``or`` < ``and`` < one comparison (``== != > >= < <= in =~``) < ``& | ^`` < shifts < ``+ -`` <
``* / %`` < ``**`` (right) < unary ``- + ~``. Same-operator chains of ``and`` / ``or`` flatten into
one n-ary node; arithmetic nests left to right, as the official builders do.

Nesting is bounded (``MAX_NESTING`` levels of parentheses, calls, literals and unary operators; trees
of at most ``walk.MAX_DEPTH`` levels) so that no text, however hostile, exhausts the interpreter's stack:
the limit is reported like any other syntax error, at the token that crosses it.

Types are decided per comparison (see ``pending``) and checked as each node is built, so ``$.name > 5``
fails on the ``>`` with the reason. The G4 (server dialect) spellings are read alongside G1; the
choices where they differ are listed in the package docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NoReturn

from aerolite.ael import path_select
from aerolite.ael.errors import AelSyntaxError
from aerolite.ael.lexer import Token, tokenize
from aerolite.ael.literals import literal_value
from aerolite.ael.paths import LIST, MAP, Part, PathSpec, bin_exists
from aerolite.ael.pending import PendingBin, PendingKey, PendingPath, is_pending, resolve
from aerolite.ael.strings import METHODS as STRING_METHODS
from aerolite.ael.strings import STRING_CASTS, literal_list
from aerolite.ael.strings import build as build_call
from aerolite.ael.strings import required as string_required
from aerolite.ael.strings import slot_kinds as string_slots
from aerolite.expr import static, walk
from aerolite.expr.codes import ExpType, ListOp, Op, ReturnType
from aerolite.expr.errors import ExprError
from aerolite.expr.nodes import UNKNOWN_EXPR, Apply, BinType, CdtRead, Expr, Let, Regex, Val, Var
from aerolite.expr.strings import CODE, SLOT_TYPES
from aerolite.expr.strings import LIST as LIST_ARG
from aerolite.values.types import GeoJson

MAX_NESTING = 32
"""The deepest nesting of parentheses, calls, list or map literals and unary operators in one text."""
_CHECKED_NESTING = 16
"""Trees grow deep through operator chains (checked as they grow) or through many nesting levels: the
tree under a nesting level is measured from this level on, not below (measuring costs time)."""
_INT64 = (-(1 << 63), (1 << 63) - 1)
_INT32 = (-(1 << 31), (1 << 31) - 1)
_COMPARE = {"==": Op.EQ, "!=": Op.NE, ">": Op.GT, ">=": Op.GE, "<": Op.LT, "<=": Op.LE}
# symbol → (precedence, opcode, right associative)
_BINARY: dict[str, tuple[int, Op, bool]] = {
    "&": (1, Op.INT_AND, False), "|": (1, Op.INT_OR, False), "^": (1, Op.INT_XOR, False),
    "<<": (2, Op.INT_LSHIFT, False), ">>": (2, Op.INT_ARSHIFT, False), ">>>": (2, Op.INT_RSHIFT, False),
    "+": (3, Op.ADD, False), "-": (3, Op.SUB, False),
    "*": (4, Op.MUL, False), "/": (4, Op.DIV, False), "%": (4, Op.MOD, False),
    "**": (5, Op.POW, True),
}
_FIXED_OPERANDS = {
    **{op: ExpType.INT for op in (Op.INT_AND, Op.INT_OR, Op.INT_XOR, Op.INT_LSHIFT, Op.INT_ARSHIFT,
                                  Op.INT_RSHIFT, Op.MOD, Op.INT_NOT, Op.INT_COUNT, Op.TO_FLOAT)},
    **{op: ExpType.FLOAT for op in (Op.POW, Op.LOG, Op.FLOOR, Op.CEIL, Op.TO_INT)},
}
TYPE_NAMES = {t.name: t for t in ExpType if t != ExpType.NIL}
TYPE_NAMES["GEOJSON"] = ExpType.GEO
RETURN_NAMES = {r.name: int(r) for r in ReturnType}
RESULT_METHODS = {
    "getKeys": ReturnType.KEY, "getValues": ReturnType.VALUE, "getKeyValues": ReturnType.KEY_VALUE,
    "getTree": ReturnType.ORDERED_MAP, "getMaps": ReturnType.ORDERED_MAP, "getIndexes": ReturnType.INDEX,
    "getRanks": ReturnType.RANK,
}
METADATA = {
    "ttl": Op.TTL, "voidTime": Op.VOID_TIME, "lastUpdate": Op.LAST_UPDATE, "lastUpdateTime": Op.LAST_UPDATE,
    "sinceUpdate": Op.SINCE_UPDATE, "timeSinceLastUpdate": Op.SINCE_UPDATE, "setName": Op.SET_NAME,
    "keyExists": Op.KEY_EXISTS, "isTombstone": Op.IS_TOMBSTONE, "recordSize": Op.RECORD_SIZE,
    "deviceSize": Op.DEVICE_SIZE, "memorySize": Op.MEMORY_SIZE,
}
_PATH_CALLS = frozenset({*METADATA, "digestModulo", "key"})
CASTS = {"asInt": Op.TO_INT, "toInt": Op.TO_INT, "asFloat": Op.TO_FLOAT, "toFloat": Op.TO_FLOAT}
# name → (opcode, minimum arguments, maximum arguments or None, named argument order or None)
FUNCTIONS: dict[str, tuple[Op, int, int | None, tuple[str, ...] | None]] = {
    "abs": (Op.ABS, 1, 1, None), "ceil": (Op.CEIL, 1, 1, None), "floor": (Op.FLOOR, 1, 1, None),
    "log": (Op.LOG, 2, 2, ("value", "base")), "pow": (Op.POW, 2, 2, ("base", "exponent")),
    "min": (Op.MIN, 2, None, None), "max": (Op.MAX, 2, None, None),
    "countOneBits": (Op.INT_COUNT, 1, 1, None),
    "findBitLeft": (Op.INT_LSCAN, 2, 2, None), "findBitRight": (Op.INT_RSCAN, 2, 2, None),
    "geoCompare": (Op.GEO, 2, 2, None),
    "add": (Op.ADD, 1, None, None), "sub": (Op.SUB, 1, None, None), "mul": (Op.MUL, 1, None, None),
    "div": (Op.DIV, 1, None, None), "mod": (Op.MOD, 2, 2, None),
    "intAnd": (Op.INT_AND, 1, None, None), "intOr": (Op.INT_OR, 1, None, None),
    "intXor": (Op.INT_XOR, 1, None, None), "intNot": (Op.INT_NOT, 1, 1, None),
    "lshift": (Op.INT_LSHIFT, 2, 2, None), "rshift": (Op.INT_RSHIFT, 2, 2, None),
    "arshift": (Op.INT_ARSHIFT, 2, 2, None), "toInt": (Op.TO_INT, 1, 1, None),
    "toFloat": (Op.TO_FLOAT, 1, 1, None),
    "mapKeys": (Op.MAP_KEYS, 1, 1, None), "mapValues": (Op.MAP_VALUES, 1, 1, None),
}
_REGEX_FLAGS = {"x": 1, "i": 2, "n": 4, "m": 8}
_LITERAL_WORDS: dict[str, Any] = {"true": True, "false": False, "nil": None, "null": None}


class Parser:
    """One parse of one text; ``pos`` walks the token list."""

    __slots__ = ("loop_depth", "nesting", "params", "pos", "scopes", "text", "tokens")

    def __init__(self, text: str, params: Sequence[Any] = ()) -> None:
        self.text = text
        self.params = params
        self.tokens = tokenize(text)
        self.tokens += [self.tokens[-1]] * 3  # lookahead past the end reads more end tokens
        self.pos = 0
        self.nesting = 0
        self.scopes: list[dict[str, ExpType | None]] = [{}]
        self.loop_depth = 0
        """How many path filters / modify expressions enclose the current token (``@`` needs one)."""

    # -- token helpers -------------------------------------------------------------------------
    def fail(self, reason: str, token: Token | None = None) -> NoReturn:
        tok = token or self.tokens[self.pos]
        raise AelSyntaxError(reason, self.text, tok[2])

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[self.pos + ahead]

    def next(self) -> Token:
        tok = self.tokens[self.pos]
        if tok[0] != "end":
            self.pos += 1
        return tok

    def is_op(self, symbol: str, ahead: int = 0) -> bool:
        tok = self.peek(ahead)
        return tok[0] == "op" and tok[1] == symbol

    def is_word(self, word: str, ahead: int = 0) -> bool:
        tok = self.peek(ahead)
        return tok[0] == "name" and tok[1] == word

    def accept(self, symbol: str) -> bool:
        if self.is_op(symbol):
            self.pos += 1
            return True
        return False

    def expect(self, symbol: str, context: str = "") -> Token:
        if not self.is_op(symbol):
            self.fail(f"expected '{symbol}'{context}, found {describe(self.peek())}")
        return self.next()

    def expect_word(self, word: str) -> None:
        if not self.is_word(word):
            self.fail(f"expected '{word}', found {describe(self.peek())}")
        self.pos += 1

    def known(self, e: Expr) -> ExpType | None:
        return static.static_type(e, self.scopes[-1])

    def checked(self, e: Expr, at: Token) -> Expr:
        """``e`` after the compile-time type rules of its node; errors point at ``at``."""
        try:
            static.check(e, self.scopes[-1])
        except ExprError as exc:
            raise AelSyntaxError(str(exc), self.text, at[2]) from None
        return e

    def nested(self, parse: Callable[[], Expr], at: Token) -> Expr:
        """``parse()`` one nesting level deeper; fails at ``at`` past ``MAX_NESTING`` levels."""
        if self.nesting >= MAX_NESTING:
            self.fail(f"expression nested deeper than {MAX_NESTING} levels", at)
        self.nesting += 1
        e = parse()
        self.nesting -= 1
        return self.shallow(e, at) if self.nesting >= _CHECKED_NESTING else e

    def shallow(self, e: Expr, at: Token) -> Expr:
        """``e``, or an error at ``at`` when its tree is deeper than the expression layer accepts."""
        if walk.depth(e) > walk.MAX_DEPTH:
            self.fail(f"expression nested deeper than {walk.MAX_DEPTH} levels", at)
        return e

    # -- grammar -------------------------------------------------------------------------------
    def parse(self) -> Expr:
        first = self.peek()
        if first[0] == "end":
            self.fail("empty expression")
        result = self.shallow(self.expression(), first)
        if self.peek()[0] != "end":
            self.fail(f"unexpected {describe(self.peek())} after a complete expression")
        return resolve(result, ExpType.BOOL if isinstance(result, PendingBin) else None)

    def expression(self) -> Expr:
        return self.logical("or", Op.OR, self.conjunction)

    def conjunction(self) -> Expr:
        return self.logical("and", Op.AND, self.comparison)

    def logical(self, word: str, op: Op, operand: Callable[[], Expr]) -> Expr:
        first = operand()
        if not self.is_word(word):
            return first
        at = self.peek()
        args = [first]
        while self.is_word(word):
            self.pos += 1
            args.append(operand())
        return self.checked(Apply(op, tuple(self.boolean(a) for a in args)), at)

    def boolean(self, e: Expr) -> Expr:
        return resolve(e, ExpType.BOOL)

    def comparison(self) -> Expr:
        left = self.binary(1)
        tok = self.peek()
        if tok[0] == "op" and tok[1] in _COMPARE:
            self.pos += 1
            return self.compare(_COMPARE[tok[1]], left, self.binary(1), tok)
        if tok[0] == "name" and tok[1].lower() == "in":
            self.pos += 1
            return self.in_list(left, self.binary(1), tok)
        if tok[0] == "op" and tok[1] == "=~":
            self.pos += 1
            pattern, letters = self.next()[1]
            flags = 0
            for letter in letters:
                if letter not in _REGEX_FLAGS:
                    self.fail(f"unknown regex flag {letter!r}", tok)
                flags |= _REGEX_FLAGS[letter]
            return self.checked(Regex(flags, pattern, resolve(left, ExpType.STRING)), tok)
        return left

    def compare(self, op: Op, left: Expr, right: Expr, at: Token) -> Expr:
        t = self.known(left) or self.known(right)
        left, right = resolve(left, t), resolve(right, t)
        lt, rt = self.known(left), self.known(right)
        if lt is not None and rt is not None and lt != rt:
            self.fail(f"Cannot compare {lt.name} to {rt.name}", at)
        return Apply(op, (left, right))  # the one rule for comparisons (same types) was checked above

    def in_list(self, left: Expr, right: Expr, at: Token) -> Expr:
        right = resolve(right, LIST)
        if self.known(right) != LIST:
            self.fail("'in' needs a list on its right", at)
        element = self.known(left)
        if isinstance(right, Val):
            kinds = {static.value_type(v) for v in right.value}
            if len(kinds) > 1:
                self.fail("the list of 'in' must hold values of one type", at)
            if kinds and element is None:
                element = kinds.pop()
            elif kinds and element is not None and kinds != {element} and not {element, *kinds} <= static.NUMERIC:
                other = kinds.pop()
                self.fail(f"Cannot compare {element.name} to the {other.name if other else 'INF'} list of 'in'", at)
        if element is None and is_pending(left):
            self.fail("cannot infer the type of the left side of 'in'; pin it, e.g. $.x:STRING", at)
        left = resolve(left, element)
        return CdtRead(ExpType.BOOL, ListOp.GET_ALL_BY_VALUE, ReturnType.EXISTS, (left,), right)

    def binary(self, min_prec: int) -> Expr:
        left = self.unary()
        depth = 0  # of the chain so far, measured once it starts
        while True:
            tok = self.peek()
            entry = _BINARY.get(tok[1]) if tok[0] == "op" else None
            if entry is None or entry[0] < min_prec:
                return left
            prec, op, right_assoc = entry
            self.pos += 1
            right = self.nested(partial(self.binary, prec if right_assoc else prec + 1), tok)
            depth = 1 + max(depth or walk.depth(left), walk.depth(right))
            if depth > walk.MAX_DEPTH:  # before the type rules recurse into the chain
                self.fail(f"expression nested deeper than {walk.MAX_DEPTH} levels", tok)
            left = self.arithmetic(op, [left, right], tok)

    def arithmetic(self, op: Op, args: list[Expr], at: Token) -> Expr:
        fixed = _FIXED_OPERANDS.get(op)
        if op in (Op.INT_LSCAN, Op.INT_RSCAN):
            args = [resolve(args[0], ExpType.INT), *args[1:]]
        elif op in (Op.AND, Op.OR):
            args = [self.boolean(a) for a in args]
        elif op == Op.GEO:
            args = [resolve(a, ExpType.GEO) for a in args]
        elif fixed is not None:
            args = [resolve(a, fixed) for a in args]
        else:
            t = static.first_known(tuple(args), self.scopes[-1])
            if t is not None:
                args = [resolve(a, t) for a in args]
        return self.checked(Apply(op, tuple(args)), at)

    def unary(self) -> Expr:
        tok = self.peek()
        result = self.signed()
        if isinstance(result, Val) and type(result.value) is int and not _INT64[0] <= result.value <= _INT64[1]:
            self.fail("integer literal out of the signed 64-bit range", tok)
        return result

    def signed(self) -> Expr:
        tok = self.peek()
        if tok[0] != "op" or tok[1] not in ("-", "+", "~"):
            return self.postfix(self.nested(self.operand, tok))
        self.pos += 1
        inner = self.nested(self.signed, tok)
        if tok[1] == "+":
            return inner
        if tok[1] == "~":
            return self.arithmetic(Op.INT_NOT, [inner], tok)
        if isinstance(inner, Val) and type(inner.value) in (int, float):
            return Val(-inner.value)
        zero = Val(0.0) if self.known(inner) == ExpType.FLOAT else Val(0)
        return self.arithmetic(Op.SUB, [zero, inner], tok)

    def postfix(self, e: Expr) -> Expr:
        while self.is_op(".") and self.peek(1)[0] == "name" and self.is_op("(", 2):
            name = self.peek(1)[1]
            if self.is_string_method(name, e):
                self.pos += 1
                tok = self.next()
                e = self.shallow(self.string_method(e, tok), tok)
            elif name in CASTS:
                self.pos += 2
                tok = self.peek(-1)
                self.expect("(")
                self.expect(")")
                e = self.shallow(self.arithmetic(CASTS[tok[1]], [e], tok), tok)
            else:
                break
        return e

    def is_string_method(self, name: str, receiver: Expr | None) -> bool:
        """A string method (or ``toInt()`` / ``toFloat()`` parsing a STRING receiver)."""
        if name in STRING_CASTS:
            return receiver is not None and self.known(receiver) == ExpType.STRING
        return name in STRING_METHODS or name == "toString"

    def string_method(self, receiver: Expr, tok: Token) -> Expr:
        name = tok[1]
        if name == "toString":
            self.expect("(")
            self.expect(")", " ('toString()' takes no arguments)")
            return self.checked(Apply(Op.TO_STRING, (resolve(receiver, None),)), tok)
        method = STRING_METHODS[name]
        args = self.method_arguments(method.names, tok)
        if len(args) < string_required(method):
            self.fail(f"{name}() needs {', '.join(method.names[:string_required(method)])}", tok)
        typed: list[Expr] = []
        for arg, kind in zip(args, string_slots(method), strict=False):
            if kind == CODE and not (isinstance(arg, Val) and type(arg.value) is int):
                self.fail(f"{name}() takes its flags as an integer literal", tok)
            as_list = literal_list(arg) if kind == LIST_ARG else None
            typed.append(arg if kind == CODE else as_list or resolve(arg, SLOT_TYPES[kind]))
        return self.checked(build_call(method, resolve(receiver, ExpType.STRING), typed), tok)

    def method_arguments(self, names: tuple[str, ...], tok: Token) -> list[Expr]:
        """Positional or named arguments of a method, in the order of ``names``; later ones optional."""
        self.expect("(")
        given: dict[str, Expr] = {}
        while not self.is_op(")"):
            at = self.peek()
            if at[0] == "name" and self.is_op(":", 1):
                slot = at[1]
                if slot not in names:
                    self.fail(f"{tok[1]}() has no argument {slot!r} (it takes {', '.join(names) or 'none'})", at)
                self.pos += 2
            elif len(given) < len(names):
                slot = names[len(given)]
            else:
                self.fail(f"{tok[1]}() takes at most {len(names)} arguments", at)
            if slot in given:
                self.fail(f"argument {slot!r} of {tok[1]}() is given twice", at)
            given[slot] = self.expression()
            if not self.accept(","):
                break
        self.expect(")", " to close the argument list")
        leading = names[: len(given)]
        if set(leading) != set(given):
            self.fail(f"{tok[1]}() needs {', '.join(leading)} before later arguments", tok)
        return [given[n] for n in leading]

    def operand(self) -> Expr:  # one branch per kind of operand
        tok = self.next()
        kind, value = tok[0], tok[1]
        if kind in ("int", "float", "str", "blob"):
            return Val(value)
        if kind == "path":
            return self.path()
        if kind == "var":
            if not any(value in scope for scope in self.scopes):
                hidden = " (a path filter or modify() cannot see outer let variables)" if self.loop_depth else ""
                self.fail(f"variable ${{{value}}} is not defined by an enclosing let{hidden}", tok)
            return Var(value)
        if kind == "param":
            if value >= len(self.params):
                self.fail(f"Missing value for placeholder ?{value}", tok)
            return Val(literal_value(self.params[value]))
        if kind == "op":
            if value == "(":
                inner = self.expression()
                self.expect(")", " to close '('")
                return inner
            if value == "[":
                return Val(self.list_literal())
            if value == "{":
                return Val(literal_value(self.map_literal()))
        if kind == "name":
            return self.word(tok)
        self.fail(f"expected a value, found {describe(tok)}", tok)

    def word(self, tok: Token) -> Expr:
        name = tok[1]
        if name in _LITERAL_WORDS:
            return Val(_LITERAL_WORDS[name])
        if name in ("unknown", "error"):
            return UNKNOWN_EXPR
        if name in path_select.LOOP_NAMES:
            return path_select.loop_operand(self, tok)
        if name == "not":
            self.expect("(", " after 'not' (write not(...))")
            inner = self.expression()
            self.expect(")", " to close 'not('")
            return self.checked(Apply(Op.NOT, (self.boolean(inner),)), tok)
        if name == "exclusive":
            args = self.arguments()
            if len(args) < 2:
                self.fail("exclusive needs at least two arguments", tok)
            return self.checked(Apply(Op.EXCLUSIVE, tuple(self.boolean(a) for a in args)), tok)
        if name in ("let", "with"):
            return self.let(tok)
        if name == "when":
            return self.when(tok)
        if name == "geoJson":
            args = self.arguments()
            if len(args) != 1 or not isinstance(args[0], Val) or type(args[0].value) is not str:
                self.fail("geoJson takes one string literal", tok)
            return Val(GeoJson(args[0].value))
        if name in FUNCTIONS and self.is_op("("):
            return self.function(tok)
        if self.is_op("("):
            self.fail(f"Unknown function: {name}", tok)
        self.fail(f"unexpected word {name!r} (quote string values)", tok)

    def arguments(self, named: tuple[str, ...] | None = None) -> list[Expr]:
        self.expect("(")
        args: list[Expr] = []
        names: list[str] = []
        if not self.is_op(")"):
            while True:
                if named and self.peek()[0] == "name" and self.is_op(":", 1):
                    if self.peek()[1] not in named:
                        self.fail(f"unknown argument name {self.peek()[1]!r}; expected {', '.join(named)}")
                    names.append(self.next()[1])
                    self.pos += 1
                args.append(self.expression())
                if not self.accept(","):
                    break
        self.expect(")", " to close the argument list")
        if names:
            if sorted(names) != sorted(named or ()) or len(names) != len(args):
                self.fail(f"named arguments must be exactly {', '.join(named or ())}")
            by_name = dict(zip(names, args, strict=True))
            args = [by_name[n] for n in named or ()]
        return args

    def function(self, tok: Token) -> Expr:
        op, low, high, named = FUNCTIONS[tok[1]]
        args = self.arguments(named)
        if len(args) < low or (high is not None and len(args) > high):
            self.fail(f"{tok[1]} takes {low if low == high else f'at least {low}'} arguments", tok)
        return self.arithmetic(op, args, tok)

    def let(self, tok: Token) -> Expr:
        then_word = "then" if tok[1] == "let" else "do"
        self.expect("(", f" after '{tok[1]}'")
        scope = dict(self.scopes[-1])
        self.scopes.append(scope)
        bindings: list[tuple[str, Expr]] = []
        while True:
            name_tok = self.next()
            if name_tok[0] != "name":
                self.fail("expected a variable name", name_tok)
            self.expect("=", " after the variable name")
            value = resolve(self.expression(), None)
            bindings.append((name_tok[1], value))
            scope[name_tok[1]] = self.known(value)
            if not self.accept(","):
                break
        self.expect(")", " to close the definitions")
        self.expect_word(then_word)
        self.expect("(", f" after '{then_word}'")
        body = self.expression()
        self.expect(")", f" to close '{then_word}('")
        self.scopes.pop()
        return Let(tuple(bindings), body)

    def when(self, tok: Token) -> Expr:
        self.expect("(", " after 'when'")
        args: list[Expr] = []
        while True:
            if self.is_word("default"):
                self.pos += 1
                self.expect("=>", " after 'default'")
                args.append(self.expression())
                break
            args.append(self.boolean(self.expression()))
            self.expect("=>", " after the condition")
            args.append(self.expression())
            if not self.accept(","):
                self.fail("when needs a 'default => value' branch")
        self.expect(")", " to close 'when('")
        actions = [*args[1::2], args[-1]]
        t = static.first_known(tuple(actions), self.scopes[-1])
        if t is not None:
            args = [a if i % 2 == 0 and i != len(args) - 1 else resolve(a, t) for i, a in enumerate(args)]
        return self.checked(Apply(Op.COND, tuple(args)), tok)

    def list_literal(self) -> list[Any]:
        items: list[Any] = []
        if self.accept("]"):
            return items
        while True:
            items.append(self.constant())
            if not self.accept(","):
                break
        self.expect("]", " to close the list")
        return items

    def map_literal(self) -> dict[Any, Any]:
        items: dict[Any, Any] = {}
        if self.accept("}"):
            return items
        while True:
            tok = self.next()
            if tok[0] not in ("int", "str", "blob") and not (tok[0] == "op" and tok[1] == "-"):
                self.fail("a map key must be an integer, a string or a blob", tok)
            if tok[0] == "op":
                number = self.next()
                if number[0] != "int":
                    self.fail("a negative map key must be an integer", number)
                key = -number[1]
            else:
                key = tok[1]
            self.expect(":", " after the map key")
            items.setdefault(key, self.constant())
            if not self.accept(","):
                break
        self.expect("}", " to close the map")
        return items

    def constant(self) -> Any:
        tok = self.peek()
        e = self.unary()
        if not isinstance(e, Val):
            self.fail("list and map literals may hold only constants", tok)
        return e.value

    # -- paths ---------------------------------------------------------------------------------
    def path(self, root: str | None = None, at: Token | None = None) -> Expr:
        """A path from a bin (``$.`` just read) or, with ``root``, from the loop variable."""
        tok = at if at is not None else self.next()
        if root is not None:
            name = root
        elif tok[0] == "name" and tok[1] in _PATH_CALLS and self.is_op("("):
            return self.metadata(tok)
        elif (tok[0] == "str" and tok[1]) or tok[0] == "name":
            name = tok[1]
        else:
            self.fail(f"expected a bin name after '$.', found {describe(tok)}", tok)
        after = self.peek()
        if after[0] != "op" or after[1] not in (".", ":"):  # a bare bin, the commonest path
            return PendingBin(name)
        spec = PathSpec(name, bin_pin=self.pin())
        parts: list[Part] = []
        starts: list[Token] = []
        while True:
            if path_select.starts_here(self):
                return path_select.finish(self, PathSpec(name, spec.bin_pin, tuple(parts)), tok, starts)
            if not self.is_op("."):
                break
            nxt = self.peek(1)
            if nxt[0] == "name" and self.is_op("(", 2):
                break
            self.pos += 1
            if parts and parts[-1].kind == "designator":
                self.fail("a '[]' or '{}' type designator must be the last part of a path", starts[-1])
            if parts and not parts[-1].singular:
                self.fail("a range, list or inverted selector must be the last part of a path")
            starts.append(self.peek())
            parts.append(self.part())
        spec = PathSpec(name, spec.bin_pin, tuple(parts))
        return self.path_functions(spec)

    def pin(self) -> ExpType | None:
        if not self.is_op(":"):
            return None
        self.pos += 1
        tok = self.next()
        if tok[0] != "name" or tok[1] not in TYPE_NAMES:
            self.fail(f"expected a type name after ':', found {describe(tok)}", tok)
        return TYPE_NAMES[tok[1]]

    def part(self) -> Part:
        tok = self.next()
        if tok[0] == "op" and tok[1] == "[":
            part = self.selector(LIST, "]")
        elif tok[0] == "op" and tok[1] == "{":
            part = self.selector(MAP, "}")
        elif tok[0] in ("name", "int", "str"):
            part = Part(MAP, "key", (tok[1],))
        elif tok[0] == "op" and tok[1] == "-" and self.peek()[0] == "int":
            part = Part(MAP, "key", (-self.next()[1],))
        else:
            self.fail(f"expected a path part after '.', found {describe(tok)}", tok)
        pin = self.pin()
        return Part(part.container, part.kind, part.args, part.inverted, pin) if pin else part

    def selector(self, container: ExpType, close: str) -> Part:
        if self.accept(close):
            return Part(container, "designator")
        bang = self.peek()
        inverted = self.accept("!")
        if self.is_op("!="):
            inverted = True
            self.tokens[self.pos] = ("op", "=", self.peek()[2] + 1, self.peek()[3])
        if self.accept("="):
            part = self.value_selector(container, inverted)
        elif self.accept("#"):
            part = self.rank_selector(container, inverted)
        elif container == MAP and self.peek()[0] == "name" and self.peek()[1].startswith("@"):
            part = self.key_selector(inverted)
        elif self.peek()[0] == "int" or self.is_op("-") or self.is_op(":"):
            part = self.index_selector(container, inverted, close)
        elif container == MAP:
            part = self.key_selector(inverted)
        else:
            self.fail(f"list index must be an integer, found {describe(self.peek())}")
        self.expect(close, " to close the selector")
        if part.inverted and part.singular:
            self.fail("'!' inverts ranges and lists only", bang)
        return part

    def selector_int(self) -> int:
        tok = self.peek()
        negative = self.accept("-")
        num = self.next()
        if num[0] != "int" or not self.text[num[2] : num[3]].isdigit():
            self.fail("Only decimal integer literals are allowed here", num)
        value = -num[1] if negative else num[1]
        if not _INT32[0] <= value <= _INT32[1]:
            self.fail("selector integer out of the 32-bit range", tok)
        return int(value)

    def selector_value(self) -> Any:
        tok = self.next()
        if tok[0] == "op" and tok[1] == "-" and self.peek()[0] in ("int", "float"):
            return -self.next()[1]
        if tok[0] == "int" and not self.text[tok[2] : tok[3]].isdigit():
            self.fail("Only decimal integer literals are allowed here", tok)
        if tok[0] in ("int", "float", "str", "blob"):
            return tok[1]
        if tok[0] == "name":
            return _LITERAL_WORDS.get(tok[1], tok[1])
        self.fail(f"expected a value, found {describe(tok)}", tok)

    def range_end(self, start: int) -> tuple[int, ...]:
        """After ``start:``, the count argument (empty when the end is open)."""
        if self.is_op("]") or self.is_op("}") or self.is_op("~"):
            return ()
        return (self.selector_int() - start,)

    def relative(self) -> Any:
        return self.selector_value() if self.accept("~") else None

    def value_selector(self, container: ExpType, inverted: bool) -> Part:
        first = self.selector_value()
        if self.accept(","):
            values = [first, self.selector_value()]
            while self.accept(","):
                values.append(self.selector_value())
            return Part(container, "value_list", (values,), inverted)
        if self.accept(":"):
            end = () if self.is_op("]") or self.is_op("}") else (self.selector_value(),)
            return Part(container, "value_range", (first, *end), inverted)
        return Part(container, "value", (first,), inverted)

    def rank_selector(self, container: ExpType, inverted: bool) -> Part:
        start = self.selector_int()
        if not self.accept(":"):
            return Part(container, "rank", (start,), inverted)
        count = self.range_end(start)
        anchor = self.relative()
        if anchor is not None:
            return Part(container, "rel_rank", (anchor, start, *count), inverted)
        return Part(container, "rank_range", (start, *count), inverted)

    def index_selector(self, container: ExpType, inverted: bool, close: str) -> Part:
        if self.is_op(":"):
            self.fail("a range needs a start")
        start = self.selector_int()
        if not self.accept(":"):
            if container == MAP and self.accept("-"):
                return self.key_range(start, inverted, close)
            return Part(container, "index", (start,), inverted)
        count = self.range_end(start)
        anchor = self.relative()
        if anchor is not None:
            if container != MAP:
                self.fail("'~key' ranges are for maps; lists take '#start:end~value'")
            return Part(container, "rel_index", (anchor, start, *count), inverted)
        return Part(container, "index_range", (start, *count), inverted)

    def key_selector(self, inverted: bool) -> Part:
        tok = self.peek()
        at_form = tok[0] == "name" and tok[1].startswith("@")
        if at_form:
            if tok[1] == "@":
                self.pos += 1
                first = None if self.is_op(":") else self.selector_value()
            else:
                self.tokens[self.pos] = ("name", tok[1][1:], tok[2] + 1, tok[3])
                first = self.selector_value()
        else:
            first = self.selector_value()
        if self.accept(","):
            keys = [first, self.selector_value()]
            while self.accept(","):
                keys.append(self.selector_value())
            return Part(MAP, "key_list", (keys,), inverted)
        if (at_form and self.accept(":")) or (not at_form and self.accept("-")):
            return self.key_range(first, inverted, "}")
        if first is None:
            self.fail("a key range needs ':' after '@'")
        return Part(MAP, "key", (first,), inverted)

    def key_range(self, begin: Any, inverted: bool, close: str) -> Part:
        end = () if self.is_op(close) else (self.selector_value(),)
        return Part(MAP, "key_range", (begin, *end), inverted)

    def metadata(self, tok: Token) -> Expr:
        name = tok[1]
        self.expect("(")
        if name == "digestModulo":
            num = self.next()
            if num[0] != "int":
                self.fail("digestModulo takes an integer", num)
            self.expect(")")
            return self.checked(Apply(Op.DIGEST_MODULO, (Val(num[1]),)), tok)
        self.expect(")", f" ('{name}()' takes no arguments)")
        if name == "key":
            pinned = self.pin()
            return PendingKey() if pinned is None else resolve(PendingKey(), pinned)
        return Apply(METADATA[name])

    def path_functions(self, spec: PathSpec) -> Expr:
        result: Expr | None = None
        while self.is_op(".") and self.peek(1)[0] == "name" and self.is_op("(", 2):
            self.pos += 1
            tok = self.next()
            name = tok[1]
            receiver = self.materialize(spec, None) if result is None and name in STRING_CASTS else result
            if self.is_string_method(name, receiver):  # the postfix loop reads string methods
                self.pos -= 2
                hint = None if name == "toString" or spec.decided_type() else ExpType.STRING
                return result if result is not None else self.materialize(spec, hint)
            if result is not None and name not in CASTS:
                self.fail(f"{name}() cannot follow another path function", tok)
            if name in CASTS:
                self.expect("(")
                self.expect(")")
                source = ExpType.FLOAT if CASTS[name] == Op.TO_INT else ExpType.INT
                inner = result if result is not None else self.materialize(spec, source)
                result = self.shallow(self.arithmetic(CASTS[name], [inner], tok), tok)
            elif name == "get":
                spec = self.get_params(spec)
            elif name in ("count", "exists", "binType", *RESULT_METHODS):
                self.expect("(")
                self.expect(")")
                result = self.result_method(name, spec, tok)
            elif name == "join":
                result = self.list_join(spec, tok)
            else:
                self.fail(f"Unknown path function: {name}()", tok)
        return result if result is not None else self.materialize(spec, None)

    def result_method(self, name: str, spec: PathSpec, tok: Token) -> Expr:
        if name == "binType" or (name == "exists" and not spec.parts):
            if spec.parts:
                self.fail("binType() applies to a bin, not to a path", tok)
            return BinType(spec.bin) if name == "binType" else bin_exists(spec.bin)
        if name == "count":
            last = spec.parts[-1] if spec.parts else None
            if last is not None and (not last.singular or last.kind == "value"):
                return spec.with_return(ReturnType.COUNT).build(None)
            return PathSpec(spec.bin, spec.bin_pin, spec.parts, spec.return_type, spec.value_pin, True).build(None)
        if not spec.parts:
            self.fail(f"{name}() needs a path into a list or map", tok)
        rt = ReturnType.EXISTS if name == "exists" else RESULT_METHODS[name]
        return spec.with_return(rt).build(None)

    def list_join(self, spec: PathSpec, tok: Token) -> Expr:
        """``$.l:LIST.join(separator)``: the list's string items joined (8.2), read where ``count()`` reads."""
        args = [resolve(a, ExpType.STRING) for a in self.method_arguments(("separator",), tok)]
        whole = PathSpec(spec.bin, spec.bin_pin, spec.parts, spec.return_type, spec.value_pin, True).build(None)
        if not isinstance(whole, CdtRead) or whole.op != ListOp.SIZE:
            self.fail("join() applies to a list", tok)
        return self.checked(CdtRead(ExpType.STRING, ListOp.JOIN, None, tuple(args), whole.bin, whole.ctx), tok)

    def get_params(self, spec: PathSpec) -> PathSpec:
        self.expect("(")
        value_pin, rt = spec.value_pin, None
        while not self.is_op(")"):
            key = self.next()
            self.expect(":", " after the parameter name")
            word = self.next()
            if key[1] == "type" and word[1] in TYPE_NAMES:
                value_pin = TYPE_NAMES[word[1]]
            elif key[1] == "return" and word[1] in RETURN_NAMES:
                rt = RETURN_NAMES[word[1]]
            else:
                self.fail(f"invalid get() parameter {key[1]}: {word[1]}", key)
            if not self.accept(","):
                break
        self.expect(")", " to close get(")
        spec = PathSpec(spec.bin, spec.bin_pin, spec.parts, spec.return_type, value_pin)
        return spec.with_return(rt) if rt is not None else spec

    def materialize(self, spec: PathSpec, hint: ExpType | None) -> Expr:
        """The IR for a path, pending when its value type is still open and no hint decides it."""
        decided = spec.decided_type()
        if decided is not None or hint is not None:
            return spec.build(hint)
        if not spec.parts:
            return PendingBin(spec.bin)
        return PendingPath(spec)


def describe(tok: Token) -> str:
    """A token as an error message names it."""
    if tok[0] == "end":
        return "end of input"
    if tok[0] == "str":
        return f"string {tok[1]!r}"
    return f"{tok[0]} {tok[1]!r}" if tok[0] != "op" else f"'{tok[1]}'"

