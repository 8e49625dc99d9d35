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
from aerolite.sdk.jobs import JobProgress, TaskStatus
from aerolite.sdk.kv import ReadBuilder, WriteBuilder
from aerolite.sdk.query import QueryBuilder
from aerolite.sdk.records import ErrorStrategy, RecordResult
from aerolite.sdk.udf import UdfModule
from aerolite.sdk.verbs import WriteBinBuilder

Filter = _an.Filter
"""Secondary-index filters for ``query(...).filter(...)``: ``Filter.range("age", 18, 30)``, ``Filter.equal(...)``."""
IndexType = _an.IndexType
"""Secondary-index value types: ``NUMERIC``, ``STRING``, ``GEO2D_SPHERE``, ``BLOB``."""
CollectionIndexType = _an.CollectionIndexType
"""What of a list or map bin an index covers: ``LIST``, ``MAP_KEYS``, ``MAP_VALUES``."""

__all__ = [
    "AelError", "AerospikeError", "BackgroundOperationBuilder", "BackgroundTaskSession",
    "BackgroundUdfBuilder", "BackgroundUdfFunctionBuilder", "BackgroundWriteBinBuilder", "BatchError",
    "Behavior", "BinError", "CapacityError", "ClientError", "CollectionIndexType", "ConnectionError", "DataSet",
    "ElementError", "ErrorStrategy", "Filter", "FilteredOutError", "ForbiddenError", "GenerationError",
    "IndexType", "InvalidNamespaceError", "InvalidRequestError", "JobNotFoundError", "JobProgress",
    "KeyBusyError", "QueryBuilder", "QueryError", "ReadBuilder", "RecordExistsError", "RecordNotFoundError",
    "RecordResult", "RecordTooBigError", "SecondaryIndexError", "Security", "SecurityError", "ServerError",
    "TaskStatus",
    "TimeoutError", "TransactionError", "UdfError", "UdfModule", "UnsupportedError", "WriteBinBuilder",
    "WriteBuilder",
]
