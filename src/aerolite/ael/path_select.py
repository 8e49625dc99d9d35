"""G4 path expressions: ``.*`` wildcards, ``*[?(filter)]`` and ``&[?(filter)]`` filters, loop variables
``@`` / ``@key`` / ``@index``, and what a wildcard path answers (``.count()``, ``.getKeys()``, …).

Contract: the parser hands over once a path reaches its first ``*`` or ``&[?(``; ``finish`` parses
the rest of the path and its trailing function into a ``PathSelect`` / ``PathModify`` node (typed,
never pending), as an 8.2 node compiles it (``.count()`` and ``.exists()`` are the select's own
COUNT / EXISTS modes). The parts before the wildcard become context steps (only singular parts and key
lists ``{@a,b}`` can stand in a path); each ``*`` is one more level. Without a function a wildcard
path reads the values it reaches (a LIST), as ``.get()`` does (``.get(return: KEY)`` … name the
other answers); ``.count()`` is their number, ``.getKeys()`` the map keys,
``.getKeyValues()`` a flat key/value list, ``.getTree()`` the bin pruned to what the path reaches,
``.exists()`` whether there is any, ``.modify(expr)`` a copy with each reached value replaced (``@`` is the value) and ``.remove()`` a
copy without them; ``:NO_FAIL`` after those two keeps a value the expression cannot handle. The bin must be pinned ``:LIST`` / ``:MAP`` unless its first part says which.

Inside a filter, ``@`` is the child's value (``@:INT``, ``@.price:FLOAT`` for a path into it),
``@key`` its map key and ``@index`` its list index; unpinned ones take their type from the
comparison around them like bins do. Errors carry the caret position of the offending token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aerolite.ael.paths import LIST, LOOP_ROOT, MAP, Part, PathSpec, part_ctx
from aerolite.ael.pending import PendingLoop, resolve
from aerolite.expr import paths as xp
from aerolite.expr.codes import ExpType
from aerolite.expr.nodes import Ctx, Expr, Val

if TYPE_CHECKING:
    from aerolite.ael.lexer import Token
    from aerolite.ael.parser import Parser

FILTER_OPEN = "[?("
AND_OPEN = "&[?("
LOOP_NAMES = {"@": xp.LoopPart.VALUE, "@key": xp.LoopPart.MAP_KEY, "@index": xp.LoopPart.INDEX}
_SELECTS = {"getValues": xp.Select.VALUE, "getKeys": xp.Select.MAP_KEY, "getKeyValues": xp.Select.MAP_KEY_VALUE,
            "getTree": xp.Select.MATCHING_TREE}
_AGGREGATES = {"count": (xp.Select.COUNT, ExpType.INT), "exists": (xp.Select.EXISTS, ExpType.BOOL)}
_GET_RETURNS: dict[str, tuple[int, ExpType]] = {
    "VALUE": (xp.Select.VALUE, LIST), "KEY": (xp.Select.MAP_KEY, LIST), "KEY_VALUE": (xp.Select.MAP_KEY_VALUE, LIST),
    "COUNT": (xp.Select.COUNT, ExpType.INT), "EXISTS": (xp.Select.EXISTS, ExpType.BOOL),
}
_ALL = Val(True)


def starts_here(parser: Parser) -> bool:
    """Whether the next tokens turn the path being read into a wildcard path."""
    return (parser.is_op(".") and parser.is_op("*", 1)) or parser.is_op(AND_OPEN)


def finish(parser: Parser, spec: PathSpec, at: Token, starts: list[Token]) -> Expr:
    """The rest of a wildcard path after the parts already in ``spec`` (which begin at ``starts``),
    and its trailing function; ``at`` is the bin's token."""
    steps: list[xp.Step] = [_step(parser, part, start) for part, start in zip(spec.parts, starts, strict=True)]
    container = spec.container() if spec.bin_pin in (LIST, MAP) or spec.parts else None
    while True:
        if len(steps) > xp.MAX_LEVELS:
            parser.fail(f"a wildcard path has at most {xp.MAX_LEVELS} steps", parser.peek(-1))
        if parser.is_op(AND_OPEN):
            tok = parser.next()
            if not steps or isinstance(steps[-1], xp.FilterStep):
                parser.fail("'&[?(...)]' narrows a key, index, rank, value or key-list step; it cannot start "
                            "a path or follow a wildcard or another '&[?(...)]'", tok)
            steps.append(xp.FilterStep(xp.AND_FILTER, _filter_body(parser)))
        elif parser.is_op(".") and parser.is_op("*", 1):
            parser.pos += 2
            steps.append(xp.FilterStep(xp.FILTER, _filter_body(parser) if parser.accept(FILTER_OPEN) else _ALL))
        elif parser.is_op(".") and not (parser.peek(1)[0] == "name" and parser.is_op("(", 2)):
            parser.pos += 1
            tok = parser.peek()
            steps.append(_step(parser, parser.part(), tok))
        else:
            break
    if container is None:
        parser.fail(f"pin the bin of a wildcard path: $.{spec.bin}:LIST or $.{spec.bin}:MAP", at)
    return _function(parser, container, spec, tuple(steps))


def _step(parser: Parser, part: Part, at: Token) -> xp.Step:
    if part.kind == "key_list" and not part.inverted:
        return Ctx(xp.KEY_LIST, part.args[0])
    if not part.singular or part.kind == "designator" or part.inverted:
        parser.fail("a wildcard path takes single keys, indexes, ranks, values and key lists {@a,b} only", at)
    return part_ctx(part)


def _filter_body(parser: Parser) -> Expr:
    """``expr )]`` after an opening ``[?(``: a boolean evaluated per child, ``@`` in scope."""
    at = parser.peek()
    body = parser.boolean(_in_loop_scope(parser))
    if parser.known(body) != ExpType.BOOL:
        parser.fail("a path filter must be a boolean expression", at)
    parser.expect(")", " to close the path filter")
    parser.expect("]", " to close '[?('")
    return body


def _in_loop_scope(parser: Parser) -> Expr:
    """An expression where ``@`` is defined and, as on a node (a filter or modify expression is a
    separate expression there), the enclosing ``let`` variables are not."""
    scopes, parser.scopes = parser.scopes, [{}]
    parser.loop_depth += 1
    try:
        return parser.expression()
    finally:
        parser.loop_depth -= 1
        parser.scopes = scopes


def _function(parser: Parser, container: ExpType, spec: PathSpec, steps: tuple[xp.Step, ...]) -> Expr:
    bin_read = spec.root(container)
    if not (parser.is_op(".") and parser.peek(1)[0] == "name" and parser.is_op("(", 2)):
        return xp.PathSelect(LIST, int(xp.Select.VALUE), bin_read, steps)
    parser.pos += 1
    tok = parser.next()
    name = tok[1]
    parser.expect("(")
    if name == "get":
        return _get(parser, container, bin_read, steps)
    if name == "modify":
        value = _in_loop_scope(parser)
        parser.expect(")", " to close modify(")
        return xp.PathModify(container, _modify_flags(parser), bin_read, resolve(value, None), steps)
    parser.expect(")", f" ('{name}()' takes no arguments on a wildcard path)")
    if name == "remove":
        return xp.PathModify(container, _modify_flags(parser), bin_read, xp.RemoveResult(), steps)
    if name in _AGGREGATES:
        aggregate, result = _AGGREGATES[name]
        return xp.PathSelect(result, int(aggregate), bin_read, steps)
    if name in _SELECTS:
        mode = int(_SELECTS[name])
        return xp.PathSelect(container if mode == xp.Select.MATCHING_TREE else LIST, mode, bin_read, steps)
    parser.fail(f"{name}() does not apply to a wildcard path (get, count, exists, getValues, getKeys, "
                "getKeyValues, getTree, modify, remove do)", tok)


def _get(parser: Parser, container: ExpType, bin_read: Expr, steps: tuple[xp.Step, ...]) -> Expr:
    """``.get()`` / ``.get(return: R)`` after ``.get(``: R is VALUE, KEY, KEY_VALUE, COUNT or EXISTS."""
    mode, result = int(xp.Select.VALUE), LIST
    if not parser.is_op(")"):
        key = parser.next()
        parser.expect(":", " after the parameter name")
        word = parser.next()
        if key[1] != "return" or word[1] not in _GET_RETURNS:
            parser.fail(f"a wildcard path takes get() or get(return: {'|'.join(_GET_RETURNS)}), "
                        f"not {key[1]}: {word[1]}", key)
        mode, result = _GET_RETURNS[word[1]]
    parser.expect(")", " to close get(")
    return xp.PathSelect(result, mode, bin_read, steps)


def _modify_flags(parser: Parser) -> int:
    """APPLY, with NO_FAIL when ``:NO_FAIL`` follows (children the expression cannot handle are kept)."""
    if not (parser.is_op(":") and parser.peek(1)[:2] == ("name", "NO_FAIL")):
        return int(xp.Select.APPLY)
    parser.pos += 2
    return int(xp.Select.APPLY) | xp.NO_FAIL


def loop_operand(parser: Parser, tok: Token) -> Expr:
    """``@`` / ``@key`` / ``@index`` with an optional ``:TYPE`` pin, or a ``@.path`` into the value."""
    if parser.loop_depth == 0:
        parser.fail(f"'{tok[1]}' is only defined inside a path filter '[?(...)]' or 'modify(...)'", tok)
    part = LOOP_NAMES[tok[1]]
    if part == xp.LoopPart.VALUE and parser.is_op(".") and not (parser.peek(1)[0] == "name" and parser.is_op("(", 2)):
        return parser.path(LOOP_ROOT, tok)
    pinned = parser.pin()
    if part == xp.LoopPart.INDEX:
        if pinned not in (None, ExpType.INT):
            parser.fail("@index is an INT", tok)
        return xp.LoopVar(ExpType.INT, int(part))
    return PendingLoop(int(part)) if pinned is None else xp.LoopVar(pinned, int(part))
