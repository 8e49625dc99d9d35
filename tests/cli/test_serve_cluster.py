"""``aerolite serve --nodes``: which options each node gets, and bad cluster sizes."""

from __future__ import annotations

import subprocess
import sys

from aerolite.cli.main import _node_argv
from aerolite.server.cluster import ClusterLayout, partition_range


def test_nodes_get_every_option_but_the_ones_the_supervisor_sets() -> None:
    argv = ["--log-level", "INFO", "serve", "--nodes", "3", "--port=3000", "--namespace", "a:file",
            "--data-dir", "/d", "--cluster-name", "x"]
    assert _node_argv(argv) == ["--log-level", "INFO", "serve", "--namespace", "a:file", "--cluster-name", "x"]


def test_partitions_are_shared_out_whole_and_once() -> None:
    for size in (1, 2, 3, 7):
        owned = [pid for i in range(size) for pid in partition_range(i, size)]
        assert owned == list(range(4096))
    layout = ClusterLayout("127.0.0.1", (3000, 3001), 1)
    assert sum(layout.owned) == 2048 and layout.owned[2048] == 1 and layout.owned[0] == 0
    assert layout.peers(4).startswith("4,3001,[[A") and layout.peers(4).endswith(",,[127.0.0.1:3000]]]")
    assert layout.peers(4, "db").endswith(",db,[127.0.0.1:3000]]]")


def test_bad_cluster_size_is_refused() -> None:
    result = subprocess.run([sys.executable, "-m", "aerolite.cli.main", "serve", "--nodes", "0"],
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and "--nodes must be 1..64" in result.stderr


def test_a_node_started_by_hand_without_the_cluster_key_is_refused() -> None:
    result = subprocess.run([sys.executable, "-m", "aerolite.cli.main", "serve", "--port", "0", "--cluster-ports",
                             "4001,4002", "--node-index", "0"], input="not-a-key\n", capture_output=True, text=True,
                            timeout=30, check=False)
    assert result.returncode == 2 and "cluster key" in result.stderr


def test_a_tls_cluster_needs_the_name_its_nodes_announce() -> None:
    result = subprocess.run([sys.executable, "-m", "aerolite.cli.main", "serve", "--nodes", "2", "--tls-cert", "c.pem",
                             "--tls-key", "k.pem"], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2 and "--tls-name" in result.stderr
