"""Starting nodes with access control, and clients that log in to them (through ``aerospike_native`` only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aerospike_native as an

from tests.conftest import ServerProcess, start_cluster, start_server

ADMIN_PASSWORD = "admin-secret"


def secure_args(data_dir: Path, keep_users: bool = True) -> list[str]:
    """``serve`` options for access control whose ``admin`` password is ``ADMIN_PASSWORD`` (first start);
    users and roles are kept under ``data_dir`` unless ``keep_users`` is false (then they live in memory)."""
    password_file = data_dir / "admin-password"
    password_file.write_text(ADMIN_PASSWORD + "\n")
    kept = ["--data-dir", str(data_dir)] if keep_users else []
    return ["--namespace", "test", *kept, "--security", "--admin-password-file", str(password_file)]


def start_secure_server(data_dir: Path, *extra: str) -> ServerProcess:
    """A node with ``--security`` whose ``admin`` password is ``ADMIN_PASSWORD`` (first start)."""
    return start_server(*secure_args(data_dir), *extra)


def start_secure_cluster(nodes: int, data_dir: Path, *extra: str, keep_users: bool = True) -> ServerProcess:
    """``serve --nodes N --security`` (each node keeps its users under ``data_dir/node<i>``, or in memory)."""
    return start_cluster(nodes, *secure_args(data_dir, keep_users), *extra)


def login(address: str, user: str, password: str) -> Any:
    """A blocking client logged in as ``user``."""
    policy = an.ClientPolicy()
    policy.user = user
    policy.password = password
    return an.new_client_blocking(policy, address)


def code_of(exc: BaseException) -> int:
    """The result code a client exception carries, or one named in its message (connect failures)."""
    code = getattr(exc, "result_code", None)
    if code is not None and int(code) > 0:
        return int(code)
    for candidate in (60, 61, 62, 65, 66, 70, 71, 72, 73, 74, 80, 81, 82):
        if f"Error {candidate}," in str(exc) or f"Error {candidate}:" in str(exc):
            return candidate
    raise AssertionError(f"no result code in {exc!r}")
