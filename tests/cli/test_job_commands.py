"""``jobs list|watch|abort`` and Ctrl-C on ``run``: throttled jobs followed, listed and stopped mid-way."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import aerospike_native as an

from tests.cli.conftest import ENV, Cli, command, read_back, seed_users, summary_of
from tests.conftest import ServerProcess


def _start(cli: Cli, set_name: str, rps: int) -> int:
    """Submit a throttled update with ``--no-wait``; its job id (the one line it prints on stdout)."""
    started = cli("run", "update", "--set", set_name, "--bin", "seen", "--add", "1", "--rps", str(rps), "--no-wait")
    assert started.returncode == 0, started.stderr
    return int(started.stdout)


def _row(listing: str, task_id: int) -> list[str]:
    """The cells of a job's row in ``jobs list`` (status words kept together)."""
    line = next(line for line in listing.splitlines() if line.strip().startswith(str(task_id)))
    return re.split(r"\s{2,}", line.strip())


def _bumped(node: Any, set_name: str, n: int) -> int:
    return sum(1 for record in read_back(node, set_name, n) if "seen" in record.bins)


def test_jobs_list_and_watch_follow_a_throttled_job(cli: Cli, node: Any, set_name: str) -> None:
    seed_users(node, set_name, 1200)
    task_id = _start(cli, set_name, 200)  # ~6 s: still running when a slow machine has started `jobs list`
    listing = cli("jobs", "list")
    assert listing.returncode == 0, listing.stderr
    row = _row(listing.stdout, task_id)
    assert row[1:4] == [f"test/{set_name}", "background-ops", "active"]

    watched = cli("jobs", "watch", str(task_id))
    assert watched.returncode == 0, watched.stderr
    assert summary_of(watched.stdout) == {"id": task_id, "result": "ok", "scanned": 1200, "written": 1200,
                                          "filtered": 0, "failed": 0}
    assert _bumped(node, set_name, 1200) == 1200
    row = _row(cli("jobs", "list").stdout, task_id)
    assert row[3:9] == ["done (ok)", "100%", "1,200", "1,200", "0", "0"]


def test_ctrl_c_with_abort_on_interrupt_aborts_the_job(server: ServerProcess, node: Any, set_name: str) -> None:
    seed_users(node, set_name, 2000)
    args = command(server.address, "run", "update", "--set", set_name, "--bin", "seen", "--add", "1",
                   "--rps", "500", "--abort-on-interrupt")
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV) as process:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("job ")
        time.sleep(0.8)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 1, out + err
    assert "Traceback" not in err
    final = summary_of(out)
    assert final["result"] == "user-aborted"
    assert 0 < final["written"] < 2000
    assert _bumped(node, set_name, 2000) == final["written"]


def test_jobs_abort_stops_a_running_job(cli: Cli, node: Any, set_name: str) -> None:
    seed_users(node, set_name, 2000)
    task_id = _start(cli, set_name, 300)  # ~7 s unless aborted
    aborted = cli("jobs", "abort", str(task_id))
    assert aborted.returncode == 0, aborted.stderr
    final = summary_of(aborted.stdout)
    assert (final["id"], final["result"]) == (task_id, "user-aborted")
    assert _row(cli("jobs", "list").stdout, task_id)[3] == "done (user-aborted)"
    assert _bumped(node, set_name, 2000) == final["written"] < 2000
    again = cli("jobs", "abort", str(task_id))
    assert again.returncode == 1
    assert "had already finished" in again.stdout


PICKY_LUA = """
function mark(rec)
  if rec['i'] % 10 == 4 then error('cannot mark record ' .. rec['i']) end
  rec['marked'] = 1
  aerospike:update(rec)
end
"""


def _failure_rows(shown: str) -> dict[int, str]:
    """The failure table of ``jobs show`` by user key: the rest of each row after the key."""
    rows = {}
    for line in shown.splitlines():
        match = re.match(r"^\s*[0-9a-f]{40}\s+(\d+)\s+(.*?)\s*$", line)
        if match:
            rows[int(match.group(1))] = match.group(2)
    return rows


def test_jobs_show_prints_the_records_a_udf_job_and_an_ops_job_failed_on(
        cli: Cli, node: Any, set_name: str, tmp_path: Path) -> None:
    policy = an.WritePolicy()
    policy.send_key = True
    for i in range(40):
        node.put_blocking(an.Key("test", set_name, i), {"i": i, "name": 0 if i % 10 == 0 else "n"}, policy=policy)
    source = tmp_path / "picky.lua"
    source.write_text(PICKY_LUA)
    module = f"picky_{set_name}"
    assert cli("udf", "register", str(source), "--name", module).returncode == 0

    ran = cli("run", "udf", "--set", set_name, "--module", module, "--function", "mark")
    final = summary_of(ran.stdout)
    assert (final["written"], final["failed"]) == (36, 4)
    shown = cli("jobs", "show", str(final["id"]))
    assert shown.returncode == 0, shown.stderr
    assert f"job {final['id']} · test/{set_name} · background-udf {module}.mark" in shown.stdout
    assert "failures: 4 records failed, all kept:" in shown.stdout
    rows = _failure_rows(shown.stdout)
    assert sorted(rows) == [4, 14, 24, 34]
    for key, rest in rows.items():
        assert rest.startswith("UDF_BAD_RESPONSE (100)")
        assert rest.endswith(f"cannot mark record {key}")

    ran = cli("run", "update", "--set", set_name, "--bin", "name", "--append", "!")
    final = summary_of(ran.stdout)
    assert (final["written"], final["failed"]) == (36, 4)
    rows = _failure_rows(cli("jobs", "show", str(final["id"])).stdout)
    assert sorted(rows) == [0, 10, 20, 30]
    assert set(rows.values()) == {"BIN_TYPE_ERROR (12)   append of a str on bin 'name' holding a int"}


def test_jobs_show_of_a_running_job_has_its_eta_and_no_failures(cli: Cli, node: Any, set_name: str) -> None:
    seed_users(node, set_name, 1500)
    task_id = _start(cli, set_name, 300)  # ~5 s
    shown = cli("jobs", "show", str(task_id))
    while "ETA --" in shown.stdout:  # the pace is unknown until the job has read a record
        shown = cli("jobs", "show", str(task_id))
    assert shown.returncode == 0, shown.stderr
    assert "status    active" in shown.stdout
    assert re.search(r"progress  \d+% · elapsed [\d.]+ s · ETA [\d.]+ (s|min)", shown.stdout), shown.stdout
    assert "failures: none" in shown.stdout
    cli("jobs", "abort", str(task_id))
    missing = cli("jobs", "show", "987654321")
    assert missing.returncode == 2
    assert "no node knows job 987654321" in missing.stderr
