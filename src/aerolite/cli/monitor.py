"""``aerolite monitor``: serve the live job monitor page for the cluster at ``--host``.

The page talks to this process only; this process talks to the cluster only through the SDK, so the
same command watches ``aerolite serve`` and a real Aerospike cluster.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from aerolite.cli.node import CliError, reaching, with_access
from aerolite.monitor.app import LOOPBACK, MonitorConfig, create_app, serve
from aerolite.monitor.poller import Poller
from aerolite.monitor.snapshot import Snapshots
from aerolite.sdk import ClusterDefinition


def monitor(args: argparse.Namespace) -> int:
    """Connect, then serve the page until Ctrl-C (a normal way to stop it: exit status 0)."""
    for option, seconds in (("--interval", args.interval), ("--overview-interval", args.overview_interval)):
        if seconds <= 0:
            raise CliError(f"{option} must be > 0 seconds, not {seconds}")
    if not 0 <= args.web_port < 65536:
        raise CliError(f"--web-port must be a port number (0 picks a free one), not {args.web_port}")
    try:
        asyncio.run(_monitor(args))
    except OSError as exc:
        raise CliError(f"cannot listen on {args.bind}:{args.web_port}: {exc.strerror or exc}") from exc
    except KeyboardInterrupt:
        pass
    return 0


async def _monitor(args: argparse.Namespace) -> None:
    host, port = args.host
    with reaching(args):
        cluster = await with_access(ClusterDefinition(host, port), args).connect()
    async with cluster:
        config = MonitorConfig(bind=args.bind, read_only=args.read_only)
        snapshots = Snapshots(cluster.create_session(), f"{host}:{port}", args.overview_interval)
        poller = Poller(snapshots, args.interval)
        app = create_app(cluster.create_session(), poller, config)

        def ready(url: str) -> None:
            mode = " (read-only)" if args.read_only else ""
            print(f"aerolite monitor of {host}:{port} on {url}{mode}", flush=True)
            if args.bind not in LOOPBACK:
                print(f"warning: listening on {args.bind}: anyone who can reach it sees the cluster's jobs"
                      + ("" if args.read_only else " and can abort them from the page"), file=sys.stderr, flush=True)

        await serve(app, args.bind, args.web_port, ready)
