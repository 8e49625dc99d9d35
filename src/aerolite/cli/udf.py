"""``aerolite udf register|list|remove``: the Lua modules a node holds for UDF jobs."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import JustifyMethod

from aerolite.cli.display import print_table
from aerolite.cli.node import CliError, session_of


def register(args: argparse.Namespace) -> int:
    """Register a Lua file under its stem (or ``--name``); the name is what ``run udf --module`` takes."""
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    with session_of(args) as session:
        module = session.register_udf(path, args.name)
    print(f"registered UDF module {module} from {path}")
    return 0


def list_modules(args: argparse.Namespace) -> int:
    """A table of the registered modules: name, language, content hash."""
    with session_of(args) as session:
        modules = session.udfs()
    columns: list[tuple[str, JustifyMethod]] = [("module", "left"), ("type", "left"), ("hash", "left")]
    print_table(columns, ((m.name, m.language, m.hash) for m in modules), "no UDF modules registered")
    return 0


def remove(args: argparse.Namespace) -> int:
    """Remove a module; naming one that is not registered is an error (the node would say nothing)."""
    name = args.name.removesuffix(".lua")
    with session_of(args) as session:
        if name not in {module.name for module in session.udfs()}:
            raise CliError(f"no UDF module named {name!r} is registered (see: aerolite udf list)")
        session.remove_udf(name)
    print(f"removed UDF module {name}")
    return 0
