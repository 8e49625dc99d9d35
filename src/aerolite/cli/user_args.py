"""The arguments of ``aerolite user add|list|drop|grant|revoke|password`` (only argparse is imported here)."""

from __future__ import annotations

from typing import Any

from aerolite.cli.commands import _lazy, _node_parser

ROLES = ("read", "read-write", "read-write-udf", "write", "truncate", "user-admin", "sys-admin", "data-admin",
         "udf-admin", "sindex-admin")
"""The predefined roles (user-defined roles are accepted too)."""


def add_user_commands(sub: Any) -> None:
    """Register ``user`` and its actions on the top-level subparsers."""
    user = sub.add_parser("user", help="add, list, drop users and change their roles or passwords (--security)")
    actions = user.add_subparsers(dest="action", required=True)
    add = _node_parser(actions, "add", "create a user")
    add.add_argument("name", help="the new user's name")
    add.add_argument("--new-password-file", required=True, metavar="FILE", help="the new user's password (first line)")
    add.add_argument("--role", action="append", default=[], help=f"a role to hold (repeatable): {', '.join(ROLES)}")
    add.set_defaults(handler=_lazy("users", "add"))
    _node_parser(actions, "list", "the users and their roles").set_defaults(handler=_lazy("users", "list_users"))
    drop = _node_parser(actions, "drop", "remove a user")
    drop.add_argument("name", help="the user to remove")
    drop.set_defaults(handler=_lazy("users", "drop"))
    for verb, help_text in (("grant", "give a user roles"), ("revoke", "take roles from a user")):
        change = _node_parser(actions, verb, help_text)
        change.add_argument("name", help="the user")
        change.add_argument("--role", action="append", required=True, help="a role (repeatable)")
        change.set_defaults(handler=_lazy("users", verb))
    password = _node_parser(actions, "password", "set a user's password")
    password.add_argument("name", help="the user")
    password.add_argument("--new-password-file", required=True, metavar="FILE", help="the new password (first line)")
    password.set_defaults(handler=_lazy("users", "password"))
