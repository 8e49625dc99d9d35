"""``udf register|list|remove`` and ``run udf``: a module from a file drives a job, then goes away."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.cli.conftest import Cli, read_back, seed_users, summary_of

TIER_LUA = """
function tier(rec, threshold)
  if rec['score'] >= threshold then rec['tier'] = 'gold' else rec['tier'] = 'std' end
  aerospike:update(rec)
end
"""


def test_udf_module_lifecycle_and_job(cli: Cli, node: Any, set_name: str, tmp_path: Path) -> None:
    source = tmp_path / "tiers.lua"
    source.write_text(TIER_LUA)
    module = f"tier_{set_name}"
    registered = cli("udf", "register", str(source), "--name", module)
    assert registered.returncode == 0, registered.stderr
    assert module in cli("udf", "list").stdout

    before = seed_users(node, set_name, 300)
    result = cli("run", "udf", "--set", set_name, "--module", module, "--function", "tier", "--arg", "500",
                 "--where", "$.age >= 60")
    assert result.returncode == 0, result.stderr
    assert summary_of(result.stdout)["written"] == sum(u["age"] >= 60 for u in before)
    for old, record in zip(before, read_back(node, set_name, 300), strict=True):
        tier = ("gold" if old["score"] >= 500 else "std") if old["age"] >= 60 else None
        assert record.bins == (old | {"tier": tier} if tier else old)

    removed = cli("udf", "remove", module)
    assert removed.returncode == 0, removed.stderr
    assert module not in cli("udf", "list").stdout
    again = cli("udf", "remove", module)
    assert (again.returncode, again.stderr.count("\n")) == (2, 1)
    assert f"no UDF module named {module!r}" in again.stderr
