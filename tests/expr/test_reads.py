"""Which expressions read bins (storage) and which only record metadata."""

from __future__ import annotations

import pytest

from aerolite.ael import parse
from aerolite.expr.reads import reads_bins


@pytest.mark.parametrize(("text", "reads"), [
    ("$.age > 25", True),
    ("$.ttl() > 0 and $.setName() == 'people'", False),
    ("$.digestModulo(3) == 1 or $.sinceUpdate() > 10", False),
    ("$.ttl() > 0 and $.tags.[0] == 'vip'", True),
    ("let (x = $.ttl()) then (${x} > 10)", False),
    ("let (x = $.age) then (${x} > 10)", True),
    ("$.key() == 'u1'", True),
    ("when($.ttl() > 5 => true, default => $.flag)", True),
])
def test_reads_bins(text: str, reads: bool) -> None:
    assert reads_bins(parse(text)) is reads
