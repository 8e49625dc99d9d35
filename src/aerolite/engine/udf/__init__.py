"""Lua UDFs: the module registry (``udf-put``/``-get``/``-list``/``-remove``) and the sandboxed runner.

Layout, one job per file: ``registry`` stores and validates modules (``syntax`` is the compile check),
``runner`` executes one call and reports a :class:`UdfOutcome`, ``sandbox`` prepares the Lua runtime
from the Lua sources in ``lua_types`` / ``lua_record`` / ``lua_sandbox``, ``convert`` maps values
across the boundary, ``errors`` holds the failure classes.
"""

from aerolite.engine.udf.errors import (
    UdfCompileError,
    UdfError,
    UdfExecutionError,
    UdfRegistrationError,
    UdfTimeoutError,
)
from aerolite.engine.udf.registry import MEMORY_ONLY_DIRECTORY, UdfRegistry
from aerolite.engine.udf.runner import UdfAction, UdfOutcome, UdfRunner

__all__ = [
    "MEMORY_ONLY_DIRECTORY",
    "UdfAction",
    "UdfCompileError",
    "UdfError",
    "UdfExecutionError",
    "UdfOutcome",
    "UdfRegistrationError",
    "UdfRegistry",
    "UdfRunner",
    "UdfTimeoutError",
]
