"""``serve`` refuses an open port on the network, and access options that do not fit together."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from aerolite.cli.main import build_parser
from aerolite.cli.serve_access import access_config


def serve_args(*args: str) -> argparse.Namespace:
    return build_parser().parse_args(["serve", *args])


def test_non_loopback_host_needs_security_or_insecure() -> None:
    result = subprocess.run([sys.executable, "-m", "aerolite.cli.main", "serve", "--host", "0.0.0.0", "--port", "0"],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "without access control" in result.stderr and "--security" in result.stderr
    assert access_config(serve_args("--host", "0.0.0.0", "--insecure")).security is False
    assert access_config(serve_args("--host", "10.0.0.5", "--security")).security is True
    assert access_config(serve_args("--host", "::1")).security is False


@pytest.mark.parametrize(("args", "problem"), [
    (("--admin-password-file", "f"), "needs --security"),
    (("--tls-cert", "c"), "go together"),
    (("--tls-ca", "ca.pem"), "needs --tls-cert"),
    (("--tls-name", "db1"), "--tls-name needs --tls-cert"),
    (("--security", "--session-ttl", "0"), "at least 1 second"),
])
def test_access_options_that_do_not_fit(args: tuple[str, ...], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        access_config(serve_args(*args))


def test_unusable_tls_files_are_one_line() -> None:
    result = subprocess.run([sys.executable, "-m", "aerolite.cli.main", "serve", "--port", "0", "--tls-cert",
                             "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and result.stderr.startswith("aerolite serve: ") and "Traceback" not in result.stderr
