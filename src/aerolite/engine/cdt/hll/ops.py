"""HLL_READ and HLL_MODIFY (op types 15 and 16): argument checks and a node's rules for each op.

Checks run in a node's order: a bin that is not an HLL fails with 12, a malformed op with 4, then the
create/update-only rule (6 or 17, skipped under NO_FAIL), then whether the op can apply (26; 17 for
refresh_count and fold on a missing bin). Index or minhash bits of ``-1`` mean "unset": keep the
bin's, or when creating one, index bits are required and minhash bits default to 0. Elements are
hashed as the msgpack bytes the client sent, which ``pack`` reproduces (the clients use the
smallest encodings).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from aerolite.engine.cdt.common import bad, fail, is_int
from aerolite.engine.cdt.hll.sketch import (
    Sketch,
    intersect_count,
    similarity,
    template,
    union,
    union_into,
    valid_index_bits,
    valid_layout,
    valid_minhash_bits,
)
from aerolite.engine.cdt.packed import (
    CREATE_ONLY,
    NO_FAIL,
    UPDATE_ONLY,
    ArgTable,
    may_write,
    parse_op,
    write_flags,
)
from aerolite.result_codes import ResultCode
from aerolite.values.msgpack_codec import pack
from aerolite.values.types import Hll

INIT, ADD, SET_UNION, REFRESH_COUNT, FOLD = range(5)
COUNT, GET_UNION, UNION_COUNT, INTERSECT_COUNT, SIMILARITY, DESCRIBE = range(50, 56)
ALLOW_FOLD = 0x08


@dataclass(slots=True)
class _Request:
    """One parsed HLL op; None bits are unset."""

    code: int
    index_bits: int | None = None
    minhash_bits: int | None = None
    flags: int = 0
    elements: list[bytes] = field(default_factory=list)
    sketches: list[Sketch] = field(default_factory=list)


_Parser = Callable[[_Request, Any], None]


def _index_bits(req: _Request, arg: Any) -> None:
    if not is_int(arg) or (arg != -1 and not valid_index_bits(arg)):
        bad(f"index bits must be -1 or 4 to 16, not {arg!r}")
    req.index_bits = None if arg == -1 else arg


def _minhash_bits(req: _Request, arg: Any) -> None:
    if not is_int(arg) or (arg != -1 and not valid_minhash_bits(arg)):
        bad(f"minhash bits must be -1, 0 or 4 to 51, not {arg!r}")
    if arg != -1 and req.index_bits is not None and not valid_layout(req.index_bits, arg):
        bad(f"index bits {req.index_bits} and minhash bits {arg} add up to more than 64")
    req.minhash_bits = None if arg == -1 else arg


def _flags(allowed: int) -> _Parser:
    def parse(req: _Request, arg: Any) -> None:
        req.flags = write_flags(arg, allowed)

    return parse


def _elements(req: _Request, arg: Any) -> None:
    if not isinstance(arg, list) or not arg or any(isinstance(e, (list, dict)) for e in arg):
        bad("HLL add takes a non-empty list of scalar elements")
    req.elements = [pack(e) for e in arg]


def _sketches(req: _Request, arg: Any) -> None:
    if not isinstance(arg, list) or not arg:
        bad("expected a non-empty list of HLLs")
    for value in arg:
        sketch = Sketch.decode(value) if isinstance(value, bytes) else None
        if sketch is None:
            bad(f"{value!r} is not a valid HLL")
        req.sketches.append(sketch)


def _intersect_sketches(req: _Request, arg: Any) -> None:
    """More than two HLLs can only be intersected through shared, non-zero minhash bits."""
    _sketches(req, arg)
    m = req.sketches[0].minhash_bits
    if len(req.sketches) > 2 and (m == 0 or any(s.minhash_bits != m for s in req.sketches)):
        bad("intersecting more than two HLLs needs the same non-zero minhash bits in all of them")


_MODIFY_ARGS: ArgTable[_Request] = {
    INIT: (0, (_index_bits, _minhash_bits, _flags(CREATE_ONLY | UPDATE_ONLY | NO_FAIL))),
    ADD: (1, (_elements, _index_bits, _minhash_bits, _flags(CREATE_ONLY | NO_FAIL))),
    SET_UNION: (1, (_sketches, _flags(CREATE_ONLY | UPDATE_ONLY | ALLOW_FOLD | NO_FAIL))),
    REFRESH_COUNT: (0, ()),
    FOLD: (1, (_index_bits,)),
}
_READ_ARGS: ArgTable[_Request] = {
    COUNT: (0, ()),
    GET_UNION: (1, (_sketches,)),
    UNION_COUNT: (1, (_sketches,)),
    INTERSECT_COUNT: (1, (_intersect_sketches,)),
    SIMILARITY: (1, (_intersect_sketches,)),
    DESCRIBE: (0, ()),
}


def _not_applicable(message: str) -> NoReturn:
    fail(ResultCode.OP_NOT_APPLICABLE, message)


def _new_layout(req: _Request) -> tuple[int, int]:
    if req.index_bits is None:
        _not_applicable("creating an HLL needs index bits")
    return req.index_bits, req.minhash_bits or 0


def _init(req: _Request, old: Sketch | None) -> tuple[Hll | None, Any]:
    if old is None:
        return Sketch.empty(*_new_layout(req)).encode(), None
    p = old.index_bits if req.index_bits is None else req.index_bits
    m = old.minhash_bits if req.minhash_bits is None else req.minhash_bits
    if not valid_layout(p, m):
        _not_applicable(f"index bits {p} and minhash bits {m} are not a valid layout")
    return Sketch.empty(p, m).encode(), None


def _add(req: _Request, old: Sketch | None) -> tuple[Hll | None, Any]:
    sketch = Sketch.empty(*_new_layout(req)) if old is None else old
    added = sum(sketch.add(element) for element in req.elements)
    return sketch.encode(), added


def _set_union(req: _Request, old: Sketch | None) -> tuple[Hll | None, Any]:
    """Without ALLOW_FOLD the bin keeps its layout, so the HLLs given must be able to fold into it."""
    if old is None:
        return union(req.sketches).encode(), None
    if not req.flags & ALLOW_FOLD:
        p, m = template(req.sketches)
        if old.index_bits > p or old.minhash_bits not in (0, m):
            _not_applicable(f"HLLs with layout ({p}, {m}) cannot be folded into the bin's without ALLOW_FOLD")
    return union([*req.sketches, old]).encode(), None


def _existing(old: Sketch | None) -> Sketch:
    if old is None:
        fail(ResultCode.BIN_NOT_FOUND, "the op needs an existing HLL bin")
    return old


def _refresh_count(req: _Request, old: Sketch | None) -> tuple[Hll | None, Any]:
    sketch = _existing(old)
    sketch.cache = sketch.estimate()
    return sketch.encode(), sketch.cache


def _fold(req: _Request, old: Sketch | None) -> tuple[Hll | None, Any]:
    sketch = _existing(old)
    if sketch.minhash_bits:
        _not_applicable("an HLL with minhash bits cannot be folded")
    if req.index_bits is None or req.index_bits > sketch.index_bits:
        _not_applicable(f"cannot fold {sketch.index_bits} index bits to {req.index_bits}")
    if req.index_bits == sketch.index_bits:
        return None, None
    folded = Sketch.empty(req.index_bits, 0)
    union_into(folded, sketch)
    return folded.encode(), None


_MODIFIERS: dict[int, Callable[[_Request, Sketch | None], tuple[Hll | None, Any]]] = {
    INIT: _init, ADD: _add, SET_UNION: _set_union, REFRESH_COUNT: _refresh_count, FOLD: _fold,
}


def _intersected(req: _Request, local: Sketch) -> list[Sketch]:
    if len(req.sketches) > 2 and local.minhash_bits != req.sketches[0].minhash_bits:
        _not_applicable("the bin's minhash bits differ from those of the HLLs to intersect")
    return [*req.sketches, local]


_READERS: dict[int, Callable[[_Request, Sketch], Any]] = {
    COUNT: lambda req, local: local.estimate(),
    GET_UNION: lambda req, local: union([*req.sketches, local]).encode(),
    UNION_COUNT: lambda req, local: union([*req.sketches, local]).estimate(),
    INTERSECT_COUNT: lambda req, local: intersect_count(_intersected(req, local)),
    SIMILARITY: lambda req, local: similarity(_intersected(req, local)),
    DESCRIBE: lambda req, local: [local.index_bits, local.minhash_bits],
}


def _stored(current: Any) -> Sketch | None:
    if current is None:
        return None
    if not isinstance(current, Hll):
        fail(ResultCode.BIN_TYPE_ERROR, f"HLL ops work on HLL bins, not on a {type(current).__name__}")
    sketch = Sketch.decode(current)
    if sketch is None:
        fail(ResultCode.SERVER_ERROR, "the bin holds a corrupt HLL")
    return sketch


def read(current: Any, raw: Any) -> Any:
    """The answer of an HLL read op on a bin's value; nil for a missing bin."""
    local = _stored(current)
    if local is None:
        return None
    req = parse_op(raw, _READ_ARGS, "HLL", _Request)
    return _READERS[req.code](req, local)


def modify(current: Any, raw: Any) -> tuple[Hll | None, Any]:
    """(the bin's new HLL or None to leave it, the op's answer or None) for an HLL modify op."""
    old = _stored(current)
    req = parse_op(raw, _MODIFY_ARGS, "HLL", _Request)
    if not may_write(old is not None, req.flags, True):
        return None, None
    return _MODIFIERS[req.code](req, old)
