"""The HLL particle: a HyperLogLog with optional MinHash bits (HyperMinHash), laid out as a node stores it.

Layout: ``u8 flags (0) | u8 index_bits p | u8 minhash_bits m | u64 cached count (little-endian, 0 =
unknown) | 2**p registers of 6 + m bits``, packed as one big-endian bit stream. A register holds
``(rank << m) | minhash``. An element is hashed with MurmurHash3 x64-128 over its msgpack bytes: the
low p bits of the first word pick the register, the next m bits are the minhash, and the rank is one
plus the number of trailing zeros of the second word.

Counts use Ertl's improved estimator ("New cardinality estimation algorithms for HyperLogLog
sketches", 2017, algorithm 6) scaled by the classic alpha constants, rounded half away from zero as
the node does. Similarity and intersection use the registers' minhash parts when both sketches have
them (Yu and Weber, "HyperMinHash", 2017) and inclusion-exclusion on counts otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from aerolite.engine.cdt.hll.murmur3 import hash128
from aerolite.values.types import Hll

HEADER = 11
HLL_BITS = 6
MIN_INDEX_BITS, MAX_INDEX_BITS = 4, 16
MIN_MINHASH_BITS, MAX_MINHASH_BITS = 4, 51
MAX_COMBINED_BITS = 64


def valid_index_bits(p: int) -> bool:
    return MIN_INDEX_BITS <= p <= MAX_INDEX_BITS


def valid_minhash_bits(m: int) -> bool:
    return m == 0 or MIN_MINHASH_BITS <= m <= MAX_MINHASH_BITS


def valid_layout(p: int, m: int) -> bool:
    return valid_index_bits(p) and valid_minhash_bits(m) and p + m <= MAX_COMBINED_BITS


def size_of(p: int, m: int) -> int:
    """Bytes of an HLL particle with ``p`` index bits and ``m`` minhash bits."""
    return HEADER + ((HLL_BITS + m) * (1 << p) + 7) // 8


@dataclass(slots=True)
class Sketch:
    """A decoded HLL: its layout, raw register values and cached count."""

    index_bits: int
    minhash_bits: int
    registers: list[int]
    cache: int = 0

    @classmethod
    def empty(cls, p: int, m: int) -> Sketch:
        return cls(p, m, [0] * (1 << p))

    @classmethod
    def decode(cls, data: bytes) -> Sketch | None:
        """The sketch in an HLL particle, None if the bytes are not a valid one."""
        if len(data) < HEADER or data[0] != 0 or not valid_layout(data[1], data[2]) or len(data) != size_of(data[1], data[2]):
            return None
        p, m = data[1], data[2]
        width = HLL_BITS + m
        mask = (1 << width) - 1
        shifts = range(7 * width, -1, -width)
        raw = data[HEADER:]
        chunks = (int.from_bytes(raw[i: i + width], "big") for i in range(0, len(raw), width))
        registers = [(chunk >> shift) & mask for chunk in chunks for shift in shifts]
        return cls(p, m, registers, int.from_bytes(data[3:HEADER], "little"))

    def encode(self) -> Hll:
        """The particle bytes; every 8 registers fill exactly ``6 + m`` bytes (there are at least 16)."""
        width = HLL_BITS + self.minhash_bits
        out = bytearray((0, self.index_bits, self.minhash_bits)) + self.cache.to_bytes(8, "little")
        registers = self.registers
        for i in range(0, len(registers), 8):
            chunk = 0
            for value in registers[i: i + 8]:
                chunk = chunk << width | value
            out += chunk.to_bytes(width, "big")
        return Hll(out)

    def add(self, element: bytes) -> bool:
        """Hash one msgpack-encoded element in; True when a register grew."""
        h1, h2 = hash128(element)
        p, m = self.index_bits, self.minhash_bits
        rank = (h2 & -h2).bit_length()
        value = ((rank << m) | (h1 >> p) & ((1 << m) - 1)) & ((1 << (HLL_BITS + m)) - 1)
        index = h1 & ((1 << p) - 1)
        if self.registers[index] >= value:
            return False
        self.registers[index] = value
        self.cache = 0
        return True

    def ranks(self) -> list[int]:
        return [value >> self.minhash_bits for value in self.registers]

    def estimate(self) -> int:
        """The cardinality estimate (the cached count when there is one)."""
        if self.cache:
            return self.cache
        n = len(self.registers)
        counts = [0] * (1 << HLL_BITS)
        for rank in self.ranks():
            counts[rank] += 1
        z = 0.0
        for k in range(len(counts) - 1, 0, -1):
            z = 0.5 * (z + counts[k])
        z += n * _sigma(counts[0] / n)
        return _round(_alpha(self.index_bits) * n * n / z)

    def has_data(self) -> bool:
        """Whether the first 2**p register bytes hold anything (the part a node looks at)."""
        return any(self.encode()[HEADER: HEADER + len(self.registers)])


def _sigma(x: float) -> float:
    if x == 1.0:
        return math.inf
    y, z = 1.0, x
    while True:
        x *= x
        previous = z
        z += x * y
        y += y
        if z == previous:
            return z


def _alpha(p: int) -> float:
    return {4: 0.673, 5: 0.697, 6: 0.709}.get(p, 0.7213 / (1.0 + 1.079 / (1 << p)))


def _round(x: float) -> int:
    """Round half away from zero (C's ``llround``) for a non-negative ``x``."""
    whole = math.floor(x)
    return int(whole) + (x - whole >= 0.5)


def template(sketches: Sequence[Sketch]) -> tuple[int, int]:
    """The layout every sketch folds into: the fewest index bits, minhash bits only if all agree."""
    p = min(s.index_bits for s in sketches)
    m = sketches[0].minhash_bits
    return p, m if all(s.minhash_bits == m for s in sketches) else 0


def union_into(target: Sketch, source: Sketch) -> None:
    """Fold ``source`` (with at least as many index bits) into ``target``, register by register."""
    mask = len(target.registers) - 1
    values = source.registers if target.minhash_bits else source.ranks()
    registers = target.registers
    for r, value in enumerate(values):
        if registers[r & mask] < value:
            registers[r & mask] = value
    target.cache = 0


def union(sketches: Sequence[Sketch]) -> Sketch:
    result = Sketch.empty(*template(sketches))
    for sketch in sketches:
        union_into(result, sketch)
    return result


def intersect_count(sketches: Sequence[Sketch]) -> int:
    """Estimated size of the intersection of two or three sets (any number with shared minhash bits)."""
    if template(sketches)[1]:
        j = similarity(sketches)
        return 0 if math.isnan(j) else _round(union(sketches).estimate() * j)
    together = union(sketches).estimate()
    total = sum(s.estimate() for s in sketches)
    if len(sketches) == 2:
        return max(total - together, 0)
    a, b, c = sketches
    pairs = intersect_count((a, b)) + intersect_count((b, c)) + intersect_count((a, c))
    return max(together - (total - pairs), 0)


def similarity(sketches: Sequence[Sketch]) -> float:
    """Estimated Jaccard similarity; NaN when every set is empty."""
    p, m = template(sketches)
    if not m:
        overlap, together = intersect_count(sketches), union(sketches).estimate()
        if together == 0:
            return math.nan if overlap == 0 else math.inf
        return overlap / together
    filled = [s.has_data() for s in sketches]
    if not all(filled):
        return 0.0 if any(filled) else math.nan
    n_union = sum(1 for value in union(sketches).registers if value)
    common = Sketch.empty(p, m)
    union_into(common, sketches[0])
    mask = (1 << p) - 1
    for sketch in sketches[1:]:
        for r, value in enumerate(sketch.registers):
            if common.registers[r & mask] != value:
                common.registers[r & mask] = 0
    n_common = sum(1 for value in common.registers if value)
    collisions = _expected_collisions(p, m, sketches[0].estimate(), sketches[1].estimate()) if len(sketches) == 2 else 0.0
    return max((n_common - collisions) / n_union, 0.0)


def _expected_collisions(p: int, m: int, card0: int, card1: int) -> float:
    """Registers two unrelated sets of these sizes are expected to share by chance."""
    n = 1 << p
    total = 0.0
    for i in range(1, (1 << HLL_BITS) + 1):
        low = 0.0 if i == 1 << HLL_BITS else 2.0 ** -i / n
        high = 2.0 ** (-i + 1) / n
        total += ((1 - low) ** card0 - (1 - high) ** card0) * ((1 - low) ** card1 - (1 - high) ** card1)
    return total * n / 2.0 ** m
