"""printf-style parameters: ``where("$.age > %s and $.name == %s", 25, "Ada")``.

Contract: ``bind(text, params)`` returns the text with each ``%s`` / ``%r`` / ``%d`` / ``%f``
replaced by the next parameter written as an AEL literal, and ``%%`` by ``%``; any other ``%`` is AEL's
modulo and stays. It only runs when parameters are given (as in aerospike-sdk). Unlike the SDK,
strings are quoted and escaped, so a parameter can never change the structure of the filter: ``%s``
with ``"O'Brien"`` becomes ``'O\\'Brien'``, and ``'%s'`` (already quoted in the template) is filled
with the escaped text only. Too few parameters raise ``AelSyntaxError`` at the conversion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from aerolite.ael.errors import AelSyntaxError
from aerolite.ael.literals import escape, render, render_float

_CONVERSION = re.compile(r"%[%srdf]")


def bind(text: str, params: Sequence[Any]) -> str:
    """``text`` with its printf conversions filled from ``params``."""
    pieces: list[str] = []
    last = 0
    used = 0
    for m in _CONVERSION.finditer(text):
        pieces.append(text[last : m.start()])
        last = m.end()
        code = m.group()[1]
        if code == "%":
            pieces.append("%")
            continue
        if used >= len(params):
            raise AelSyntaxError(f"no parameter left for {m.group()}", text, m.start())
        value = params[used]
        used += 1
        before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
        try:
            if code == "d":
                pieces.append(str(int(value)))
            elif code == "f":
                pieces.append(render_float(float(value)))
            elif isinstance(value, str) and before in ("'", '"') and after == before:
                pieces.append(escape(value, before))
            else:
                pieces.append(render(value))
        except (TypeError, ValueError) as exc:
            raise AelSyntaxError(f"parameter {used} does not fit {m.group()}: {exc}", text, m.start()) from None
    pieces.append(text[last:])
    return "".join(pieces)


def has_conversions(text: str) -> bool:
    """Whether ``text`` holds any printf conversion."""
    return _CONVERSION.search(text) is not None
