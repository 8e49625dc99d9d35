"""Access control in a local cluster (``serve --nodes 2 --security``): users and roles changed through one node
hold on every node, cluster-wide metadata still travels, and only the cluster's own nodes may send it."""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aerospike_native as an
import pytest

from aerolite.digest import partition_id
from aerolite.server.cluster import partition_range
from aerolite.server.security.replication import sync_command
from aerolite.server.security.store import UserRecord
from aerolite.sync import ClusterDefinition, DataSet, Security
from tests.conftest import ServerProcess
from tests.e2e import raw_admin as raw
from tests.e2e.security_helpers import ADMIN_PASSWORD, code_of, login, start_secure_cluster
from tests.e2e.test_cluster import UDF, cluster_ports, node_pids, objects, per_node, wait_for
from tests.e2e.tls_certs import make_certificates

NS = "test"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = start_secure_cluster(2, tmp_path_factory.mktemp("secure-cluster"))
    yield proc
    proc.stop()


def connect_as(cluster: ServerProcess, user: str, password: str) -> Any:
    """A blocking client logged in as ``user`` that has discovered both nodes."""
    client = login(cluster.address, user, password)
    wait_for(lambda: len(client.node_names()) == 2, "the client to see both nodes")
    return client


@pytest.fixture(scope="module")
def admin(cluster: ServerProcess) -> Iterator[Any]:
    client = connect_as(cluster, "admin", ADMIN_PASSWORD)
    yield client
    client.close_blocking()


def keys_on_each_node(cluster: ServerProcess, set_name: str) -> list[an.Key]:
    """One key owned by each node, in node order."""
    size = len(cluster_ports(cluster))
    candidates = [an.Key(NS, set_name, i) for i in range(1000)]
    return [next(k for k in candidates if partition_id(bytes.fromhex(k.digest)) in partition_range(index, size))
            for index in range(size)]


def logins(cluster: ServerProcess, user: str, password: str) -> list[int]:
    """The result code of ``user``'s login to each node alone, in node order."""
    return [raw.login_code(port, user, password) for port in cluster_ports(cluster)]


def write_refusals(client: Any, keys: list[an.Key]) -> list[int]:
    """Per key: 0 when the write went through, else the result code it was refused with."""
    codes = []
    for key in keys:
        try:
            client.put_blocking(key, {"v": 1})
            codes.append(0)
        except an.exceptions.SecurityError as exc:
            codes.append(code_of(exc))
    return codes


def test_metadata_reaches_every_node_with_access_control(cluster: ServerProcess, admin: Any) -> None:
    keys = keys_on_each_node(cluster, "meta")
    for key in keys:
        admin.put_blocking(key, {"i": 1})
    admin.register_udf_blocking(UDF, "secure_bump.lua", an.UDFLang.LUA).wait_till_complete_blocking()
    assert [v.count("secure_bump.lua") for v in per_node(admin, "udf-list").values()] == [1, 1]
    admin.create_index_blocking(NS, "meta", "i", "secure_meta_i", an.IndexType.NUMERIC).wait_till_complete_blocking()
    assert list(per_node(admin, f"sindex-exists:namespace={NS};indexname=secure_meta_i").values()) == ["true", "true"]
    assert sorted(objects(admin, "meta").values()) == [1, 1]
    admin.truncate_blocking(NS, "meta")
    assert list(objects(admin, "meta").values()) == [0, 0]


def test_a_user_created_through_one_node_uses_the_whole_cluster(cluster: ServerProcess, admin: Any) -> None:
    admin.create_user_blocking("nell", "nell-pw", ["read-write"])
    assert logins(cluster, "nell", "nell-pw") == [0, 0]
    nell = connect_as(cluster, "nell", "nell-pw")
    try:
        keys = keys_on_each_node(cluster, "nell")
        assert write_refusals(nell, keys) == [0, 0]
        assert [nell.get_blocking(k).bins for k in keys] == [{"v": 1}, {"v": 1}]
    finally:
        nell.close_blocking()


def test_password_change_and_drop_hold_on_every_node(cluster: ServerProcess, admin: Any) -> None:
    admin.create_user_blocking("olga", "olga-1", ["read"])
    admin.change_password_blocking("olga", "olga-2")
    assert logins(cluster, "olga", "olga-1") == [65, 65]
    assert logins(cluster, "olga", "olga-2") == [0, 0]
    olga = connect_as(cluster, "olga", "olga-2")
    try:
        olga.change_password_blocking("olga", "olga-3")  # a user's own change travels too
    finally:
        olga.close_blocking()
    assert logins(cluster, "olga", "olga-2") == [65, 65]
    assert logins(cluster, "olga", "olga-3") == [0, 0]
    admin.drop_user_blocking("olga")
    assert logins(cluster, "olga", "olga-3") == [60, 60]


def test_role_changes_hold_on_every_node(cluster: ServerProcess, admin: Any) -> None:
    keys = keys_on_each_node(cluster, "roles")
    admin.create_user_blocking("pia", "pia-pw", ["read"])
    pia = connect_as(cluster, "pia", "pia-pw")
    try:
        assert write_refusals(pia, keys) == [81, 81]
        admin.grant_roles_blocking("pia", ["read-write"])
        assert write_refusals(pia, keys) == [0, 0]
        admin.revoke_roles_blocking("pia", ["read-write"])
        assert write_refusals(pia, keys) == [81, 81]
        admin.create_role_blocking("roles-writer", [an.Privilege(an.PrivilegeCode.Read, NS, "roles")], [], 0, 0)
        admin.grant_roles_blocking("pia", ["roles-writer"])
        assert write_refusals(pia, keys) == [81, 81]
        admin.grant_privileges_blocking("roles-writer", [an.Privilege(an.PrivilegeCode.ReadWrite, NS, "roles")])
        assert write_refusals(pia, keys) == [0, 0]
        admin.revoke_privileges_blocking("roles-writer", [an.Privilege(an.PrivilegeCode.ReadWrite, NS, "roles")])
        assert write_refusals(pia, keys) == [81, 81]
        admin.grant_privileges_blocking("roles-writer", [an.Privilege(an.PrivilegeCode.ReadWrite, NS, "roles")])
        admin.drop_role_blocking("roles-writer")
        assert write_refusals(pia, keys) == [81, 81]
        assert "roles-writer" not in {r.name for r in admin.query_roles_blocking()}
    finally:
        pia.close_blocking()


def test_peer_commands_are_refused_to_clients(cluster: ServerProcess, admin: Any) -> None:
    keys = keys_on_each_node(cluster, "kept")
    for key in keys:
        admin.put_blocking(key, {"v": 1})
    admin.register_udf_blocking(UDF, "kept.lua", an.UDFLang.LUA).wait_till_complete_blocking()
    admin.create_user_blocking("quinn", "quinn-pw", ["read"])
    peer_only = [f"smd:truncate:namespace={NS};set=kept", f"smd:1.00.00:truncate:namespace={NS};set=kept",
                 "smd:udf-remove:filename=kept.lua", "smd-join", "smd-join:1.00.00"]
    for port in cluster_ports(cluster):
        for user, password in (("quinn", "quinn-pw"), ("admin", ADMIN_PASSWORD)):
            answers = raw.info_as(port, user, password, *peer_only)
            assert all(value.startswith("ERROR:81:") for value in answers.values()), answers
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:  # not logged in at all
            sock.sendall(raw.info_frame(*peer_only))
            _, body = raw.read_frame(sock)
        assert all(line.split("\t", 1)[1].startswith("ERROR:80:") for line in body.decode().splitlines())
    assert [admin.get_blocking(k).bins for k in keys] == [{"v": 1}, {"v": 1}]
    assert [v.count("kept.lua") for v in per_node(admin, "udf-list").values()] == [1, 1]
    mallory = UserRecord.with_credential(raw.credential("m-pw"), ["user-admin"])
    forged_user = sync_command({"users": {"mallory": {"salt": mallory.salt.hex(), "digest": mallory.digest.hex(),
                                                      "roles": mallory.roles}},
                                "roles": {}, "stamps": {"users": {"mallory": 99}, "roles": {}}})
    for port in cluster_ports(cluster):  # records travel only inside a proven smd: command
        assert raw.info_as(port, "admin", ADMIN_PASSWORD, forged_user)[forged_user] == "ERROR:4:unrecognized command"
    assert logins(cluster, "mallory", "m-pw") == [60, 60]


def test_a_change_reaches_the_peers_even_when_its_client_leaves_before_the_answer(cluster: ServerProcess) -> None:
    ports = cluster_ports(cluster)
    peer = node_pids(cluster)[ports[1]]
    os.kill(peer, signal.SIGSTOP)  # the peer takes the change only once it goes on
    try:
        with socket.create_connection(("127.0.0.1", ports[0]), timeout=5) as sock:
            assert raw.exchange(sock, raw.login_frame("admin", ADMIN_PASSWORD))[1] == 0
            sock.sendall(raw.create_user_frame("vera", "vera-pw", ["read"]))
        wait_for(lambda: raw.login_code(ports[0], "vera", "vera-pw") == 0, "vera on the node that was told")
        time.sleep(0.5)  # lets the told node see its client leave while the peer still holds the change back
    finally:
        os.kill(peer, signal.SIGCONT)
    wait_for(lambda: raw.login_code(ports[1], "vera", "vera-pw") == 0, "vera on the peer")


def test_a_restarted_node_learns_what_changed_while_it_was_down(cluster: ServerProcess, admin: Any) -> None:
    admin.create_user_blocking("tom", "tom-pw", ["read"])
    ports = cluster_ports(cluster)
    victim = node_pids(cluster)[ports[1]]
    os.kill(cluster.process.pid, signal.SIGSTOP)  # the supervisor restarts the node only once it goes on
    try:
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: _login_code_or_none(ports[1], "admin", ADMIN_PASSWORD) is None, "the node to be down")
        changes = raw.admin_as(ports[0], "admin", ADMIN_PASSWORD, raw.create_user_frame("rosa", "rosa-pw", ["read-write"]),
                               raw.drop_user_frame("tom"))
        assert changes == [0, 0]
    finally:
        os.kill(cluster.process.pid, signal.SIGCONT)
    wait_for(lambda: _login_code_or_none(ports[1], "rosa", "rosa-pw") == 0, "rosa to log in to the restarted node")
    assert node_pids(cluster)[ports[1]] != victim
    assert logins(cluster, "tom", "tom-pw") == [60, 60]  # its own security.json still had tom
    rosa = connect_as(cluster, "rosa", "rosa-pw")
    try:
        assert write_refusals(rosa, keys_on_each_node(cluster, "rosa")) == [0, 0]
    finally:
        rosa.close_blocking()


def test_a_restarted_node_without_a_data_dir_gets_the_users_from_its_peer(tmp_path: Path) -> None:
    proc = start_secure_cluster(2, tmp_path, keep_users=False)
    try:
        admin = connect_as(proc, "admin", ADMIN_PASSWORD)
        admin.create_user_blocking("sara", "sara-pw", ["read"])
        admin.change_password_blocking("admin", "admin-2")
        admin.close_blocking()
        (tmp_path / "admin-password").unlink()  # as an embedded cluster does once its nodes are up
        ports = cluster_ports(proc)
        victim = node_pids(proc)[ports[1]]
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: node_pids(proc).get(ports[1], victim) != victim, "the supervisor to restart the node")
        wait_for(lambda: _login_code_or_none(ports[1], "sara", "sara-pw") == 0, "sara to log in to the restarted node")
        assert logins(proc, "admin", "admin-2") == [0, 0]
        assert logins(proc, "admin", ADMIN_PASSWORD) == [65, 65]
    finally:
        proc.stop()


def _login_code_or_none(port: int, user: str, password: str) -> int | None:
    """The login's result code, or None while the node does not listen."""
    try:
        return raw.login_code(port, user, password)
    except OSError:
        return None


def test_an_embedded_secure_cluster_shares_its_users() -> None:
    definition = ClusterDefinition.embedded(nodes=2, security=Security("embedded-pw"))
    with definition.connect() as cluster:
        cluster.native_client.create_user_blocking("uma", "uma-pw", ["read-write"])  # the SDK logged in as admin
        host, port = cluster.address.rsplit(":", 1)
        with ClusterDefinition(host, int(port)).with_credentials("uma", "uma-pw").connect() as uma:
            session = uma.create_session()
            wait_for(lambda: len(uma.native_client.node_names()) == 2, "the SDK to see both nodes")
            items = DataSet.of(NS, "uma")
            for i in range(20):  # keys owned by both nodes
                assert session.upsert(items.id(i)).put({"v": i}).execute().ok
            assert [session.get(items.id(i)).execute().bins for i in range(20)] == [{"v": i} for i in range(20)]
            counts = objects(uma.native_client, "uma")
            assert len(counts) == 2 and all(counts.values()) and sum(counts.values()) == 20


@pytest.mark.parametrize("client_certificates", [False, True], ids=["tls", "tls-client-certs"])
def test_a_tls_cluster_announces_its_peers_and_shares_users(tmp_path: Path, client_certificates: bool) -> None:
    certs = make_certificates(tmp_path, "secure-cluster")
    tls = ["--tls-cert", str(certs.cert), "--tls-key", str(certs.key), "--tls-name", "secure-cluster"]
    proc = start_secure_cluster(2, tmp_path, *tls, *(["--tls-ca", str(certs.ca)] if client_certificates else []))
    tls_config = (an.TlsConfig.with_client_auth(str(certs.ca), str(certs.cert), str(certs.key)) if client_certificates
                  else an.TlsConfig(str(certs.ca)))

    def tls_login(user: str, password: str) -> Any:
        policy = an.ClientPolicy()
        policy.tls_config, policy.user, policy.password = tls_config, user, password
        client = an.new_client_blocking(policy, f"127.0.0.1:secure-cluster:{proc.port}")
        wait_for(lambda: len(client.node_names()) == 2, "the TLS client to see both nodes")
        return client

    try:
        admin = tls_login("admin", ADMIN_PASSWORD)
        admin.create_user_blocking("wes", "wes-pw", ["read-write"])
        admin.register_udf_blocking(UDF, "tls_bump.lua", an.UDFLang.LUA).wait_till_complete_blocking()
        assert [v.count("tls_bump.lua") for v in per_node(admin, "udf-list").values()] == [1, 1]
        admin.close_blocking()
        wes = tls_login("wes", "wes-pw")
        try:
            keys = keys_on_each_node(proc, "wes")
            assert write_refusals(wes, keys) == [0, 0]
        finally:
            wes.close_blocking()
    finally:
        proc.stop()
