"""Write verbs shared by every builder that writes: bin steps, expiration, ``where`` compilation.

Background jobs (:mod:`aerolite.sdk.background`) and foreground key-value writes
(:mod:`aerolite.sdk.kv`) say the same things the same way — ``.bin("score").add(1)``,
``.expire_record_after_seconds(60)``, ``.where("$.age > %s", 21)`` — so those verbs live here once.
Everything is pure: verbs validate on the spot and record client operations or policy values.
"""

from __future__ import annotations

import base64
import math
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Self

import aerospike_native as an

from aerolite import ael
from aerolite.result_codes import AerospikeResultError
from aerolite.sdk.errors import from_result_error
from aerolite.sdk.verb_table import Entry

MAX_BIN_NAME = 15
"""Longest bin name a node accepts, in bytes."""


def check_bin_name(name: Any) -> str:
    """``name`` if a node would accept it as a bin name, else ``ValueError`` saying why.

    >>> check_bin_name("score")
    'score'
    """
    if not isinstance(name, str) or not name:
        raise ValueError("bin() needs a non-empty bin name")
    if (len(name) > MAX_BIN_NAME or not name.isascii()) and len(name.encode()) > MAX_BIN_NAME:
        raise ValueError(f"bin name {name!r} is longer than {MAX_BIN_NAME} bytes; pick a shorter name")
    return name


def expiration_of(seconds: int) -> Any:
    """The client ``Expiration`` for a TTL in seconds, with Aerospike's sentinels -2, -1 and 0.

    >>> expiration_of(-1) == an.Expiration.NEVER_EXPIRE
    True
    """
    sentinels = {-2: an.Expiration.DONT_UPDATE, -1: an.Expiration.NEVER_EXPIRE, 0: an.Expiration.NAMESPACE_DEFAULT}
    if seconds in sentinels:
        return sentinels[seconds]
    if seconds < 0:
        raise ValueError(
            f"a TTL of {seconds} s is not valid: use a positive number of seconds, or never_expire() (-1), "
            "with_no_change_in_expiration() (-2), expiry_from_server_default() (0)"
        )
    return an.Expiration.seconds(seconds)


def compile_expression(verb: str, expression: Any, params: Sequence[Any]) -> Any:
    """A client ``FilterExpression`` from AEL text (compiled here) or a ready ``FilterExpression``.

    ``verb`` names the calling verb in error messages; AEL mistakes raise ``AelError`` with the column.

    >>> compile_expression("select_from", "$.price * %s", [2]) is not None
    True
    """
    if isinstance(expression, str):
        try:
            wire = ael.to_wire(expression, *params)
        except AerospikeResultError as exc:
            raise from_result_error(exc) from None
        return an.FilterExpression.from_base64(base64.b64encode(wire).decode("ascii"))
    if isinstance(expression, an.FilterExpression):
        if params:
            raise TypeError(
                f"{verb}() parameters only bind into AEL text; put the values into the FilterExpression itself"
            )
        return expression
    raise TypeError(
        f"{verb}() takes AEL text or a FilterExpression, not {type(expression).__name__}: "
        f"e.g. {verb}('$.age > %s', 21)"
    )


def compile_where(expression: Any, params: Sequence[Any]) -> Any:
    """A client ``FilterExpression`` for ``where()``: see :func:`compile_expression`.

    >>> compile_where("$.age > %s", [21]) is not None
    True
    """
    return compile_expression("where", expression, params)


def check_rps(rps: Any) -> int:
    """``rps`` if it is a valid records-per-second throttle (an int >= 0; 0 = no client-chosen limit).

    >>> check_rps(500)
    500
    """
    if isinstance(rps, bool) or not isinstance(rps, int) or rps < 0:
        raise ValueError(f"records_per_second takes an int >= 0 (0 = no limit of your own), not {rps!r}")
    return rps


class WhereVerb:
    """``where(AEL)``: the filter of a builder, kept in its ``_filter_expression`` slot."""

    __slots__ = ()
    _filter_expression: Any

    def where(self, expression: Any, *params: Any) -> Self:
        """Only records for which the AEL text (``%s`` / ``?N`` bound from ``params``) or expression holds.

        Records that do not match are left untouched. Call at most once.

        Example::

            session.query(users).where("$.age >= %s and $.country == %s", 18, "NL")
            session.update(users.id(1)).where("$.version == %s", 3).bin("name").set_to("Al")
        """
        if self._filter_expression is not None:
            raise ValueError("where() was already called: join both conditions with 'and' in one call")
        self._filter_expression = compile_where(expression, params)
        return self


class IndexFilterVerb:
    """``filter(Filter)``: a secondary-index range, kept in the builder's ``_index_filter`` slot."""

    __slots__ = ()
    _index_filter: Any

    def filter(self, index_filter: Any) -> Self:
        """Only records in a secondary-index range (combines with ``where``: the index picks candidates).

        Example::

            session.query(users).filter(Filter.range("age", 18, 30))
        """
        if index_filter is None:
            raise TypeError("filter() needs a Filter, e.g. Filter.range('age', 18, 30); omit the call for all records")
        if not isinstance(index_filter, an.Filter):
            raise TypeError(f"filter() takes a Filter (secondary-index range), not {type(index_filter).__name__}")
        if self._index_filter is not None:
            raise ValueError("filter() was already called: a node accepts one secondary-index range per query")
        self._index_filter = index_filter
        return self


class ExpirationVerbs:
    """The TTL verbs of a write builder; the builder keeps the choice in its ``_expiration`` slot."""

    __slots__ = ()
    _expiration: Any

    def expire_record_after_seconds(self, seconds: int) -> Self:
        """Give every written record a TTL of ``seconds`` (-1 never, -2 unchanged, 0 namespace default).

        Example::

            session.upsert(users.id(1)).put({"otp": 123456}).expire_record_after_seconds(300)
        """
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            raise TypeError(f"expire_record_after_seconds() takes whole seconds as an int, not {seconds!r}")
        return self._set_expiration(expiration_of(seconds))

    def expire_record_after(self, duration: timedelta) -> Self:
        """Give every written record a TTL of ``duration`` (whole seconds, truncated).

        Example::

            session.touch(users.id(1)).expire_record_after(timedelta(days=30))
        """
        if not isinstance(duration, timedelta):
            raise TypeError(f"expire_record_after() takes a timedelta, not {type(duration).__name__}")
        return self.expire_record_after_seconds(int(duration.total_seconds()))

    def expire_record_at(self, when: datetime) -> Self:
        """Make every written record expire at ``when`` (naive: local time); must be in the future.

        Example::

            session.touch(promo.id(7)).expire_record_at(datetime(2030, 1, 1, tzinfo=timezone.utc))
        """
        if not isinstance(when, datetime):
            raise TypeError(f"expire_record_at() takes a datetime, not {type(when).__name__}")
        seconds = math.ceil(when.timestamp() - time.time())
        if seconds <= 0:
            raise ValueError(
                f"expire_record_at({when.isoformat()}) is not in the future; to delete records now use "
                "delete(), to keep them use never_expire()"
            )
        return self._set_expiration(an.Expiration.seconds(seconds))

    def never_expire(self) -> Self:
        """Make every written record permanent (TTL -1).

        Example::

            session.update(archive.id(3)).bin("frozen").set_to(True).never_expire()
        """
        return self._set_expiration(an.Expiration.NEVER_EXPIRE)

    def with_no_change_in_expiration(self) -> Self:
        """Keep each record's current TTL (TTL -2); without this, writes reset it to the namespace default.

        Example::

            session.update(users.id(1)).bin("seen").add(1).with_no_change_in_expiration()
        """
        return self._set_expiration(an.Expiration.DONT_UPDATE)

    def expiry_from_server_default(self) -> Self:
        """Give every written record the namespace's default TTL (TTL 0; also what happens by default).

        Example::

            session.touch(users.id(1)).expiry_from_server_default()
        """
        return self._set_expiration(an.Expiration.NAMESPACE_DEFAULT)

    def _set_expiration(self, expiration: Any) -> Self:
        self._expiration = expiration
        return self


class DurableDeleteVerbs:
    """Tombstones or not for what a delete (or a delete job) removes; kept in ``_durable_override``."""

    __slots__ = ()
    _durable_override: Any
    """None (the default of the command or session), True or False."""

    def with_durable_delete(self) -> Self:
        """Leave tombstones for deleted records (required on strong-consistency namespaces).

        Example::

            await session.delete(users.id(1)).with_durable_delete().execute()
            task.delete(users).where("$.banned").with_durable_delete()
        """
        self._durable_override = True
        return self

    def without_durable_delete(self) -> Self:
        """Delete without tombstones, whatever the session's behavior says.

        Example::

            await session.delete(cache.id("k")).without_durable_delete().execute()
        """
        self._durable_override = False
        return self


class OperationsVerb:
    """``add_operation(op)``: a ready-made client operation, checked once for every builder that takes them.

    The builder says what it accepts with ``_reads_ok`` / ``_writes_ok`` and keeps operations via ``_add``.
    """

    __slots__ = ()
    _reads_ok: bool = True
    _writes_ok: bool = True

    def add_operation(self, operation: Any) -> Self:
        """Append a ready-made client operation (list, map, bit, HLL, expression operations ...).

        Example::

            session.update(users.id(1)).add_operation(BitOperation.count("flags", 0, 8))
        """
        try:
            writes = an.has_any_write_op([operation])
        except TypeError:
            raise TypeError(
                f"add_operation() takes a client operation (Operation, ListOperation, MapOperation, ...), "
                f"not {type(operation).__name__}"
            ) from None
        self._check_operation("add_operation", writes)
        return self._add(operation)

    def _take(self, operation: Any, entry: Entry) -> Self:
        """Keep an operation a table verb built (see :mod:`aerolite.sdk.verb_table`), if this builder may."""
        self._check_operation(entry.name, entry.writes)
        return self._add(operation)

    def _check_operation(self, verb: str, writes: bool) -> None:
        if writes and not self._writes_ok:
            raise ValueError(f"{verb}() writes, and {self._purpose()} only reads: write with session.update(...)")
        if not writes and not self._reads_ok:
            raise ValueError(f"{verb}() reads, and {self._purpose()} only writes: "
                             "read records with a foreground query instead")

    def _purpose(self) -> str:
        return type(self).__name__

    def _add(self, operation: Any) -> Self:
        raise NotImplementedError
