"""aerolite: server-side background operations over Aerospike-style datasets.

The public SDK (asyncio) is importable from here; ``aerolite.sync`` is the same surface, blocking.
The SDK names load on first use, so the server and CLI do not pay for the client library at startup.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from aerolite.sdk import *  # noqa: F403


def __getattr__(name: str) -> Any:
    sdk = import_module("aerolite.sdk")
    if name in sdk.__all__:
        return getattr(sdk, name)
    raise AttributeError(f"module 'aerolite' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *import_module("aerolite.sdk").__all__])
