"""Login, sessions and the admin API of a node with access control, through ``aerospike_native`` (and raw frames
where no client API reaches: expired tokens, unauthenticated info)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import aerospike_native as an
import pytest

from tests.conftest import ServerProcess, start_server
from tests.e2e import raw_admin as raw
from tests.e2e.security_helpers import ADMIN_PASSWORD, code_of, login, start_secure_server


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("admin")


@pytest.fixture(scope="module")
def node(data_dir: Path) -> Iterator[ServerProcess]:
    proc = start_secure_server(data_dir)
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def admin(node: ServerProcess) -> Iterator[Any]:
    client = login(node.address, "admin", ADMIN_PASSWORD)
    yield client
    client.close_blocking()


def refused_login(address: str, user: str, password: str) -> int:
    with pytest.raises(Exception) as failure:
        login(address, user, password).close_blocking()
    return code_of(failure.value)


def test_wrong_password_and_unknown_user(node: ServerProcess) -> None:
    assert refused_login(node.address, "admin", "not-it") == 65
    assert refused_login(node.address, "nobody", "x") == 60


def test_no_client_without_credentials(node: ServerProcess) -> None:
    client = an.new_client_blocking(an.ClientPolicy(), node.address)
    try:
        with pytest.raises(an.exceptions.NotAuthenticated):
            client.get_blocking(an.Key("test", "s", 1))
    finally:
        client.close_blocking()


def test_user_admin_round_trip(node: ServerProcess, admin: Any) -> None:
    admin.create_user_blocking("ann", "pw-1", ["read"])
    with pytest.raises(an.exceptions.SecurityError) as dup:
        admin.create_user_blocking("ann", "pw-1", ["read"])
    assert code_of(dup.value) == 61
    with pytest.raises(an.exceptions.SecurityError) as bad_role:
        admin.create_user_blocking("bob", "pw", ["no-such-role"])
    assert code_of(bad_role.value) == 70
    admin.grant_roles_blocking("ann", ["read-write", "udf-admin"])
    admin.revoke_roles_blocking("ann", ["read"])
    (ann,) = admin.query_users_blocking("ann")
    assert (ann.user, sorted(ann.roles)) == ("ann", ["read-write", "udf-admin"])
    assert {u.user for u in admin.query_users_blocking()} >= {"admin", "ann"}
    admin.change_password_blocking("ann", "pw-2")
    assert refused_login(node.address, "ann", "pw-1") == 65
    client = login(node.address, "ann", "pw-2")
    client.put_blocking(an.Key("test", "s", "ann"), {"v": 1})
    client.close_blocking()
    admin.drop_user_blocking("ann")
    assert refused_login(node.address, "ann", "pw-2") == 60


def test_role_admin_round_trip(admin: Any) -> None:
    privileges = [an.Privilege(an.PrivilegeCode.Read, "test", "a"), an.Privilege(an.PrivilegeCode.SIndexAdmin, None, None)]
    admin.create_role_blocking("analyst", privileges, ["127.0.0.1"], 0, 0)
    with pytest.raises(an.exceptions.SecurityError) as dup:
        admin.create_role_blocking("analyst", privileges, [], 0, 0)
    assert code_of(dup.value) == 71
    admin.grant_privileges_blocking("analyst", [an.Privilege(an.PrivilegeCode.Write, "test", "b")])
    admin.revoke_privileges_blocking("analyst", [an.Privilege(an.PrivilegeCode.SIndexAdmin, None, None)])
    admin.set_allowlist_blocking("analyst", ["127.0.0.0/8", "10.1.2.3"])
    (role,) = admin.query_roles_blocking("analyst")
    shown = sorted((str(p.code), p.namespace, p.set_name) for p in role.privileges)
    assert shown == sorted([(str(an.PrivilegeCode.Read), "test", "a"), (str(an.PrivilegeCode.Write), "test", "b")])
    assert role.allowlist == ["127.0.0.0/8", "10.1.2.3"]
    names = {r.name for r in admin.query_roles_blocking()}
    assert {"analyst", "read", "read-write", "read-write-udf", "write", "user-admin", "sys-admin", "data-admin",
            "udf-admin", "sindex-admin", "truncate"} <= names
    with pytest.raises(an.exceptions.QuotaError) as quotas:
        admin.set_quotas_blocking("analyst", 10, 10)
    assert code_of(quotas.value) == 74
    admin.drop_role_blocking("analyst")
    assert "analyst" not in {r.name for r in admin.query_roles_blocking()}


def test_allowlist_refuses_other_addresses(node: ServerProcess, admin: Any) -> None:
    admin.create_role_blocking("far-away", [an.Privilege(an.PrivilegeCode.Read, None, None)], ["10.9.9.9"], 0, 0)
    admin.create_user_blocking("remote", "pw", ["far-away"])
    assert refused_login(node.address, "remote", "pw") == 82


def test_user_admin_needs_the_role(node: ServerProcess, admin: Any) -> None:
    admin.create_user_blocking("plain", "pw", ["read"])
    client = login(node.address, "plain", "pw")
    try:
        with pytest.raises(an.exceptions.SecurityError) as refused:
            client.drop_user_blocking("admin")
        assert code_of(refused.value) == 81
        (me,) = client.query_users_blocking("plain")  # everyone may read their own entry
        assert me.roles == ["read"]
        client.change_password_blocking("plain", "pw-new")  # and change their own password
    finally:
        client.close_blocking()
    login(node.address, "plain", "pw-new").close_blocking()


def test_dropped_user_loses_open_connections(node: ServerProcess, admin: Any) -> None:
    admin.create_user_blocking("leaver", "pw", ["read-write"])
    client = login(node.address, "leaver", "pw")
    try:
        client.put_blocking(an.Key("test", "s", "leaver"), {"v": 1})
        admin.drop_user_blocking("leaver")
        with pytest.raises(an.exceptions.NotAuthenticated):
            client.put_blocking(an.Key("test", "s", "leaver"), {"v": 2})
    finally:
        client.close_blocking()
    assert admin.get_blocking(an.Key("test", "s", "leaver")).bins == {"v": 1}


def test_unauthenticated_info_gets_only_tend_commands(node: ServerProcess) -> None:
    with socket.create_connection(("127.0.0.1", node.port), timeout=5) as sock:
        sock.sendall(raw.info_frame("node", "partitions", "namespaces", "truncate:namespace=test"))
        _, body = raw.read_frame(sock)
    answers = dict(line.split("\t", 1) for line in body.decode().splitlines())
    assert answers["partitions"] == "4096" and not answers["node"].startswith("ERROR")
    assert answers["namespaces"].startswith("ERROR:80:")
    assert answers["truncate:namespace=test"].startswith("ERROR:80:")
    with socket.create_connection(("127.0.0.1", node.port), timeout=5) as sock:
        sock.sendall(raw.info_frame())  # the summary: tend values only
        _, body = raw.read_frame(sock)
    summary = dict(line.split("\t", 1) for line in body.decode().splitlines())
    assert summary["statistics"].startswith("ERROR:80:") and not summary["build"].startswith("ERROR")


def test_admin_errors_name_the_problem(node: ServerProcess) -> None:
    with socket.create_connection(("127.0.0.1", node.port), timeout=5) as sock:
        assert raw.exchange(sock, raw.admin_frame(7))[1] == 54  # no such command
        cut = raw.framed(raw.admin_frame(raw.LOGIN, raw.field(raw.USER, b"admin"))[8:-2])  # field runs past the end
        assert raw.exchange(sock, cut)[1] == 55
        assert raw.exchange(sock, raw.admin_frame(2, raw.field(raw.USER, b"admin")))[1] == 80  # not logged in
        login_reply = raw.exchange(sock, raw.admin_frame(raw.LOGIN, raw.field(raw.USER, b"admin"),
                                                         raw.field(raw.CREDENTIAL, raw.credential(ADMIN_PASSWORD))))
        assert login_reply[1] == 0
        roles = bytes((1, 4)) + b"read"
        weak = raw.exchange(sock, raw.admin_frame(1, raw.field(raw.USER, b"weak"), raw.field(1, b"plain"),
                                                  raw.field(10, roles)))
        assert weak[1] == 62  # a password that is not a bcrypt hash


def test_store_holds_no_password(data_dir: Path, admin: Any) -> None:
    admin.create_user_blocking("carol", "carol-password", ["read"])
    text = (data_dir / "security.json").read_text()
    assert "carol-password" not in text and ADMIN_PASSWORD not in text
    assert raw.credential("carol-password").decode() not in text
    assert "carol" in json.loads(text)["users"]
    assert (data_dir / "security.json").stat().st_mode & 0o077 == 0


def test_restart_keeps_users_and_roles(tmp_path: Path) -> None:
    proc = start_secure_server(tmp_path)
    try:
        admin = login(proc.address, "admin", ADMIN_PASSWORD)
        admin.create_role_blocking("keeper", [an.Privilege(an.PrivilegeCode.ReadWrite, "test", "kept")], [], 0, 0)
        admin.create_user_blocking("dana", "pw", ["keeper"])
        admin.change_password_blocking("admin", "admin-2")
        admin.close_blocking()
    finally:
        proc.stop()
    (tmp_path / "admin-password").unlink()  # a later start does not need (or read) it
    proc = start_server("--namespace", "test", "--data-dir", str(tmp_path), "--security", port=proc.port)
    try:
        dana = login(proc.address, "dana", "pw")
        dana.put_blocking(an.Key("test", "kept", 1), {"v": 1})
        with pytest.raises(an.exceptions.SecurityError):
            dana.put_blocking(an.Key("test", "other", 1), {"v": 1})
        dana.close_blocking()
        assert refused_login(proc.address, "admin", ADMIN_PASSWORD) == 65
        admin = login(proc.address, "admin", "admin-2")
        (role,) = admin.query_roles_blocking("keeper")
        assert [(p.namespace, p.set_name) for p in role.privileges] == [("test", "kept")]
        admin.close_blocking()
    finally:
        proc.stop()


def test_first_start_needs_an_admin_password(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="--admin-password-file"):
        start_server("--data-dir", str(tmp_path), "--security")


def test_expired_token_is_refused_and_clients_log_in_again(tmp_path: Path) -> None:
    proc = start_secure_server(tmp_path, "--session-ttl", "1")
    try:
        with socket.create_connection(("127.0.0.1", proc.port), timeout=5) as sock:
            body = raw.exchange(sock, raw.admin_frame(raw.LOGIN, raw.field(raw.USER, b"admin"),
                                                      raw.field(raw.CREDENTIAL, raw.credential(ADMIN_PASSWORD))))
        assert body[1] == 0
        fields = raw.reply_fields(body)
        token = fields[raw.SESSION_TOKEN]
        assert int.from_bytes(fields[raw.SESSION_TTL], "big") == 1

        def authenticate(user: bytes) -> int:
            with socket.create_connection(("127.0.0.1", proc.port), timeout=5) as sock:
                reply = raw.exchange(sock, raw.admin_frame(raw.AUTHENTICATE, raw.field(raw.USER, user),
                                                           raw.field(raw.SESSION_TOKEN, token)))
            return reply[1]

        assert authenticate(b"admin") == 0
        assert authenticate(b"someone") == 60
        client = login(proc.address, "admin", ADMIN_PASSWORD)
        time.sleep(1.2)
        assert authenticate(b"admin") == 66
        # The client's cached token is stale now: the connections it opens for parallel work are refused
        # the token, log in again, and every write lands.
        keys = [an.Key("test", "s", i) for i in range(200)]
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda i: client.put_blocking(keys[i], {"v": i}), range(200)))
        assert [r.record.bins["v"] for r in client.batch_read_blocking(keys)] == list(range(200))
        client.close_blocking()
    finally:
        proc.stop()


def test_admin_frames_without_security(server: ServerProcess) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        body = raw.exchange(sock, raw.admin_frame(raw.LOGIN, raw.field(raw.USER, b"admin")))
    assert body[1] == 51  # as a Community Edition node answers


def test_names_beyond_ascii(node: ServerProcess, admin: Any) -> None:
    admin.create_user_blocking("josé", "pässwörd", ["read-write"])
    client = login(node.address, "josé", "pässwörd")
    try:
        client.put_blocking(an.Key("test", "s", "josé"), {"v": 1})
        assert client.get_blocking(an.Key("test", "s", "josé")).bins == {"v": 1}
        assert [u.roles for u in admin.query_users_blocking("josé")] == [["read-write"]]
    finally:
        client.close_blocking()
