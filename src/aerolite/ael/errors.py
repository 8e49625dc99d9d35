"""AEL errors: where in the text, and what is wrong there.

Contract: every problem with an AEL text (lexical, syntactic, a decidable type mismatch, an unbound
parameter) raises ``AelSyntaxError``, a PARAMETER_ERROR result carrying 1-based ``line`` and
``column`` and a message that ends with the offending line and a caret under the column.
"""

from __future__ import annotations

from aerolite.expr.errors import ExprError
from aerolite.result_codes import ExpressionTrace


class AelSyntaxError(ExprError):
    """An AEL text that cannot be turned into an expression."""

    def __init__(self, reason: str, text: str, offset: int) -> None:
        offset = max(0, min(offset, len(text)))
        line = text.count("\n", 0, offset) + 1
        line_start = text.rfind("\n", 0, offset) + 1
        line_end = text.find("\n", offset)
        excerpt = text[line_start : line_end if line_end >= 0 else len(text)]
        column = offset - line_start + 1
        super().__init__(f"{reason} at line {line}, column {column}\n  {excerpt}\n  {' ' * (column - 1)}^",
                         ExpressionTrace(ael_offset=offset, snippet=excerpt))
        self.reason = reason
        self.line = line
        self.column = column
        self.offset = offset
