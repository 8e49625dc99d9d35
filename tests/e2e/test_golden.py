"""Replays the golden exchanges recorded against a real Aerospike CE 8.1.2 node (``tests/data/golden``).

Each scenario is replayed by ``tests/data/golden/replay.py`` as a subprocess against a dedicated aerolite server
(namespaces ``test`` in memory and ``bar`` on a file, like the recording node) and must PASS.
Add a scenario to ``PASSING_SCENARIOS`` when the feature it exercises lands.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DATA, ServerProcess, start_server

GOLDEN = DATA / "golden"
REPLAY = GOLDEN / "replay.py"

PASSING_SCENARIOS: tuple[str, ...] = (
    "batch_get",
    "batch_mixed",
    "info_commands",
    "legacy_udf_info",
    "udf_background",
    "udf_background_error",
    "udf_register",
    "udf_single",
    "filter_expression",
    "legacy_background_job",
    "legacy_query_batch",
    "query_abort",
    "query_foreground",
    "query_operate_background",
    "sindex",
    "truncate",
    "compression",
    "connect_tend",
    "delete",
    "exists",
    "expiration",
    "generation",
    "get_missing",
    "get_variants",
    "legacy_connect_tend",
    "legacy_operate",
    "legacy_single_record",
    "operate",
    "put_particle_types",
    "raw_as_msg_malformed",
    "raw_framing",
    "raw_info",
    "raw_unknown_namespace",
    "record_exists_actions",
    "touch",
    "type_errors",
    "cdt_list_map",
    "hll",
    "exp_operations",
)
"""Scenarios aerolite must match; the rest of ``golden/`` waits for later features."""

@pytest.fixture(scope="module")
def golden_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data_dir: Path = tmp_path_factory.mktemp("golden-data")
    # The recording node was build 8.1.2.0; aerolite reports 8.2.0.0 by default (server-compiled AEL).
    proc = start_server("--namespace", "test", "--namespace", "bar:file", "--data-dir", str(data_dir),
                        "--build", "8.1.2.0")
    yield proc
    proc.stop()


def test_scenario_list_names_existing_files() -> None:
    missing = [s for s in PASSING_SCENARIOS if not (GOLDEN / f"{s}.jsonl").is_file()]
    assert not missing, f"no golden file for {missing}"
    assert len(set(PASSING_SCENARIOS)) == len(PASSING_SCENARIOS)


@pytest.mark.parametrize("scenario", PASSING_SCENARIOS)
def test_golden_scenario(golden_server: ServerProcess, scenario: str) -> None:
    result = subprocess.run(
        [sys.executable, str(REPLAY), "--port", str(golden_server.port), scenario],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert golden_server.process.poll() is None, f"the server died during {scenario}:\n{output}"
    passed = re.search(rf"^PASS\s+{re.escape(scenario)}\b", result.stdout, re.MULTILINE)
    assert result.returncode == 0 and passed, f"replay of {scenario} did not pass:\n{output}"
