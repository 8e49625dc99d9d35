"""Reading namespaces, sets and secondary indexes out of info replies (aerolite's, and older servers' keys)."""

from __future__ import annotations

import pytest

from aerolite import InvalidRequestError
from aerolite.sdk.overview import (
    index_status,
    namespace_names,
    namespace_stats,
    parse_index_list,
    parse_sets,
)

NODE_A = "objects=20;master_objects=10;data_used_bytes=1000;index_used_bytes=1280;sindex_used_bytes=64;replication-factor=2"
NODE_B = "objects=20;master_objects=10;data_used_bytes=1000;index_used_bytes=1280;sindex_used_bytes=0;replication-factor=2"
SETS_A = "ns=test:set=users:objects=14:data_used_bytes=700:truncate_lut=0;ns=test:set=events:objects=6:data_used_bytes=300;"
SETS_B = "ns=test:set=users:objects=16:data_used_bytes=800;ns=test:set=events:objects=4:data_used_bytes=200;"


def test_two_nodes_with_two_copies_count_each_record_once() -> None:
    ns = namespace_stats("test", [NODE_A, NODE_B], [SETS_A, SETS_B])
    assert (ns.objects, ns.data_bytes, ns.index_bytes, ns.sindex_bytes) == (20, 2000, 2560, 64)
    assert ns.memory_bytes == 4624
    assert [(s.name, s.objects, s.data_bytes) for s in ns.sets] == [("events", 5, 500), ("users", 15, 1500)]


def test_servers_before_7_report_memory_under_other_keys() -> None:
    ns = namespace_stats("old", ["objects=3;memory_used_data_bytes=90;memory_used_index_bytes=192"],
                         ["ns=old:set=s:objects=3:memory_data_bytes=90;"])
    assert (ns.objects, ns.memory_bytes, ns.sets[0].data_bytes) == (3, 282, 90)


def test_namespace_names_and_set_lines() -> None:
    assert namespace_names(["test;bar", "bar;test;other"]) == ["test", "bar", "other"]
    assert parse_sets("") == []
    with pytest.raises(InvalidRequestError):
        parse_sets("ERROR:4:bad namespace")


def test_indexes_once_each_with_the_slowest_nodes_build_progress() -> None:
    listing = ("ns=test:indexname=by_age:set=users:bin=age:type=numeric:indextype=default:context=null:state=RW;"
               "ns=test:indexname=by_tag:set=null:bin=tags:type=string:indextype=list:state=RW")
    definitions = parse_index_list([listing, listing])
    assert [d["indexname"] for d in definitions] == ["by_age", "by_tag"]
    building = index_status(definitions[0], ["entries=10;load_pct=100", "entries=4;load_pct=40"])
    assert (building.name, building.set_name, building.bin, building.entries, building.load_pct, building.ready) == \
        ("by_age", "users", "age", 14, 40, False)
    everywhere = index_status(definitions[1], ["entries=3;load_pct=100"])
    assert (everywhere.set_name, everywhere.collection, everywhere.ready) == ("", "list", True)
    missing_on_a_node = index_status(definitions[1], ["entries=3;load_pct=100", "ERROR:201:no index"])
    assert missing_on_a_node.load_pct == 0
