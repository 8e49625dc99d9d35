"""Background-job builders: the fluent surface of ``session.background_task()``, shared by both faces.

The builders are pure: each verb validates its arguments on the spot (so a mistake raises at the call
that made it, not at ``execute()``) and records them; ``execute()`` freezes everything into a
:class:`Job` and hands it to the session's *runner*. The async session's runner returns awaitables,
the sync one returns results, which is why the builders are generic in what ``execute()`` and
``count()`` return: one set of builders, two faces (``aerolite`` and ``aerolite.sync``).

Semantics follow ``reference/background-ops.md``: update and touch write with UPDATE_ONLY (a job never
creates records) and never durably delete; delete and UDF jobs resolve durable delete as override >
command default > the session's Behavior for the namespace's consistency mode; a TTL is sent only when
asked for (otherwise each written record gets the namespace default TTL); AEL text is compiled here,
on the client, into standard expressions, so servers without AEL support run the same job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, Protocol, Self, TypeVar

import aerospike_native as an

from aerolite.sdk.behavior import Behavior
from aerolite.sdk.bins import WriteBinBuilder
from aerolite.sdk.dataset import DataSet
from aerolite.sdk.verbs import (
    DurableDeleteVerbs,
    ExpirationVerbs,
    IndexFilterVerb,
    OperationsVerb,
    WhereVerb,
    check_bin_name,
    check_rps,
)

TaskT = TypeVar("TaskT", covariant=True)
CountT = TypeVar("CountT", covariant=True)

JobKind = Literal["update", "delete", "touch", "udf"]

BackgroundWriteBinBuilder = WriteBinBuilder
"""One write step of an update job (``.bin(name).set_to(...)``); the same builder foreground writes use."""


@dataclass(frozen=True, slots=True)
class Selection:
    """Which records a job (or its dry run) looks at: a data set, optionally narrowed."""

    dataset: DataSet
    filter_expression: Any | None = None
    index_filter: Any | None = None

    def statement(self, bins: Sequence[str] | None = None) -> Any:
        """The client ``Statement``: namespace, set, bins to return, and the secondary-index range if any."""
        statement = self.dataset.statement(bins)
        if self.index_filter is not None:
            statement.filters = [self.index_filter]
        return statement

    def count_policy(self, behavior: Behavior) -> Any:
        """A foreground query policy that returns keys only, filtered like the job."""
        policy = behavior.query_policy()
        policy.include_bin_data = False
        if self.filter_expression is not None:
            policy.filter_expression = self.filter_expression
        return policy


@dataclass(frozen=True, slots=True)
class Job:
    """Everything a submit needs, frozen at ``execute()``."""

    kind: JobKind
    selection: Selection
    operations: tuple[Any, ...] = ()
    udf: tuple[str, str, tuple[Any, ...]] | None = None
    expiration: Any | None = None
    records_per_second: int = 0
    durable_delete: bool | None = None
    """None: the session Behavior's default for the namespace's consistency mode."""

    def write_policy(self, behavior: Behavior, strong_consistency: bool) -> Any:
        """The client ``WritePolicy`` the job is submitted with."""
        policy = behavior.background_write_policy()
        if self.kind in ("update", "touch"):
            policy.record_exists_action = an.RecordExistsAction.UPDATE_ONLY
            policy.durable_delete = False
        elif self.durable_delete is None:
            policy.durable_delete = behavior.durable_delete(strong_consistency)
        else:
            policy.durable_delete = self.durable_delete
        if self.expiration is not None:
            policy.expiration = self.expiration
        if self.records_per_second:
            policy.records_per_second = self.records_per_second
        if self.selection.filter_expression is not None:
            policy.filter_expression = self.selection.filter_expression
        return policy


class Runner(Protocol[TaskT, CountT]):
    """What a session gives its builders: a way to submit a job and to count a selection."""

    def submit(self, job: Job) -> TaskT: ...

    def count(self, selection: Selection) -> CountT: ...


def _not_for_background(verb: str) -> TypeError:
    return TypeError(
        f"{verb}() applies to foreground reads and writes; a background task reports no per-record "
        "outcome. Read task.progress() for the failed and filtered-out counts instead."
    )


class _JobBuilder(WhereVerb, IndexFilterVerb, DurableDeleteVerbs, Generic[TaskT, CountT]):
    """Verbs shared by operation and UDF jobs: selection, throttle, durability, terminals."""

    __slots__ = ("_dataset", "_durable_default", "_durable_override", "_filter_expression", "_index_filter",
                 "_records_per_second", "_runner")

    def __init__(self, runner: Runner[TaskT, CountT], dataset: DataSet) -> None:
        self._runner = runner
        self._dataset = dataset
        self._filter_expression: Any | None = None
        self._index_filter: Any | None = None
        self._records_per_second = 0
        self._durable_override: bool | None = None
        self._durable_default: bool | None = None

    def records_per_second(self, rps: int) -> Self:
        """Throttle the job to ``rps`` records per second on each node (0: the namespace's cap).

        A rate above the namespace's ``background-query-max-rps`` is refused before submitting.

        Example::

            task.delete(sessions).where("$.expired").records_per_second(5_000)
        """
        self._records_per_second = check_rps(rps)
        return self

    def default_with_durable_delete(self) -> Self:
        """Make durable delete this job's default (an explicit ``without_durable_delete()`` still wins).

        Example::

            task.delete(users).default_with_durable_delete()
        """
        self._durable_default = True
        return self

    def default_without_durable_delete(self) -> Self:
        """Make non-durable delete this job's default (an explicit ``with_durable_delete()`` still wins).

        Example::

            task.delete(cache).default_without_durable_delete()
        """
        self._durable_default = False
        return self

    def fail_on_filtered_out(self) -> Self:
        """Not available on background jobs: always raises ``TypeError``.

        Example::

            task.update(users).fail_on_filtered_out()  # TypeError
        """
        raise _not_for_background("fail_on_filtered_out")

    def respond_all_keys(self) -> Self:
        """Not available on background jobs: always raises ``TypeError``.

        Example::

            task.update(users).respond_all_keys()  # TypeError
        """
        raise _not_for_background("respond_all_keys")

    def include_missing_keys(self) -> Self:
        """Not available on background jobs: always raises ``TypeError``.

        Example::

            task.update(users).include_missing_keys()  # TypeError
        """
        raise _not_for_background("include_missing_keys")

    def count(self) -> CountT:
        """Dry run: how many records the job would look at right now (after ``where``), writing nothing.

        Example::

            n = await task.delete(users).where("$.age < 13").count()
        """
        return self._runner.count(self._selection())

    def execute(self) -> TaskT:
        """Submit the job to every node; returns a task to watch, wait for or abort.

        Example::

            job = await task.update(users).where("$.active").bin("score").add(1).execute()
            await job.wait_till_complete()
        """
        return self._runner.submit(self._job())

    def _selection(self) -> Selection:
        return Selection(self._dataset, self._filter_expression, self._index_filter)

    def _durable_delete(self) -> bool | None:
        return self._durable_override if self._durable_override is not None else self._durable_default

    def _job(self) -> Job:
        raise NotImplementedError


class BackgroundOperationBuilder(ExpirationVerbs, OperationsVerb, _JobBuilder[TaskT, CountT]):
    """An update, delete or touch job: write operations applied to every selected record."""

    __slots__ = ("_expiration", "_kind", "_operations")
    _reads_ok = False

    def __init__(self, runner: Runner[TaskT, CountT], dataset: DataSet, kind: JobKind) -> None:
        super().__init__(runner, dataset)
        self._kind = kind
        self._operations: list[Any] = []
        self._expiration: Any | None = None

    def bin(self, name: str) -> WriteBinBuilder[BackgroundOperationBuilder[TaskT, CountT]]:
        """Start a write step on bin ``name``; the step's verb returns this builder.

        Example::

            task.update(users).bin("score").add(10).bin("tier").set_to("gold")
        """
        return WriteBinBuilder(self, check_bin_name(name))

    def _add(self, operation: Any) -> Self:
        self._operations.append(operation)
        return self

    def _purpose(self) -> str:
        return "a background job"

    def _job(self) -> Job:
        operations = list(self._operations)
        if not operations:
            if self._kind == "update":
                raise ValueError(
                    "an update job needs at least one write: add one with .bin(name).set_to(value) "
                    "or .add_operation(op) before execute()"
                )
            operations = [an.Operation.delete() if self._kind == "delete" else an.Operation.touch()]
        return Job(
            kind=self._kind, selection=self._selection(), operations=tuple(operations),
            expiration=self._expiration, records_per_second=self._records_per_second,
            durable_delete=self._durable_delete(),
        )


class BackgroundUdfFunctionBuilder(Generic[TaskT, CountT]):
    """The step between ``execute_udf(ds)`` and the UDF job: name the function first."""

    __slots__ = ("_dataset", "_runner")

    def __init__(self, runner: Runner[TaskT, CountT], dataset: DataSet) -> None:
        self._runner = runner
        self._dataset = dataset

    def function(self, package: str, function: str) -> BackgroundUdfBuilder[TaskT, CountT]:
        """Run Lua function ``function`` of registered module ``package`` on every selected record.

        Example::

            task.execute_udf(users).function("scoring", "bump").passing(5)
        """
        package = package.removesuffix(".lua") if isinstance(package, str) else package
        if not isinstance(package, str) or not package:
            raise ValueError("function() needs the registered module's name, e.g. function('scoring', 'bump')")
        if not isinstance(function, str) or not function:
            raise ValueError(f"function() needs the name of a function of module {package!r}")
        return BackgroundUdfBuilder(self._runner, self._dataset, package, function)


class BackgroundUdfBuilder(_JobBuilder[TaskT, CountT]):
    """A UDF job: one Lua function called on every selected record."""

    __slots__ = ("_args", "_function", "_package")

    def __init__(self, runner: Runner[TaskT, CountT], dataset: DataSet, package: str, function: str) -> None:
        super().__init__(runner, dataset)
        self._package = package
        self._function = function
        self._args: tuple[Any, ...] = ()

    def passing(self, *args: Any) -> Self:
        """The arguments given to the function after the record (replaces earlier ones).

        Example::

            task.execute_udf(users).function("scoring", "bump").passing("score", 5)
        """
        self._args = args
        return self

    def _job(self) -> Job:
        return Job(
            kind="udf", selection=self._selection(), udf=(self._package, self._function, self._args),
            records_per_second=self._records_per_second, durable_delete=self._durable_delete(),
        )


class BackgroundTaskSession(Generic[TaskT, CountT]):
    """Entry point of ``session.background_task()``: pick the kind of job and its data set."""

    __slots__ = ("_runner",)

    def __init__(self, runner: Runner[TaskT, CountT]) -> None:
        self._runner = runner

    def update(self, dataset: DataSet) -> BackgroundOperationBuilder[TaskT, CountT]:
        """A job writing bins of existing records (it never creates records).

        Example::

            await session.background_task().update(users).bin("score").add(1).execute()
        """
        return BackgroundOperationBuilder(self._runner, _dataset(dataset), "update")

    def delete(self, dataset: DataSet) -> BackgroundOperationBuilder[TaskT, CountT]:
        """A job deleting the selected records.

        Example::

            await session.background_task().delete(users).where("$.age < 13").execute()
        """
        return BackgroundOperationBuilder(self._runner, _dataset(dataset), "delete")

    def touch(self, dataset: DataSet) -> BackgroundOperationBuilder[TaskT, CountT]:
        """A job refreshing the selected records' TTL (and generation) without changing bins.

        Example::

            await session.background_task().touch(users).expire_record_after_seconds(86400).execute()
        """
        return BackgroundOperationBuilder(self._runner, _dataset(dataset), "touch")

    def execute_udf(self, dataset: DataSet) -> BackgroundUdfFunctionBuilder[TaskT, CountT]:
        """A job running a registered Lua UDF on the selected records; continue with ``function()``.

        Example::

            await session.background_task().execute_udf(users).function("scoring", "bump").execute()
        """
        return BackgroundUdfFunctionBuilder(self._runner, _dataset(dataset))


def _dataset(dataset: Any) -> DataSet:
    if not isinstance(dataset, DataSet):
        raise TypeError(f"expected a DataSet, e.g. DataSet.of('test', 'users'), not {type(dataset).__name__}")
    return dataset
