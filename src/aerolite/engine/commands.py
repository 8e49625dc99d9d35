"""Single-record commands as the engine receives them, and the replies it gives.

A ``Command`` says everything a node needs to run one keyed request: the record's address, the ops,
the read shape (all bins / named bins / header only), the write policy, for reads the read-touch
percentage (``engine.read_touch``), and the client's deadline. A ``Reply`` carries the
result code, the record's generation and void time, and the answered ops in request order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NamedTuple

from aerolite.engine.clock import TTL_DONT_UPDATE
from aerolite.engine.ops import Op, OpKind
from aerolite.engine.record import Record
from aerolite.result_codes import AerospikeResultError


class ExistsAction(Enum):
    """What a write does depending on whether the record exists."""

    UPDATE = "update"
    UPDATE_ONLY = "update_only"
    REPLACE = "replace"
    REPLACE_ONLY = "replace_only"
    CREATE_ONLY = "create_only"


class GenerationCheck(Enum):
    NONE = "none"
    EQUAL = "equal"
    GREATER = "greater"


@dataclass(frozen=True, slots=True)
class WritePolicy:
    """Write options of one command (``ttl`` uses the wire's conventions, see ``engine.clock``)."""

    exists: ExistsAction = ExistsAction.UPDATE
    generation_check: GenerationCheck = GenerationCheck.NONE
    generation: int = 0
    ttl: int = TTL_DONT_UPDATE
    durable_delete: bool = False
    respond_all_ops: bool = False


DEFAULT_WRITE_POLICY = WritePolicy()

RecordFilter = Callable[[Record], bool]


@dataclass(frozen=True, slots=True)
class UdfCall:
    """A record UDF to run: ``module.function(rec, *args)`` (module without ``.lua``)."""

    module: str
    function: str
    args: tuple[Any, ...] = ()


@dataclass(slots=True)
class Command:
    """One keyed request."""

    namespace: str
    digest: bytes
    set_name: str = ""
    key: Any = None
    ops: list[Op] = field(default_factory=list)
    read_all: bool = False
    header_only: bool = False
    write: bool = False
    delete: bool = False
    policy: WritePolicy = DEFAULT_WRITE_POLICY
    filter: RecordFilter | None = None
    udf: UdfCall | None = None
    read_touch_pct: int = 0
    deadline: float = 0.0
    """``time.monotonic()`` by which the client stops waiting (0: none); it bounds a UDF's run."""


class ReplyOp(NamedTuple):
    """An answered op: ``value`` None means the value-less NULL slot."""

    kind: OpKind
    bin_name: str
    value: Any


class Reply(NamedTuple):
    """A command's outcome; ``error`` explains a failure to clients asking for error detail."""

    code: int
    generation: int = 0
    void_time: int = 0
    ops: tuple[ReplyOp, ...] | list[ReplyOp] = ()
    error: AerospikeResultError | None = None
