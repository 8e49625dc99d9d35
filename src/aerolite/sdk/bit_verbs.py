"""Bit verbs of the verb table: writes and reads of a bytes bin's bits, as aerospike-sdk 1.0.0 names them.

``policy`` is a client ``BitPolicy`` (None: the default flags); offsets and sizes count bits, except
``bit_resize`` / ``bit_insert`` / ``bit_remove``, which work in whole bytes.
"""

from __future__ import annotations

from typing import Any

import aerospike_native as an

from aerolite.sdk.verb_table import Path, verb

_DEFAULT_POLICY = an.BitPolicy(an.BitWriteFlags.DEFAULT)


def _policy(policy: Any) -> Any:
    return _DEFAULT_POLICY if policy is None else policy


@verb("bin_write")
def bit_resize(path: Path, byte_size: int, resize_flags: Any = None, policy: Any = None) -> Any:
    """Grow or shrink the bytes to ``byte_size`` (``BitwiseResizeFlags``: FROM_FRONT, GROW_ONLY ...).

    Example::

        session.upsert(users.id(1)).bin("flags").bit_resize(4)
    """
    flags = an.BitwiseResizeFlags.DEFAULT if resize_flags is None else resize_flags
    return an.BitOperation.resize(path.bin, byte_size, flags, _policy(policy))


@verb("bin_write")
def bit_insert(path: Path, byte_offset: int, value: Any, policy: Any = None) -> Any:
    """Insert the bytes ``value`` at ``byte_offset``.

    Example::

        session.update(users.id(1)).bin("flags").bit_insert(0, b"\\x01")
    """
    return an.BitOperation.insert(path.bin, byte_offset, value, _policy(policy))


@verb("bin_write")
def bit_remove(path: Path, byte_offset: int, byte_size: int, policy: Any = None) -> Any:
    """Remove ``byte_size`` bytes from ``byte_offset``.

    Example::

        session.update(users.id(1)).bin("flags").bit_remove(0, 1)
    """
    return an.BitOperation.remove(path.bin, byte_offset, byte_size, _policy(policy))


@verb("bin_write")
def bit_set(path: Path, bit_offset: int, bit_size: int, value: Any, policy: Any = None) -> Any:
    """Overwrite ``bit_size`` bits from ``bit_offset`` with the leading bits of the bytes ``value``.

    Example::

        task.update(users).bin("flags").bit_set(0, 1, b"\\x80")
    """
    return an.BitOperation.set(path.bin, bit_offset, bit_size, value, _policy(policy))


@verb("bin_write")
def bit_or(path: Path, bit_offset: int, bit_size: int, value: Any, policy: Any = None) -> Any:
    """OR the bytes ``value`` into ``bit_size`` bits from ``bit_offset``.

    Example::

        session.update(users.id(1)).bin("flags").bit_or(0, 8, b"\\x0f")
    """
    return an.BitOperation.or_(path.bin, bit_offset, bit_size, value, _policy(policy))


@verb("bin_write")
def bit_xor(path: Path, bit_offset: int, bit_size: int, value: Any, policy: Any = None) -> Any:
    """XOR the bytes ``value`` into ``bit_size`` bits from ``bit_offset``.

    Example::

        session.update(users.id(1)).bin("flags").bit_xor(0, 8, b"\\xff")
    """
    return an.BitOperation.xor(path.bin, bit_offset, bit_size, value, _policy(policy))


@verb("bin_write")
def bit_and(path: Path, bit_offset: int, bit_size: int, value: Any, policy: Any = None) -> Any:
    """AND the bytes ``value`` into ``bit_size`` bits from ``bit_offset``.

    Example::

        session.update(users.id(1)).bin("flags").bit_and(0, 8, b"\\xf0")
    """
    return an.BitOperation.and_(path.bin, bit_offset, bit_size, value, _policy(policy))


@verb("bin_write")
def bit_not(path: Path, bit_offset: int, bit_size: int, policy: Any = None) -> Any:
    """Invert ``bit_size`` bits from ``bit_offset``.

    Example::

        session.update(users.id(1)).bin("flags").bit_not(0, 8)
    """
    return an.BitOperation.not_(path.bin, bit_offset, bit_size, _policy(policy))


@verb("bin_write")
def bit_lshift(path: Path, bit_offset: int, bit_size: int, shift: int, policy: Any = None) -> Any:
    """Shift ``bit_size`` bits from ``bit_offset`` left by ``shift``.

    Example::

        session.update(users.id(1)).bin("flags").bit_lshift(0, 8, 2)
    """
    return an.BitOperation.lshift(path.bin, bit_offset, bit_size, shift, _policy(policy))


@verb("bin_write")
def bit_rshift(path: Path, bit_offset: int, bit_size: int, shift: int, policy: Any = None) -> Any:
    """Shift ``bit_size`` bits from ``bit_offset`` right by ``shift``.

    Example::

        session.update(users.id(1)).bin("flags").bit_rshift(0, 8, 2)
    """
    return an.BitOperation.rshift(path.bin, bit_offset, bit_size, shift, _policy(policy))


@verb("bin_write")
def bit_add(path: Path, bit_offset: int, bit_size: int, value: int, signed: bool, action: Any,
            policy: Any = None) -> Any:
    """Add ``value`` to the integer in ``bit_size`` bits (``action``: a ``BitwiseOverflowActions``).

    Example::

        session.update(users.id(1)).bin("ctr").bit_add(0, 8, 1, False, BitwiseOverflowActions.SATURATE)
    """
    return an.BitOperation.add(path.bin, bit_offset, bit_size, value, signed, action, _policy(policy))


@verb("bin_write")
def bit_subtract(path: Path, bit_offset: int, bit_size: int, value: int, signed: bool, action: Any,
                 policy: Any = None) -> Any:
    """Subtract ``value`` from the integer in ``bit_size`` bits (``action``: on overflow).

    Example::

        session.update(users.id(1)).bin("ctr").bit_subtract(0, 8, 1, False, BitwiseOverflowActions.WRAP)
    """
    return an.BitOperation.subtract(path.bin, bit_offset, bit_size, value, signed, action, _policy(policy))


@verb("bin_write")
def bit_set_int(path: Path, bit_offset: int, bit_size: int, value: int, policy: Any = None) -> Any:
    """Write the integer ``value`` into ``bit_size`` bits from ``bit_offset``.

    Example::

        session.update(users.id(1)).bin("ctr").bit_set_int(0, 16, 500)
    """
    return an.BitOperation.set_int(path.bin, bit_offset, bit_size, value, _policy(policy))


@verb("bin_read")
def bit_get(path: Path, bit_offset: int, bit_size: int) -> Any:
    """Read ``bit_size`` bits from ``bit_offset`` as bytes.

    Example::

        session.get(users.id(1)).bin("flags").bit_get(0, 8)
    """
    return an.BitOperation.get(path.bin, bit_offset, bit_size)


@verb("bin_read")
def bit_count(path: Path, bit_offset: int, bit_size: int) -> Any:
    """Read how many of ``bit_size`` bits from ``bit_offset`` are set.

    Example::

        session.get(users.id(1)).bin("flags").bit_count(0, 32)
    """
    return an.BitOperation.count(path.bin, bit_offset, bit_size)


@verb("bin_read")
def bit_lscan(path: Path, bit_offset: int, bit_size: int, value: bool) -> Any:
    """Read the position of the first bit equal to ``value`` (-1: none).

    Example::

        session.get(users.id(1)).bin("flags").bit_lscan(0, 32, True)
    """
    return an.BitOperation.lscan(path.bin, bit_offset, bit_size, value)


@verb("bin_read")
def bit_rscan(path: Path, bit_offset: int, bit_size: int, value: bool) -> Any:
    """Read the position of the last bit equal to ``value`` (-1: none).

    Example::

        session.get(users.id(1)).bin("flags").bit_rscan(0, 32, True)
    """
    return an.BitOperation.rscan(path.bin, bit_offset, bit_size, value)


@verb("bin_read")
def bit_get_int(path: Path, bit_offset: int, bit_size: int, signed: bool) -> Any:
    """Read ``bit_size`` bits from ``bit_offset`` as an integer.

    Example::

        session.get(users.id(1)).bin("ctr").bit_get_int(0, 16, False)
    """
    return an.BitOperation.get_int(path.bin, bit_offset, bit_size, signed)


@verb("bin_read")
def bit_b64_encode(path: Path, byte_offset: int | None = None, byte_size: int | None = None,
                   invert_size: bool = False) -> Any:
    """Read the bytes as base64 text, whole or the range of ``byte_size`` bytes from ``byte_offset``.

    ``invert_size``: ``byte_size`` counts the bytes left off the end instead.

    Example::

        session.get(users.id(1)).bin("payload").bit_b64_encode(0, 16)
    """
    if (byte_offset is None) != (byte_size is None):
        raise ValueError("bit_b64_encode() takes byte_offset and byte_size together, or neither (the whole blob)")
    if invert_size and byte_offset is None:
        raise ValueError("bit_b64_encode(invert_size=True) needs a byte_offset and byte_size")
    return an.BitOperation.b64_encode(path.bin, byte_offset, byte_size, invert_size)
