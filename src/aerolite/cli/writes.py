"""The write options of ``aerolite run update``, each a short chain of the SDK's table verbs.

``--bin NAME`` starts a step and exactly one write option finishes it; the option's values feed the
chain's verbs in order (``--map-put K V`` is ``.bin(NAME).on_map_key(K).set_to(V)``). Values are JSON
when they parse (``5`` a number, ``'"5"'`` a string, ``'[1,2]'`` a list), else text; options marked
``raw`` take their text as is. Only the standard library is imported here, so ``--help`` stays fast. Every verb named here is a verb of :mod:`aerolite.sdk.verb_table`, which
``tests/sdk/test_verb_table.py`` checks, so the command line cannot drift from the SDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class CliWrite:
    """One write option: its flag, the verbs it chains with how many values each takes, and its help."""

    flag: str
    chain: tuple[tuple[str, int], ...]
    metavar: tuple[str, ...]
    help: str
    raw: bool = False

    @property
    def key(self) -> str:
        """The name the parsed option is kept under (``--list-append`` → ``list_append``)."""
        return self.flag.removeprefix("--").replace("-", "_")

    def apply(self, step: Any, values: list[str]) -> Any:
        """Continue the bin step ``step`` with this option's chain; the job builder it returns."""
        from aerolite.cli.node import cli_value  # the SDK loads when a command runs, not at parse time

        taken = [text if self.raw else cli_value(text) for text in values]
        target = step
        for verb, arity in self.chain:
            target = getattr(target, verb)(*taken[:arity])
            taken = taken[arity:]
        return target


CLI_WRITES: tuple[CliWrite, ...] = (
    CliWrite("--set-to", (("set_to", 1),), ("VALUE",), "write VALUE"),
    CliWrite("--add", (("add", 1),), ("N",), "add a number"),
    CliWrite("--append", (("append", 1),), ("TEXT",), "append TEXT to a string bin", raw=True),
    CliWrite("--prepend", (("prepend", 1),), ("TEXT",), "prepend TEXT to a string bin", raw=True),
    CliWrite("--remove", (("remove", 0),), (), "delete the bin"),
    CliWrite("--list-append", (("list_append", 1),), ("VALUE",), "append VALUE to a list bin"),
    CliWrite("--list-remove-value", (("on_list_value", 1), ("remove", 0)), ("VALUE",),
             "remove every element equal to VALUE from a list bin"),
    CliWrite("--map-put", (("on_map_key", 1), ("set_to", 1)), ("KEY", "VALUE"), "put KEY: VALUE into a map bin"),
    CliWrite("--map-increment", (("on_map_key", 1), ("add", 1)), ("KEY", "N"),
             "add N to the number under KEY of a map bin (missing: 0)"),
    CliWrite("--from", (("upsert_from", 1),), ("AEL",), "write the value of an AEL expression, e.g. '$.score * 2'",
             raw=True),
    CliWrite("--str-upper", (("str_upper", 0),), (), "uppercase a string bin in place (server 8.2)"),
    CliWrite("--str-lower", (("str_lower", 0),), (), "lowercase a string bin in place"),
    CliWrite("--str-trim", (("str_trim", 0),), (), "strip whitespace from both ends of a string bin"),
    CliWrite("--str-replace-all", (("str_replace_all", 2),), ("FIND", "REPLACE"),
             "replace every FIND with REPLACE in a string bin", raw=True),
)
"""Every write option of ``run update``, in help order."""

BY_KEY = {write.key: write for write in CLI_WRITES}
