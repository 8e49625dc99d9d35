"""How deep list and map values nest, and the deepest nesting the project stores.

Every layer that walks a value recurses (the msgpack codec, the CDT order, UDF conversion), so values
are bounded once, where they enter: decoding refuses deeper input and CDT writes refuse to build
deeper bins. ``nesting`` itself uses an explicit stack and works on values of any depth.
"""

from __future__ import annotations

from typing import Any

MAX_NESTING = 128
"""Lists and maps nested deeper than this are refused (PARAMETER_ERROR); real documents are far shallower."""


def nesting(value: Any) -> int:
    """Levels of list or map containment: 0 for a scalar, 1 for a flat list or map."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, tuple)):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item)
        elif isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for pair in item.items() for child in pair)
    return deepest
