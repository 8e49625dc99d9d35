"""Key-value verbs: the builders behind ``session.upsert/insert/update/replace/delete/touch/get/exists``.

A verb takes one key (``users.id(7)``) or a list of keys (``users.ids(1, 2, 3)``). The builder records
what to do, validating each call on the spot; ``execute()`` freezes it into a :class:`KeyPlan` — one
client call plus how to read its answer — and hands that to the session's face, which only makes the
call (awaiting it, or blocking) and gives the answer back to the plan. One key is one single-record
command (the fast path: a plain put or get when nothing more is asked); many keys are one batch
command. Results are :class:`~aerolite.sdk.records.RecordResult` objects: one for one key, a list in
key order for many.

Write semantics by verb (the record-exists action sent to the node):
``upsert`` create or merge bins · ``insert`` create only (``RecordExistsError`` if it exists) ·
``update`` merge into an existing record only (``RecordNotFoundError`` if missing) · ``replace``
create or replace all bins · ``delete`` / ``touch`` the record itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, Literal, Self, TypeVar

import aerospike_native as an

from aerolite.sdk.behavior import Behavior, assign_fields
from aerolite.sdk.bins import ReadBinBuilder, WriteBinBuilder
from aerolite.sdk.errors import from_native
from aerolite.sdk.records import FILTERED_OUT, KEY_NOT_FOUND, OK, ErrorStrategy, Outcomes, RecordResult
from aerolite.sdk.verbs import DurableDeleteVerbs, ExpirationVerbs, OperationsVerb, WhereVerb, check_bin_name

ResultT = TypeVar("ResultT", covariant=True)

WriteKind = Literal["upsert", "insert", "update", "replace", "delete", "touch"]
ReadKind = Literal["get", "exists"]

_EXISTS_ACTION = {
    "upsert": an.RecordExistsAction.UPDATE, "insert": an.RecordExistsAction.CREATE_ONLY,
    "update": an.RecordExistsAction.UPDATE_ONLY, "replace": an.RecordExistsAction.REPLACE,
    "touch": an.RecordExistsAction.UPDATE_ONLY, "delete": None,
}
_NOT_FOUND_IS_AN_ANSWER = frozenset({"get", "exists", "delete"})


def key_list(keys: Any, verb: str) -> tuple[bool, tuple[Any, ...]]:
    """``(single, keys)`` from one client ``Key`` or a non-empty sequence of them.

    >>> key_list(an.Key("test", "s", 1), "get")[0]
    True
    """
    if isinstance(keys, an.Key):
        return True, (keys,)
    if isinstance(keys, Sequence) and not isinstance(keys, str | bytes):
        items = tuple(keys)
        if not items:
            raise ValueError(f"{verb}() got no keys: pass users.id(k) or users.ids(k1, k2, ...)")
        for item in items:
            if not isinstance(item, an.Key):
                raise TypeError(f"{verb}() takes keys made by DataSet.id()/ids(), not {type(item).__name__}")
        return False, items
    raise TypeError(
        f"{verb}() takes a key (users.id(7)) or a list of keys (users.ids(1, 2)), not {type(keys).__name__}"
    )


class KeyPlan:
    """One client call (``method(*args, **kwargs)``) and how its answer becomes results.

    ``shape`` says what the client answers: ``record`` (a ``Record``), ``flag`` (True = the record was
    there), ``nothing``, or ``batch`` (one ``BatchRecord`` per key).
    """

    __slots__ = ("args", "keys", "kwargs", "method", "outcomes", "shape")

    def __init__(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any], keys: tuple[Any, ...],
                 shape: Literal["record", "flag", "nothing", "batch"], outcomes: Outcomes) -> None:
        self.method = method
        self.args = args
        self.kwargs = kwargs
        self.keys = keys
        self.shape = shape
        self.outcomes = outcomes

    def done(self, answer: Any) -> Any:
        """The result(s) of the client's answer."""
        if self.shape == "batch":
            return self.outcomes.batch(self.keys, answer)
        key = self.keys[0]
        if self.shape == "record":
            return RecordResult(key, answer)
        if self.shape == "flag" and not answer:
            return self.outcomes.checked([RecordResult(key, None, KEY_NOT_FOUND)])[0]
        return RecordResult(key, None)

    def found(self, results: RecordResult | list[RecordResult]) -> list[RecordResult]:
        """The rows a key query streams: every result but the answers that are no record (a missing or
        filtered-out one), in key order."""
        listed = results if isinstance(results, list) else [results]
        benign = self.outcomes.benign
        return [result for result in listed if result.result_code == OK or result.result_code not in benign]

    def failed(self, exc: BaseException) -> Any:
        """The result of a client exception (or the exception itself, per the error strategy)."""
        if self.shape == "batch":
            raise from_native(exc) from exc
        return self.outcomes.failed(self.keys[0], exc)


class _KeyCommand(WhereVerb, OperationsVerb, Generic[ResultT]):
    """What every key-value verb shares: its keys, a ``where`` filter and the terminal ``execute()``."""

    __slots__ = ("_behavior", "_fail_on_filtered_out", "_filter_expression", "_finish", "_keys", "_single",
                 "_verb")

    def __init__(self, verb: str, keys: Any, behavior: Behavior, finish: Callable[[KeyPlan], ResultT]) -> None:
        self._verb = verb
        self._single, self._keys = key_list(keys, verb)
        self._behavior = behavior
        self._finish = finish
        self._filter_expression: Any | None = None
        self._fail_on_filtered_out = False

    def fail_on_filtered_out(self) -> Self:
        """Treat a record the ``where`` filter rejected as a failure (``FilteredOutError``).

        Example::

            await session.delete(users.id(1)).where("$.locked == false").fail_on_filtered_out().execute()
        """
        self._fail_on_filtered_out = True
        return self

    def execute(self, on_error: ErrorStrategy | None = None) -> ResultT:
        """Run the command: a ``RecordResult`` for one key, a list of them (key order) for many.

        ``on_error`` defaults to ``RAISE`` for one key and ``COLLECT`` for many.

        Example::

            result = await session.get(users.id(1)).execute()
            results = await session.get(users.ids(1, 2)).execute(on_error=ErrorStrategy.RAISE)
        """
        if on_error is not None and not isinstance(on_error, ErrorStrategy):
            raise TypeError(f"on_error takes an ErrorStrategy (RAISE or COLLECT), not {on_error!r}")
        strategy = on_error or (ErrorStrategy.RAISE if self._single else ErrorStrategy.COLLECT)
        benign = {KEY_NOT_FOUND} if self._verb in _NOT_FOUND_IS_AN_ANSWER else set()
        if not self._fail_on_filtered_out:
            benign.add(FILTERED_OUT)
        return self._finish(self._plan(Outcomes(strategy, frozenset(benign))))

    def _plan(self, outcomes: Outcomes) -> KeyPlan:
        raise NotImplementedError

    def _purpose(self) -> str:
        return f"{self._verb}()"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._verb} of {len(self._keys)} key(s)>"


class _Put:
    """A ``put({...})`` step: the same bins for every key (``same``), or one mapping per key."""

    __slots__ = ("rows", "same")

    def __init__(self, rows: list[dict[str, Any]], same: bool) -> None:
        self.rows = rows
        self.same = same

    def row(self, index: int) -> dict[str, Any]:
        return self.rows[0] if self.same else self.rows[index]

    def operations(self, index: int) -> list[Any]:
        return [an.Operation.put(name, value) for name, value in self.row(index).items()]


class WriteBuilder(ExpirationVerbs, DurableDeleteVerbs, _KeyCommand[ResultT]):
    """A write of one or many records: bins to put, per-bin steps, TTL, generation check, filter."""

    __slots__ = ("_durable_override", "_expiration", "_generation", "_kind", "_steps")

    def __init__(self, kind: WriteKind, keys: Any, behavior: Behavior, finish: Callable[[KeyPlan], ResultT],
                 strong_consistency: Callable[[str], bool]) -> None:
        super().__init__(kind, keys, behavior, finish)
        self._kind = kind
        self._steps: list[Any] = []
        self._expiration: Any | None = None
        self._generation: int | None = None
        self._durable_override: bool | None = None
        if kind == "delete":
            self._durable_override = behavior.durable_delete(strong_consistency(self._keys[0].namespace))

    def put(self, bins: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Self:
        """Write these bins (a mapping; for many keys also a list with one mapping per key, in key order).

        Example::

            await session.upsert(users.id(1)).put({"name": "Ann", "age": 31}).execute()
            await session.insert(users.ids(1, 2)).put([{"n": 1}, {"n": 2}]).execute()
        """
        self._writing("put")
        if isinstance(bins, Mapping):
            if not bins:
                raise ValueError("put({}) writes nothing: give at least one bin, e.g. put({'name': 'Ann'})")
            for name in bins:
                check_bin_name(name)
            self._steps.append(_Put([dict(bins)], True))
            return self
        if self._single or not isinstance(bins, Sequence) or isinstance(bins, str | bytes):
            raise TypeError(
                "put() takes a mapping of bin name to value"
                + ("" if self._single else ", or a list with one mapping per key")
                + f", not {type(bins).__name__}"
            )
        rows = [dict(row) for row in bins]
        if len(rows) != len(self._keys):
            raise ValueError(f"put() got {len(rows)} mappings for {len(self._keys)} keys: give one per key")
        self._steps.append(_Put(rows, False))
        return self

    def bin(self, name: str) -> WriteBinBuilder[Self]:
        """Start a write step on bin ``name``; the step's verb returns this builder.

        Example::

            await session.update(users.id(1)).bin("score").add(10).bin("tier").set_to("gold").execute()
        """
        self._writing("bin")
        return WriteBinBuilder(self, name)

    def ensure_generation_is(self, generation: int) -> Self:
        """Only write if the record's generation is still ``generation`` (else ``GenerationError``).

        Example::

            current = await session.get(users.id(1)).execute()
            await session.update(users.id(1)).put({"n": 2}).ensure_generation_is(current.generation).execute()
        """
        if isinstance(generation, bool) or not isinstance(generation, int) or generation < 0:
            raise ValueError(f"ensure_generation_is() takes the generation read earlier (an int >= 0), not {generation!r}")
        self._generation = generation
        return self

    def _add(self, operation: Any) -> Self:
        self._writing("add_operation")
        self._steps.append(operation)
        return self

    def _set_expiration(self, expiration: Any) -> Self:
        if self._kind == "delete":
            raise TypeError("delete() removes the record, so a TTL does not apply: use touch() or update() to set one")
        self._expiration = expiration
        return self

    def _writing(self, verb: str) -> None:
        if self._kind in ("delete", "touch"):
            raise TypeError(
                f"{self._kind}() takes no bins, so {verb}() does not apply: "
                f"use session.update(...) to change bins"
            )

    def _policy_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        action = _EXISTS_ACTION[self._kind]
        if action is not None:
            fields["record_exists_action"] = action
        if self._expiration is not None:
            fields["expiration"] = self._expiration
        if self._generation is not None:
            fields["generation"] = self._generation
            fields["generation_policy"] = an.GenerationPolicy.EXPECT_GEN_EQUAL
        if self._durable_override:
            fields["durable_delete"] = True
        if self._filter_expression is not None:
            fields["filter_expression"] = self._filter_expression
        return fields

    def _operations(self, index: int) -> list[Any]:
        if self._kind == "touch":
            return [an.Operation.touch()]
        return [op for step in self._steps for op in (step.operations(index) if isinstance(step, _Put) else [step])]

    def _plan(self, outcomes: Outcomes) -> KeyPlan:
        if self._kind not in ("delete", "touch") and not self._steps:
            raise ValueError(
                f"{self._kind}() needs something to write: add .put({{...}}) or .bin(name).set_to(value) "
                "before execute()"
            )
        fields = self._policy_fields()
        only_put = len(self._steps) == 1 and isinstance(self._steps[0], _Put)
        if self._single:
            return self._single_plan(fields, only_put, outcomes)
        return self._batch_plan(fields, only_put, outcomes)

    def _single_plan(self, fields: dict[str, Any], only_put: bool, outcomes: Outcomes) -> KeyPlan:
        key = self._keys[0]
        plain = set(fields) <= {"record_exists_action"}
        policy = (self._behavior.write_policy(fields.get("record_exists_action")) if plain
                  else self._behavior.write_policy_with(**fields))
        if self._kind == "delete":
            return KeyPlan("delete", (key,), {"policy": policy}, self._keys, "flag", outcomes)
        if self._kind == "touch":
            return KeyPlan("touch", (key,), {"policy": policy}, self._keys, "nothing", outcomes)
        if only_put:
            return KeyPlan("put", (key, self._steps[0].rows[0]), {"policy": policy}, self._keys, "nothing", outcomes)
        return KeyPlan("operate", (key, self._operations(0)), {"policy": policy}, self._keys, "record", outcomes)

    def _batch_plan(self, fields: dict[str, Any], only_put: bool, outcomes: Outcomes) -> KeyPlan:
        keys = list(self._keys)
        if self._kind == "delete":
            delete_policy = assign_fields(an.BatchDeletePolicy(), fields)
            return KeyPlan("batch_delete", (keys,), {"batch_policy": self._behavior.batch_policy(True),
                                                    "delete_policy": delete_policy}, self._keys, "batch", outcomes)
        write_policy = assign_fields(an.BatchWritePolicy(), fields)
        write_policy.send_key = self._behavior.send_key
        kwargs = {"batch_policy": self._behavior.batch_policy(True), "write_policy": write_policy}
        if only_put:
            put: _Put = self._steps[0]
            rows = [put.rows[0]] * len(keys) if put.same else put.rows
            return KeyPlan("batch_write", (keys, rows), kwargs, self._keys, "batch", outcomes)
        if any(isinstance(step, _Put) and not step.same for step in self._steps):
            operations = [self._operations(i) for i in range(len(keys))]
        else:
            operations = [self._operations(0)] * len(keys)
        return KeyPlan("batch_operate", (keys, operations), kwargs, self._keys, "batch", outcomes)


class ReadBuilder(_KeyCommand[ResultT]):
    """A read of one or many records (``get``), or only of whether they exist (``exists``).

    ``.bin(name)`` steps read parts of bins (``list_size()``, ``on_map_key(k).get_values()`` ...)
    in one command; each step's answer comes back under its bin's name.
    """

    __slots__ = ("_bins", "_kind", "_operations")
    _writes_ok = False

    def __init__(self, kind: ReadKind, keys: Any, behavior: Behavior, finish: Callable[[KeyPlan], ResultT]) -> None:
        super().__init__(kind, keys, behavior, finish)
        self._kind = kind
        self._bins: list[str] | None = None
        self._operations: list[Any] = []

    def select(self, *bins: str) -> Self:
        """Read only these bins (default: all).

        Example::

            result = await session.get(users.id(1)).select("name", "age").execute()
        """
        self._reading("select")
        if not bins:
            raise ValueError("select() needs at least one bin name; omit the call to read every bin")
        if self._operations:
            raise ValueError("select() after bin() steps: read whole bins with .bin(name).get() instead")
        self._bins = [check_bin_name(name) for name in bins]
        return self

    def bin(self, name: str) -> ReadBinBuilder[Self]:
        """Start a read step on bin ``name``; the step's verb returns this builder.

        Example::

            row = await session.get(users.id(1)).bin("tags").list_size().bin("prefs").map_size().execute()
        """
        self._reading("bin")
        return ReadBinBuilder(self, name)

    def _reading(self, verb: str) -> None:
        if self._kind == "exists":
            raise TypeError(f"exists() reads no bins, so {verb}() does not apply: use session.get(...).{verb}(...)")

    def _add(self, operation: Any) -> Self:
        self._reading("add_operation")
        if self._bins is not None:
            raise ValueError("bin() steps after select(): read whole bins with .bin(name).get() instead")
        self._operations.append(operation)
        return self

    def _plan(self, outcomes: Outcomes) -> KeyPlan:
        behavior = self._behavior
        if self._operations:
            return self._operate_plan(outcomes)
        if not self._single:
            read_policy = an.BatchReadPolicy()
            if self._filter_expression is not None:
                read_policy.filter_expression = self._filter_expression
            bins = [] if self._kind == "exists" else self._bins
            kwargs = {"batch_policy": behavior.batch_policy(False), "read_policy": read_policy}
            return KeyPlan("batch_read", (list(self._keys), bins), kwargs, self._keys, "batch", outcomes)
        policy = (behavior.read_policy() if self._filter_expression is None
                  else behavior.read_policy_with(filter_expression=self._filter_expression))
        if self._kind == "exists":
            return KeyPlan("exists", self._keys, {"policy": policy}, self._keys, "flag", outcomes)
        return KeyPlan("get", (self._keys[0], self._bins), {"policy": policy}, self._keys, "record", outcomes)

    def _operate_plan(self, outcomes: Outcomes) -> KeyPlan:
        behavior, operations = self._behavior, list(self._operations)
        fields = {} if self._filter_expression is None else {"filter_expression": self._filter_expression}
        if self._single:
            policy = behavior.write_policy_with(**fields)
            return KeyPlan("operate", (self._keys[0], operations), {"policy": policy}, self._keys, "record",
                           outcomes)
        kwargs = {"batch_policy": behavior.batch_policy(False),
                  "write_policy": assign_fields(an.BatchWritePolicy(), fields)}
        return KeyPlan("batch_operate", (list(self._keys), [operations] * len(self._keys)), kwargs, self._keys,
                       "batch", outcomes)
