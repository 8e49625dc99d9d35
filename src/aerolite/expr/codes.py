"""The numbers of the filter-expression wire format: opcodes, result types, CDT op codes, return types.

Contract: pure constants, no behaviour. Every other expr module speaks in these names so that the
encoder, the decoder, the compiler and the AEL printer cannot disagree about a number.
"""

from __future__ import annotations

from enum import IntEnum


class ExpType(IntEnum):
    """The result type of an expression, as written in bin reads and CDT calls."""

    NIL = 0
    BOOL = 1
    INT = 2
    STRING = 3
    LIST = 4
    MAP = 5
    BLOB = 6
    FLOAT = 7
    GEO = 8
    HLL = 9


class Op(IntEnum):
    """Expression opcodes: the first element of every operator array."""

    UNKNOWN = 0
    EQ = 1
    NE = 2
    GT = 3
    GE = 4
    LT = 5
    LE = 6
    REGEX = 7
    GEO = 8
    IN_LIST = 9
    AND = 16
    OR = 17
    NOT = 18
    EXCLUSIVE = 19
    ADD = 20
    SUB = 21
    MUL = 22
    DIV = 23
    POW = 24
    LOG = 25
    MOD = 26
    ABS = 27
    FLOOR = 28
    CEIL = 29
    TO_INT = 30
    TO_FLOAT = 31
    INT_AND = 32
    INT_OR = 33
    INT_XOR = 34
    INT_NOT = 35
    INT_LSHIFT = 36
    INT_RSHIFT = 37
    INT_ARSHIFT = 38
    INT_COUNT = 39
    INT_LSCAN = 40
    INT_RSCAN = 41
    MIN = 50
    MAX = 51
    DIGEST_MODULO = 64
    DEVICE_SIZE = 65
    LAST_UPDATE = 66
    SINCE_UPDATE = 67
    VOID_TIME = 68
    TTL = 69
    SET_NAME = 70
    KEY_EXISTS = 71
    IS_TOMBSTONE = 72
    MEMORY_SIZE = 73
    RECORD_SIZE = 74
    KEY = 80
    BIN = 81
    BIN_TYPE = 82
    REMOVE_RESULT = 100
    MAP_KEYS = 101
    MAP_VALUES = 102
    TO_STRING = 99
    LOOP_VAR = 122
    COND = 123
    VAR = 124
    LET = 125
    QUOTE = 126
    CALL = 127
    AEL = 128


COMPARISONS = frozenset({Op.EQ, Op.NE, Op.GT, Op.GE, Op.LT, Op.LE})
LOGICAL = frozenset({Op.AND, Op.OR, Op.NOT, Op.EXCLUSIVE})
METADATA = frozenset({
    Op.DEVICE_SIZE, Op.LAST_UPDATE, Op.SINCE_UPDATE, Op.VOID_TIME, Op.TTL, Op.SET_NAME,
    Op.KEY_EXISTS, Op.IS_TOMBSTONE, Op.MEMORY_SIZE, Op.RECORD_SIZE,
})

# Arity of the operators carried by the generic ``Apply`` node: (minimum, maximum or None for varargs).
ARITY: dict[Op, tuple[int, int | None]] = {
    Op.UNKNOWN: (0, 0),
    **{op: (2, 2) for op in COMPARISONS},
    Op.GEO: (2, 2), Op.IN_LIST: (2, 2),
    Op.AND: (1, None), Op.OR: (1, None), Op.NOT: (1, 1), Op.EXCLUSIVE: (1, None),
    Op.ADD: (1, None), Op.SUB: (1, None), Op.MUL: (1, None), Op.DIV: (1, None),
    Op.POW: (2, 2), Op.LOG: (2, 2), Op.MOD: (2, 2), Op.ABS: (1, 1), Op.FLOOR: (1, 1), Op.CEIL: (1, 1),
    Op.TO_INT: (1, 1), Op.TO_FLOAT: (1, 1),
    Op.INT_AND: (1, None), Op.INT_OR: (1, None), Op.INT_XOR: (1, None), Op.INT_NOT: (1, 1),
    Op.INT_LSHIFT: (2, 2), Op.INT_RSHIFT: (2, 2), Op.INT_ARSHIFT: (2, 2), Op.INT_COUNT: (1, 1),
    Op.INT_LSCAN: (2, 2), Op.INT_RSCAN: (2, 2),
    Op.MIN: (1, None), Op.MAX: (1, None),
    Op.DIGEST_MODULO: (1, 1),
    **{op: (0, 0) for op in METADATA},
    Op.MAP_KEYS: (1, 1), Op.MAP_VALUES: (1, 1),
    Op.COND: (3, None),
    Op.TO_STRING: (1, 1),
}


class ListOp(IntEnum):
    """List read op codes usable inside a CALL."""

    SIZE = 16
    GET_BY_INDEX = 19
    GET_BY_VALUE = 20
    GET_BY_RANK = 21
    GET_ALL_BY_VALUE = 22
    GET_BY_VALUE_LIST = 23
    GET_BY_INDEX_RANGE = 24
    GET_BY_VALUE_INTERVAL = 25
    GET_BY_RANK_RANGE = 26
    GET_BY_VALUE_REL_RANK_RANGE = 27
    JOIN = 28


class MapOp(IntEnum):
    """Map read op codes usable inside a CALL."""

    SIZE = 96
    GET_BY_KEY = 97
    GET_BY_INDEX = 98
    GET_BY_VALUE = 99
    GET_BY_RANK = 100
    GET_ALL_BY_VALUE = 102
    GET_BY_KEY_INTERVAL = 103
    GET_BY_INDEX_RANGE = 104
    GET_BY_VALUE_INTERVAL = 105
    GET_BY_RANK_RANGE = 106
    GET_BY_KEY_LIST = 107
    GET_BY_VALUE_LIST = 108
    GET_BY_KEY_REL_INDEX_RANGE = 109
    GET_BY_VALUE_REL_RANK_RANGE = 110


LIST_OPS = frozenset(int(op) for op in ListOp)

# (minimum, maximum) number of arguments after the return type; SIZE and JOIN have no return type at all.
CDT_ARITY: dict[int, tuple[int, int]] = {
    ListOp.SIZE: (0, 0), MapOp.SIZE: (0, 0),
    ListOp.GET_BY_INDEX: (1, 1), ListOp.GET_BY_VALUE: (1, 1), ListOp.GET_BY_RANK: (1, 1),
    ListOp.GET_ALL_BY_VALUE: (1, 1), ListOp.GET_BY_VALUE_LIST: (1, 1),
    ListOp.GET_BY_INDEX_RANGE: (1, 2), ListOp.GET_BY_VALUE_INTERVAL: (1, 2),
    ListOp.GET_BY_RANK_RANGE: (1, 2), ListOp.GET_BY_VALUE_REL_RANK_RANGE: (2, 3),
    MapOp.GET_BY_KEY: (1, 1), MapOp.GET_BY_INDEX: (1, 1), MapOp.GET_BY_VALUE: (1, 1),
    MapOp.GET_BY_RANK: (1, 1), MapOp.GET_ALL_BY_VALUE: (1, 1), MapOp.GET_BY_KEY_INTERVAL: (0, 2),
    MapOp.GET_BY_INDEX_RANGE: (1, 2), MapOp.GET_BY_VALUE_INTERVAL: (1, 2),
    MapOp.GET_BY_RANK_RANGE: (1, 2), MapOp.GET_BY_KEY_LIST: (1, 1), MapOp.GET_BY_VALUE_LIST: (1, 1),
    MapOp.GET_BY_KEY_REL_INDEX_RANGE: (2, 3), MapOp.GET_BY_VALUE_REL_RANK_RANGE: (2, 3),
    ListOp.JOIN: (0, 1),
}


SINGULAR_CDT = frozenset({
    ListOp.GET_BY_INDEX, ListOp.GET_BY_RANK, MapOp.GET_BY_KEY, MapOp.GET_BY_INDEX, MapOp.GET_BY_RANK,
})
"""Ops that select one element and therefore carry an explicit value type."""


class ReturnType(IntEnum):
    """What a CDT read returns (shared numbering of list and map return types)."""

    NONE = 0
    INDEX = 1
    REVERSE_INDEX = 2
    RANK = 3
    REVERSE_RANK = 4
    COUNT = 5
    KEY = 6
    VALUE = 7
    KEY_VALUE = 8
    EXISTS = 13
    UNORDERED_MAP = 16
    ORDERED_MAP = 17


INVERTED = 0x10000


class CtxType(IntEnum):
    """Context step kinds inside a CDT CALL op array."""

    LIST_INDEX = 0x10
    LIST_RANK = 0x11
    LIST_VALUE = 0x13
    MAP_INDEX = 0x20
    MAP_RANK = 0x21
    MAP_KEY = 0x22
    MAP_VALUE = 0x23


CDT_CONTEXT_EVAL = 0xFF
CALL_SYSTEM_CDT = 0


def plural_result_type(return_type: int) -> ExpType:
    """The expression type of a plural CDT read, derived as the official clients derive it."""
    rt = return_type & ~INVERTED
    if rt == ReturnType.COUNT:
        return ExpType.INT
    if rt == ReturnType.EXISTS:
        return ExpType.BOOL
    if rt in (ReturnType.KEY_VALUE, ReturnType.UNORDERED_MAP, ReturnType.ORDERED_MAP):
        return ExpType.MAP
    return ExpType.LIST
