"""The security model without a network: scopes, sessions with a fake clock, the store on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.server.security.privileges import Grants, Permission, Privilege, PrivilegeCode
from aerolite.server.security.sessions import Sessions
from aerolite.server.security.store import SecurityStore, client_credential

CREDENTIAL = client_credential("pw")


def test_scopes() -> None:
    grants = Grants([Privilege(PrivilegeCode.READ, "test", "a"), Privilege(PrivilegeCode.WRITE, "test"),
                     Privilege(PrivilegeCode.SYS_ADMIN)])
    assert grants.allows(Permission.READ, "test", "a")
    assert not grants.allows(Permission.READ, "test", "b") and not grants.allows(Permission.READ, "test")
    assert grants.allows(Permission.WRITE, "test", "anything") and not grants.allows(Permission.WRITE, "other", "a")
    assert grants.allows(Permission.SYS_ADMIN) and not grants.allows(Permission.UDF, "test", "a")


@pytest.mark.parametrize(("code", "namespace", "set_name", "problem"), [
    (99, "", "", "unknown privilege code 99"),
    (0, "test", "", "global"),
    (10, "", "s", "without a namespace"),
])
def test_bad_privileges(code: int, namespace: str, set_name: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Privilege.checked(code, namespace, set_name)


def test_sessions_expire_and_belong_to_one_user() -> None:
    now = [100.0]
    sessions = Sessions(10, clock=lambda: now[0])
    token = sessions.issue("ann")
    assert sessions.check("ann", token) == ResultCode.OK
    assert sessions.check("bob", token) == ResultCode.INVALID_CREDENTIAL
    assert sessions.check("ann", b"x" * 32) == ResultCode.INVALID_CREDENTIAL
    now[0] = 110.0
    assert sessions.check("ann", token) == ResultCode.EXPIRED_SESSION
    other = sessions.issue("josé")
    assert sessions.check("josé", other) == ResultCode.OK
    sessions.revoke("josé")
    assert sessions.check("josé", other) == ResultCode.INVALID_CREDENTIAL


def test_store_survives_reopen_and_refuses_what_it_cannot_save(tmp_path: Path) -> None:
    store = SecurityStore.open(tmp_path, "admin-pw")
    store.create_role("r", [Privilege(PrivilegeCode.READ, "test")], ["10.0.0.0/8"])
    store.create_user("josé", CREDENTIAL, ["r"])
    reopened = SecurityStore.open(tmp_path, None)
    assert reopened.users["josé"].matches(CREDENTIAL) and not reopened.users["josé"].matches(client_credential("x"))
    assert reopened.roles["r"].privileges == [Privilege(PrivilegeCode.READ, "test")]
    assert reopened.allowed_from("josé", "10.1.2.3") and not reopened.allowed_from("josé", "127.0.0.1")
    (tmp_path / "security.tmp").mkdir()  # the next save cannot write its temporary file
    with pytest.raises(OSError):
        reopened.create_user("later", CREDENTIAL, [])
    assert "later" not in reopened.users and reopened.grants("later") is None


def test_store_errors_carry_the_node_codes(tmp_path: Path) -> None:
    store = SecurityStore.open(tmp_path, "admin-pw")
    cases = [
        (lambda: store.create_user("admin", CREDENTIAL, []), ResultCode.USER_ALREADY_EXISTS),
        (lambda: store.create_user("x", b"clear-text", []), ResultCode.INVALID_PASSWORD),
        (lambda: store.create_user("a:b", CREDENTIAL, []), ResultCode.INVALID_USER),
        (lambda: store.grant_roles("admin", ["nope"]), ResultCode.INVALID_ROLE),
        (lambda: store.drop_user("ghost"), ResultCode.INVALID_USER),
        (lambda: store.create_role("read", [], []), ResultCode.ROLE_ALREADY_EXISTS),
        (lambda: store.drop_role("read"), ResultCode.INVALID_ROLE),
        (lambda: store.create_role("w", [], ["not-an-address"]), ResultCode.INVALID_WHITELIST),
    ]
    for attempt, code in cases:
        with pytest.raises(AerospikeResultError) as refused:
            attempt()
        assert refused.value.code == code


def test_first_start_needs_a_password(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="--admin-password-file"):
        SecurityStore.open(tmp_path, None)
    (tmp_path / "security.json").write_text("{not json")
    with pytest.raises(ValueError, match="not a readable security store"):
        SecurityStore.open(tmp_path, None)
