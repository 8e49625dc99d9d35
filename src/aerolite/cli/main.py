"""The ``aerolite`` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from aerolite.cli.commands import add_node_commands
from aerolite.cli.serve_access import access_config, add_access_options
from aerolite.cli.user_args import add_user_commands
from aerolite.server.config import BUILD, ServerConfig, parse_namespace_spec


def _serve(args: argparse.Namespace) -> int:
    from aerolite.server.app import run  # the engine loads only for this subcommand

    data_dir = Path(args.data_dir) if args.data_dir else None
    specs = args.namespace or ["test"]
    try:
        namespaces = tuple(parse_namespace_spec(spec, data_dir) for spec in specs)
        config = ServerConfig(
            host=args.host, port=args.port, namespaces=namespaces, cluster_name=args.cluster_name,
            max_frame_bytes=args.max_frame_bytes, data_dir=data_dir, build=args.build,
            job_retention_seconds=args.job_retention, access=access_config(args),
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
        "--namespace", action="append", metavar="NAME[:memory|:file]",
        help="a namespace to serve; repeatable (default: one in-memory namespace 'test')",
    )
    serve.add_argument("--data-dir", help="directory for file-backed namespaces")
    serve.add_argument("--cluster-name", default="null", help="cluster name reported to clients")
    serve.add_argument("--max-frame-bytes", type=int, default=128 * 1024 * 1024, help="largest request accepted")
    serve.add_argument("--job-retention", type=float, default=3600.0, metavar="SECONDS",
                       help="how long finished jobs stay listed (default 3600)")
    serve.add_argument("--build", default=BUILD, help=f"server build reported to clients (default {BUILD})")
    add_access_options(serve)
    serve.set_defaults(handler=_serve)
    demo = sub.add_parser("demo", help="start an embedded engine, load users, run one job of each kind, prove it")
    demo.add_argument("--records", type=int, default=1_000_000, help="users to generate (default 1,000,000)")
    demo.add_argument("--concurrency", type=int, default=4, help="batch writes in flight while loading (default 4)")
    demo.add_argument("--seed", type=int, default=7, help="random seed of the generated data")
    demo.set_defaults(handler=_demo)
    add_node_commands(sub)
    add_user_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
