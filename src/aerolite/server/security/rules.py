"""What each request needs: the permission (and scope) for an AS_MSG, and the rules for info commands.

Keyed reads need read, writes need write (and read too when they also read back), record UDFs need
read-write-udf. A query needs read; a background job needs write on its set, or read-write-udf when it
runs a UDF. Info commands that change state need the matching admin permission; the commands a
client uses to find and tend the cluster stay open even before login.
"""

from __future__ import annotations

from aerolite.server.security.privileges import Permission
from aerolite.wire.info import parse_params
from aerolite.wire.message import FieldType, Info1, Info2, Message

Need = tuple[Permission, str, str]
"""A permission with the namespace and set it is needed on (empty: global)."""

TEND_COMMANDS = frozenset({
    "node", "build", "version", "edition", "features", "partitions", "partition-generation", "peers-generation",
    "rebalance-generation", "replicas", "replicas-all", "replicas-master", "peers-clear-std", "peers-clear-alt",
    "peers-tls-std", "peers-tls-alt", "alumni-clear-std", "alumni-tls-std", "service", "service-clear-std",
    "service-clear-alt", "service-tls-std", "service-tls-alt", "cluster-name", "compatibility-id", "build_ee_sha",
    "build_sha", "build_arch", "build_time", "build_os", "status", "user-agent-set", "services",
    "services-alumni", "rack-ids",
})
"""Answered to anyone: without them a client cannot connect, and they reveal no data."""


def _text(msg: Message, field: int) -> str:
    data = msg.fields.get(field)
    return "" if data is None else bytes(data).decode("utf-8", "replace")


def message_needs(msg: Message) -> list[Need]:
    """The permissions one AS_MSG (a single-record request, a batch row, a query or a job) needs."""
    namespace, set_name = _text(msg, FieldType.NAMESPACE), _text(msg, FieldType.SET)
    udf = FieldType.UDF_FILENAME in msg.fields
    writes = bool(msg.info2 & Info2.WRITE)
    if udf and (writes or FieldType.DIGEST in msg.fields):
        return [(Permission.UDF, namespace, set_name)]
    if not writes:
        return [(Permission.READ, namespace, set_name)]
    needs = [(Permission.WRITE, namespace, set_name)]
    if msg.info1 & Info1.READ and FieldType.DIGEST in msg.fields:
        needs.append((Permission.READ, namespace, set_name))
    return needs


def info_needs(command: str) -> Need | None:
    """The permission an info command needs beyond being logged in (None: none)."""
    name, params = parse_params(command)
    namespace = params.get("namespace", params.get("ns", params.get("id", "")))
    if name in ("truncate", "truncate-namespace"):
        return Permission.TRUNCATE, namespace, params.get("set", "") if name == "truncate" else ""
    if name in ("sindex-create", "sindex-delete"):
        return Permission.SINDEX_ADMIN, "", ""
    if name in ("udf-put", "udf-remove"):
        return Permission.UDF_ADMIN, "", ""
    if name in ("set-config", "query-abort") or (name == "jobs" and params.get("cmd") == "kill-job"):
        return Permission.SYS_ADMIN, "", ""
    return None


def is_tend_command(command: str) -> bool:
    """Whether an info command is one of the open cluster-tend commands."""
    return parse_params(command)[0] in TEND_COMMANDS
