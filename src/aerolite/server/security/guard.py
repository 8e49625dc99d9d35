"""Access control for one node: who a connection is, and whether it may do what it asks.

``Security`` is node-wide (the store of users and roles, the session tokens); each connection gets a
``Guard`` that starts anonymous, becomes a user by LOGIN or AUTHENTICATE, and is asked before every
AS_MSG and info command. The peer-only info commands (``smd:``, ``smd-join``) need no login but a proof
made with the cluster key (``peers.PeerKey``); without it they are refused like a command the user lacks
the permission for. Permissions are looked up afresh for each request, so revoking a role or
dropping a user takes effect on open connections at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.server.security import rules
from aerolite.server.security.peers import PeerKey, is_peer_command
from aerolite.server.security.privileges import Grants, Permission, Privilege
from aerolite.server.security.sessions import Sessions
from aerolite.server.security.store import SecurityStore
from aerolite.wire.admin import (
    AdminCommand,
    AdminField,
    AdminFormatError,
    AdminRequest,
    UnknownAdminCommandError,
    blocks_frame,
    decode_privileges,
    decode_roles,
    decode_u32,
    decode_whitelist,
    encode_block,
    encode_field,
    encode_privileges,
    encode_roles,
    encode_u32,
    parse_request,
    reply_frame,
)
from aerolite.wire.admin import WirePrivilege as Wp
from aerolite.wire.message import Message

log = logging.getLogger("aerolite.security")

_OK = reply_frame(ResultCode.OK)


class Security:
    """The node's users, roles and sessions."""

    def __init__(self, store: SecurityStore, sessions: Sessions, peers: PeerKey | None) -> None:
        self.store = store
        self.sessions = sessions
        self.peers = peers
        """The cluster key of a node of a local cluster (None: no peer command is accepted)."""

    def guard(self, address: str) -> Guard:
        """The guard of a new connection from ``address`` (the peer's IP)."""
        return Guard(self, address)


class Guard:
    """One connection's identity and the checks made on its behalf."""

    __slots__ = ("address", "security", "user")

    def __init__(self, security: Security, address: str) -> None:
        self.security = security
        self.address = address
        self.user: str | None = None

    # -- checks

    def _grants(self) -> Grants:
        grants = self.security.store.grants(self.user) if self.user is not None else None
        if grants is None:
            raise AerospikeResultError(ResultCode.NOT_AUTHENTICATED, "not logged in")
        return grants

    def _require(self, grants: Grants, need: rules.Need) -> None:
        permission, namespace, set_name = need
        if not grants.allows(permission, namespace, set_name):
            where = f" on {namespace}" + (f".{set_name}" if set_name else "") if namespace else ""
            raise AerospikeResultError(ResultCode.ROLE_VIOLATION,
                                       f"user {self.user!r} lacks {permission.value}{where}")

    def authorize(self, msg: Message) -> None:
        """Raise NOT_AUTHENTICATED or ROLE_VIOLATION unless the request is allowed."""
        grants = self._grants()
        for need in rules.message_needs(msg):
            self._require(grants, need)

    def info_refusal(self, command: str) -> str | None:
        """The error to answer instead of running an info command, or None to run it."""
        if rules.is_tend_command(command):
            return None
        if is_peer_command(command):
            return self._peer_refusal(command)
        try:
            grants = self._grants()
            need = rules.info_needs(command)
            if need is not None:
                self._require(grants, need)
        except AerospikeResultError as exc:
            return f"ERROR:{int(exc.code)}:{exc}"
        return None

    def _peer_refusal(self, command: str) -> str | None:
        peers = self.security.peers
        if peers is not None and peers.verify(command):
            return None
        log.warning("peer command %.40r from %s (user %r) refused: no valid cluster key proof", command,
                    self.address, self.user)
        code = ResultCode.NOT_AUTHENTICATED if self.user is None else ResultCode.ROLE_VIOLATION
        return f"ERROR:{int(code)}:only the nodes of this cluster may send {command.partition(':')[0]}"

    # -- the admin protocol

    def admin(self, body: memoryview) -> bytes:
        """The reply to one admin frame; never raises for bad input."""
        try:
            request = parse_request(body)
            handler = _HANDLERS[request.command]
            if request.command not in (AdminCommand.LOGIN, AdminCommand.AUTHENTICATE):
                self._grants()
            return handler(self, request)
        except AdminFormatError as exc:
            log.info("malformed admin message from %s: %s", self.address, exc)
            unknown = isinstance(exc, UnknownAdminCommandError)
            return reply_frame(ResultCode.INVALID_COMMAND if unknown else ResultCode.INVALID_FIELD)
        except AerospikeResultError as exc:
            # Failed logins are worth seeing at the default log level; other refusals are routine.
            level = logging.WARNING if body[2:3] == bytes((AdminCommand.LOGIN,)) else logging.INFO
            log.log(level, "admin request from %s (user %r) refused (%s): %s", self.address, self.user,
                    exc.code.name, exc)
            return reply_frame(exc.code)
        except ValueError as exc:
            log.info("admin request from %s refused: %s", self.address, exc)
            return reply_frame(ResultCode.INVALID_FIELD)
        except Exception:
            # A defect (or a store that cannot be written) costs this request, not the connection.
            log.exception("admin request from %s failed inside the node", self.address)
            return reply_frame(ResultCode.SERVER_ERROR)

    def _login(self, request: AdminRequest) -> bytes:
        self.user = None
        name = _required_text(request, AdminField.USER, ResultCode.INVALID_USER)
        credential = request.fields.get(AdminField.CREDENTIAL)
        store = self.security.store
        record = store.user(name)
        if credential is None or not record.matches(credential):
            raise AerospikeResultError(ResultCode.INVALID_CREDENTIAL, f"wrong password for {name!r}")
        if not store.allowed_from(name, self.address):
            raise AerospikeResultError(ResultCode.NOT_WHITELISTED, f"{name!r} may not log in from {self.address}")
        self.user = name
        sessions = self.security.sessions
        log.info("user %r logged in from %s", name, self.address)
        return reply_frame(ResultCode.OK, [encode_field(AdminField.SESSION_TOKEN, sessions.issue(name)),
                                           encode_u32(AdminField.SESSION_TTL, sessions.ttl)])

    def _authenticate(self, request: AdminRequest) -> bytes:
        self.user = None
        name = _required_text(request, AdminField.USER, ResultCode.INVALID_USER)
        self.security.store.user(name)
        code = self.security.sessions.check(name, request.fields.get(AdminField.SESSION_TOKEN, b""))
        if code != ResultCode.OK:
            raise AerospikeResultError(code, f"session token of {name!r} refused")
        self.user = name
        return _OK

    def _require_user_admin(self) -> None:
        self._require(self._grants(), (Permission.USER_ADMIN, "", ""))

    def _create_user(self, request: AdminRequest) -> bytes:
        self._require_user_admin()
        self.security.store.create_user(_required_text(request, AdminField.USER, ResultCode.INVALID_USER),
                                        request.fields.get(AdminField.PASSWORD, b""), _roles(request))
        return _OK

    def _drop_user(self, request: AdminRequest) -> bytes:
        self._require_user_admin()
        name = _required_text(request, AdminField.USER, ResultCode.INVALID_USER)
        self.security.store.drop_user(name)
        self.security.sessions.revoke(name)
        return _OK

    def _set_password(self, request: AdminRequest) -> bytes:
        name = _required_text(request, AdminField.USER, ResultCode.INVALID_USER)
        if request.command == AdminCommand.CHANGE_PASSWORD and name == self.user:
            old = request.fields.get(AdminField.OLD_PASSWORD, b"")
            if not self.security.store.user(name).matches(old):
                raise AerospikeResultError(ResultCode.INVALID_PASSWORD, "the old password does not match")
        else:
            self._require_user_admin()
        self.security.store.set_password(name, request.fields.get(AdminField.PASSWORD, b""))
        self.security.sessions.revoke(name)
        return _OK

    def _change_roles(self, request: AdminRequest) -> bytes:
        self._require_user_admin()
        name = _required_text(request, AdminField.USER, ResultCode.INVALID_USER)
        store = self.security.store
        (store.grant_roles if request.command == AdminCommand.GRANT_ROLES else store.revoke_roles)(name, _roles(request))
        return _OK

    def _query_users(self, request: AdminRequest) -> bytes:
        name = request.text(AdminField.USER)
        if name != self.user or name is None:
            self._require_user_admin()
        store = self.security.store
        names = [name] if name is not None else sorted(store.users)
        blocks = []
        for user in names:
            record = store.user(user)
            # No READ_INFO/WRITE_INFO/CONNECTIONS: the node keeps no per-user statistics.
            blocks.append(encode_block(ResultCode.OK, [encode_field(AdminField.USER, user.encode()),
                                                       encode_roles(record.roles)]))
        return blocks_frame(blocks)

    def _create_role(self, request: AdminRequest) -> bytes:
        self._require_user_admin()
        name = _required_text(request, AdminField.ROLE, ResultCode.INVALID_ROLE)
        _no_quotas(request)
        self.security.store.create_role(name, _privileges(request), _whitelist(request))
        return _OK

    def _drop_role(self, request: AdminRequest) -> bytes:
        self._require_user_admin()
        self.security.store.drop_role(_required_text(request, AdminField.ROLE, ResultCode.INVALID_ROLE))
        return _OK

    def _change_privileges(self, request: AdminRequest) -> bytes:
        self._require_user_admin()
        name = _required_text(request, AdminField.ROLE, ResultCode.INVALID_ROLE)
        store = self.security.store
        change = store.grant_privileges if request.command == AdminCommand.GRANT_PRIVILEGES else store.revoke_privileges
        change(name, _privileges(request))
        return _OK

    def _set_whitelist(self, request: AdminRequest) -> bytes:
        self._require_user_admin()
        name = _required_text(request, AdminField.ROLE, ResultCode.INVALID_ROLE)
        self.security.store.set_whitelist(name, _whitelist(request))
        return _OK

    def _set_quotas(self, request: AdminRequest) -> bytes:
        self._require_user_admin()
        _required_text(request, AdminField.ROLE, ResultCode.INVALID_ROLE)
        _no_quotas(request)
        return _OK

    def _query_roles(self, request: AdminRequest) -> bytes:
        name = request.text(AdminField.ROLE)
        self._require_user_admin()
        store = self.security.store
        blocks = []
        for role in [name] if name is not None else store.role_names():
            privileges = store.role_privileges(role)
            if privileges is None:
                raise AerospikeResultError(ResultCode.INVALID_ROLE, f"no role {role!r}")
            record = store.roles.get(role)
            fields = [encode_field(AdminField.ROLE, role.encode()),
                      encode_privileges([Wp(p.code, p.namespace, p.set_name) for p in privileges])]
            if record is not None and record.whitelist:
                fields.append(encode_field(AdminField.WHITELIST, ",".join(record.whitelist).encode()))
            blocks.append(encode_block(ResultCode.OK, fields))
        return blocks_frame(blocks)


def _required_text(request: AdminRequest, field: AdminField, code: ResultCode) -> str:
    value = request.text(field)
    if not value:
        raise AerospikeResultError(code, f"the request names no {field.name.lower()}")
    return value


def _roles(request: AdminRequest) -> list[str]:
    raw = request.fields.get(AdminField.ROLES)
    return decode_roles(raw) if raw is not None else []


def _privileges(request: AdminRequest) -> list[Privilege]:
    raw = request.fields.get(AdminField.PRIVILEGES)
    try:
        return [Privilege.checked(p.code, p.namespace, p.set_name) for p in (decode_privileges(raw) if raw else [])]
    except ValueError as exc:
        raise AerospikeResultError(ResultCode.INVALID_PRIVILEGE, str(exc)) from None


def _whitelist(request: AdminRequest) -> list[str]:
    raw = request.fields.get(AdminField.WHITELIST)
    return decode_whitelist(raw) if raw is not None else []


def _no_quotas(request: AdminRequest) -> None:
    for field in (AdminField.READ_QUOTA, AdminField.WRITE_QUOTA):
        raw = request.fields.get(field)
        if raw is not None and decode_u32(raw):
            raise AerospikeResultError(ResultCode.QUOTAS_NOT_ENABLED, "this node enforces no quotas")


_HANDLERS: dict[AdminCommand, Callable[[Guard, AdminRequest], bytes]] = {
    AdminCommand.LOGIN: Guard._login,
    AdminCommand.AUTHENTICATE: Guard._authenticate,
    AdminCommand.CREATE_USER: Guard._create_user,
    AdminCommand.DROP_USER: Guard._drop_user,
    AdminCommand.SET_PASSWORD: Guard._set_password,
    AdminCommand.CHANGE_PASSWORD: Guard._set_password,
    AdminCommand.GRANT_ROLES: Guard._change_roles,
    AdminCommand.REVOKE_ROLES: Guard._change_roles,
    AdminCommand.QUERY_USERS: Guard._query_users,
    AdminCommand.CREATE_ROLE: Guard._create_role,
    AdminCommand.DROP_ROLE: Guard._drop_role,
    AdminCommand.GRANT_PRIVILEGES: Guard._change_privileges,
    AdminCommand.REVOKE_PRIVILEGES: Guard._change_privileges,
    AdminCommand.SET_WHITELIST: Guard._set_whitelist,
    AdminCommand.SET_QUOTAS: Guard._set_quotas,
    AdminCommand.QUERY_ROLES: Guard._query_roles,
}
