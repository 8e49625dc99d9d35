"""``DataSet``: the namespace and (optional) set a command works on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import aerospike_native as an


@dataclass(frozen=True, slots=True)
class DataSet:
    """A namespace, optionally narrowed to one set; without a set, jobs cover the whole namespace.

    >>> DataSet.of("test", "users")
    DataSet(namespace='test', set_name='users')
    """

    namespace: str
    set_name: str | None = None

    def __post_init__(self) -> None:
        if not self.namespace:
            raise ValueError("a DataSet needs a namespace name, e.g. DataSet.of('test', 'users')")
        if self.set_name == "":
            raise ValueError("an empty set name is ambiguous: pass None to mean the whole namespace")

    @classmethod
    def of(cls, namespace: str, set_name: str | None = None) -> DataSet:
        """The data set ``namespace``/``set_name`` (``set_name=None`` = every record of the namespace).

        >>> DataSet.of("test").set_name is None
        True
        """
        return cls(namespace, set_name)

    def id(self, user_key: str | int | bytes) -> Any:
        """The client key of one record of this set (what the key-value verbs take).

        >>> DataSet.of("test", "users").id(7).value
        7
        """
        return an.Key(self.namespace, self.set_name or "", user_key)

    def ids(self, *user_keys: str | int | bytes | Iterable[str | int | bytes]) -> list[Any]:
        """The client keys of several records, in order: ``ids(1, 2, 3)`` or ``ids(range(100))``.

        >>> [k.value for k in DataSet.of("test", "users").ids(1, 2)]
        [1, 2]
        """
        if len(user_keys) == 1 and isinstance(user_keys[0], Iterable) and not isinstance(user_keys[0], str | bytes):
            user_keys = tuple(user_keys[0])
        if not user_keys:
            raise ValueError("ids() needs at least one user key, e.g. users.ids(1, 2, 3)")
        return [self.id(user_key) for user_key in user_keys]  # type: ignore[arg-type]

    def statement(self, bins: Sequence[str] | None = None) -> Any:
        """A client ``Statement`` selecting this data set (no set field = whole namespace), optionally some bins."""
        return an.Statement(self.namespace, self.set_name, list(bins) if bins is not None else None)
