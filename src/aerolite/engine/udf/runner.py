"""Running one UDF call on one record, and what the engine must do afterwards.

Contract: :meth:`UdfRunner.call` never touches the live record; it returns a :class:`UdfOutcome` (the
return value, the write the UDF committed, the resulting bins, the TTL asked for) or raises
:class:`UdfExecutionError` with the text a node puts in the ``FAILURE`` bin. Module environments are
compiled and run once and cached until the registry's ``version`` changes, so a job calling one
function on a million records pays only the per-call cost.

A call runs until its time limit (the request's deadline: a node keeps a slow UDF running until the
client stops waiting, and the client then reports a timeout) and then fails with
:class:`UdfTimeoutError`; ``TIME_CAP`` bounds calls that carry no deadline. An instruction limit can be
set as well (tests use it to stop runaway code deterministically).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aerolite.engine.record import CITRUSLEAF_EPOCH, Record
from aerolite.engine.udf.convert import ValueConverter
from aerolite.engine.udf.errors import UdfExecutionError, UdfTimeoutError
from aerolite.engine.udf.registry import UdfRegistry
from aerolite.engine.udf.sandbox import LuaError, LuaMemoryError, LuaSandbox

NO_INSTRUCTION_LIMIT = 2**62
TIME_CAP = 1.0
"""Seconds a call may run when nothing tighter applies (requests without a timeout, records of jobs): a
node's ``transaction-max-ms`` default. The engine is single-threaded, so this also bounds how long one
runaway record can hold up every other client."""
DEFAULT_MEMORY_LIMIT = 256 * 1024 * 1024

UNKNOWN_MODULE = "UDF: Execution Error 1"
UNKNOWN_FUNCTION = "function not found"
MEMORY_EXCEEDED = "UDF: memory limit exceeded"
TIME_EXCEEDED = "UDF: time limit exceeded"
NO_MESSAGE = "UDF: error raised without a message"

_CHUNK_POSITION = re.compile(r"^([^\s:/]+\.lua):(\d+):")
_TRACEBACK = re.compile(r"\n?stack traceback:.*\Z", re.DOTALL)


class UdfAction(StrEnum):
    """The write a UDF committed, reduced to what the engine applies."""

    NONE = "none"  # nothing committed: leave the record alone (bins below are the stored ones)
    CREATE = "create"  # the record did not exist: store it with ``bins``
    UPDATE = "update"  # the record existed: replace its bins with ``bins`` (may be a pure touch)
    REMOVE = "remove"  # the record existed and ends with no bins: delete it


@dataclass(frozen=True, slots=True)
class UdfOutcome:
    """What one call produced.

    ``bins`` is the complete bin dict after the call (a fresh dict, safe to keep): the stored bins for
    NONE, the new content for CREATE/UPDATE, empty for REMOVE. ``ttl`` is the value given to
    ``record.set_ttl`` (the node's convention: seconds, 0 namespace default, -1 never expire, -2 keep),
    or None when the UDF did not set one.
    """

    return_value: Any
    action: UdfAction
    bins: dict[str, Any]
    ttl: int | None


class UdfRunner:
    """Executes registered Lua functions in one sandboxed runtime (not thread-safe, like the engine core)."""

    def __init__(
        self,
        registry: UdfRegistry,
        instruction_limit: int = NO_INSTRUCTION_LIMIT,
        *,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._registry = registry
        self._limit = instruction_limit
        self._clock = clock
        self._sandbox = LuaSandbox(memory_limit)
        self._convert = ValueConverter(self._sandbox)
        self._envs: dict[str, Any] = {}
        self._envs_version = registry.version

    def call(
        self,
        module: str,
        function: str,
        args: list[Any],
        record: Record | None,
        *,
        set_name: str,
        digest: bytes,
        key: Any,
        time_limit: float = TIME_CAP,
    ) -> UdfOutcome:
        """Run ``module.function(rec, *args)`` against ``record`` (None: the record does not exist)
        for at most ``time_limit`` seconds."""
        try:
            env = self._env(module, time_limit)
            results = self._run(env, function, args, record, set_name, digest, key, time_limit)
            if not results[0]:
                raise UdfExecutionError(UNKNOWN_FUNCTION)
            return self._outcome(record, *results[1:])
        except LuaMemoryError:
            self._sandbox.runtime.gccollect()
            raise UdfExecutionError(MEMORY_EXCEEDED) from None
        except LuaError as exc:
            text = self._failure_text(exc)
            if text == TIME_EXCEEDED:
                raise UdfTimeoutError(f"{module}.{function} ran past its time limit of {time_limit:.3f} s") from None
            raise UdfExecutionError(text) from None

    def _env(self, module: str, time_limit: float) -> Any:
        """The module's environment with its chunk already run; compiled once per registry version."""
        if self._envs_version != self._registry.version:
            self._envs.clear()
            self._envs_version = self._registry.version
        env = self._envs.get(module)
        if env is None:
            if self._registry.get(module + ".lua") is None:
                raise UdfExecutionError(UNKNOWN_MODULE)
            env = self._sandbox.new_env(self._fetch)
            self._sandbox.guarded(self._limit, time_limit, env.require, module.encode())
            self._envs[module] = env
        return env

    def _fetch(self, name: bytes) -> bytes | None:
        """``require`` reaches registered modules only, never the file system."""
        return self._registry.get(name.decode("utf-8", "replace") + ".lua")

    def _run(
        self, env: Any, function: str, args: list[Any], record: Record | None,
        set_name: str, digest: bytes, key: Any, time_limit: float,
    ) -> tuple[Any, ...]:
        """One guarded Lua call; metadata goes positionally because building a Lua table costs more."""
        self._convert.start_call()
        to_lua = self._convert.to_lua
        if record is None:
            bins, gen, ttl, lut = {}, 0, 0, 0
        else:
            bins = {name.encode(): to_lua(value) for name, value in record.bins.items()}
            gen, ttl, lut = record.generation, self._remaining_ttl(record), self._last_update_ms(record)
            key = record.key if key is None else key
        results = self._sandbox.guarded(
            self._limit, time_limit, self._sandbox.invoke, env, function.encode(), self._sandbox.table_from(bins),
            record is not None, gen, ttl, lut, set_name.encode(), digest, to_lua(key),
            *[to_lua(arg) for arg in args],
        )
        return results if isinstance(results, tuple) else (results,)

    def _outcome(
        self, record: Record | None, returned: Any, wrote: bool, cleared: bool,
        sets: Any, deletes: Any, ttl: int | None,
    ) -> UdfOutcome:
        """Only committed bins are converted back; untouched bins keep their exact Python objects."""
        from_lua = self._convert.from_lua
        value = from_lua(returned)
        stored = {} if record is None else record.bins
        if not wrote:
            return UdfOutcome(value, UdfAction.NONE, dict(stored), ttl)
        bins = {} if cleared else dict(stored)
        for name in deletes.values():
            bins.pop(name.decode("utf-8", "replace"), None)
        for name, lua_value in sets.items():
            new = from_lua(lua_value)
            if new is None:
                bins.pop(name.decode("utf-8", "replace"), None)
            else:
                bins[name.decode("utf-8", "replace")] = new
        if record is None:
            action = UdfAction.CREATE if bins else UdfAction.NONE
        else:
            action = UdfAction.UPDATE if bins else UdfAction.REMOVE
        return UdfOutcome(value, action, bins, ttl)

    def _remaining_ttl(self, record: Record) -> int:
        """``record.ttl``: seconds left, 0 when the record never expires (as a node answers)."""
        now = int(self._clock()) - CITRUSLEAF_EPOCH
        return record.void_time - now if record.void_time > now else 0

    @staticmethod
    def _last_update_ms(record: Record) -> int:
        """``record.last_update_time``: milliseconds since 2010-01-01, the node's unit."""
        if not record.last_update_ns:
            return 0
        return record.last_update_ns // 1_000_000 - CITRUSLEAF_EPOCH * 1000

    def _failure_text(self, exc: LuaError) -> str:
        """The node's form ``<udf dir>/<module>.lua:<line>: <msg>``; other messages pass unchanged."""
        message = exc.args[0] if exc.args else str(exc)
        text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
        text = _TRACEBACK.sub("", text) or NO_MESSAGE
        directory = self._registry.error_directory
        return _CHUNK_POSITION.sub(lambda m: f"{directory}/{m.group(1)}:{m.group(2)}:", text, count=1)
