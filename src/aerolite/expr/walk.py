"""Iterative walks over the IR: every node, and how deep a tree nests.

Contract: these functions use an explicit stack, so they work on trees of any depth; everything else
in the expression layer (encode, static types, the compiler, the printer) recurses, and relies on
``check_depth`` having bounded a tree to ``MAX_DEPTH`` levels before it gets there. Whoever builds a
tree from untrusted input (the wire decoder, the AEL parser, server-AEL expansion) checks it.
"""

from __future__ import annotations

from collections.abc import Iterator

from aerolite.expr.errors import ExprError
from aerolite.expr.nodes import Apply, CdtRead, Expr, Let, Regex
from aerolite.expr.paths import FilterStep, PathModify, PathSelect, Step
from aerolite.expr.strings import StrCall

MAX_DEPTH = 128
"""The deepest expression tree accepted; deeper ones are PARAMETER_ERROR (real filters are far shallower)."""


_BRANCHES = (Apply, CdtRead, Let, Regex)


def children(e: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of ``e``."""
    if isinstance(e, Apply):
        return e.args
    if isinstance(e, CdtRead):
        return (*e.args, e.bin)
    if isinstance(e, Let):
        return (*(value for _, value in e.bindings), e.body)
    if isinstance(e, Regex):
        return (e.arg,)
    if isinstance(e, StrCall):
        return (e.src, *e.args)
    if isinstance(e, PathSelect):
        return (e.bin, *_filters(e.steps))
    if isinstance(e, PathModify):
        return (e.bin, e.modify, *_filters(e.steps))
    return ()


def _filters(steps: tuple[Step, ...]) -> tuple[Expr, ...]:
    return tuple(step.filter for step in steps if isinstance(step, FilterStep))


def nodes(e: Expr) -> Iterator[Expr]:
    """Every node of the tree, parents before children."""
    stack = [e]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(children(node))


def depth(e: Expr) -> int:
    """The number of nodes on the longest path from ``e`` down to a leaf."""
    if not isinstance(e, _BRANCHES):
        return 1
    deepest = 0
    stack: list[tuple[Expr, int]] = [(e, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children(node))
    return deepest


def check_depth(e: Expr) -> Expr:
    """``e`` itself, or ``ExprError`` when it nests deeper than ``MAX_DEPTH``."""
    if depth(e) > MAX_DEPTH:
        raise ExprError(f"expression nested deeper than {MAX_DEPTH} levels")
    return e
