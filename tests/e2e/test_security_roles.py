"""Each predefined role, allowed and refused, on each command family — through ``aerospike_native`` only.

Every user holds exactly one role; every family is tried; a refusal must be ROLE_VIOLATION (81) and an
allowed call must do what it says (the admin reads the effect back).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import aerospike_native as an
import pytest

from tests.conftest import ServerProcess
from tests.e2e.security_helpers import ADMIN_PASSWORD, code_of, login, start_secure_server

NS, SET = "test", "roles"
UDF = b"""
function mark(rec)
  rec['u'] = 1
  aerospike:update(rec)
  return 1
end
"""


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = start_secure_server(tmp_path_factory.mktemp("roles"))
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def admin(node: ServerProcess) -> Iterator[Any]:
    client = login(node.address, "admin", ADMIN_PASSWORD)
    client.register_udf_blocking(list(UDF), "sec.lua", an.UDFLang.LUA).wait_till_complete_blocking()
    for i in range(5):
        client.put_blocking(an.Key(NS, SET, i), {"v": i})
    yield client
    client.close_blocking()


def _info_ok(client: Any, command: str) -> None:
    value = client.info_blocking(command)[command]
    if value.startswith("ERROR:81:"):
        raise an.exceptions.SecurityError(value, an.ResultCode.ROLE_VIOLATION)
    assert not value.startswith("ERROR:80"), value


def _query(c: Any) -> None:
    list(c.query_blocking(an.Statement(NS, SET), an.PartitionFilter.all()))


def _batch(c: Any) -> None:
    rows = c.batch_read_blocking([an.Key(NS, SET, 0)])
    code = rows[0].result_code
    if code is not None and int(code) == 81:
        raise an.exceptions.SecurityError("row refused", code)
    assert rows[0].record is not None


def _job(c: Any) -> None:
    c.query_operate_blocking(an.Statement(NS, SET), [an.Operation.put("j", 1)]).wait_till_complete_blocking()


def _udf_job(c: Any) -> None:
    c.query_execute_udf_blocking(an.Statement(NS, SET), "sec", "mark", []).wait_till_complete_blocking()


FAMILIES: dict[str, Callable[[Any, str], None]] = {
    "get": lambda c, r: c.get_blocking(an.Key(NS, SET, 0)),
    "put": lambda c, r: c.put_blocking(an.Key(NS, SET, f"by-{r}"), {"v": 1}),
    "batch": lambda c, r: _batch(c),
    "query": lambda c, r: _query(c),
    "ops job": lambda c, r: _job(c),
    "udf job": lambda c, r: _udf_job(c),
    "udf apply": lambda c, r: c.execute_udf_blocking(an.Key(NS, SET, 1), "sec", "mark", []),
    "udf register": lambda c, r: c.register_udf_blocking(list(UDF), f"by_{r.replace('-', '_')}.lua",
                                                         an.UDFLang.LUA).wait_till_complete_blocking(),
    "sindex": lambda c, r: c.create_index_blocking(NS, SET, "v", f"idx_{r}", an.IndexType.NUMERIC),
    "truncate": lambda c, r: c.truncate_blocking(NS, f"gone_{r}"),
    "set-config": lambda c, r: _info_ok(c, "set-config:context=namespace;id=test;nsup-period=0"),
    "job list": lambda c, r: _info_ok(c, "query-show"),
    "job abort": lambda c, r: _info_ok(c, "query-abort:id=424242"),
    "user admin": lambda c, r: c.create_user_blocking(f"made-by-{r}", "pw", ["read"]),
}

ALLOWED: dict[str, set[str]] = {
    "read": {"get", "batch", "query"},
    "read-write": {"get", "put", "batch", "query", "ops job"},
    "read-write-udf": {"get", "put", "batch", "query", "ops job", "udf job", "udf apply"},
    "write": {"put", "ops job"},
    "truncate": {"truncate"},
    "data-admin": {"udf register", "sindex", "truncate"},
    "udf-admin": {"udf register"},
    "sindex-admin": {"sindex"},
    "sys-admin": {"set-config", "job abort"},
    "user-admin": {"user admin"},
}
OPEN_TO_ALL = {"job list"}


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_each_role_is_allowed_and_refused_as_a_node_does(node: ServerProcess, admin: Any, role: str) -> None:
    admin.create_user_blocking(f"u-{role}", "pw", [role])
    client = login(node.address, f"u-{role}", "pw")
    allowed: set[str] = set()
    try:
        for family, attempt in FAMILIES.items():
            try:
                attempt(client, role)
            except Exception as exc:
                assert code_of(exc) == 81, f"{role}/{family}: {exc!r}"
            else:
                allowed.add(family)
    finally:
        client.close_blocking()
    assert allowed == ALLOWED[role] | OPEN_TO_ALL


def test_allowed_writes_took_effect(node: ServerProcess, admin: Any) -> None:
    for role in ("read-write", "write"):
        admin.create_user_blocking(f"w-{role}", "pw", [role])
        client = login(node.address, f"w-{role}", "pw")
        client.put_blocking(an.Key(NS, "effects", role), {"by": role})
        client.close_blocking()
        assert admin.get_blocking(an.Key(NS, "effects", role)).bins == {"by": role}


def test_scoped_role_and_batch_rows(node: ServerProcess, admin: Any) -> None:
    admin.create_role_blocking("writer-of-open", [an.Privilege(an.PrivilegeCode.ReadWrite, NS, "open")], [], 0, 0)
    admin.create_user_blocking("scoped", "pw", ["writer-of-open"])
    admin.put_blocking(an.Key(NS, "closed", 1), {"v": "secret"})
    client = login(node.address, "scoped", "pw")
    try:
        client.put_blocking(an.Key(NS, "open", 1), {"v": 1})
        with pytest.raises(an.exceptions.SecurityError) as refused:
            client.put_blocking(an.Key(NS, "closed", 1), {"v": 2})
        assert code_of(refused.value) == 81
        rows = client.batch_read_blocking([an.Key(NS, "open", 1), an.Key(NS, "closed", 1)])
        assert rows[0].record is not None and rows[0].record.bins == {"v": 1}
        assert rows[1].record is None and int(rows[1].result_code) == 81
        client.query_operate_blocking(an.Statement(NS, "open"), [an.Operation.put("job", 1)]).wait_till_complete_blocking()
        with pytest.raises(an.exceptions.SecurityError) as job_refused:
            client.query_operate_blocking(an.Statement(NS, "closed"), [an.Operation.put("job", 1)])
        assert code_of(job_refused.value) == 81
    finally:
        client.close_blocking()
    assert admin.get_blocking(an.Key(NS, "closed", 1)).bins == {"v": "secret"}
    assert admin.get_blocking(an.Key(NS, "open", 1)).bins == {"v": 1, "job": 1}


def test_truncate_scoped_to_a_set(node: ServerProcess, admin: Any) -> None:
    admin.create_role_blocking("trim-logs", [an.Privilege(an.PrivilegeCode.Truncate, NS, "logs")], [], 0, 0)
    admin.create_user_blocking("trimmer", "pw", ["trim-logs"])
    admin.put_blocking(an.Key(NS, "logs", 1), {"v": 1})
    admin.put_blocking(an.Key(NS, "kept", 1), {"v": 1})
    client = login(node.address, "trimmer", "pw")
    try:
        client.truncate_blocking(NS, "logs")
        with pytest.raises(an.exceptions.SecurityError) as refused:
            client.truncate_blocking(NS, "kept")
        assert code_of(refused.value) == 81
    finally:
        client.close_blocking()
    assert admin.exists_blocking(an.Key(NS, "kept", 1))
    assert not admin.exists_blocking(an.Key(NS, "logs", 1))
