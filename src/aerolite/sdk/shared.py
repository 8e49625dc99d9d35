"""The public SDK names that are the same objects in the asyncio and the blocking face."""

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

__all__ = [
    "AelError", "AerospikeError", "BackgroundOperationBuilder", "BackgroundTaskSession",
    "BackgroundUdfBuilder", "BackgroundUdfFunctionBuilder", "BackgroundWriteBinBuilder", "BatchError",
    "Behavior", "BinError", "CapacityError", "ClientError", "ConnectionError", "DataSet", "ElementError",
    "FilteredOutError", "ForbiddenError", "GenerationError", "InvalidNamespaceError",
    "InvalidRequestError", "JobNotFoundError", "JobProgress", "KeyBusyError", "QueryError",
    "RecordExistsError", "RecordNotFoundError", "RecordTooBigError", "SecondaryIndexError",
    "SecurityError", "ServerError", "TaskStatus", "TimeoutError", "TransactionError", "UdfError",
    "UnsupportedError",
]
