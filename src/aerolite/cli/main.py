"""The ``aerolite`` command line."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from aerolite.cli.commands import add_node_commands
from aerolite.cli.serve_access import access_config, add_access_options
from aerolite.cli.user_args import add_user_commands
from aerolite.engine.sizing import MAX_RECORD_BYTES, STOP_WRITES_USED_PCT, default_namespace_bytes, parse_size
from aerolite.server.config import BUILD, ServerConfig, parse_namespace_spec

DEMO_NODES = min(os.cpu_count() or 1, 8)
"""The demo loads and runs background jobs, server work that a node per core spreads (README: measured)."""


def _serve(args: argparse.Namespace) -> int:
    from aerolite.server.app import run  # the engine loads only for this subcommand

    if args.nodes != 1:
        return _serve_cluster(args)
    data_dir = Path(args.data_dir) if args.data_dir else None
    specs = args.namespace or ["test"]
    try:
        limits = {"max_record_bytes": parse_size(args.max_record_size), "stop_writes_used_pct": args.stop_writes_pct}
        namespaces = tuple(parse_namespace_spec(spec, data_dir, **limits) for spec in specs)
        config = ServerConfig(
            host=args.host, port=args.port, namespaces=namespaces, cluster_name=args.cluster_name,
            max_frame_bytes=args.max_frame_bytes, data_dir=data_dir, build=args.build,
            job_retention_seconds=args.job_retention, access=access_config(args),
            cluster_ports=args.cluster_ports, node_index=args.node_index, cluster_key=_cluster_key(args),
            max_connections=args.max_connections, idle_timeout_seconds=args.idle_timeout,
        )
    except ValueError as exc:
        print(f"aerolite serve: {exc}", file=sys.stderr)
        return 2

    def listening(port: int) -> None:
        print(f"aerolite listening on {args.host}:{port}", flush=True)

    try:
        run(config, listening)
    except (ValueError, OSError) as exc:  # access control or TLS files that cannot be used
        print(f"aerolite serve: {exc}", file=sys.stderr)
        return 2
    return 0


_CLUSTER_OWN = ("--nodes", "--port", "--data-dir", "--cluster-ports", "--node-index")
"""Options the supervisor sets itself for each node; every other ``serve`` option reaches each node as given."""


def _node_argv(argv: list[str]) -> list[str]:
    """``argv`` without the options in ``_CLUSTER_OWN`` (``--opt value`` and ``--opt=value`` forms)."""
    kept: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _CLUSTER_OWN:
            skip = True
        elif not arg.startswith(tuple(f"{name}=" for name in _CLUSTER_OWN)):
            kept.append(arg)
    return kept


def _serve_cluster(args: argparse.Namespace) -> int:
    """``serve --nodes N``: a supervisor of N node processes, one local cluster."""
    from aerolite.server.supervisor import Supervisor, free_ports, run_cluster

    if not 1 <= args.nodes <= 64:
        print(f"aerolite serve: --nodes must be 1..64, not {args.nodes}", file=sys.stderr)
        return 2
    if args.tls_cert is not None and not args.tls_name:
        print("aerolite serve: --nodes with --tls-cert needs --tls-name (the name in the certificate), by which "
              "clients reach the other nodes", file=sys.stderr)
        return 2
    ports = free_ports(args.host, args.nodes) if args.port == 0 else [args.port + i for i in range(args.nodes)]
    base = [sys.executable, "-m", "aerolite.cli.main", *_node_argv(args.argv)]

    def argv_of(index: int) -> list[str]:
        node = [*base, "--port", str(ports[index]), "--node-index", str(index),
                "--cluster-ports", ",".join(map(str, ports))]
        return [*node, "--data-dir", str(Path(args.data_dir) / f"node{index}")] if args.data_dir else node

    def listening(port: int) -> None:
        print(f"aerolite listening on {args.host}:{port}", flush=True)

    try:
        run_cluster(Supervisor(args.host, ports, argv_of), listening)
    except RuntimeError as exc:  # a node could not start (a port in use, a bad option ...)
        print(f"aerolite serve: {exc}", file=sys.stderr)
        return 1
    return 0


def _cluster_key(args: argparse.Namespace) -> bytes:
    """A node of a local cluster reads the cluster key its supervisor writes to its standard input."""
    if not args.cluster_ports:
        return b""
    line = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.readline().strip()
    try:
        key = bytes.fromhex(line)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise ValueError("--cluster-ports is for the nodes 'serve --nodes' starts, which read the cluster key on "
                         "their standard input")
    return key


def _ports(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(","))


def _demo(args: argparse.Namespace) -> int:
    from aerolite.cli.demo import run  # the SDK and rich load only for this subcommand

    return run(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aerolite", description=__doc__)
    parser.add_argument("--log-level", default="WARNING", help="logging level (DEBUG, INFO, WARNING, ...)")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the Aerospike-compatible engine as a server")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback)")
    serve.add_argument("--port", type=int, default=3000, help="port to listen on (0 picks a free one)")
    serve.add_argument(
        "--namespace", action="append", metavar="NAME[:memory|:file][:compact][:SIZE]",
        help="a namespace to serve; repeatable (default: one in-memory namespace 'test'). compact packs each "
             "record (less memory, slower reads and jobs). SIZE (like 64M or 4G) bounds its data (default "
             f"{default_namespace_bytes() >> 20} MiB on this machine: 4 GiB or an eighth of its memory)",
    )
    serve.add_argument("--data-dir", help="directory for file-backed namespaces")
    serve.add_argument("--cluster-name", default="null", help="cluster name reported to clients")
    serve.add_argument("--max-frame-bytes", type=int, default=128 * 1024 * 1024, help="largest request accepted")
    serve.add_argument("--job-retention", type=float, default=3600.0, metavar="SECONDS",
                       help="how long finished jobs stay listed (default 3600)")
    serve.add_argument("--build", default=BUILD, help=f"server build reported to clients (default {BUILD})")
    add_access_options(serve)
    serve.add_argument("--nodes", type=int, default=1,
                       help="run a local cluster of N node processes on consecutive ports (default 1)")
    serve.add_argument("--cluster-ports", type=_ports, default=(), help=argparse.SUPPRESS)
    serve.add_argument("--node-index", type=int, default=0, help=argparse.SUPPRESS)
    serve.add_argument("--stop-writes-pct", type=int, default=STOP_WRITES_USED_PCT, metavar="PCT",
                       help="a namespace this full refuses writes with result 8 until records are deleted "
                            f"(a node's stop-writes-used-pct, default {STOP_WRITES_USED_PCT})")
    serve.add_argument("--max-record-size", default=f"{MAX_RECORD_BYTES >> 20}M", metavar="SIZE",
                       help="larger records are refused with result 13 (a node's max-record-size, default 1M)")
    serve.add_argument("--max-connections", type=int, default=15_000, metavar="N",
                       help="client connections served at once; more are closed (a node's proto-fd-max, default 15000)")
    serve.add_argument("--idle-timeout", type=float, default=60.0, metavar="SECONDS",
                       help="close connections silent this long, even mid-request (a node's proto-fd-idle-ms; "
                            "default 60, 0 never)")
    serve.set_defaults(handler=_serve)
    demo = sub.add_parser("demo", help="start an embedded engine, load users, run one job of each kind, prove it")
    demo.add_argument("--records", type=int, default=1_000_000, help="users to generate (default 1,000,000)")
    demo.add_argument("--concurrency", type=int, default=4, help="batch writes in flight while loading (default 4)")
    demo.add_argument("--seed", type=int, default=7, help="random seed of the generated data")
    demo.add_argument("--nodes", type=int, default=DEMO_NODES,
                      help=f"node processes of the embedded cluster (default one per core, here {DEMO_NODES})")
    demo.set_defaults(handler=_demo)
    add_node_commands(sub)
    add_user_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
