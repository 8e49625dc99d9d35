"""MurmurHash3 x64-128 with seed 0: the hash a node gives every element added to an HLL.

Written from the published algorithm (Austin Appleby's public-domain MurmurHash3); the HLL layer
uses the two 64-bit halves of the digest as the node reads them on a little-endian machine.
"""

from __future__ import annotations

import struct

_MASK = (1 << 64) - 1
_C1 = 0x87C37B91114253D5
_C2 = 0x4CF5AD432745937F
_BLOCK = struct.Struct("<QQ")


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (64 - r))) & _MASK


def _fmix(k: int) -> int:
    k ^= k >> 33
    k = (k * 0xFF51AFD7ED558CCD) & _MASK
    k ^= k >> 33
    k = (k * 0xC4CEB9FE1A85EC53) & _MASK
    return k ^ (k >> 33)


def _mix_k1(k1: int) -> int:
    return (_rotl((k1 * _C1) & _MASK, 31) * _C2) & _MASK


def _mix_k2(k2: int) -> int:
    return (_rotl((k2 * _C2) & _MASK, 33) * _C1) & _MASK


def hash128(data: bytes) -> tuple[int, int]:
    """The digest of ``data`` as its two little-endian 64-bit words ``(h1, h2)``."""
    h1 = h2 = 0
    n_blocks = len(data) // 16
    for k1, k2 in _BLOCK.iter_unpack(data[: n_blocks * 16]):
        h1 = (_rotl(h1 ^ _mix_k1(k1), 27) + h2) & _MASK
        h1 = (h1 * 5 + 0x52DCE729) & _MASK
        h2 = (_rotl(h2 ^ _mix_k2(k2), 31) + h1) & _MASK
        h2 = (h2 * 5 + 0x38495AB5) & _MASK
    tail = data[n_blocks * 16:]
    if len(tail) > 8:
        h2 ^= _mix_k2(int.from_bytes(tail[8:], "little"))
    if tail:
        h1 ^= _mix_k1(int.from_bytes(tail[:8], "little"))
    h1 ^= len(data)
    h2 ^= len(data)
    h1 = (h1 + h2) & _MASK
    h2 = (h2 + h1) & _MASK
    h1, h2 = _fmix(h1), _fmix(h2)
    h1 = (h1 + h2) & _MASK
    return h1, (h2 + h1) & _MASK
