"""Record digests (RIPEMD-160 of set name, key type and key bytes) and partition ids.

A node never needs to compute digests (every keyed request carries one); tests, tools and the SDK
do, to address records and to check what a client sent.
"""

from __future__ import annotations

import hashlib

N_PARTITIONS = 4096

_KEY_INTEGER = 1
_KEY_STRING = 3
_KEY_BLOB = 4


def key_digest(set_name: str, key: int | str | bytes) -> bytes:
    """The 20-byte digest a client computes for ``Key(ns, set_name, key)``."""
    if isinstance(key, bool):
        raise TypeError("a bool is not a valid user key")
    if isinstance(key, int):
        type_byte, data = _KEY_INTEGER, key.to_bytes(8, "big", signed=True)
    elif isinstance(key, str):
        type_byte, data = _KEY_STRING, key.encode()
    elif isinstance(key, (bytes, bytearray)):
        type_byte, data = _KEY_BLOB, bytes(key)
    else:
        raise TypeError(f"user keys are int, str or bytes, not {type(key).__name__}")
    h = hashlib.new("ripemd160")
    h.update(set_name.encode())
    h.update(bytes((type_byte,)))
    h.update(data)
    return h.digest()


def partition_id(digest: bytes) -> int:
    """The partition (0..4095) a digest belongs to."""
    return int.from_bytes(digest[:4], "little") & (N_PARTITIONS - 1)
