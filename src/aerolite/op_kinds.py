"""Operation kinds: the one numbering of what an operation does, shared by the wire and the engine.

The values are the op type bytes of the protocol, so the network front maps them by value.
"""

from __future__ import annotations

from enum import IntEnum


class OpKind(IntEnum):
    """What an operation does."""

    READ = 1
    WRITE = 2
    CDT_READ = 3
    CDT_MODIFY = 4
    INCR = 5
    EXP_READ = 7
    EXP_MODIFY = 8
    APPEND = 9
    PREPEND = 10
    TOUCH = 11
    BITS_READ = 12
    BITS_MODIFY = 13
    DELETE_ALL = 14
    HLL_READ = 15
    HLL_MODIFY = 16
    STRING_READ = 17
    STRING_MODIFY = 18
    TO_STRING = 19
