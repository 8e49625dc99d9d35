"""Bad input ends with one line on stderr (the AEL caret excerpt aside) and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess

import pytest

from tests.cli.conftest import ENV, Cli, command
from tests.conftest import free_port


@pytest.mark.parametrize(("args", "says"), [
    (("run", "update", "--namespace", "nope", "--set", "s", "--bin", "x", "--set-to", "1"), "INVALID_NAMESPACE"),
    (("count", "--namespace", "nope", "--set", "s"), "INVALID_NAMESPACE"),
    (("jobs", "watch", "12345"), "no node knows job 12345"),
    (("jobs", "abort", "12345"), "no node knows job 12345"),
    (("run", "update", "--set", "s", "--bin", "x", "--add", "abc"), "--bin x --add abc: add() takes an int or float"),
    (("run", "update", "--set", "s", "--add", "1"), "--add needs a --bin NAME before it"),
    (("run", "delete", "--set", "s", "--ttl", "60"), "--ttl, --never-expire and --keep-ttl apply to update and touch"),
    (("udf", "register", "/no/such/module.lua"), "no such file"),
])
def test_bad_input_is_one_line(cli: Cli, args: tuple[str, ...], says: str) -> None:
    result = cli(*args)
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr


def test_unreachable_node() -> None:
    address = f"127.0.0.1:{free_port()}"
    result = subprocess.run(command(address, "jobs", "list"), capture_output=True, text=True, env=ENV, timeout=30,
                            check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(f"aerolite jobs list: cannot reach a node at {address}: ")
    assert result.stderr.count("\n") == 1


def test_bad_ael_shows_where(cli: Cli) -> None:
    result = cli("count", "--set", "s", "--where", "$.age >= = 3")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "aerolite count: AEL does not compile: expected a value, found '=' at line 1, column 10",
        "  $.age >= = 3",
        "           ^",
    ]
