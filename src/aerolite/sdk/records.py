"""What a foreground command answers per record: :class:`RecordResult`, and how failures surface.

Every key-value verb and every query row yields ``RecordResult`` objects: the key, the record (bins,
generation, TTL) when there is one, and the node's result code. :class:`ErrorStrategy` says what a
failed record does: raise its exception (the family of :mod:`aerolite.sdk.errors`) or come back as a
result with its code. Some outcomes are answers, not failures, and never raise: a missing record for
``get``/``exists``/``delete`` (``KEY_NOT_FOUND``) and a record a ``where`` filter skipped
(``FILTERED_OUT``, unless the command asked ``fail_on_filtered_out()``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import Any

from aerolite.result_codes import ResultCode
from aerolite.sdk.errors import AerospikeError, code_name, error_for, from_native

OK = int(ResultCode.OK)
KEY_NOT_FOUND = int(ResultCode.KEY_NOT_FOUND)
FILTERED_OUT = int(ResultCode.FILTERED_OUT)


class ErrorStrategy(enum.Enum):
    """What a record that failed does to ``execute()``.

    Single-key commands default to ``RAISE``; commands on many keys to ``COLLECT`` (one failed record
    should not hide the outcome of the others).

    Example::

        results = await session.insert(users.ids(1, 2, 3)).put({"n": 0}).execute(on_error=ErrorStrategy.RAISE)
    """

    RAISE = "raise"
    """The first failed record raises its exception (e.g. ``RecordExistsError``)."""
    COLLECT = "collect"
    """Failed records come back as results whose ``result_code`` says why; nothing raises."""


class RecordResult:
    """One record's outcome: ``key``, ``record`` (or None), ``result_code`` (0 = OK) and ``in_doubt``.

    >>> r = RecordResult(None, None, 2)
    >>> (r.ok, r.bins, r.code_name)
    (False, {}, 'KEY_NOT_FOUND')
    """

    __slots__ = ("error", "in_doubt", "key", "record", "result_code")

    def __init__(self, key: Any, record: Any, result_code: int = OK, in_doubt: bool = False,
                 error: AerospikeError | None = None) -> None:
        self.key = key
        """The client ``Key`` of the record."""
        self.record = record
        """The client ``Record`` (bins, generation, ttl) when the command returned one, else None."""
        self.result_code = result_code
        """The node's result code for this record (``ResultCode``); 0 is OK."""
        self.in_doubt = in_doubt
        """True when a failed write may nevertheless have been applied."""
        self.error = error
        """The exception this record's failure raised or would raise (None when OK)."""

    @property
    def ok(self) -> bool:
        """True if the command succeeded for this record (for ``exists``: the record is there).

        Example::

            if (await session.exists(users.id(1)).execute()).ok: ...
        """
        return self.result_code == OK

    @property
    def code_name(self) -> str:
        """The result code's name, e.g. ``KEY_NOT_FOUND``.

        Example::

            print(result.code_name)
        """
        return code_name(self.result_code)

    @property
    def bins(self) -> dict[str, Any]:
        """The record's bins (``{}`` when there is no record).

        Example::

            name = (await session.get(users.id(1)).execute()).bins["name"]
        """
        return dict(self.record.bins) if self.record is not None else {}

    @property
    def generation(self) -> int | None:
        """The record's generation, when the command returned the record.

        Example::

            gen = (await session.get(users.id(1)).execute()).generation
        """
        return self.record.generation if self.record is not None else None

    @property
    def ttl(self) -> int | None:
        """Seconds until the record expires (None: never, or no record returned).

        Example::

            ttl = (await session.exists(users.id(1)).execute()).ttl
        """
        return self.record.ttl if self.record is not None else None

    def to_exception(self) -> AerospikeError | None:
        """The exception of this record's failure, or None if it succeeded.

        Example::

            errors = [r.to_exception() for r in results if not r.ok]
        """
        if self.ok:
            return None
        return self.error or error_for(self.result_code, f"record {self.key}", in_doubt=self.in_doubt)

    def or_raise(self) -> RecordResult:
        """This result if it succeeded; otherwise raise its exception.

        Example::

            bins = (await session.get(users.id(1)).execute()).or_raise().bins
        """
        error = self.to_exception()
        if error is not None:
            raise error
        return self

    def __repr__(self) -> str:
        shown = f", bins={self.bins!r}" if self.record is not None else ""
        doubt = ", in_doubt=True" if self.in_doubt else ""
        key = self.key
        named = key.value if key is not None and key.value is not None else getattr(key, "digest", None)
        return f"RecordResult(key={named!r}, {self.code_name}{shown}{doubt})"


def first_found(row: RecordResult | None) -> RecordResult:
    """``row`` if it is a record, raising its error if it failed; ``RecordNotFoundError`` for no row.

    >>> first_found(RecordResult(None, None)).ok
    True
    """
    if row is None:
        raise error_for(KEY_NOT_FOUND, "the stream is empty: no record matched")
    return row.or_raise()


class Outcomes:
    """Which codes a command treats as answers rather than failures, and what failures do."""

    __slots__ = ("benign", "strategy")

    def __init__(self, strategy: ErrorStrategy, benign: frozenset[int]) -> None:
        self.strategy = strategy
        self.benign = benign

    def failed(self, key: Any, exc: BaseException) -> RecordResult:
        """A single-key command's client exception, as a result (or raised, per the strategy)."""
        error = from_native(exc)
        result = RecordResult(key, None, error.result_code, error.in_doubt, error)
        if self.strategy is ErrorStrategy.RAISE and error.result_code not in self.benign:
            raise error
        return result

    def batch(self, keys: Sequence[Any], rows: Iterable[Any]) -> list[RecordResult]:
        """One result per key from the client's batch records (in key order)."""
        results: list[RecordResult] = []
        append = results.append
        for key, row in zip(keys, rows, strict=True):
            native_code = row.result_code
            code = OK if native_code is None else int(native_code)
            append(RecordResult(key, row.record, code, row.in_doubt if code else False))
        return self.checked(results)

    def checked(self, results: list[RecordResult]) -> list[RecordResult]:
        """``results``, unless the strategy is RAISE and one failed: then its exception."""
        if self.strategy is ErrorStrategy.RAISE:
            for result in results:
                if result.result_code != OK and result.result_code not in self.benign:
                    result.or_raise()
        return results
