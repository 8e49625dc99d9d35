"""Whole-bin verbs of the verb table: scalar writes, HyperLogLog, expression reads and writes.

Like :mod:`aerolite.sdk.collection_verbs`, names and produced operations follow aerospike-sdk 1.0.0.
Expression verbs (``select_from``, ``upsert_from`` ...) compile AEL here, on the client, into a standard
expression operation, so they run on any node that supports expression operations; an AEL mistake
raises ``AelError`` pointing at its line and column, as ``where()`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aerospike_native as an

from aerolite.sdk.collection_verbs import values_of
from aerolite.sdk.verb_table import Path, verb
from aerolite.sdk.verbs import compile_expression


@dataclass(frozen=True, slots=True, kw_only=True)
class HllConfig:
    """The size of a HyperLogLog sketch: index bits (4-16) and min-hash bits (4-51, or -1 for none).

    Example::

        session.upsert(pages.id("home")).bin("visitors").hll_init(HllConfig(index_bit_count=14))
    """

    index_bit_count: int
    min_hash_bit_count: int = -1

    def __post_init__(self) -> None:
        bits, min_hash = self.index_bit_count, self.min_hash_bit_count
        if isinstance(bits, bool) or not isinstance(bits, int) or not 4 <= bits <= 16:
            raise ValueError(f"HllConfig index_bit_count must be an int from 4 to 16, not {bits!r}")
        if isinstance(min_hash, bool) or not isinstance(min_hash, int) or not (
                min_hash == -1 or 4 <= min_hash <= 51):
            raise ValueError(f"HllConfig min_hash_bit_count must be -1 (none) or 4 to 51, not {min_hash!r}")
        if min_hash != -1 and bits + min_hash > 64:
            raise ValueError(f"HllConfig bits add up to {bits + min_hash}; index + min-hash bits must be <= 64")

    @staticmethod
    def of(index_bit_count: int, min_hash_bit_count: int = -1) -> HllConfig:
        """``HllConfig(index_bit_count=..., min_hash_bit_count=...)``, positionally.

        Example::

            HllConfig.of(12, 20)
        """
        return HllConfig(index_bit_count=index_bit_count, min_hash_bit_count=min_hash_bit_count)


def _config(verb_name: str, config: Any) -> HllConfig:
    if not isinstance(config, HllConfig):
        raise TypeError(f"{verb_name}() takes an HllConfig, e.g. HllConfig(index_bit_count=14), "
                        f"not {type(config).__name__}")
    return config


def _hll_flags(create_only: bool, update_only: bool, no_fail: bool, allow_fold: bool) -> int:
    if create_only and update_only:
        raise ValueError("create_only and update_only exclude each other: pick one (or neither)")
    flags = int(an.HLLWriteFlags.DEFAULT)
    for on, flag in ((create_only, an.HLLWriteFlags.CREATE_ONLY), (update_only, an.HLLWriteFlags.UPDATE_ONLY),
                     (no_fail, an.HLLWriteFlags.NO_FAIL), (allow_fold, an.HLLWriteFlags.ALLOW_FOLD)):
        if on:
            flags |= int(flag)
    return flags


# -- scalar writes ------------------------------------------------------------------------------------

@verb("bin_write")
def set_to(path: Path, value: Any) -> Any:
    """Write ``value`` into the bin.

    Example::

        session.upsert(users.id(1)).bin("tier").set_to("gold")
    """
    if value is None:
        raise ValueError(f"set_to(None) would delete bin {path.bin!r}: call .remove() to say so")
    return an.Operation.put(path.bin, value)


@verb("bin_write")
def set_to_geo_json(path: Path, geo_json: str) -> Any:
    """Write a GeoJSON value (the bin's type is GEOJSON, usable by geo indexes and filters).

    Example::

        session.upsert(shops.id(1)).bin("where").set_to_geo_json('{"type":"Point","coordinates":[4.9,52.4]}')
    """
    if not isinstance(geo_json, str):
        raise TypeError(f"set_to_geo_json() takes GeoJSON text, not {type(geo_json).__name__}")
    return an.Operation.put(path.bin, an.GeoJSON(geo_json))


@verb("bin_write")
def add(path: Path, value: int | float) -> Any:
    """Add ``value`` to the bin's number (a missing bin counts as 0).

    Example::

        session.update(users.id(1)).bin("score").add(1)
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"add() takes an int or float, not {type(value).__name__}; use set_to() for other values")
    return an.Operation.add(path.bin, value)


def _text(verb_name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{verb_name}() takes a str, not {type(value).__name__}; use set_to() to replace a value")
    return value


@verb("bin_write")
def append(path: Path, value: str) -> Any:
    """Append ``value`` to the bin's string.

    Example::

        session.update(users.id(1)).bin("log").append(";migrated")
    """
    return an.Operation.append(path.bin, _text("append", value))


@verb("bin_write")
def prepend(path: Path, value: str) -> Any:
    """Prepend ``value`` to the bin's string.

    Example::

        session.update(users.id(1)).bin("name").prepend("Dr. ")
    """
    return an.Operation.prepend(path.bin, _text("prepend", value))


@verb("bin_write")
def remove(path: Path) -> Any:
    """Delete the bin.

    Example::

        session.update(users.id(1)).bin("legacy_flag").remove()
    """
    return an.Operation.put(path.bin, None)


# -- HyperLogLog --------------------------------------------------------------------------------------

@verb("bin_write")
def hll_init(path: Path, config: HllConfig, *, create_only: bool = False, update_only: bool = False,
             no_fail: bool = False, allow_fold: bool = False) -> Any:
    """Create (or reset to) an empty HyperLogLog sketch of the given size.

    Example::

        session.upsert(pages.id("home")).bin("visitors").hll_init(HllConfig(index_bit_count=14))
    """
    config = _config("hll_init", config)
    return an.HllOperation.init(path.bin, config.index_bit_count, config.min_hash_bit_count,
                                _hll_flags(create_only, update_only, no_fail, allow_fold))


@verb("bin_write")
def hll_add(path: Path, values: Sequence[Any], *, config: HllConfig | None = None, create_only: bool = False,
            update_only: bool = False, no_fail: bool = False, allow_fold: bool = False) -> Any:
    """Add values to the sketch (``config`` sizes the sketch when the bin is still missing).

    Example::

        task.update(pages).bin("visitors").hll_add(["u1", "u2"], config=HllConfig(index_bit_count=12))
    """
    flags = _hll_flags(create_only, update_only, no_fail, allow_fold)
    index_bits, min_hash_bits = -1, -1
    if config is not None:
        config = _config("hll_add", config)
        index_bits, min_hash_bits = config.index_bit_count, config.min_hash_bit_count
    return an.HllOperation.add(path.bin, values_of("hll_add", values), index_bits, min_hash_bits, flags)


@verb("bin_write")
def hll_set_union(path: Path, hll_list: Sequence[Any], *, create_only: bool = False, update_only: bool = False,
                  no_fail: bool = False, allow_fold: bool = False) -> Any:
    """Merge other sketches (HLL values read earlier) into this bin's sketch.

    Example::

        session.update(pages.id("all")).bin("visitors").hll_set_union([home_hll, about_hll])
    """
    return an.HllOperation.set_union(path.bin, values_of("hll_set_union", hll_list),
                                     _hll_flags(create_only, update_only, no_fail, allow_fold))


@verb("bin_write")
def hll_fold(path: Path, index_bit_count: int) -> Any:
    """Shrink the sketch to ``index_bit_count`` index bits (sketches without min-hash bits only).

    Example::

        session.update(pages.id("home")).bin("visitors").hll_fold(10)
    """
    return an.HllOperation.fold(path.bin, index_bit_count)


@verb("bin_write")
def hll_refresh_count(path: Path) -> Any:
    """Recompute the sketch's cached estimate and return it.

    Example::

        session.update(pages.id("home")).bin("visitors").hll_refresh_count()
    """
    return an.HllOperation.refresh_count(path.bin)


@verb("bin_read")
def hll_get_count(path: Path) -> Any:
    """Read the sketch's estimated number of distinct values.

    Example::

        n = (await session.get(pages.id("home")).bin("visitors").hll_get_count().execute()).bins["visitors"]
    """
    return an.HllOperation.get_count(path.bin)


@verb("bin_read")
def hll_describe(path: Path) -> Any:
    """Read ``[index_bit_count, min_hash_bit_count]`` of the sketch.

    Example::

        session.get(pages.id("home")).bin("visitors").hll_describe()
    """
    return an.HllOperation.describe(path.bin)


@verb("bin_read")
def hll_get_union(path: Path, hll_list: Sequence[Any]) -> Any:
    """Read the union of this sketch and ``hll_list`` as a sketch (nothing is written).

    Example::

        session.get(pages.id("home")).bin("visitors").hll_get_union([about_hll])
    """
    return an.HllOperation.get_union(path.bin, values_of("hll_get_union", hll_list))


@verb("bin_read")
def hll_get_union_count(path: Path, hll_list: Sequence[Any]) -> Any:
    """Read the estimated distinct count of this sketch united with ``hll_list``.

    Example::

        session.get(pages.id("home")).bin("visitors").hll_get_union_count([about_hll])
    """
    return an.HllOperation.get_union_count(path.bin, values_of("hll_get_union_count", hll_list))


@verb("bin_read")
def hll_get_intersect_count(path: Path, hll_list: Sequence[Any]) -> Any:
    """Read the estimated number of values this sketch shares with every sketch of ``hll_list``.

    Example::

        session.get(pages.id("home")).bin("visitors").hll_get_intersect_count([about_hll])
    """
    return an.HllOperation.get_intersect_count(path.bin, values_of("hll_get_intersect_count", hll_list))


@verb("bin_read")
def hll_get_similarity(path: Path, hll_list: Sequence[Any]) -> Any:
    """Read the estimated Jaccard similarity of this sketch and ``hll_list``.

    Example::

        session.get(pages.id("home")).bin("visitors").hll_get_similarity([about_hll])
    """
    return an.HllOperation.get_similarity(path.bin, values_of("hll_get_similarity", hll_list))


# -- reads and expressions ----------------------------------------------------------------------------

@verb("bin_read")
def get(path: Path) -> Any:
    """Read the bin (in a write: its value after the writes before it).

    Example::

        result = await session.update(users.id(1)).bin("n").add(1).bin("n").get().execute()
    """
    return an.Operation.get_bin(path.bin)


@verb("bin_read")
def select_from(path: Path, expression: Any, *params: Any, ignore_eval_failure: bool = False) -> Any:
    """Read the value of an AEL expression (``%s`` / ``?N`` bound from ``params``) under this bin's name.

    A bin alone is read as a boolean, as in ``where()``: pin its type to read it as a value, ``$.n:INT``.

    Example::

        row = await session.get(users.id(1)).bin("total").select_from("$.price * $.qty").execute()
    """
    flags = an.ExpReadFlags.EVAL_NO_FAIL if ignore_eval_failure else an.ExpReadFlags.DEFAULT
    return an.ExpOperation.read(path.bin, compile_expression("select_from", expression, params), flags)


def _exp_write(verb_name: str, path: Path, expression: Any, params: tuple[Any, ...], base: int,
               ignore_op_failure: bool, ignore_eval_failure: bool, delete_if_null: bool) -> Any:
    flags = base
    for on, flag in ((ignore_op_failure, an.ExpWriteFlags.POLICY_NO_FAIL),
                     (ignore_eval_failure, an.ExpWriteFlags.EVAL_NO_FAIL),
                     (delete_if_null, an.ExpWriteFlags.ALLOW_DELETE)):
        if on:
            flags |= flag
    return an.ExpOperation.write(path.bin, compile_expression(verb_name, expression, params), flags)


@verb("bin_write")
def upsert_from(path: Path, expression: Any, *params: Any, ignore_op_failure: bool = False,
                ignore_eval_failure: bool = False, delete_if_null: bool = False) -> Any:
    """Write the value of an AEL expression into the bin (created or overwritten).

    Example::

        task.update(users).where("$.score > 0").bin("doubled").upsert_from("$.score * 2")
    """
    return _exp_write("upsert_from", path, expression, params, an.ExpWriteFlags.DEFAULT, ignore_op_failure,
                      ignore_eval_failure, delete_if_null)


@verb("bin_write")
def insert_from(path: Path, expression: Any, *params: Any, ignore_op_failure: bool = False,
                ignore_eval_failure: bool = False, delete_if_null: bool = False) -> Any:
    """Write the value of an AEL expression only if the bin does not exist yet.

    Example::

        session.update(users.id(1)).bin("first_score").insert_from("$.score", ignore_op_failure=True)
    """
    return _exp_write("insert_from", path, expression, params, an.ExpWriteFlags.CREATE_ONLY, ignore_op_failure,
                      ignore_eval_failure, delete_if_null)


@verb("bin_write")
def update_from(path: Path, expression: Any, *params: Any, ignore_op_failure: bool = False,
                ignore_eval_failure: bool = False, delete_if_null: bool = False) -> Any:
    """Write the value of an AEL expression only if the bin already exists.

    Example::

        session.update(users.id(1)).bin("score").update_from("$.score + %s", 5)
    """
    return _exp_write("update_from", path, expression, params, an.ExpWriteFlags.UPDATE_ONLY, ignore_op_failure,
                      ignore_eval_failure, delete_if_null)
