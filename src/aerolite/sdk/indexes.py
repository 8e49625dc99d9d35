"""Secondary-index management requests: what ``create_index`` / ``drop_index`` send, validated first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aerospike_native as an

from aerolite.sdk.dataset import DataSet
from aerolite.sdk.verbs import check_bin_name, compile_where


@dataclass(frozen=True, slots=True)
class IndexRequest:
    """One index command: the client method and its arguments."""

    method: str
    args: tuple[Any, ...]
    name: str

    @classmethod
    def create(cls, dataset: DataSet, name: str, bin: str | None, index_type: Any, collection: Any,
               expression: str | None) -> IndexRequest:
        """The request creating index ``name`` on ``bin`` or on an AEL ``expression`` (exactly one).

        >>> IndexRequest.create(DataSet.of("test", "u"), "u_age", "age", an.IndexType.NUMERIC, None, None).method
        'create_index'
        """
        _check(dataset, name)
        if not isinstance(index_type, an.IndexType):
            raise TypeError(f"index_type takes an IndexType (NUMERIC, STRING, GEO2D_SPHERE, BLOB), not {index_type!r}")
        if collection is not None and not isinstance(collection, an.CollectionIndexType):
            raise TypeError(f"collection takes a CollectionIndexType (LIST, MAP_KEYS, MAP_VALUES), not {collection!r}")
        set_name = dataset.set_name or ""
        if (bin is None) == (expression is None):
            raise ValueError("create_index() indexes a bin or an expression: pass exactly one of bin= and expression=")
        if expression is not None:
            compiled = compile_where(expression, ())
            return cls("create_index_using_expression",
                       (dataset.namespace, set_name, name, index_type, compiled, collection), name)
        return cls("create_index", (dataset.namespace, set_name, check_bin_name(bin), name, index_type, collection),
                   name)

    @classmethod
    def drop(cls, dataset: DataSet, name: str) -> IndexRequest:
        """The request dropping index ``name``.

        >>> IndexRequest.drop(DataSet.of("test", "u"), "u_age").args
        ('test', 'u', 'u_age')
        """
        _check(dataset, name)
        return cls("drop_index", (dataset.namespace, dataset.set_name or "", name), name)


def _check(dataset: Any, name: Any) -> None:
    if not isinstance(dataset, DataSet):
        raise TypeError(f"expected a DataSet, e.g. DataSet.of('test', 'users'), not {type(dataset).__name__}")
    if not isinstance(name, str) or not name or len(name) > 255:
        raise ValueError(f"an index needs a name of 1..255 characters, not {name!r}")
