"""The info command table: each command name maps to a function answering its value.

Answers follow a node's formats exactly, because clients parse them (the partition map, the peer
list, the job lines). Unknown commands answer ``ERROR:4:unrecognized command`` as a node does.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from aerolite.engine.engine import Engine
from aerolite.engine.indexing import create_index, drop_index
from aerolite.engine.namespace import Namespace
from aerolite.engine.record import CITRUSLEAF_EPOCH
from aerolite.engine.sindex import IndexDefinition
from aerolite.engine.udf import UdfCompileError, UdfRegistrationError
from aerolite.result_codes import AerospikeResultError, ResultCode
from aerolite.server import stat_keys
from aerolite.server.config import ServerConfig
from aerolite.server.metadata import MetadataRelay, encode_dump
from aerolite.server.security import replication
from aerolite.server.security.guard import Security
from aerolite.server.security.peers import JOIN, unwrap
from aerolite.wire.info import parse_params

log = logging.getLogger("aerolite.server")

FEATURES = (
    "batch-any;batch-index;blob-bits;cdt-index;cdt-list;cdt-map;cluster-stable;float;geo;sindex-exists;"
    "peers;pipelining;pquery;pscans;query-show;relaxed-sc;replicas;replicas-all;replicas-master;"
    "replicas-max;truncate-namespace;udf"
)
EDITION = "Aerospike Community Edition"
UNRECOGNIZED = "ERROR:4:unrecognized command"


@dataclass
class InfoContext:
    """What info commands read: the engine, the configuration, and when the server started."""

    engine: Engine
    config: ServerConfig
    start_background: Callable[[Callable[[], bool]], None] = field(default=lambda step: _run_now(step))
    started: float = field(default_factory=time.monotonic)
    user_agents: int = 0
    generation: int = 0
    """Peers and partition generation: raised when a peer (re)joins, so clients refresh their view."""
    relay: MetadataRelay | None = None
    """Set on a node of a multi-node cluster: carries cluster-wide commands to the peers."""
    security: Security | None = None
    """The node's users and roles when access control is on (peers keep them the same)."""


def _run_now(step: Callable[[], bool]) -> None:
    while not step():
        pass


Handler = Callable[[InfoContext, dict[str, str], str], str]
_HANDLERS: dict[str, Handler] = {}


def command(*names: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for name in names:
            _HANDLERS[name] = fn
        return fn
    return register


def answer(ctx: InfoContext, cmd: str) -> str:
    """The value for one command line (without its trailing newline)."""
    name, params = parse_params(cmd)
    handler = _HANDLERS.get(name)
    if handler is None and "/" in name:
        handler = _HANDLERS.get(name.split("/", 1)[0] + "/")
    if handler is None:
        return UNRECOGNIZED
    try:
        return handler(ctx, params, cmd)
    except AerospikeResultError as exc:
        return f"ERROR:{int(exc.code)}:{exc}"
    except Exception:
        log.exception("info command %r failed inside the node", cmd)
        return "ERROR::internal error"


SUMMARY = ("features", "node", "compatibility-id", "edition", "build_ee_sha", "build_sha", "build_arch",
           "build_time", "build_os", "build", "version", "statistics", "services-alumni", "services",
           "partition-generation")


def summary(ctx: InfoContext) -> list[tuple[str, str]]:
    """The answer to an empty info request."""
    return [(name, answer(ctx, name)) for name in SUMMARY]


def _const(value: str) -> Handler:
    return lambda _ctx, _params, _cmd: value


for _name, _value in {
    "edition": EDITION,
    "features": FEATURES,
    "partitions": "4096",
    "rebalance-generation": "0",
    "status": "ok",
    "compatibility-id": "15",
    "build_ee_sha": "",
    "build_sha": "aerolite",
    "build_arch": "x86_64",
    "build_time": "",
    "build_os": "python",
    "services": "",
    "services-alumni": "",
    "alumni-clear-std": "",
    "health-stats": "",
    "best-practices": "failed_best_practices=",
    "rack-ids": "",
    "user-agent-set": "ok",
}.items():
    _HANDLERS[_name] = _const(_value)


@command("build")
def _build(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    return ctx.config.build


@command("version")
def _version(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    return f"{EDITION} build {ctx.config.build}"


@command("node")
def _node(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    return ctx.config.node_name()


@command("cluster-name")
def _cluster_name(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    return ctx.config.cluster_name


@command("service", "service-clear-std", "service-clear-alt")
def _service(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    return f"{ctx.config.host}:{ctx.config.port}"


@command("partition-generation", "peers-generation")
def _generation(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    return str(ctx.generation)


@command("peers-clear-std", "peers-clear-alt", "peers-tls-std", "peers-tls-alt")
def _peers(ctx: InfoContext, _p: dict[str, str], cmd: str) -> str:
    tls_name = ctx.config.access.tls_name if cmd.startswith("peers-tls") else ""
    return ctx.config.layout().peers(ctx.generation, tls_name)


@command("alumni-tls-std")
def _alumni(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    return f"0,{ctx.config.port},[]"


@command("replicas")
def _replicas(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    owned = ctx.config.layout().replicas_bitmap
    return ";".join(f"{name}:0,1,{owned}" for name in ctx.engine.namespaces)


@command("replicas-master")
def _replicas_master(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    owned = ctx.config.layout().replicas_bitmap
    return ";".join(f"{name}:{owned}" for name in ctx.engine.namespaces)


@command("replicas-all")
def _replicas_all(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    owned = ctx.config.layout().replicas_bitmap
    return ";".join(f"{name}:1,{owned}" for name in ctx.engine.namespaces)


@command("cluster-stable")
def _cluster_stable(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    """The cluster key when the cluster has the size asked for (``size=N``), as a node answers."""
    layout = ctx.config.layout()
    if params.get("size", str(layout.size)) != str(layout.size):
        return "ERROR::cluster not specified size"
    if params.get("namespace", params.get("ns")) not in (None, *ctx.engine.namespaces):
        return "ERROR::unknown namespace"
    return layout.cluster_key


@command("smd")
def _from_peer(ctx: InfoContext, _p: dict[str, str], cmd: str) -> str:
    """A cluster-wide command a peer applied and sent on (its proof checked by the guard): apply it here only."""
    return apply_from_peer(ctx, unwrap(cmd))


def apply_from_peer(ctx: InfoContext, command: str) -> str:
    """Apply one cluster-wide command from a peer: an info command, or users and roles (no client may send those)."""
    if parse_params(command)[0] == replication.COMMAND:
        return replication.apply(ctx.security, command) if ctx.security is not None else "ERROR::access control is off"
    return answer(ctx, command)


@command(JOIN)
def _join(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    """A peer (re)joined: make clients rediscover it, and give it the cluster-wide metadata to apply (sealed with
    the cluster key, so that it knows a peer answered)."""
    if ctx.relay is None:
        return "ERROR:4:not a node of a local cluster"
    ctx.generation += 1
    users = [replication.snapshot_command(ctx.security)] if ctx.security is not None else []
    return ctx.relay.key.seal(encode_dump(metadata_commands(ctx.engine) + users))


def metadata_commands(engine: Engine) -> list[str]:
    """The info commands that recreate this node's UDF modules, indexes and namespace settings."""
    commands = []
    for filename, _hash in engine.udfs.list():
        content = base64.b64encode(engine.udfs.get(filename) or b"").decode()
        commands.append(f"udf-put:filename={filename};content={content};content-len={len(content)};udf-type=LUA")
    for ns in engine.namespaces.values():
        settings = _namespace_overrides(ns)
        commands.append("set-config:context=namespace;id=" + ns.name + "".join(
            f";{name}={settings[name]}" for name in _SETTABLE))
        for index in ns.indexes.values():
            d = index.definition
            commands.append(
                f"sindex-create:namespace={ns.name};indexname={d.name};set={d.set_name};bin={d.bin_name};"
                f"type={d.type_as_sent};indextype={d.collection}"
                + (f";context={d.context}" if d.context else "") + (f";exp={d.expression}" if d.expression else ""))
    return commands


@command("namespaces")
def _namespaces(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    return ";".join(ctx.engine.namespaces)


def _render(defaults: tuple[tuple[str, str], ...], overrides: dict[str, str], sep: str = ";") -> str:
    return sep.join(f"{k}={overrides.get(k, v)}" for k, v in defaults)


INDEX_ENTRY_BYTES = 64
"""What a node's primary index spends per record (and what aerolite reports for its index entries)."""


def _namespace_overrides(ns: Namespace, size: int = 1) -> dict[str, str]:
    objects = str(len(ns))
    return {
        "data_used_bytes": str(ns.used_bytes),
        "index_used_bytes": str(len(ns) * INDEX_ENTRY_BYTES),
        "sindex_used_bytes": str(sum(index.entries for index in ns.indexes.values()) * INDEX_ENTRY_BYTES),
        "objects": objects,
        "master_objects": objects,
        "non_expirable_objects": str(ns.non_expirable()),
        "expired_objects": "0",
        "current_time": str(int(time.time()) - CITRUSLEAF_EPOCH),
        "default-ttl": str(ns.config.default_ttl),
        "nsup-period": str(ns.config.nsup_period),
        "background-query-max-rps": str(ns.config.background_query_max_rps),
        "default-read-touch-ttl-pct": str(ns.config.default_read_touch_ttl_pct),
        "storage-engine": "device" if ns.config.storage == "file" else "memory",
        "ns_cluster_size": str(size),
        "replication-factor": "1",
    }


@command("namespace/")
def _namespace(ctx: InfoContext, _p: dict[str, str], cmd: str) -> str:
    ns = ctx.engine.namespaces.get(cmd.split("/", 1)[1])
    if ns is None:
        return "type=unknown"
    return _render(stat_keys.NAMESPACE_DEFAULTS, _namespace_overrides(ns, ctx.config.layout().size))


@command("get-config")
def _get_config(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    if params.get("context") != "namespace":
        return "ERROR::unrecognized context" if params.get("context") else _render(stat_keys.NAMESPACE_CONFIG_DEFAULTS, {})
    ns = ctx.engine.namespaces.get(params.get("id", ""))
    if ns is None:
        return "ERROR::namespace not found"
    return _render(stat_keys.NAMESPACE_CONFIG_DEFAULTS, _namespace_overrides(ns))


_SETTABLE = {"background-query-max-rps": "background_query_max_rps", "default-ttl": "default_ttl",
             "nsup-period": "nsup_period", "default-read-touch-ttl-pct": "default_read_touch_ttl_pct"}


@command("set-config")
def _set_config(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    """Change namespace settings at run time (``context=namespace;id=<ns>;<name>=<value>``)."""
    if params.get("context") != "namespace":
        return "ERROR::only the namespace context can be set"
    ns = ctx.engine.namespaces.get(params.get("id", ""))
    if ns is None:
        return "ERROR::namespace not found"
    changes: dict[str, Any] = {}
    for name, value in params.items():
        if name in ("context", "id"):
            continue
        attr = _SETTABLE.get(name)
        if attr is None:
            return f"ERROR::{name} cannot be set"
        try:
            changes[attr] = int(value)
        except ValueError:
            return f"ERROR::{name} must be an integer, not {value!r}"
        if changes[attr] < 0:
            return f"ERROR::{name} must not be negative"
    ns.config = replace(ns.config, **changes)
    return "ok"


@command("statistics")
def _statistics(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    objects = sum(len(ns) for ns in ctx.engine.namespaces.values())
    return _render(stat_keys.STATISTICS_DEFAULTS, {
        "cluster_principal": ctx.config.node_name(),
        "cluster_size": str(ctx.config.layout().size),
        "cluster_key": ctx.config.layout().cluster_key,
        "uptime": str(int(time.monotonic() - ctx.started)),
        "objects": str(objects),
        "failed_best_practices": "false",
    })


@command("sets", "sets/")
def _sets(ctx: InfoContext, _p: dict[str, str], cmd: str) -> str:
    parts = cmd.split("/")[1:]
    wanted_ns = parts[0] if parts else None
    wanted_set = parts[1] if len(parts) > 1 else None
    lines = []
    for ns in ctx.engine.namespaces.values():
        if wanted_ns is not None and ns.name != wanted_ns:
            continue
        record_bytes = ns.average_record_bytes()
        for set_name, count in sorted(ns.set_counts().items()):
            if not set_name or (wanted_set is not None and set_name != wanted_set):
                continue
            overrides = {"ns": ns.name, "set": set_name, "objects": str(count),
                         "data_used_bytes": str(count * record_bytes)}
            prefix = "" if wanted_set else f"ns={ns.name}:set={set_name}:"
            lines.append(prefix + _render(stat_keys.SET_DEFAULTS, overrides, ":") + ";")
    return "".join(lines)


def _now_ns() -> int:
    return time.time_ns()


@command("truncate")
def _truncate(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    if "set" not in params:
        return "ERROR:4:missing 'set'"
    return _do_truncate(ctx, params, params["set"])


@command("truncate-namespace")
def _truncate_namespace(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    return _do_truncate(ctx, params, None)


def _do_truncate(ctx: InfoContext, params: dict[str, str], set_name: str | None) -> str:
    if "namespace" not in params:
        return "ERROR:4:missing 'namespace'"
    ns = ctx.engine.namespaces.get(params["namespace"])
    if ns is None:
        return "ok"
    lut = params.get("lut")
    try:
        before = int(lut) if lut else _now_ns()
    except ValueError:
        return f"ERROR:4:bad 'lut' {lut!r}"
    ctx.engine.truncate(ns.name, set_name, before)
    return "ok"


def _ns_param(params: dict[str, str]) -> str:
    return params.get("namespace", params.get("ns", ""))


@command("sindex-create")
def _sindex_create(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    ns = ctx.engine.namespaces.get(_ns_param(params))
    if ns is None:
        return "ERROR:20:namespace not found"
    bin_name, value_type = params.get("bin", ""), params.get("type", "")
    if "indexdata" in params:
        bin_name, _, value_type = params["indexdata"].partition(",")
    definition = IndexDefinition(
        name=params.get("indexname", ""), namespace=ns.name, set_name=params.get("set", ""),
        bin_name=bin_name, type_as_sent=value_type.lower(), collection=params.get("indextype", "default").lower(),
        context=params.get("context") or None, expression=params.get("exp") or None,
    )
    index = create_index(ns, definition)
    if index is not None:
        ctx.start_background(lambda: index.build_step(1024))
    return "ok"


@command("sindex-delete")
def _sindex_delete(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    ns = ctx.engine.namespaces.get(_ns_param(params))
    if ns is not None:
        drop_index(ns, params.get("indexname", ""))
    return "ok"


@command("sindex-list")
def _sindex_list(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    wanted = _ns_param(params)
    return ";".join(index.definition.describe() for ns in ctx.engine.namespaces.values()
                    if not wanted or ns.name == wanted for index in ns.indexes.values())


@command("sindex-exists")
def _sindex_exists(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    ns = ctx.engine.namespaces.get(_ns_param(params))
    return "true" if ns is not None and params.get("indexname", "") in ns.indexes else "false"


@command("sindex-stat", "sindex/")
def _sindex_stat(ctx: InfoContext, params: dict[str, str], cmd: str) -> str:
    if cmd.startswith("sindex/"):
        _, ns_name, name = ([*cmd.split("/"), "", ""])[:3]
    else:
        ns_name, name = _ns_param(params), params.get("indexname", "")
    ns = ctx.engine.namespaces.get(ns_name)
    index = ns.indexes.get(name) if ns is not None else None
    if index is None:
        return "ERROR:201:no index"
    entries = index.entries
    return (f"entries={entries};used_bytes={entries * INDEX_ENTRY_BYTES};entries_per_bval=1;entries_per_rec=1;"
            f"load_pct={index.load_pct};load_time=0;stat_gc_recs=0")


@command("udf-put")
def _udf_put(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    filename, content = params.get("filename", ""), params.get("content", "")
    if params.get("udf-type", "LUA").upper() != "LUA":
        return "error=invalid_udf_type"
    declared = params.get("content-len")
    if declared is not None and declared != str(len(content)):
        return "error=invalid_content_len"
    try:
        source = base64.b64decode(content, validate=True)
    except ValueError:
        return "error=invalid_content"
    try:
        ctx.engine.udfs.put(filename, source)
    except UdfCompileError as exc:
        message = base64.b64encode(exc.lua_message.encode()).decode()
        return f"error=compile_error;file={exc.file};line={exc.line};message={message}"
    except UdfRegistrationError as exc:
        return f"error={exc.token}"
    return "ok"


@command("udf-list")
def _udf_list(ctx: InfoContext, _p: dict[str, str], _c: str) -> str:
    return "".join(f"filename={name},hash={digest},type=LUA;" for name, digest in ctx.engine.udfs.list())


@command("udf-get")
def _udf_get(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    content = ctx.engine.udfs.get(params.get("filename", ""))
    if content is None:
        return "error=not_found"
    return f"type=LUA;content={base64.b64encode(content).decode()};"


@command("udf-remove")
def _udf_remove(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    ctx.engine.udfs.remove(params.get("filename", ""))
    return "ok"


def _task_id(params: dict[str, str]) -> int | None:
    raw = params.get("id", params.get("trid"))
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise AerospikeResultError(ResultCode.PARAMETER_ERROR, f"bad job id {raw!r}") from None


@command("query-show")
def _query_show(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    task_id = _task_id(params)
    if task_id is None:
        return ";".join(job.status_line() for job in ctx.engine.jobs.all())
    job = ctx.engine.jobs.get(task_id)
    if job is None:
        return "ERROR:2:job not found"
    return job.status_line()


@command("query-abort")
def _query_abort(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    task_id = _task_id(params)
    if task_id is None or not ctx.engine.jobs.abort(task_id):
        return "ERROR:2:id not active"
    return "ok"


@command("aerolite-job-failures")
def _job_failures(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    """The failed records a job kept (``id=<id>``; see ``engine.jobs.FailureSample.info_item``); a node lacks it."""
    task_id = _task_id(params)
    if task_id is None:
        return "ERROR:4:missing job id (id=<task id>)"
    job = ctx.engine.jobs.get(task_id)
    if job is None:
        return "ERROR:2:job not found"
    return job.failures.info_reply()


@command("jobs")
def _jobs(ctx: InfoContext, params: dict[str, str], _c: str) -> str:
    """The pre-5.7 job interface: only its explicit ``cmd=`` forms (a bare ``jobs:`` is unrecognized, as on 8.x)."""
    cmd = params.get("cmd")
    if cmd == "get-job":
        return _query_show(ctx, params, _c)
    if cmd == "kill-job":
        return _query_abort(ctx, params, _c)
    if cmd == "get-all":
        return _query_show(ctx, {}, _c)
    return UNRECOGNIZED
