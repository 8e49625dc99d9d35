"""The public SDK names that are the same objects in the asyncio and the blocking face."""

import aerospike_native as _an

from aerolite.sdk.access import Security
from aerolite.sdk.background import (
    BackgroundOperationBuilder,
    BackgroundTaskSession,
    BackgroundUdfBuilder,
    BackgroundUdfFunctionBuilder,
    BackgroundWriteBinBuilder,
)
from aerolite.sdk.behavior import Behavior
from aerolite.sdk.bin_verbs import HllConfig
from aerolite.sdk.bins import CdtReader, CdtWriter, ReadBinBuilder, WriteBinBuilder
from aerolite.sdk.dataset import DataSet
from aerolite.sdk.errors import (
    AelError,
    AerospikeError,
    BatchError,
    BinError,
    CapacityError,
    ClientError,
    ConnectionError,
    ElementError,
    FilteredOutError,
    ForbiddenError,
    GenerationError,
    InvalidNamespaceError,
    InvalidRequestError,
    JobNotFoundError,
    KeyBusyError,
    QueryError,
    RecordExistsError,
    RecordNotFoundError,
    RecordTooBigError,
    SecondaryIndexError,
    SecurityError,
    ServerError,
    TimeoutError,
    TransactionError,
    UdfError,
    UnsupportedError,
)
from aerolite.sdk.jobs import JobFailure, JobFailures, JobProgress, TaskStatus
from aerolite.sdk.kv import ReadBuilder, WriteBuilder
from aerolite.sdk.overview import IndexStatus, NamespaceStats, SetStats
from aerolite.sdk.path_verbs import PathReader, PathWriter
from aerolite.sdk.query import QueryBuilder
from aerolite.sdk.records import ErrorStrategy, RecordResult
from aerolite.sdk.udf import UdfModule

Filter = _an.Filter
"""Secondary-index filters for ``query(...).filter(...)``: ``Filter.range("age", 18, 30)``, ``Filter.equal(...)``."""
IndexType = _an.IndexType
"""Secondary-index value types: ``NUMERIC``, ``STRING``, ``GEO2D_SPHERE``, ``BLOB``."""
CollectionIndexType = _an.CollectionIndexType
"""What of a list or map bin an index covers: ``LIST``, ``MAP_KEYS``, ``MAP_VALUES``."""
BitwiseOverflowActions = _an.BitwiseOverflowActions
"""What ``bit_add`` / ``bit_subtract`` do on overflow: ``FAIL``, ``SATURATE``, ``WRAP``."""
BitwiseResizeFlags = _an.BitwiseResizeFlags
"""How ``bit_resize`` grows or shrinks: ``DEFAULT``, ``FROM_FRONT``, ``GROW_ONLY``, ``SHRINK_ONLY``."""
ListOrderType = _an.ListOrderType
"""List orders for ``list_create`` / ``list_set_order`` / ``on_list_index(order=...)``: ``ORDERED``, ``UNORDERED``."""
ListSortFlags = _an.ListSortFlags
"""``list_sort`` flags: ``DEFAULT``, ``DESCENDING``, ``DROP_DUPLICATES``."""
MapOrder = _an.MapOrder
"""Map orders for ``map_create`` / ``map_set_policy`` / ``on_map_key(create_type=...)``: ``KEY_ORDERED`` ..."""
MapReturnType = _an.MapReturnType
"""What ``remove(return_type=...)`` returns about removed map entries: ``COUNT``, ``VALUE`` ..."""
ListReturnType = _an.ListReturnType
"""What ``remove(return_type=...)`` returns about removed list elements: ``COUNT``, ``VALUE`` ..."""
StringWriteFlags = _an.StringWriteFlags
"""``flags`` of the ``str_*`` writes: ``DEFAULT``, ``CREATE_ONLY``, ``UPDATE_ONLY``, ``NO_FAIL``."""
StringRegexFlags = _an.StringRegexFlags
"""Regex flags of ``str_regex_replace`` / ``str_regex_compare``: ``GLOBAL``, ``CASE_INSENSITIVE`` ..."""
StringNumericType = _an.StringNumericType
"""What ``str_is_numeric`` accepts: ``ANY``, ``INT``, ``FLOAT``."""
SelectFlags = _an.SelectFlags
"""What ``collect_by_path`` returns: ``VALUE``, ``MAP_KEY``, ``MAP_KEY_VALUE``, ``MATCHING_TREE``, ``NO_FAIL``."""
ModifyFlags = _an.ModifyFlags
"""``modify_by`` flags: ``DEFAULT``, ``NO_FAIL``."""
ExpType = _an.ExpType
"""Value types, e.g. the bin type of ``collect_values_as_expression_read``: ``MAP``, ``LIST`` ..."""
LoopVarPart = _an.LoopVarPart
"""Which part of a path element a predicate's loop variable reads: ``VALUE``, ``MAP_KEY``, ``INDEX``."""

__all__ = [
    "AelError", "AerospikeError", "BackgroundOperationBuilder", "BackgroundTaskSession", "BackgroundUdfBuilder",
    "BackgroundUdfFunctionBuilder", "BackgroundWriteBinBuilder", "BatchError", "Behavior", "BinError",
    "BitwiseOverflowActions", "BitwiseResizeFlags", "CapacityError", "CdtReader", "CdtWriter", "ClientError",
    "CollectionIndexType", "ConnectionError", "DataSet", "ElementError", "ErrorStrategy", "ExpType", "Filter",
    "FilteredOutError", "ForbiddenError", "GenerationError", "HllConfig", "IndexStatus", "IndexType",
    "InvalidNamespaceError", "InvalidRequestError", "JobFailure", "JobFailures", "JobNotFoundError", "JobProgress",
    "KeyBusyError", "ListOrderType", "ListReturnType", "ListSortFlags", "LoopVarPart", "MapOrder", "MapReturnType",
    "ModifyFlags", "NamespaceStats", "PathReader", "PathWriter", "QueryBuilder", "QueryError", "ReadBinBuilder",
    "ReadBuilder", "RecordExistsError", "RecordNotFoundError", "RecordResult", "RecordTooBigError",
    "SecondaryIndexError", "Security", "SecurityError", "SelectFlags", "ServerError", "SetStats",
    "StringNumericType", "StringRegexFlags", "StringWriteFlags", "TaskStatus", "TimeoutError", "TransactionError",
    "UdfError", "UdfModule", "UnsupportedError", "WriteBinBuilder", "WriteBuilder",
]
