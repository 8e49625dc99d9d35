"""Every command that talks to a node takes ``--user``/``--password-file`` and ``--tls-ca``/``--tls-name``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aerospike_native as an
import pytest

from tests.cli.conftest import ENV, command
from tests.conftest import ServerProcess
from tests.e2e.security_helpers import ADMIN_PASSWORD, start_secure_server
from tests.e2e.tls_certs import Certificates, make_certificates


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli-security")


@pytest.fixture(scope="module")
def certs(folder: Path) -> Certificates:
    return make_certificates(folder, "cli-node")


@pytest.fixture(scope="module")
def node(folder: Path, certs: Certificates) -> Iterator[ServerProcess]:
    proc = start_secure_server(folder, "--tls-cert", str(certs.cert), "--tls-key", str(certs.key))
    yield proc
    proc.stop()


def run(node: ServerProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(node.address, *args), capture_output=True, text=True, env=ENV, timeout=60,
                          check=False)


def test_commands_log_in_over_tls(node: ServerProcess, folder: Path, certs: Certificates) -> None:
    access = ("--user", "admin", "--password-file", str(folder / "admin-password"),
              "--tls-ca", str(certs.ca), "--tls-name", "cli-node")
    loaded = run(node, "load", "--set", "cli_sec", "--records", "20", *access)
    assert loaded.returncode == 0, loaded.stderr
    counted = run(node, "count", "--set", "cli_sec", *access)
    assert counted.returncode == 0, counted.stderr
    assert counted.stdout.startswith("20 records in test/cli_sec")
    listed = run(node, "udf", "list", *access)
    assert listed.returncode == 0, listed.stderr
    policy = an.ClientPolicy()
    policy.tls_config, policy.user, policy.password = an.TlsConfig(str(certs.ca)), "admin", ADMIN_PASSWORD
    client = an.new_client_blocking(policy, f"127.0.0.1:cli-node:{node.port}")
    assert client.get_blocking(an.Key("test", "cli_sec", 0)).bins
    client.close_blocking()


def test_refusals_are_one_line(node: ServerProcess, folder: Path, certs: Certificates) -> None:
    wrong = folder / "wrong-password"
    wrong.write_text("nope\n")
    tls = ("--tls-ca", str(certs.ca), "--tls-name", "cli-node")
    for args in [("count", "--set", "s", "--user", "admin", "--password-file", str(wrong), *tls),
                 ("count", "--set", "s", "--user", "admin", *tls),
                 ("count", "--set", "s", "--tls-ca", str(certs.ca)),
                 ("jobs", "list", "--user", "admin", "--password-file", str(folder / "admin-password"))]:
        result = run(node, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert "refused the login" in run(node, "count", "--set", "s", "--user", "admin", "--password-file",
                                       str(wrong), *tls).stderr


def test_help_lists_the_options() -> None:
    shown = subprocess.run([sys.executable, "-m", "aerolite.cli.main", "jobs", "abort", "--help"],
                           capture_output=True, text=True, env=ENV, timeout=30, check=True).stdout
    assert all(option in shown for option in ("--user", "--password-file", "--tls-ca", "--tls-name"))


def test_user_commands(node: ServerProcess, folder: Path, certs: Certificates) -> None:
    access = ("--user", "admin", "--password-file", str(folder / "admin-password"),
              "--tls-ca", str(certs.ca), "--tls-name", "cli-node")
    (folder / "eve-password").write_text("eve-1\n")
    (folder / "eve-password-2").write_text("eve-2\n")
    added = run(node, "user", "add", "eve", "--role", "read", "--new-password-file", str(folder / "eve-password"),
                *access)
    assert added.returncode == 0, added.stderr
    assert run(node, "user", "grant", "eve", "--role", "read-write", *access).returncode == 0
    assert run(node, "user", "revoke", "eve", "--role", "read", *access).returncode == 0
    listed = run(node, "user", "list", *access)
    assert listed.returncode == 0 and any(line.split()[:2] == ["eve", "read-write"] for line in listed.stdout.splitlines())
    as_eve = ("--user", "eve", "--password-file", str(folder / "eve-password"), "--tls-ca", str(certs.ca),
              "--tls-name", "cli-node")
    assert run(node, "load", "--set", "by_eve", "--records", "5", *as_eve).returncode == 0
    refused = run(node, "user", "drop", "admin", *as_eve)
    assert refused.returncode == 2 and "ROLE_VIOLATION (81)" in refused.stderr, refused.stderr
    changed = run(node, "user", "password", "eve", "--new-password-file", str(folder / "eve-password-2"), *access)
    assert changed.returncode == 0, changed.stderr
    assert "refused the login" in run(node, "count", "--set", "by_eve", *as_eve).stderr
    assert run(node, "user", "drop", "eve", *access).returncode == 0
    assert "eve" not in run(node, "user", "list", *access).stdout
