"""Python values ↔ AEL literal text, shared by the printer and by printf-style parameter binding.

Contract: ``render(value)`` writes a value as AEL source that the parser reads back as the same
literal (strings single-quoted with backslash escapes, floats always with a dot and never with an
exponent, blobs as ``X'..'``, None as ``nil``); ``escape(text, quote)`` escapes a string for the
inside of an existing pair of quotes. ``literal_value`` turns a bound parameter into the value an
expression literal holds (maps become key-ordered, as written map literals are).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from aerolite.expr.errors import ExprError
from aerolite.values.ordering import sorted_items
from aerolite.values.types import GeoJson, KeyOrderedMap


def escape(text: str, quote: str = "'") -> str:
    """``text`` escaped for the inside of ``quote`` characters."""
    return text.replace("\\", "\\\\").replace(quote, "\\" + quote)


def render_float(value: float) -> str:
    """A float in AEL's positional form (digits, a dot, digits)."""
    if not math.isfinite(value):
        raise ExprError(f"{value} has no AEL literal form")
    text = format(Decimal(repr(value)), "f")
    return text if "." in text else text + ".0"


def render(value: Any) -> str:  # one branch per literal kind
    """AEL source for a literal value."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return render_float(value)
    if isinstance(value, GeoJson):
        return f"geoJson('{escape(value)}')"
    if isinstance(value, str):
        return f"'{escape(value)}'"
    if isinstance(value, (bytes, bytearray)):
        return f"X'{bytes(value).hex()}'"
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{render(k)}: {render(v)}" for k, v in value.items()) + "}"
    raise ExprError(f"a {type(value).__name__} has no AEL literal form")


def literal_value(value: Any, top: bool = True) -> Any:
    """A bound parameter as an expression literal: maps sorted by key, key-ordered at the top."""
    if isinstance(value, dict):
        items = [(k, literal_value(v, False)) for k, v in sorted_items(value)]
        return KeyOrderedMap(items) if top else dict(items)
    if isinstance(value, (list, tuple)):
        return [literal_value(v, False) for v in value]
    return value
