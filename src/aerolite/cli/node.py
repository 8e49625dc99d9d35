"""What every command that talks to a node shares: the connection, argument values, and failures as one line.

Commands use the SDK's blocking face (``aerolite.sync``): a command line waits for one thing at a time,
and Ctrl-C then arrives as a plain ``KeyboardInterrupt`` where the command can ask what to do.
Failures people cause — an unreachable node, AEL that does not compile, an unknown namespace or job —
become one line on stderr and exit status 2 (AEL errors add the SDK's caret excerpt), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from aerolite.sdk import AelError, AerospikeError, ConnectionError
from aerolite.sdk.embedded import ClusterDefinitionBase
from aerolite.sync import Cluster, ClusterDefinition, Session

D = TypeVar("D", bound=ClusterDefinitionBase)

_LOGIN_REFUSED = re.compile(r"Error (60|65|66|80|82)\b")
"""A connect that failed at login: unknown user, wrong password, expired session, not allowed from here."""

USAGE_ERROR = 2
"""Exit status of a command that could not do what was asked (argparse uses it for bad syntax too)."""
INTERRUPTED = 130
"""Exit status after Ctrl-C, as shells report a SIGINT'd process."""


class CliError(Exception):
    """Bad input the command line itself detects (the SDK's own checks raise ``ValueError``/``TypeError``)."""


def cli_value(text: str) -> Any:
    """A value typed on the command line: JSON when it parses (``5``, ``true``, ``"5"``, ``[1,2]``), else the text.

    >>> cli_value("5"), cli_value('"5"'), cli_value("gold")
    (5, '5', 'gold')
    """
    try:
        return json.loads(text)
    except ValueError:
        return text


@contextmanager
def reaching(args: argparse.Namespace) -> Iterator[None]:
    """Around a connect to ``--host``: a refused connection (or login) becomes one clear line."""
    host, port = args.host
    if logging.getLogger().getEffectiveLevel() >= logging.WARNING:
        # The client logs a refused connection itself; the one-line error already says it.
        logging.getLogger("aerospike_core").setLevel(logging.CRITICAL)
    try:
        yield
    except ConnectionError as exc:
        if _LOGIN_REFUSED.search(str(exc)):
            raise CliError(f"the node at {host}:{port} refused the login: {exc}") from exc
        raise CliError(f"cannot reach a node at {host}:{port}: {exc}") from exc


@contextmanager
def connected(args: argparse.Namespace) -> Iterator[Cluster]:
    """A cluster connected to ``--host``, closed on exit."""
    definition = with_access(ClusterDefinition(*args.host), args)
    with reaching(args):
        cluster = definition.connect()
    with cluster:
        yield cluster


def read_password(path: str) -> str:
    """The password on the first line of the file at ``path`` (passwords never go on a command line)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0]:
        raise CliError(f"{path} holds no password on its first line")
    return lines[0]


def with_access(definition: D, args: argparse.Namespace) -> D:
    """The definition with the ``--user``/``--password-file`` and ``--tls-ca``/``--tls-name`` of a command."""
    if (args.user is None) != (args.password_file is None):
        raise CliError("--user and --password-file go together (a password never goes on the command line)")
    if args.user is not None:
        definition.with_credentials(args.user, read_password(args.password_file))
    if args.tls_ca is not None or args.tls_name is not None:
        if args.tls_name is None:
            raise CliError("--tls-ca needs --tls-name (the name in the node's certificate)")
        definition.with_tls(args.tls_ca, args.tls_name)
    return definition


@contextmanager
def session_of(args: argparse.Namespace) -> Iterator[Session]:
    """A default-behavior session on ``--host``, for commands that need nothing else of the cluster."""
    with connected(args) as cluster:
        yield cluster.create_session()


def one_line(text: str) -> str:
    """A message with its line breaks and runs of spaces folded, for a one-line error."""
    return re.sub(r"\s+", " ", text).strip()


def guarded(command: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command, turning the failures people cause into one line on stderr and exit status 2."""
    try:
        return command(args)
    except AelError as exc:
        message = str(exc)  # the caret excerpt needs its own lines to point at the column
    except (AerospikeError, CliError, ValueError, OSError) as exc:
        message = one_line(str(exc))
    except KeyboardInterrupt:
        print("aerolite: interrupted", file=sys.stderr)
        return INTERRUPTED
    command_name = " ".join(filter(None, (args.command, getattr(args, "action", None))))
    print(f"aerolite {command_name}: {message}", file=sys.stderr)
    return USAGE_ERROR
