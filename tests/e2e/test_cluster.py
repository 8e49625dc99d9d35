"""A local multi-node cluster (``serve --nodes N``) through the official client: routing, jobs, metadata, restarts."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aerospike_native as an
import pytest
from aerospike_native import Key, Operation, Statement, WritePolicy
from aerospike_native.exceptions import AerospikeError

from aerolite.digest import partition_id
from aerolite.sdk.jobs import merge_nodes
from aerolite.server.cluster import node_name_for, partition_range
from aerolite.server.metadata import info_call
from tests.conftest import ServerProcess, start_cluster

NS = "test"
UDF = b"""
function bump(rec, n)
  rec['i'] = rec['i'] + n
  aerospike:update(rec)
  return rec['i']
end
"""


def connect(cluster: ServerProcess, nodes: int) -> Any:
    """A blocking client that has discovered all ``nodes`` nodes."""
    client = an.new_client_blocking(an.ClientPolicy(), cluster.address)
    wait_for(lambda: len(client.node_names()) == nodes, f"the client to see {nodes} nodes")
    return client


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def per_node(client: Any, command: str) -> dict[str, str]:
    """One info value per node name."""
    return {node: answers[command] for node, answers in client.info_on_all_nodes_blocking(command).items()}


def objects(client: Any, set_name: str) -> dict[str, int]:
    counts = {}
    for node, value in per_node(client, f"sets/{NS}/{set_name}").items():
        fields = dict(part.split("=", 1) for part in value.rstrip(";").split(":") if "=" in part)
        counts[node] = int(fields.get("objects", 0))
    return counts


def node_argvs(cluster: ServerProcess) -> dict[int, list[str]]:
    """The command lines of the supervisor's node processes, by process id."""
    pid = cluster.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    argvs = {int(child): Path(f"/proc/{child}/cmdline").read_text().split("\0") for child in children}
    return {pid: argv for pid, argv in argvs.items() if "--port" in argv}  # not a dead one not yet reaped


def node_pids(cluster: ServerProcess) -> dict[int, int]:
    """Node process ids by port."""
    return {int(argv[argv.index("--port") + 1]): pid for pid, argv in node_argvs(cluster).items()}


def cluster_ports(cluster: ServerProcess) -> list[int]:
    """The nodes' ports in node order."""
    argv = next(iter(node_argvs(cluster).values()))
    return [int(p) for p in argv[argv.index("--cluster-ports") + 1].split(",")]


@pytest.fixture(scope="module", params=[2, 3], ids=["2nodes", "3nodes"])
def cluster(request: pytest.FixtureRequest) -> Iterator[tuple[ServerProcess, Any, int]]:
    nodes = request.param
    proc = start_cluster(nodes, "--namespace", NS)
    client = connect(proc, nodes)
    yield proc, client, nodes
    client.close_blocking()
    proc.stop()


def fill(client: Any, set_name: str, n: int) -> list[Key]:
    client.truncate_blocking(NS, set_name)
    keys = [Key(NS, set_name, i) for i in range(n)]
    for i, key in enumerate(keys):
        client.put_blocking(key, {"i": i, "even": i % 2 == 0})
    return keys


def test_records_land_on_their_owner_and_counts_add_up(cluster: tuple[ServerProcess, Any, int]) -> None:
    proc, client, nodes = cluster
    keys = fill(client, "owners", 600)
    counts = objects(client, "owners")
    assert len(counts) == nodes and sum(counts.values()) == 600
    ports = cluster_ports(proc)
    owners = {node_name_for("127.0.0.1", port): partition_range(i, nodes) for i, port in enumerate(ports)}
    expected = {node: sum(1 for k in keys if partition_id(bytes.fromhex(k.digest)) in owned)
                for node, owned in owners.items()}
    assert counts == expected and all(c > 0 for c in counts.values())
    got = client.batch_read_blocking(keys)
    assert [r.record.bins["i"] for r in got] == list(range(600))
    stable = set(per_node(client, f"cluster-stable:size={nodes}").values())
    assert len(stable) == 1 and not stable.pop().startswith("ERROR")


def test_background_job_runs_on_every_node_with_one_merged_progress(cluster: tuple[ServerProcess, Any, int]) -> None:
    _, client, _nodes = cluster
    keys = fill(client, "job", 500)
    task = client.query_operate_blocking(Statement(NS, "job"), [Operation.add("i", 1000)], write_policy=WritePolicy())
    task.wait_till_complete_blocking(sleep_time=0.05)
    assert [client.get_blocking(k).bins["i"] for k in keys] == [i + 1000 for i in range(500)]
    replies = per_node(client, f"query-show:id={task.task_id}").values()
    (merged,) = merge_nodes(replies)
    assert merged.done and merged.scanned == 500 and merged.written == 500


def test_udf_index_truncate_and_settings_reach_every_node(cluster: tuple[ServerProcess, Any, int]) -> None:
    _, client, nodes = cluster
    keys = fill(client, "meta", 200)
    client.register_udf_blocking(UDF, "cluster_bump.lua", an.UDFLang.LUA).wait_till_complete_blocking()
    assert all("cluster_bump.lua" in v for v in per_node(client, "udf-list").values())
    task = client.query_execute_udf_blocking(Statement(NS, "meta"), "cluster_bump", "bump", [5])
    task.wait_till_complete_blocking(sleep_time=0.05)
    assert [client.get_blocking(k).bins["i"] for k in keys] == [i + 5 for i in range(200)]

    client.create_index_blocking(NS, "meta", "i", "cluster_meta_i", an.IndexType.NUMERIC).wait_till_complete_blocking()
    assert set(per_node(client, f"sindex-exists:namespace={NS};indexname=cluster_meta_i").values()) == {"true"}
    statement = Statement(NS, "meta")
    statement.filters = [an.Filter.range("i", 5, 54)]
    found = list(client.query_blocking(statement, an.PartitionFilter.all()))
    assert sorted(r.bins["i"] for r in found) == list(range(5, 55))

    answer = client.info_blocking(f"set-config:context=namespace;id={NS};default-ttl=1234")
    assert list(answer.values()) == ["ok"]
    assert all("default-ttl=1234" in v for v in per_node(client, f"get-config:context=namespace;id={NS}").values())
    client.info_blocking(f"set-config:context=namespace;id={NS};default-ttl=0")

    client.truncate_blocking(NS, "meta")
    assert objects(client, "meta") == dict.fromkeys(client.node_names(), 0)
    client.remove_udf_blocking("cluster_bump.lua")
    assert all("cluster_bump.lua" not in v for v in per_node(client, "udf-list").values())
    assert len(client.node_names()) == nodes


def test_a_killed_node_is_restarted_with_its_data_and_the_job_ends(tmp_path: Path) -> None:
    proc = start_cluster(2, "--namespace", f"{NS}:file", "--data-dir", str(tmp_path))
    client = connect(proc, 2)
    try:
        keys = fill(client, "crash", 3000)
        module = base64.b64encode(UDF).decode()
        assert "ok" in client.info_blocking(f"udf-put:filename=crash.lua;content={module};content-len={len(module)}").values()
        task = client.query_operate_blocking(Statement(NS, "crash"), [Operation.add("i", 1)],
                                             write_policy=_throttled(1000))
        victim_port = max(node_pids(proc))
        victim = node_pids(proc)[victim_port]
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: node_pids(proc).get(victim_port, victim) != victim, "the supervisor to restart the node")
        wait_for(lambda: _answers(client), "the client to route to the restarted node again")
        task.wait_till_complete_blocking(sleep_time=0.1)
        # Every acknowledged write is back (a job update counts once at most), and the module too.
        values = [client.get_blocking(k).bins["i"] for k in keys]
        assert all(v in (i, i + 1) for i, v in enumerate(values))
        assert sum(objects(client, "crash").values()) == 3000
        assert all("crash.lua" in v for v in per_node(client, "udf-list").values())
        replies = list(per_node(client, f"query-show:id={task.task_id}").values())
        # The restarted node's part has ended: listed as cut by the restart (its job journal), or unknown.
        assert any(r.startswith("ERROR:2") or "abandoned-restart" in r for r in replies), replies
        (merged,) = merge_nodes(replies)
        assert merged.done
    finally:
        client.close_blocking()
        proc.stop()


def _throttled(rps: int) -> WritePolicy:
    policy = WritePolicy()
    policy.records_per_second = rps
    return policy


def _answers(client: Any) -> bool:
    try:
        return len(client.node_names()) == 2 and client.get_blocking(Key(NS, "crash", 0)) is not None and all(
            client.get_blocking(Key(NS, "crash", i)) is not None for i in range(0, 3000, 97))
    except AerospikeError:
        return False


def test_a_restarted_memory_node_gets_the_metadata_from_its_peers() -> None:
    proc = start_cluster(2, "--namespace", NS)
    client = connect(proc, 2)
    try:
        client.register_udf_blocking(UDF, "rejoin.lua", an.UDFLang.LUA).wait_till_complete_blocking()
        client.create_index_blocking(NS, "rejoin", "i", "rejoin_i", an.IndexType.NUMERIC).wait_till_complete_blocking()
        client.info_blocking(f"set-config:context=namespace;id={NS};default-ttl=777")
        port = max(node_pids(proc))
        victim = node_pids(proc)[port]
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: node_pids(proc).get(port, victim) != victim, "the supervisor to restart the node")
        restarted = f"127.0.0.1:{port}"
        wait_for(lambda: _info_at(restarted, "udf-list").count("rejoin.lua") == 1, "the module on the restarted node")
        assert _info_at(restarted, f"sindex-exists:namespace={NS};indexname=rejoin_i") == "true"
        assert "default-ttl=777" in _info_at(restarted, f"get-config:context=namespace;id={NS}")
    finally:
        client.close_blocking()
        proc.stop()


def _info_at(address: str, command: str) -> str:
    """One info value from the node at ``address`` only ("" while it does not answer)."""
    host, _, port = address.rpartition(":")
    try:
        return asyncio.run(info_call(host, int(port), [command], timeout=5))[0]
    except (TimeoutError, OSError, EOFError):  # not listening yet, or closed mid-answer
        return ""
