"""Starting nodes with access control, and clients that log in to them (through ``aerospike_native`` only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aerospike_native as an

from tests.conftest import ServerProcess, start_server

ADMIN_PASSWORD = "admin-secret"


def start_secure_server(data_dir: Path, *extra: str) -> ServerProcess:
    """A node with ``--security`` whose ``admin`` password is ``ADMIN_PASSWORD`` (first start)."""
    password_file = data_dir / "admin-password"
    password_file.write_text(ADMIN_PASSWORD + "\n")
    return start_server("--namespace", "test", "--data-dir", str(data_dir), "--security",
                        "--admin-password-file", str(password_file), *extra)


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
