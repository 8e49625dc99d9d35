"""Creating and dropping secondary indexes on a namespace, with a node's answers for duplicates.

Index definitions of file-backed namespaces are kept in ``sindexes.json`` beside the record log and
rebuilt from the records on start.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import asdict
from typing import Any

from aerolite.ael import expand_ael
from aerolite.engine.namespace import Namespace
from aerolite.engine.record import Record
from aerolite.engine.scan import current, scan, set_size
from aerolite.engine.sindex import SET_INDEX, IndexDefinition, SecondaryIndex, ValueExtractor, decode_b64
from aerolite.expr import UNKNOWN, BinRead, Ctx, Expr, ExprError, ExpType, compile_value, decode
from aerolite.expr.cdt import descend
from aerolite.expr.static import static_type
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.values.msgpack_codec import MsgpackError, unpack


def _extractor(definition: IndexDefinition) -> ValueExtractor:
    if definition.collection == SET_INDEX:
        return lambda record: True
    expression = decode_b64(definition.expression)
    if expression is not None:
        try:
            tree = _typed(expand_ael(decode(expression)), definition.value_type)
            value_of = compile_value(tree)
        except ExprError as exc:
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"bad index expression: {exc}") from exc
        if static_type(tree, {}) == ExpType.BOOL:
            # A node refuses a predicate: an index holds values, and a filter belongs in a query.
            raise AerospikeResultError(ResultCode.PARAMETER_ERROR,
                                       "an index expression must compute a value, not a boolean")

        def by_expression(record: Record) -> Any:
            value = value_of(record)
            return None if value is UNKNOWN else value
        return by_expression
    bin_name = definition.bin_name
    context = _context(decode_b64(definition.context))
    if not context:
        return lambda record: record.bins.get(bin_name)

    def by_context(record: Record) -> Any:
        value = descend(record.bins.get(bin_name), context)
        return None if value is UNKNOWN else value
    return by_context


_INDEX_EXP_TYPES = {"numeric": ExpType.INT, "string": ExpType.STRING, "blob": ExpType.BLOB,
                    "geo2dsphere": ExpType.GEO}


def _typed(expression: Expr, value_type: str) -> Expr:
    """An index expression that is a bare bin reads the bin as the index's type.

    AEL reads an untyped bare bin as a boolean (the right default for a filter); for an index the
    declared index type is what the user meant.
    """
    if isinstance(expression, BinRead):
        return BinRead(_INDEX_EXP_TYPES[value_type], expression.name)
    return expression


def _context(data: bytes | None) -> tuple[Ctx, ...]:
    if data is None:
        return ()
    try:
        steps = unpack(data)
    except MsgpackError as exc:
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"bad index context: {exc}") from exc
    if not isinstance(steps, list) or len(steps) % 2:
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, "an index context is a list of (type, value) pairs")
    return tuple(Ctx(int(steps[i]), steps[i + 1]) for i in range(0, len(steps), 2))


def create_index(ns: Namespace, definition: IndexDefinition) -> SecondaryIndex | None:
    """Add an index (None when an identical one exists); it still has to be built with ``build_step``."""
    definition.validate()
    existing = ns.indexes.get(definition.name)
    if existing is not None:
        if existing.definition == definition:
            return None
        raise AerospikeResultError(ResultCode.INDEX_FOUND, "'indexname' already exists with different definition")
    pending = (current(ns, definition.set_name, chunk) for chunk in scan(ns))
    index = SecondaryIndex(definition, _extractor(definition), pending, set_size(ns, definition.set_name))
    ns.indexes[definition.name] = index
    save_definitions(ns)
    return index


def drop_index(ns: Namespace, name: str) -> None:
    if ns.indexes.pop(name, None) is not None:
        save_definitions(ns)


def find_index(ns: Namespace, name: str | None, set_name: str, bin_name: str, value_type: str,
               collection: str, expression: bytes | None = None) -> SecondaryIndex:
    """The index a query filter refers to (by name, by expression, or by set/bin/type/collection);
    201 if none."""
    if name:
        index = ns.indexes.get(name)
        if index is not None:
            return index
    wanted_exp = base64.b64encode(expression).decode() if expression is not None else None
    for index in ns.indexes.values():
        d = index.definition
        if (d.value_type == value_type and d.collection == collection and d.set_name in ("", set_name)
                and d.expression == wanted_exp and (wanted_exp is not None or d.bin_name == bin_name)):
            return index
    raise AerospikeResultError(ResultCode.INDEX_NOT_FOUND, f"no index on bin {bin_name!r}")


def save_definitions(ns: Namespace) -> None:
    path = ns.index_file
    if path is None:
        return
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([asdict(i.definition) for i in ns.indexes.values()]))
    os.replace(tmp, path)


def load_definitions(ns: Namespace) -> None:
    """Recreate the saved indexes of a namespace and fill them from its records."""
    path = ns.index_file
    if path is None or not path.exists():
        return
    for raw in json.loads(path.read_text()):
        index = create_index(ns, IndexDefinition(**raw))
        if index is not None:
            while not index.build_step(4096):
                pass
