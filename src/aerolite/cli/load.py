"""``aerolite load``: the demo's generated users, written into any node's set to try jobs on."""

from __future__ import annotations

import argparse
import asyncio

from aerolite.cli.demo import load_users
from aerolite.cli.display import make_console
from aerolite.cli.node import CliError, reaching, with_access
from aerolite.sdk import ClusterDefinition, DataSet


def load(args: argparse.Namespace) -> int:
    """Load ``--records`` users (keys 0..N-1) into ``--namespace``/``--set`` with concurrent batch writes."""
    if args.records < 1 or args.concurrency < 1:
        raise CliError("--records and --concurrency must be at least 1")
    asyncio.run(_load(args))
    return 0


async def _load(args: argparse.Namespace) -> None:
    definition = with_access(ClusterDefinition(*args.host), args)
    with reaching(args):
        cluster = await definition.connect()
    async with cluster:
        await load_users(cluster.create_session(), DataSet.of(args.namespace, args.set), args.records,
                         args.concurrency, args.seed, make_console())
