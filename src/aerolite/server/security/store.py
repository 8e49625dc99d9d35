"""Users and user-defined roles, persisted in ``security.json`` under the data dir.

Passwords never reach the node in clear text: clients send the bcrypt hash of the password made with
the protocol's fixed salt, both when a password is set and at login. The store keeps only a SHA-256
of that hash under a random per-user salt, so the file alone lets nobody log in; guessing a password
from it still costs a bcrypt per guess. The file is written whole (temporary file, fsync, rename) with
mode 0600 after every change, so a crash leaves the old or the new state, never half of one.

Every user and role carries a stamp, a logical clock (``stamps``; a dropped one keeps its stamp): a
change stamps its record one past the highest stamp the store has seen. The nodes of a local cluster
exchange records with their stamps, and a node takes a record only when its stamp is higher (ties
broken by the record's content), so nodes that receive the same records in any order, or twice,
end up holding the same users and roles.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.server.security.privileges import PREDEFINED_ROLES, Grants, Privilege, PrivilegeCode

log = logging.getLogger("aerolite.security")

FILE_NAME = "security.json"
FIXED_SALT = b"$2a$10$7EqJtq98hPqEX7fNZaFWoO"
"""The salt every client uses to hash a password before sending it (bcrypt, cost 10)."""
ADMIN_USER = "admin"
USERS, ROLES = "users", "roles"
_NAME_MAX = 63


def client_credential(password: str) -> bytes:
    """The hash a client sends for ``password`` (what the node compares at login)."""
    import bcrypt  # only a node with access control needs it, and only to seed the admin user

    return bytes(bcrypt.hashpw(password.encode("utf-8"), FIXED_SALT))


def _check_credential(credential: bytes) -> None:
    if len(credential) != 60 or not credential.startswith(b"$2"):
        raise AerospikeResultError(ResultCode.INVALID_PASSWORD, "password must arrive as a bcrypt hash")


def _check_name(name: str, code: ResultCode, what: str) -> None:
    if not name or len(name.encode()) > _NAME_MAX or any(c in name for c in ":;,\0"):
        raise AerospikeResultError(code, f"invalid {what} name {name!r}")


@dataclass
class UserRecord:
    """A user: salted digest of the client's password hash, and role names."""

    salt: bytes
    digest: bytes
    roles: list[str] = field(default_factory=list)

    @classmethod
    def with_credential(cls, credential: bytes, roles: list[str]) -> UserRecord:
        salt = secrets.token_bytes(16)
        return cls(salt, hashlib.sha256(salt + credential).digest(), roles)

    def matches(self, credential: bytes) -> bool:
        return hmac.compare_digest(hashlib.sha256(self.salt + credential).digest(), self.digest)


@dataclass
class RoleRecord:
    """A user-defined role: privileges and the addresses its users may log in from (empty: any)."""

    privileges: list[Privilege] = field(default_factory=list)
    whitelist: list[str] = field(default_factory=list)


class SecurityStore:
    """All users and roles of one node; every change is saved before it is acknowledged."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.users: dict[str, UserRecord] = {}
        self.roles: dict[str, RoleRecord] = {}
        self._grants: dict[str, Grants] = {}
        self.stamps: dict[str, dict[str, int]] = {USERS: {}, ROLES: {}}
        self._clock = 0
        self._unsent: dict[str, dict[str, None]] = {USERS: {}, ROLES: {}}

    @classmethod
    def open(cls, data_dir: Path | None, admin_password: str | None, from_peers: bool = False) -> SecurityStore:
        """Load the store, or create it with ``admin`` holding every predefined role; with ``from_peers`` and
        no password, start empty (the users come from a peer of the cluster)."""
        store = cls(data_dir / FILE_NAME if data_dir is not None else None)
        if store.path is not None and store.path.exists():
            store._load()
            return store
        if from_peers and admin_password is None:
            log.warning("no users yet: they come from a peer of the cluster")
            return store
        if admin_password is None:
            raise ValueError("access control starts with no users: give --admin-password-file")
        if not admin_password:
            raise ValueError("the admin password file is empty")
        store.users[ADMIN_USER] = UserRecord.with_credential(client_credential(admin_password), list(PREDEFINED_ROLES))
        store.stamps[USERS][ADMIN_USER] = store._clock = 1
        store.save()
        log.info("created user %r with every predefined role", ADMIN_USER)
        return store

    # -- reading

    def user(self, name: str) -> UserRecord:
        record = self.users.get(name)
        if record is None:
            raise AerospikeResultError(ResultCode.INVALID_USER, f"no user {name!r}")
        return record

    def role_privileges(self, name: str) -> tuple[Privilege, ...] | None:
        """A role's privileges, predefined or user-defined; None for an unknown role."""
        predefined = PREDEFINED_ROLES.get(name)
        if predefined is not None:
            return predefined
        role = self.roles.get(name)
        return tuple(role.privileges) if role is not None else None

    def role_names(self) -> list[str]:
        return [*PREDEFINED_ROLES, *sorted(self.roles)]

    def grants(self, user: str) -> Grants | None:
        """What the user may do now; None once the user is gone."""
        cached = self._grants.get(user)
        if cached is not None:
            return cached
        record = self.users.get(user)
        if record is None:
            return None
        privileges = [p for role in record.roles for p in self.role_privileges(role) or ()]
        grants = self._grants[user] = Grants(privileges)
        return grants

    def allowed_from(self, user: str, address: str) -> bool:
        """Whether the user may log in from ``address`` (roles with an allowlist restrict it)."""
        lists = [self.roles[r].whitelist for r in self.users[user].roles if r in self.roles and self.roles[r].whitelist]
        if not lists:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in ipaddress.ip_network(entry, strict=False) for entry in (e for wl in lists for e in wl))

    # -- users

    def create_user(self, name: str, credential: bytes, roles: list[str]) -> None:
        _check_name(name, ResultCode.INVALID_USER, "user")
        if name in self.users:
            raise AerospikeResultError(ResultCode.USER_ALREADY_EXISTS, f"user {name!r} exists")
        _check_credential(credential)
        self._check_roles(roles)
        self.users[name] = UserRecord.with_credential(credential, list(dict.fromkeys(roles)))
        self._changed(user=name)

    def drop_user(self, name: str) -> None:
        self.user(name)
        del self.users[name]
        self._changed(user=name)

    def set_password(self, name: str, credential: bytes) -> None:
        record = self.user(name)
        _check_credential(credential)
        self.users[name] = UserRecord.with_credential(credential, record.roles)
        self._changed(user=name)

    def grant_roles(self, name: str, roles: list[str]) -> None:
        record = self.user(name)
        self._check_roles(roles)
        record.roles = list(dict.fromkeys([*record.roles, *roles]))
        self._changed(user=name)

    def revoke_roles(self, name: str, roles: list[str]) -> None:
        record = self.user(name)
        self._check_roles(roles)
        record.roles = [r for r in record.roles if r not in roles]
        self._changed(user=name)

    def _check_roles(self, roles: list[str]) -> None:
        for role in roles:
            if self.role_privileges(role) is None:
                raise AerospikeResultError(ResultCode.INVALID_ROLE, f"no role {role!r}")

    # -- roles

    def _own_role(self, name: str) -> RoleRecord:
        role = self.roles.get(name)
        if role is None:
            what = "a predefined role cannot be changed" if name in PREDEFINED_ROLES else "no such role"
            raise AerospikeResultError(ResultCode.INVALID_ROLE, f"{what}: {name!r}")
        return role

    def create_role(self, name: str, privileges: list[Privilege], whitelist: list[str]) -> None:
        _check_name(name, ResultCode.INVALID_ROLE, "role")
        if name in PREDEFINED_ROLES or name in self.roles:
            raise AerospikeResultError(ResultCode.ROLE_ALREADY_EXISTS, f"role {name!r} exists")
        self.roles[name] = RoleRecord(list(dict.fromkeys(privileges)), _checked_whitelist(whitelist))
        self._changed(role=name)

    def drop_role(self, name: str) -> None:
        self._own_role(name)
        self._forget_role(name)
        self._changed(role=name)

    def _forget_role(self, name: str) -> None:
        """Remove a user-defined role, and take it from every user holding it."""
        self.roles.pop(name, None)
        for record in self.users.values():
            record.roles = [r for r in record.roles if r != name]

    def grant_privileges(self, name: str, privileges: list[Privilege]) -> None:
        role = self._own_role(name)
        role.privileges = list(dict.fromkeys([*role.privileges, *privileges]))
        self._changed(role=name)

    def revoke_privileges(self, name: str, privileges: list[Privilege]) -> None:
        role = self._own_role(name)
        role.privileges = [p for p in role.privileges if p not in privileges]
        self._changed(role=name)

    def set_whitelist(self, name: str, whitelist: list[str]) -> None:
        self._own_role(name).whitelist = _checked_whitelist(whitelist)
        self._changed(role=name)

    # -- persistence

    def _changed(self, user: str | None = None, role: str | None = None) -> None:
        """Stamp and save a change (noted for ``take_changes``); if it cannot be saved, go back to what is on
        disk (the change is refused)."""
        for kind, name in ((USERS, user), (ROLES, role)):
            if name is not None:
                self._clock += 1
                self.stamps[kind][name] = self._clock
                self._unsent[kind][name] = None
        self._grants.clear()
        try:
            self.save()
        except OSError:
            if self.path is not None and self.path.exists():
                self._load()
            raise

    def take_changes(self) -> dict[str, Any] | None:
        """The users and roles changed since the last call, as ``document`` renders them; None when none did."""
        if not any(self._unsent.values()):
            return None
        changes = self.document({kind: list(names) for kind, names in self._unsent.items()})
        for names in self._unsent.values():
            names.clear()
        return changes

    def document(self, only: dict[str, list[str]] | None = None) -> dict[str, Any]:
        """Every user and role (or ``only`` those named) with its stamp; a gone one has a stamp and no record."""
        picked = self.stamps if only is None else only
        return {"version": 1,
                USERS: {name: _user_document(self.users[name]) for name in picked[USERS] if name in self.users},
                ROLES: {name: _role_document(self.roles[name]) for name in picked[ROLES] if name in self.roles},
                "stamps": {kind: {name: self.stamps[kind][name] for name in picked[kind]} for kind in (USERS, ROLES)}}

    def merge(self, document: dict[str, Any]) -> list[str]:
        """Take each user and role of another node's ``document`` whose stamp beats the one here. Saved before it
        returns; the users whose password changed or who are gone are returned (their sessions end).
        ValueError for a document that cannot be read."""
        try:
            stamps = {kind: {str(name): int(stamp) for name, stamp in dict(document["stamps"][kind]).items()}
                      for kind in (USERS, ROLES)}
            users = {name: _user_record(d) for name, d in dict(document[USERS]).items()}
            roles = {name: _role_record(d) for name, d in dict(document[ROLES]).items()}
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"not a users and roles document: {exc}") from None
        taken = 0
        for name, stamp in stamps[ROLES].items():
            role, current = roles.get(name), self.roles.get(name)
            if self._wins(ROLES, name, stamp, role, current):
                taken += 1
                if role is None:
                    self._forget_role(name)
                else:
                    self.roles[name] = role
        ended = []
        for name, stamp in stamps[USERS].items():
            user, before = users.get(name), self.users.get(name)
            if self._wins(USERS, name, stamp, user, before):
                taken += 1
                self.users.pop(name, None)
                if user is not None:
                    self.users[name] = user
                if before is not None and (user is None or user.digest != before.digest):
                    ended.append(name)
        if taken:
            self._changed()
        return ended

    def _wins(self, kind: str, name: str, stamp: int, incoming: UserRecord | RoleRecord | None,
              current: UserRecord | RoleRecord | None) -> bool:
        """Whether a record from another node (None: gone) replaces this one (None: none); if so, take its stamp."""
        def rank(stamp: int, record: UserRecord | RoleRecord | None) -> tuple[int, str]:
            if record is None:
                return stamp, ""
            document = _user_document(record) if isinstance(record, UserRecord) else _role_document(record)
            return stamp, json.dumps(document, sort_keys=True)

        if rank(stamp, incoming) <= rank(self.stamps[kind].get(name, -1), current):
            return False
        self.stamps[kind][name] = stamp
        self._clock = max(self._clock, stamp)
        return True

    def save(self) -> None:
        if self.path is None:
            return
        document = self.document()
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # a cluster node's own folder at first
        temporary = self.path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            json.dump(document, out, indent=1, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)

    def _load(self) -> None:
        assert self.path is not None
        try:
            document: dict[str, Any] = json.loads(self.path.read_text())
            self.users = {name: _user_record(u) for name, u in document[USERS].items()}
            self.roles = {name: _role_record(r) for name, r in document[ROLES].items()}
            saved = document.get("stamps", {})  # a store saved before stamps: every record at 0
            self.stamps = {kind: {**dict.fromkeys(records, 0), **{n: int(t) for n, t in saved.get(kind, {}).items()}}
                           for kind, records in ((USERS, self.users), (ROLES, self.roles))}
            self._clock = max((t for stamps in self.stamps.values() for t in stamps.values()), default=0)
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{self.path} is not a readable security store: {exc}") from exc


def _user_document(user: UserRecord) -> dict[str, Any]:
    return {"salt": user.salt.hex(), "digest": user.digest.hex(), "roles": user.roles}


def _user_record(document: dict[str, Any]) -> UserRecord:
    return UserRecord(bytes.fromhex(document["salt"]), bytes.fromhex(document["digest"]),
                      [str(r) for r in document["roles"]])


def _role_document(role: RoleRecord) -> dict[str, Any]:
    return {"privileges": [[p.code.value, p.namespace, p.set_name] for p in role.privileges],
            "whitelist": role.whitelist}


def _role_record(document: dict[str, Any]) -> RoleRecord:
    return RoleRecord([Privilege(PrivilegeCode(c), ns, s) for c, ns, s in document["privileges"]],
                      [str(w) for w in document["whitelist"]])


def _checked_whitelist(entries: list[str]) -> list[str]:
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise AerospikeResultError(ResultCode.INVALID_WHITELIST, f"not an address or network: {entry!r}") from None
    return entries
