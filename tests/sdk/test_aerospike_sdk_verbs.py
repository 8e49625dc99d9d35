"""aerospike-sdk 1.0.0's bin-builder verbs, enumerated from its classes, against aerolite's faces: every
public verb exists on the aerolite builder that plays the same part, with the same parameters (names,
kinds, defaults), except the few listed in ``NOT_VERBS`` with the reason each does not apply."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from aerolite import Behavior, DataSet
from aerolite.sdk.kv import ReadBuilder
from aerolite.sdk.query import QueryBuilder
from tests.sdk.test_builders import tasks
from tests.sdk.test_verb_table import keep, read_one, write_many, write_one

aerospike_sdk = pytest.importorskip("aerospike_sdk")
from aerospike_sdk.aio.background import BackgroundWriteBinBuilder  # noqa: E402
from aerospike_sdk.aio.operations.cdt_read import CdtPathBuilder, CdtReadInvertableBuilder  # noqa: E402
from aerospike_sdk.aio.operations.cdt_write import CdtWriteInvertableBuilder  # noqa: E402
from aerospike_sdk.query_shared import QueryBinBuilder  # noqa: E402
from aerospike_sdk.query_shared import WriteBinBuilder as TheirWriteBin  # noqa: E402

USERS = DataSet.of("test", "users")

COMMAND_STARTS = {"delete", "exists", "insert", "replace", "replace_if_exists", "touch", "update", "upsert"}
"""aerospike-sdk lets a bin step start the next command of a chained batch (``.bin("a").set_to(1).upsert(k2)``);
in aerolite a bin verb returns its command builder and the session starts commands, so these are no bin verbs."""

CHAIN_SHORTCUTS = {"bin", "execute", "stream", "query", "execute_udf"}
"""Shortcuts to the command builder on aerospike-sdk's write bin step; an aerolite bin step always ends in a
verb, which returns the command builder that has ``bin`` / ``execute``."""

PATH_WRITES = {"modify_by", "modify_no_fail", "remove_matches"}
"""aerospike-sdk has one path builder for reads and writes (a read command then fails at the node);
aerolite's read paths carry only the read terminals, so a read cannot be given a write."""

NOT_VERBS: dict[str, set[str]] = {
    "write bin": COMMAND_STARTS | CHAIN_SHORTCUTS,
    "background bin": set(),
    "read bin": COMMAND_STARTS,
    "write selection": set(),
    "read selection": set(),
    "write path": set(),
    "read path": PATH_WRITES,
}

FACES: dict[str, tuple[type, list[Callable[[], Any]]]] = {
    "write bin": (TheirWriteBin, [lambda: write_one().bin("b"), lambda: write_many().bin("b")]),
    "background bin": (BackgroundWriteBinBuilder, [lambda: tasks().update(USERS).bin("b")]),
    "read bin": (QueryBinBuilder, [
        lambda: read_one().bin("b"),
        lambda: ReadBuilder("get", USERS.ids(1, 2), Behavior.DEFAULT, keep).bin("b"),
        lambda: QueryBuilder(USERS, Behavior.DEFAULT, keep).bin("b"),
    ]),
    "write selection": (CdtWriteInvertableBuilder, [
        lambda: write_one().bin("b").on_map_key("k"), lambda: tasks().update(USERS).bin("b").on_list_index(0),
    ]),
    "read selection": (CdtReadInvertableBuilder, [lambda: read_one().bin("b").on_map_key("k")]),
    "write path": (CdtPathBuilder, [
        lambda: write_one().bin("b").on_each_child(), lambda: tasks().update(USERS).bin("b").on_map_keys_in(["k"]),
        lambda: write_one().bin("b").on_map_key("k").and_filter(_predicate()),
    ]),
    "read path": (CdtPathBuilder, [
        lambda: read_one().bin("b").on_each_child(),
        lambda: QueryBuilder(USERS, Behavior.DEFAULT, keep).bin("b").on_list_index(0).on_each_child_where(_predicate()),
    ]),
}


def _predicate() -> Any:
    exp = aerospike_sdk.Exp
    return exp.gt(exp.int_loop_var(aerospike_sdk.LoopVarPart.VALUE), exp.int_val(1))


def public_verbs(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_") and callable(getattr(cls, name))}


def shape(method: Any) -> list[tuple[str, Any, Any]]:
    """Parameter names, kinds and defaults (annotations differ in spelling, not in meaning).

    aerolite's expression verbs also take AEL parameters after the expression (``select_from("$.a > %s",
    5)``): that ``*params`` extension is left out, every parameter of aerospike-sdk's must be there.
    """
    parameters = list(inspect.signature(method).parameters.values())
    if parameters and parameters[0].name == "self":
        parameters = parameters[1:]
    return [(p.name, p.kind, p.default) for p in parameters
            if not (p.name == "params" and p.kind is inspect.Parameter.VAR_POSITIONAL)]


@pytest.mark.parametrize("face", sorted(FACES))
def test_every_aerospike_sdk_verb_exists_with_its_parameters(face: str) -> None:
    theirs, makers = FACES[face]
    expected = public_verbs(theirs) - NOT_VERBS[face]
    assert len(expected) >= 10
    for make in makers:
        builder = make()
        missing = sorted(name for name in expected if not callable(getattr(builder, name, None)))
        assert not missing, f"{face} ({builder!r}) lacks {missing}"
        for name in sorted(expected):
            assert shape(getattr(builder, name)) == shape(getattr(theirs, name)), f"{face}.{name}() parameters differ"


@pytest.mark.parametrize("face", sorted(FACES))
def test_exclusions_are_still_aerospike_sdk_verbs(face: str) -> None:
    theirs, makers = FACES[face]
    assert NOT_VERBS[face] <= public_verbs(theirs), "an excluded name left aerospike-sdk: drop it from NOT_VERBS"
    builder = makers[0]()
    if face == "read path":
        assert not any(hasattr(builder, name) for name in PATH_WRITES)
