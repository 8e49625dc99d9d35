"""The SDK carries credentials and TLS through to the official client, and starts embedded nodes with
access control; data written through the SDK is read back with ``aerospike_native``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import aerospike_native as an
import pytest

from aerolite import ClusterDefinition as AsyncClusterDefinition
from aerolite.sync import ClusterDefinition, ConnectionError, DataSet, Security
from tests.conftest import ServerProcess
from tests.e2e.security_helpers import ADMIN_PASSWORD, start_secure_server
from tests.e2e.tls_certs import make_certificates

ITEMS = DataSet.of("test", "sdk_security")


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("sdk-security")
    certs = make_certificates(folder, "sdk-node")
    proc = start_secure_server(folder, "--tls-cert", str(certs.cert), "--tls-key", str(certs.key))
    yield proc
    proc.stop()


def test_credentials_and_tls_reach_the_node(node: ServerProcess) -> None:
    ca = Path(node.args[node.args.index("--data-dir") + 1]) / "ca.pem"
    definition = ClusterDefinition("127.0.0.1", node.port).with_tls(ca, "sdk-node").with_credentials("admin", ADMIN_PASSWORD)
    with definition.connect() as cluster:
        assert cluster.create_session().upsert(ITEMS.id(1)).put({"v": "tls"}).execute().ok
    policy = an.ClientPolicy()
    policy.tls_config, policy.user, policy.password = an.TlsConfig(str(ca)), "admin", ADMIN_PASSWORD
    client = an.new_client_blocking(policy, f"127.0.0.1:sdk-node:{node.port}")
    assert client.get_blocking(an.Key("test", "sdk_security", 1)).bins == {"v": "tls"}
    client.close_blocking()


def test_wrong_password_is_a_connection_error(node: ServerProcess) -> None:
    ca = Path(node.args[node.args.index("--data-dir") + 1]) / "ca.pem"
    definition = ClusterDefinition("127.0.0.1", node.port).with_tls(ca, "sdk-node").with_credentials("admin", "nope")
    with pytest.raises(ConnectionError, match=r"Invalid credential"):
        definition.connect()


def test_embedded_node_with_security(tmp_path: Path) -> None:
    definition = ClusterDefinition.embedded(data_dir=tmp_path, security=Security("embedded-secret"))
    with definition.connect() as cluster:
        assert cluster.create_session().upsert(ITEMS.id(2)).put({"v": 2}).execute().ok
        host, port = cluster.address.rsplit(":", 1)
        cluster.native_client.create_user_blocking("reader", "pw", ["read"])  # the SDK logged in as admin
        with pytest.raises(ConnectionError):
            ClusterDefinition(host, int(port)).with_credentials("reader", "wrong").connect()
        with ClusterDefinition(host, int(port)).with_credentials("reader", "pw").connect() as reader:
            assert reader.create_session().get(ITEMS.id(2)).execute().bins == {"v": 2}
        anonymous = an.new_client_blocking(an.ClientPolicy(), cluster.address)
        with pytest.raises(an.exceptions.NotAuthenticated):
            anonymous.get_blocking(an.Key("test", "sdk_security", 2))
        anonymous.close_blocking()
    assert "reader" in (tmp_path / "security.json").read_text()
    assert all(b"embedded-secret" not in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())


async def test_async_face_carries_credentials(node: ServerProcess) -> None:
    ca = Path(node.args[node.args.index("--data-dir") + 1]) / "ca.pem"
    definition = AsyncClusterDefinition("127.0.0.1", node.port).with_tls(ca, "sdk-node")
    async with definition.with_credentials("admin", ADMIN_PASSWORD).connect() as cluster:
        assert (await cluster.create_session().upsert(ITEMS.id(3)).put({"v": 3}).execute()).ok


def test_definitions_refuse_bad_settings() -> None:
    with pytest.raises(ValueError, match="without TLS"):
        ClusterDefinition.embedded().with_tls("ca.pem", "x")
    with pytest.raises(ValueError, match="name in the node's certificate"):
        ClusterDefinition("h", 3000).with_tls("ca.pem", "")
    with pytest.raises(ValueError, match="admin password"):
        Security("")
    shown = repr(ClusterDefinition("h", 3000).with_credentials("u", "hunter2").spec) + repr(Security("hunter2"))
    assert "hunter2" not in shown
    with pytest.raises(TypeError, match="Security"):
        ClusterDefinition.embedded(security="pw")  # type: ignore[arg-type]
