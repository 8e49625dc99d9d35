"""Privileges, the predefined roles, and what a set of roles lets a user do.

A privilege is a code with a scope: global, a namespace, or a namespace and set (only data privileges,
codes 10 and up, can be scoped). Each privilege grants one or more *permissions* — the units the
checks ask for. ``Grants`` is the precomputed answer for one user, so a check per command is a few
set look-ups.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum


class PrivilegeCode(IntEnum):
    """Privilege codes as the admin protocol numbers them."""

    USER_ADMIN = 0
    SYS_ADMIN = 1
    DATA_ADMIN = 2
    UDF_ADMIN = 3
    SINDEX_ADMIN = 4
    READ = 10
    READ_WRITE = 11
    READ_WRITE_UDF = 12
    WRITE = 13
    TRUNCATE = 14

    @property
    def scoped(self) -> bool:
        """Whether the privilege may be limited to a namespace or set."""
        return self >= PrivilegeCode.READ

    @property
    def role_name(self) -> str:
        """The predefined role holding exactly this privilege globally (``read-write-udf`` ...)."""
        return self.name.lower().replace("_", "-")


class Permission(Enum):
    """What a command needs."""

    READ = "read"
    WRITE = "write"
    UDF = "udf"
    TRUNCATE = "truncate"
    SINDEX_ADMIN = "sindex-admin"
    UDF_ADMIN = "udf-admin"
    SYS_ADMIN = "sys-admin"
    USER_ADMIN = "user-admin"


_GRANTS: dict[PrivilegeCode, frozenset[Permission]] = {
    PrivilegeCode.USER_ADMIN: frozenset({Permission.USER_ADMIN}),
    PrivilegeCode.SYS_ADMIN: frozenset({Permission.SYS_ADMIN}),
    PrivilegeCode.DATA_ADMIN: frozenset({Permission.UDF_ADMIN, Permission.SINDEX_ADMIN, Permission.TRUNCATE}),
    PrivilegeCode.UDF_ADMIN: frozenset({Permission.UDF_ADMIN}),
    PrivilegeCode.SINDEX_ADMIN: frozenset({Permission.SINDEX_ADMIN}),
    PrivilegeCode.READ: frozenset({Permission.READ}),
    PrivilegeCode.READ_WRITE: frozenset({Permission.READ, Permission.WRITE}),
    PrivilegeCode.READ_WRITE_UDF: frozenset({Permission.READ, Permission.WRITE, Permission.UDF}),
    PrivilegeCode.WRITE: frozenset({Permission.WRITE}),
    PrivilegeCode.TRUNCATE: frozenset({Permission.TRUNCATE}),
}


@dataclass(frozen=True, slots=True)
class Privilege:
    """One privilege of a role; ``namespace``/``set_name`` empty mean "everywhere"."""

    code: PrivilegeCode
    namespace: str = ""
    set_name: str = ""

    @classmethod
    def checked(cls, code: int, namespace: str = "", set_name: str = "") -> Privilege:
        """A privilege from wire values; ValueError names what is wrong."""
        try:
            known = PrivilegeCode(code)
        except ValueError:
            raise ValueError(f"unknown privilege code {code}") from None
        if not known.scoped and (namespace or set_name):
            raise ValueError(f"privilege {known.role_name} is global and takes no namespace or set")
        if set_name and not namespace:
            raise ValueError(f"privilege {known.role_name} names set {set_name!r} without a namespace")
        return cls(known, namespace, set_name)


PREDEFINED_ROLES: dict[str, tuple[Privilege, ...]] = {code.role_name: (Privilege(code),) for code in PrivilegeCode}
"""Every privilege code is also a role of the same name holding it globally."""


class Grants:
    """Everything one user may do: per permission, the scopes it holds ("" global, "ns", "ns\\0set")."""

    __slots__ = ("_scopes",)

    def __init__(self, privileges: list[Privilege]) -> None:
        scopes: dict[Permission, set[str]] = {}
        for p in privileges:
            scope = f"{p.namespace}\0{p.set_name}" if p.set_name else p.namespace
            for permission in _GRANTS[p.code]:
                scopes.setdefault(permission, set()).add(scope)
        self._scopes = scopes

    def allows(self, permission: Permission, namespace: str = "", set_name: str = "") -> bool:
        """Whether the permission holds for the namespace and set (global permissions ignore both)."""
        scopes = self._scopes.get(permission)
        if not scopes:
            return False
        return "" in scopes or namespace in scopes or (bool(set_name) and f"{namespace}\0{set_name}" in scopes)

    def anywhere(self, permission: Permission) -> bool:
        """Whether the permission holds in at least one scope."""
        return bool(self._scopes.get(permission))
