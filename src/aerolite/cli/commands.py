"""The arguments of the commands that talk to a node: ``load``, ``run``, ``jobs``, ``udf``, ``count``, ``monitor``.

Only argparse is imported here: each command's module (and with it the SDK, the client and ``rich``)
loads when that command runs, so ``aerolite serve`` and ``aerolite --help`` start fast.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Sequence
from typing import Any

from aerolite.cli.writes import CLI_WRITES

DEFAULT_HOST = "127.0.0.1:3000"


def _lazy(module: str, function: str) -> Callable[[argparse.Namespace], int]:
    """A handler that imports ``aerolite.cli.<module>`` when its command runs, and reports failures as one line."""

    def handler(args: argparse.Namespace) -> int:
        from aerolite.cli.node import guarded

        command: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(f"aerolite.cli.{module}"),
                                                               function)
        return guarded(command, args)

    return handler


def host_port(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (or just ``HOST``, port 3000), as argparse's ``type=`` for ``--host``.

    >>> host_port("127.0.0.1:3100")
    ('127.0.0.1', 3100)
    """
    host, colon, port = text.rpartition(":")
    if not colon:
        host, port = text, "3000"
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT such as 127.0.0.1:3000, not {text!r}")
    return host, int(port)


class _Step(argparse.Action):
    """Collects ``--bin`` and the write verbs into one list in command-line order.

    argparse keeps each option's values apart, which would lose which ``--add`` belongs to which ``--bin``.
    """

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        given = [values] if isinstance(values, str) else list(values or ())
        setattr(namespace, self.dest, [*(getattr(namespace, self.dest) or []), (self.const, given)])


def _node_parser(sub: Any, name: str, help_text: str, *, dataset: bool = False) -> argparse.ArgumentParser:
    """A subcommand with ``--host`` (and ``--namespace``/``--set`` when it works on a set)."""
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    parser.add_argument("--host", type=host_port, default=DEFAULT_HOST, metavar="HOST:PORT",
                        help=f"the node to talk to (default {DEFAULT_HOST})")
    access = parser.add_argument_group("access control and TLS")
    access.add_argument("--user", help="log in as this user (the node runs with --security)")
    access.add_argument("--password-file", metavar="FILE", help="the password of --user (first line of FILE)")
    access.add_argument("--tls-ca", metavar="FILE", help="talk TLS, trusting this CA (PEM)")
    access.add_argument("--tls-name", help="talk TLS; the name in the node's certificate")
    if dataset:
        parser.add_argument("--namespace", default="test", help="namespace (default test)")
        parser.add_argument("--set", required=True, help="set name")
    return parser


def _add_run(sub: Any) -> None:
    run = _node_parser(sub, "run", "start a background job and follow its progress", dataset=True)
    run.add_argument("kind", choices=("update", "delete", "touch", "udf"), help="what the job does to each record")
    run.add_argument("--where", metavar="AEL", help="only records for which this AEL filter holds, e.g. '$.age > 30'")
    writes = run.add_argument_group("writes of an update job (repeatable, in order: --bin NAME then one write; "
                                    "values are JSON when they parse: 5 is a number, '\"5\"' a string)")
    writes.add_argument("--bin", dest="steps", action=_Step, const="bin", metavar="NAME", help="the bin the next write changes")
    for write in CLI_WRITES:
        writes.add_argument(write.flag, dest="steps", action=_Step, const=write.key, nargs=len(write.metavar),
                            metavar=write.metavar or None, help=write.help)
    ttl = run.add_argument_group("TTL of written records (update, touch)").add_mutually_exclusive_group()
    ttl.add_argument("--ttl", type=int, metavar="SECONDS", help="expire records SECONDS from now")
    ttl.add_argument("--never-expire", action="store_true", help="make records permanent")
    ttl.add_argument("--keep-ttl", action="store_true", help="keep each record's TTL as it is")
    udf = run.add_argument_group("udf jobs")
    udf.add_argument("--module", help="registered Lua module (see: aerolite udf list)")
    udf.add_argument("--function", help="function of the module, called with each record")
    udf.add_argument("--arg", action="append", default=[], metavar="VALUE",
                     help="an argument after the record (repeatable; JSON when it parses)")
    run.add_argument("--rps", type=int, default=0, metavar="N", help="throttle to N records per second (0: no limit)")
    run.add_argument("--no-wait", action="store_true", help="print the job id and return at once")
    run.add_argument("--abort-on-interrupt", action="store_true", help="Ctrl-C aborts the job without asking")
    run.set_defaults(steps=[], handler=_lazy("jobs", "run_job"))


def _add_jobs(sub: Any) -> None:
    jobs = sub.add_parser("jobs", help="list, watch, show or abort background jobs")
    actions = jobs.add_subparsers(dest="action", required=True)
    listing = _node_parser(actions, "list", "a table of recent background jobs, oldest first")
    listing.add_argument("--limit", type=int, default=20, help="show the N most recent (default 20, 0: all)")
    listing.set_defaults(handler=_lazy("jobs", "list_jobs"))
    watch = _node_parser(actions, "watch", "follow a job's live progress until it ends")
    watch.add_argument("id", type=int, help="job id (see: aerolite jobs list)")
    watch.add_argument("--abort-on-interrupt", action="store_true", help="Ctrl-C aborts the job without asking")
    watch.set_defaults(handler=_lazy("jobs", "watch_job"))
    show = _node_parser(actions, "show", "a job's state, counters and the failed records the node kept")
    show.add_argument("id", type=int, help="job id (see: aerolite jobs list)")
    show.set_defaults(handler=_lazy("jobs", "show_job"))
    abort = _node_parser(actions, "abort", "stop a running job (records it wrote stay written)")
    abort.add_argument("id", type=int, help="job id (see: aerolite jobs list)")
    abort.set_defaults(handler=_lazy("jobs", "abort_job"))


def _add_udf(sub: Any) -> None:
    udf = sub.add_parser("udf", help="register, list or remove Lua UDF modules")
    actions = udf.add_subparsers(dest="action", required=True)
    register = _node_parser(actions, "register", "register a Lua module from a file")
    register.add_argument("file", help="the .lua file")
    register.add_argument("--name", help="module name (default: the file's name without .lua)")
    register.set_defaults(handler=_lazy("udf", "register"))
    _node_parser(actions, "list", "the registered modules").set_defaults(handler=_lazy("udf", "list_modules"))
    remove = _node_parser(actions, "remove", "remove a registered module")
    remove.add_argument("name", help="module name")
    remove.set_defaults(handler=_lazy("udf", "remove"))


def _add_monitor(sub: Any) -> None:
    monitor = _node_parser(sub, "monitor", "a live web page of the cluster's background jobs, sets, indexes and UDFs")
    monitor.add_argument("--web-port", type=int, default=8686, metavar="PORT",
                         help="port of the page (default 8686; 0 picks a free one)")
    monitor.add_argument("--bind", default="127.0.0.1", metavar="ADDRESS",
                         help="address the page listens on (default loopback: only this machine)")
    monitor.add_argument("--read-only", action="store_true", help="show no Abort buttons and refuse aborts")
    monitor.add_argument("--interval", type=float, default=1.0, metavar="SECONDS",
                         help="how often jobs are polled (default 1)")
    monitor.add_argument("--overview-interval", type=float, default=5.0, metavar="SECONDS",
                         help="how often namespaces, sets, indexes and UDF modules are read (default 5)")
    monitor.set_defaults(handler=_lazy("monitor", "monitor"))


def add_node_commands(sub: Any) -> None:
    """Register ``load``, ``run``, ``jobs``, ``udf``, ``count`` and ``monitor`` on the top-level subparsers."""
    load = _node_parser(sub, "load", "write generated sample users (the demo's) into a set", dataset=True)
    load.add_argument("--records", type=int, default=10_000, help="users to generate (default 10,000)")
    load.add_argument("--concurrency", type=int, default=4, help="batch writes in flight (default 4)")
    load.add_argument("--seed", type=int, default=7, help="random seed of the generated data")
    load.set_defaults(handler=_lazy("load", "load"))
    _add_run(sub)
    _add_jobs(sub)
    _add_udf(sub)
    count = _node_parser(sub, "count", "how many records a job would select now (dry run, writes nothing)",
                         dataset=True)
    count.add_argument("--where", metavar="AEL", help="AEL filter, e.g. '$.active == true'")
    count.set_defaults(handler=_lazy("jobs", "count"))
    _add_monitor(sub)
