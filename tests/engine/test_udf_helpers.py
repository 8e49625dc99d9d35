"""Shared fixtures for the UDF tests: a registry with one module, a runner, and a one-line call helper."""

from __future__ import annotations

from typing import Any

from aerolite.engine.record import Record
from aerolite.engine.udf import UdfOutcome, UdfRegistry, UdfRunner
from tests.conftest import DATA

GOLD_UDF = DATA / "lua" / "gold_udf.lua"
DIGEST = bytes(range(20))


def make_record(bins: dict[str, Any], **meta: Any) -> Record:
    """A live record in set ``s`` with user key ``k`` (``meta``: generation, void_time, last_update_ns)."""
    return Record(DIGEST, "s", "k", bins, **meta)


class Udf:
    """A runner over a registry holding ``modules``; ``call`` targets module ``m`` unless told otherwise."""

    def __init__(self, modules: dict[str, bytes | str], **runner_options: Any) -> None:
        self.registry = UdfRegistry(None)
        for name, source in modules.items():
            self.registry.put(name, source.encode() if isinstance(source, str) else source)
        self.runner = UdfRunner(self.registry, **runner_options)

    def call(
        self, function: str, *args: Any, record: Record | None = None, module: str = "m", key: Any = "k",
    ) -> UdfOutcome:
        return self.runner.call(module, function, list(args), record, set_name="s", digest=DIGEST, key=key)

    def value(self, function: str, *args: Any, record: Record | None = None) -> Any:
        return self.call(function, *args, record=record).return_value
