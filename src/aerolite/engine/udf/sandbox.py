"""One Lua 5.4 runtime prepared for UDFs: the Aerospike API loaded, the sandbox built, handles exposed.

Contract: no Python object is handed to UDF code (values Lua cannot represent travel as Lua-side
handles; the callbacks (logging, the clock) are reachable only through closures, and attribute access on Python objects
is refused anyway), the ``python`` helper module lupa installs is gone, strings cross the boundary as bytes (``encoding=None``) so binary
data survives, and the runtime's memory is capped (``max_memory``). :meth:`LuaSandbox.guarded` runs a
Lua function under the instruction and time budget and always removes the hook afterwards.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import lupa.lua54 as lua

from aerolite.engine.udf.lua_record import RECORD_LUA
from aerolite.engine.udf.lua_sandbox import SANDBOX_LUA
from aerolite.engine.udf.lua_types import TYPES_LUA

LuaError = lua.LuaError
LuaMemoryError = lua.LuaMemoryError

udf_logger = logging.getLogger("aerolite.udf")

_LOG_LEVELS = {1: logging.WARNING, 2: logging.INFO, 3: logging.DEBUG, 4: logging.DEBUG}


def _refuse_attribute(obj: object, name: object, is_setting: bool) -> str:
    """Lua code must never walk from a Python object to its class, module or builtins."""
    raise AttributeError("Python attributes are not accessible from a UDF")


def _log(level: int, message: bytes) -> None:
    """Target of ``info/debug/warn/trace``; the node's levels map onto ``logging``'s."""
    python_level = _LOG_LEVELS.get(level, logging.INFO)
    if udf_logger.isEnabledFor(python_level):
        udf_logger.log(python_level, "%s", message.decode("utf-8", "replace"))


class LuaSandbox:
    """The runtime plus the Lua-side entry points the converter and the runner call."""

    def __init__(self, memory_limit: int) -> None:
        self.runtime = lua.LuaRuntime(
            encoding=None,
            register_eval=False,
            register_builtins=False,
            attribute_filter=_refuse_attribute,
            max_memory=memory_limit,
        )
        lua_globals = self.runtime.globals()
        lua_globals.python = None
        private = self.runtime.table()
        run_chunk = self.runtime.eval("function(src, ...) return assert(load(src, '=aerolite', 't'))(...) end")
        for chunk in (TYPES_LUA, RECORD_LUA):
            run_chunk(chunk.encode(), private)
        run_chunk(SANDBOX_LUA.encode(), private, _log, time.monotonic)
        self._clear_hook: Callable[[], None] = lua_globals.debug.sethook
        self.table_from: Callable[[Any], Any] = self.runtime.table_from
        self.adopt_list: Callable[[Any, int], Any] = private.adopt_list
        self.adopt_map: Callable[[Any], Any] = private.adopt_map
        self.new_bytes: Callable[[bytes], Any] = private.new_bytes
        self.new_opaque: Callable[[int, bytes], Any] = private.new_opaque
        self.describe: Callable[[Any], Any] = private.describe
        self.new_env: Callable[[Callable[[bytes], bytes | None]], Any] = private.new_env
        self.invoke: Callable[..., Any] = private.invoke
        self._guarded: Callable[..., Any] = private.guarded

    def guarded(self, instruction_limit: int, seconds: float, function: Any, *args: Any) -> Any:
        """Call a Lua function under the budget (instructions and processor seconds); the hook never
        outlives the call."""
        try:
            return self._guarded(instruction_limit, time.monotonic() + seconds, function, *args)
        finally:
            self._clear_hook()
