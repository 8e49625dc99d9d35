"""Between the nodes of a cluster, without a network: the cluster key's proofs, and users and roles moving
from one node's store to another's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aerolite.server.security import replication
from aerolite.server.security.guard import Security
from aerolite.server.security.peers import JOIN, WINDOW_S, PeerKey, is_peer_command, new_key, unwrap
from aerolite.server.security.privileges import Privilege, PrivilegeCode
from aerolite.server.security.sessions import Sessions
from aerolite.server.security.store import SecurityStore, client_credential

CREDENTIAL = client_credential("pw")


def test_a_proof_is_accepted_once_and_only_with_the_key() -> None:
    key = new_key()
    sender, receiver = PeerKey(key), PeerKey(key)
    command = sender.wrap("truncate:namespace=test;set=s")
    assert is_peer_command(command) and unwrap(command) == "truncate:namespace=test;set=s"
    assert receiver.verify(command)
    assert not receiver.verify(command)  # a replay
    assert not PeerKey(new_key()).verify(sender.wrap("udf-remove:filename=a.lua"))
    tampered = sender.wrap("truncate:namespace=test;set=s").replace("set=s", "set=t")
    assert not receiver.verify(tampered)
    join = sender.join()
    assert join.startswith(JOIN + ":") and is_peer_command(join) and receiver.verify(join)
    assert is_peer_command("smd") and not is_peer_command("smd-list") and not is_peer_command("truncate:smd:x")
    for forged in ("smd", "smd:truncate:namespace=test", "smd-join", "smd:1.00.00:truncate:namespace=test", "smd:",
                   f"{JOIN}:x.y.z", sender.join().replace(JOIN, "smd")):
        assert not receiver.verify(forged), forged


def test_a_join_answer_is_taken_only_from_a_key_holder() -> None:
    key = new_key()
    peer, joining = PeerKey(key), PeerKey(key)
    sealed = peer.seal("dump:with;any=characters")
    assert joining.open(sealed) == "dump:with;any=characters"
    assert joining.open(sealed) is None  # a replay
    assert joining.open(peer.seal("dump") + "x") is None
    assert joining.open(PeerKey(new_key()).seal("dump")) is None
    assert joining.open("ERROR:80:not authenticated") is None


def test_a_proof_is_accepted_only_near_the_time_it_was_made() -> None:
    key = new_key()
    now = [1_000_000.0]
    sender, receiver = PeerKey(key, clock=lambda: now[0]), PeerKey(key, clock=lambda: now[0])
    command = sender.wrap("truncate-namespace:namespace=test")
    late = sender.wrap("truncate-namespace:namespace=test")
    now[0] += WINDOW_S - 1
    assert receiver.verify(command)
    now[0] += 2
    assert not receiver.verify(late)


def test_the_key_is_never_shown_and_never_short() -> None:
    key = new_key()
    assert key.hex() not in repr(PeerKey(key))
    with pytest.raises(ValueError, match="16 bytes"):
        PeerKey(b"short")


def _store(tmp_path: Path, name: str) -> SecurityStore:
    return SecurityStore.open(tmp_path / name, "admin-pw")


def test_changes_move_as_records_and_end_sessions(tmp_path: Path) -> None:
    one, two = _store(tmp_path, "one"), _store(tmp_path, "two")
    assert one.take_changes() is None
    one.create_role("writer", [Privilege(PrivilegeCode.READ_WRITE, "test", "s")], ["127.0.0.1"])
    one.create_user("ann", CREDENTIAL, ["writer"])
    one.create_user("bob", CREDENTIAL, ["read"])
    two_security = Security(two, Sessions(60), None)
    assert replication.apply(two_security, replication.sync_command(one.take_changes() or {})) == "ok"
    assert two.user("ann").matches(CREDENTIAL) and two.user("ann").roles == ["writer"]
    assert two.roles["writer"].whitelist == ["127.0.0.1"]
    assert two.take_changes() is None  # what a peer sent is not sent on
    token = two_security.sessions.issue("ann")

    one.grant_roles("ann", ["read"])
    replication.apply(two_security, replication.sync_command(one.take_changes() or {}))
    assert two.user("ann").roles == ["writer", "read"] and two_security.sessions.check("ann", token) == 0
    one.set_password("ann", client_credential("new"))
    one.drop_role("writer")
    one.drop_user("bob")
    replication.apply(two_security, replication.sync_command(one.take_changes() or {}))
    assert two.user("ann").matches(client_credential("new")) and two.user("ann").roles == ["read"]
    assert "writer" not in two.roles and "bob" not in two.users
    assert two_security.sessions.check("ann", token) != 0
    reopened = SecurityStore.open(tmp_path / "two", None)
    assert reopened.document() == two.document()
    assert {**two.document()["users"], "admin": None} == {**one.document()["users"], "admin": None}


def test_a_joining_node_learns_what_it_missed_and_keeps_nothing_stale(tmp_path: Path) -> None:
    one, two = _store(tmp_path, "one"), _store(tmp_path, "two")
    one.create_user("gone", CREDENTIAL, ["read"])
    one.create_role("old", [Privilege(PrivilegeCode.READ)], [])
    two_security = Security(two, Sessions(60), None)
    replication.apply(two_security, replication.sync_command(one.take_changes() or {}))
    one.drop_user("gone")  # while two is down: no change reaches it
    one.drop_role("old")
    one.create_user("new", CREDENTIAL, ["read-write"])
    one.set_password("admin", client_credential("admin-2"))
    one.take_changes()
    assert replication.apply(two_security, replication.snapshot_command(Security(one, Sessions(60), None))) == "ok"
    assert sorted(two.users) == ["admin", "new"] and not two.roles
    assert two.user("admin").matches(client_credential("admin-2"))
    assert two.document() == one.document()


def test_records_arriving_late_or_crossing_leave_every_node_the_same(tmp_path: Path) -> None:
    one, two = _store(tmp_path, "one"), _store(tmp_path, "two")
    one.create_user("ann", CREDENTIAL, ["read"])
    first = one.take_changes() or {}
    one.grant_roles("ann", ["write"])
    second = one.take_changes() or {}
    two_security = Security(two, Sessions(60), None)
    for document in (second, first, second):  # late and twice
        replication.apply(two_security, replication.sync_command(document))
    assert two.user("ann").roles == ["read", "write"]
    one_security = Security(one, Sessions(60), None)
    one.grant_roles("ann", ["truncate"])  # both nodes change ann at once ...
    two.grant_roles("ann", ["sys-admin"])
    from_one, from_two = one.take_changes() or {}, two.take_changes() or {}
    replication.apply(two_security, replication.sync_command(from_one))  # ... and their changes cross
    replication.apply(one_security, replication.sync_command(from_two))
    assert one.document()["users"]["ann"] == two.document()["users"]["ann"]
    assert one.stamps["users"]["ann"] == two.stamps["users"]["ann"]


@pytest.mark.parametrize("command", [
    "security-sync:not base64!", "security-sync:" + "e30=", "security-sync:WzFd",  # {} and [1]
    replication.sync_command({"users": {"x": {"salt": "zz"}}, "roles": {}}),
])
def test_unreadable_records_are_refused_and_change_nothing(tmp_path: Path, command: str) -> None:
    store = _store(tmp_path, "one")
    before = store.document()
    assert replication.apply(Security(store, Sessions(60), None), command).startswith("ERROR:4:")
    assert store.document() == before


def test_a_cluster_node_may_start_empty_and_wait_for_its_peers(tmp_path: Path) -> None:
    store = SecurityStore.open(tmp_path, None, from_peers=True)
    assert not store.users and not (tmp_path / "security.json").exists()
    with pytest.raises(ValueError, match="--admin-password-file"):
        SecurityStore.open(tmp_path, None)


def test_a_store_saved_before_stamps_opens_with_every_record_at_zero(tmp_path: Path) -> None:
    store = _store(tmp_path, "old")
    store.create_user("ann", CREDENTIAL, ["read"])
    document = store.document()
    del document["stamps"]
    (tmp_path / "old" / "security.json").write_text(json.dumps(document))
    reopened = SecurityStore.open(tmp_path / "old", None)
    assert reopened.stamps == {"users": {"admin": 0, "ann": 0}, "roles": {}}
    reopened.drop_user("ann")
    assert reopened.stamps["users"]["ann"] == 1 and reopened.take_changes() == {
        "version": 1, "users": {}, "roles": {}, "stamps": {"users": {"ann": 1}, "roles": {}}}


def test_the_guard_lets_only_proven_peer_commands_through_and_logs_the_rest(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    key = PeerKey(new_key())
    security = Security(_store(tmp_path, "node"), Sessions(60), key)
    anonymous, reader = security.guard("127.0.0.1"), security.guard("127.0.0.1")
    security.store.create_user("reader", CREDENTIAL, ["read"])
    reader.user = "reader"
    assert anonymous.info_refusal(key.wrap("truncate:namespace=test;set=s")) is None
    assert anonymous.info_refusal(key.join()) is None
    with caplog.at_level("WARNING", logger="aerolite.security"):
        assert (anonymous.info_refusal("smd:truncate:namespace=test;set=s") or "").startswith("ERROR:80:")
        assert (reader.info_refusal("smd-join") or "").startswith("ERROR:81:")
        assert (reader.info_refusal(PeerKey(new_key()).join()) or "").startswith("ERROR:81:")
    assert len(caplog.records) == 3 and all("refused" in r.getMessage() for r in caplog.records)
    lone = Security(_store(tmp_path, "lone"), Sessions(60), None)  # a single node accepts no peer command
    assert (lone.guard("127.0.0.1").info_refusal(key.join()) or "").startswith("ERROR:80:")
