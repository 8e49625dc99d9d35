"""What bit and HLL ops share: the ``[code, args...]`` framing, unsigned arguments and the write flags.

Both families answer a malformed op (unknown code, a read code sent as a modify, wrong arity, bad
flags) with 4, and follow one existence rule: CREATE_ONLY on a present bin fails with 6, a modify
that may not create the bin fails with 17, and NO_FAIL turns either refusal into a silent no-op.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aerolite.engine.cdt.common import bad, fail, is_int
from aerolite.result_codes import ResultCode

CREATE_ONLY = 0x01
UPDATE_ONLY = 0x02
NO_FAIL = 0x04
MASK64 = (1 << 64) - 1
PROTO_SIZE_MAX = 128 * 1024 * 1024
"""The largest message a node accepts; offsets and sizes beyond it are malformed."""


T = TypeVar("T")
ArgTable = dict[int, tuple[int, tuple[Callable[[T, Any], None], ...]]]
"""Per op code: the least number of arguments, then one parser per argument position."""


def parse_op(raw: Any, table: ArgTable[T], family: str, make: Callable[[int], T]) -> T:
    """Parse ``[code, args...]`` with ``table`` (a family's read or modify codes) into ``make(code)``."""
    if not isinstance(raw, list) or not raw or not is_int(raw[0]):
        bad(f"a {family} op must be an array starting with an op code, not {raw!r}")
    code, args = raw[0], raw[1:]
    if code not in table:
        bad(f"{code} is not a {family} op here")
    least, parsers = table[code]
    if not least <= len(args) <= len(parsers):
        bad(f"{family} op {code} takes {least} to {len(parsers)} arguments, got {len(args)}")
    target = make(code)
    for parse, arg in zip(parsers, args, strict=False):
        parse(target, arg)
    return target


def uint(arg: Any, what: str) -> int:
    """An unsigned argument as a node reads it: any integer, taken modulo 2**64."""
    if not is_int(arg):
        bad(f"{what} must be an integer, not {arg!r}")
    return int(arg) & MASK64


def write_flags(arg: Any, allowed: int) -> int:
    """Policy flags, refusing bits the op does not know and CREATE_ONLY together with UPDATE_ONLY."""
    flags = uint(arg, "flags")
    if flags & ~allowed or (flags & CREATE_ONLY and flags & UPDATE_ONLY):
        bad(f"flags {flags:#x} are not valid for this op")
    return flags


def may_write(present: bool, flags: int, may_create: bool) -> bool:
    """Whether a modify proceeds under the create/update-only rule (False: skipped under NO_FAIL)."""
    if present and flags & CREATE_ONLY:
        return refuse(flags, ResultCode.BIN_EXISTS, "the bin exists and the op is create-only")
    if not present and (flags & UPDATE_ONLY or not may_create):
        return refuse(flags, ResultCode.BIN_NOT_FOUND, "the bin does not exist and the op may not create it")
    return True


def refuse(flags: int, code: ResultCode, message: str) -> bool:
    """Fail with ``code``, unless NO_FAIL asks to skip the op instead (then False)."""
    if not flags & NO_FAIL:
        fail(code, message)
    return False
