"""``aerolite demo`` at a small size: every job's proof holds and the figures add up."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest


@pytest.mark.parametrize("nodes", [1, 2])
def test_demo_proves_every_job(nodes: int) -> None:
    """On one node and on an embedded 2-node cluster (each job's progress merged over the nodes)."""
    result = subprocess.run(
        [sys.executable, "-m", "aerolite.cli.main", "demo", "--records", "2000", "--nodes", str(nodes)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "loaded 2,000 users" in out
    rows = {m[0]: m[1:] for m in re.findall(r"^\s+(update|touch\+TTL|Lua UDF|delete)\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)\s+0\s",
                                            out, re.MULTILINE)}
    assert set(rows) == {"update", "touch+TTL", "Lua UDF", "delete"}, out
    for selected, written, filtered in rows.values():
        assert selected == written
        assert int(written.replace(",", "")) + int(filtered.replace(",", "")) == 2000
    assert "every check holds" in out
