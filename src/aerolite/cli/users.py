"""``aerolite user add|list|drop|grant|revoke|password``: the users of a node with access control.

Built on the SDK's cluster and the official client's admin calls, so it manages a real Aerospike
Enterprise node the same way. The caller logs in with ``--user``/``--password-file`` as a user holding
the ``user-admin`` role; new passwords are read from files too.
"""

from __future__ import annotations

import argparse

from rich.console import JustifyMethod

from aerolite.cli.display import print_table
from aerolite.cli.node import connected, read_password
from aerolite.sdk.errors import converted


def add(args: argparse.Namespace) -> int:
    """Create a user with its roles."""
    password = read_password(args.new_password_file)
    with connected(args) as cluster, converted():
        cluster.native_client.create_user_blocking(args.name, password, args.role)
    print(f"created user {args.name} with roles {', '.join(args.role) or '(none)'}")
    return 0


def list_users(args: argparse.Namespace) -> int:
    """A table of users and their roles."""
    with connected(args) as cluster, converted():
        users = cluster.native_client.query_users_blocking()
    columns: list[tuple[str, JustifyMethod]] = [("user", "left"), ("roles", "left")]
    print_table(columns, ((u.user, ", ".join(sorted(u.roles))) for u in users), "no users")
    return 0


def drop(args: argparse.Namespace) -> int:
    """Remove a user; its open connections lose access at once."""
    with connected(args) as cluster, converted():
        cluster.native_client.drop_user_blocking(args.name)
    print(f"dropped user {args.name}")
    return 0


def grant(args: argparse.Namespace) -> int:
    """Give a user more roles."""
    with connected(args) as cluster, converted():
        cluster.native_client.grant_roles_blocking(args.name, args.role)
    print(f"granted {', '.join(args.role)} to {args.name}")
    return 0


def revoke(args: argparse.Namespace) -> int:
    """Take roles from a user."""
    with connected(args) as cluster, converted():
        cluster.native_client.revoke_roles_blocking(args.name, args.role)
    print(f"revoked {', '.join(args.role)} from {args.name}")
    return 0


def password(args: argparse.Namespace) -> int:
    """Set a user's password (one's own, or anyone's with user-admin)."""
    new = read_password(args.new_password_file)
    with connected(args) as cluster, converted():
        cluster.native_client.change_password_blocking(args.name, new)
    print(f"changed the password of {args.name}")
    return 0
