"""TLS on the service port with a certificate made in the test; the client is ``aerospike_native`` only."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from typing import Any

import aerospike_native as an
import pytest

from tests.conftest import ServerProcess, start_server
from tests.e2e.security_helpers import ADMIN_PASSWORD, code_of, start_secure_server
from tests.e2e.tls_certs import Certificates, make_certificates

TLS_NAME = "aerolite-test"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("certs"), TLS_NAME)


@pytest.fixture(scope="module")
def node(certs: Certificates, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = start_secure_server(tmp_path_factory.mktemp("tls"), "--tls-cert", str(certs.cert), "--tls-key", str(certs.key))
    yield proc
    proc.stop()


def tls_client(port: int, certs: Certificates, tls_name: str = TLS_NAME, user: str | None = "admin",
               tls: Any = None) -> Any:
    policy = an.ClientPolicy()
    policy.tls_config = tls or an.TlsConfig(str(certs.ca))
    if user is not None:
        policy.user, policy.password = user, ADMIN_PASSWORD
    return an.new_client_blocking(policy, f"127.0.0.1:{tls_name}:{port}")


def test_tls_client_with_login_round_trips(node: ServerProcess, certs: Certificates) -> None:
    client = tls_client(node.port, certs)
    try:
        client.put_blocking(an.Key("test", "tls", 1), {"v": "over tls"})
        assert client.get_blocking(an.Key("test", "tls", 1)).bins == {"v": "over tls"}
        client.create_user_blocking("tls-user", "pw", ["read"])
        assert [u.roles for u in client.query_users_blocking("tls-user")] == [["read"]]
    finally:
        client.close_blocking()


def test_tls_still_needs_the_password(node: ServerProcess, certs: Certificates) -> None:
    policy = an.ClientPolicy()
    policy.tls_config = an.TlsConfig(str(certs.ca))
    policy.user, policy.password = "admin", "wrong"
    with pytest.raises(an.exceptions.ConnectionError) as refused:
        an.new_client_blocking(policy, f"127.0.0.1:{TLS_NAME}:{node.port}")
    assert code_of(refused.value) == 65


def test_plain_client_is_refused(node: ServerProcess) -> None:
    policy = an.ClientPolicy()
    policy.user, policy.password = "admin", ADMIN_PASSWORD
    with pytest.raises(an.exceptions.ConnectionError):
        an.new_client_blocking(policy, node.address)
    with socket.create_connection(("127.0.0.1", node.port), timeout=5) as sock:
        sock.sendall(b"\x02\x01\x00\x00\x00\x00\x00\x05node\n")  # a plain info request
        try:
            reply = sock.recv(64)
        except ConnectionResetError:
            reply = b""
    assert not reply.startswith(b"\x02\x01")


def test_wrong_tls_name_is_refused_by_the_client(node: ServerProcess, certs: Certificates) -> None:
    with pytest.raises(an.exceptions.ConnectionError):
        tls_client(node.port, certs, tls_name="someone-else")


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated:DeprecationWarning")
def test_only_modern_protocols(node: ServerProcess, certs: Certificates) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(certs.ca)
    context.maximum_version = ssl.TLSVersion.TLSv1_1
    with socket.create_connection(("127.0.0.1", node.port), timeout=5) as sock, pytest.raises(ssl.SSLError):
        context.wrap_socket(sock, server_hostname=TLS_NAME)


def test_client_certificates(certs: Certificates) -> None:
    proc = start_server("--namespace", "test", "--tls-cert", str(certs.cert), "--tls-key", str(certs.key),
                        "--tls-ca", str(certs.ca))
    try:
        with pytest.raises(an.exceptions.ConnectionError):
            tls_client(proc.port, certs, user=None)
        mutual = an.TlsConfig.with_client_auth(str(certs.ca), str(certs.cert), str(certs.key))
        client = tls_client(proc.port, certs, user=None, tls=mutual)
        client.put_blocking(an.Key("test", "mtls", 1), {"v": 1})
        assert client.get_blocking(an.Key("test", "mtls", 1)).bins == {"v": 1}
        client.close_blocking()
    finally:
        proc.stop()
