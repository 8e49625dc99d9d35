"""The monitor's web application (aiohttp): the page, its JSON, a server-sent event stream, and abort.

Endpoints:

- ``GET /`` — the page (the per-start token and the read-only flag are written into it);
  ``GET /static/...`` — its script and style, from the package.
- ``GET /api/state`` — the latest snapshot (jobs, namespaces and sets, indexes, UDF modules).
- ``GET /api/jobs`` — the jobs alone; ``GET /api/jobs/{id}`` — one job.
- ``GET /api/events`` — server-sent events: a ``state`` event with each new snapshot.
- ``POST /api/jobs/{id}/abort`` — stop a running job. Needs the header ``X-Monitor-Token`` carrying the
  token of this start (a page of another site can neither read it nor send the header without a
  CORS preflight, which is never granted); refused in ``--read-only`` mode.

Requests whose ``Host`` is not the address the monitor listens on are refused while it listens on
loopback, so a DNS-rebinding page cannot read the token either.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from importlib import resources
from string import Template
from typing import Any

from aiohttp import web

from aerolite.monitor.poller import Poller
from aerolite.monitor.snapshot import Json
from aerolite.sdk import AerospikeError, JobNotFoundError, Session

TOKEN_HEADER = "X-Monitor-Token"
HEARTBEAT_SECONDS = 15.0
"""A comment line on an idle event stream this often, so proxies and browsers keep it open."""
SHUTDOWN_SECONDS = 1.0
"""How long a stopping monitor lets requests finish; event streams never do, so this is short."""
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@dataclass(frozen=True)
class MonitorConfig:
    """How this monitor runs: ``bind`` is the address it listens on (loopback by default)."""

    bind: str = "127.0.0.1"
    read_only: bool = False
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))


POLLER = web.AppKey("poller", Poller)
SESSION = web.AppKey("session", Session)
CONFIG = web.AppKey("config", MonitorConfig)


def create_app(session: Session, poller: Poller, config: MonitorConfig) -> web.Application:
    """The application; the poller runs while the application does."""
    app = web.Application(middlewares=[_guard_host])
    app.on_response_prepare.append(_security_headers)
    app[POLLER], app[SESSION], app[CONFIG] = poller, session, config
    app.cleanup_ctx.append(_polling)
    static = resources.files("aerolite.monitor") / "static"
    app.add_routes([
        web.get("/", _page),
        web.get("/api/state", _state),
        web.get("/api/jobs", _jobs),
        web.get("/api/jobs/{id}", _job),
        web.get("/api/events", _events),
        web.post("/api/jobs/{id}/abort", _abort),
        web.static("/static", str(static)),
    ])
    return app


async def _polling(app: web.Application) -> AsyncIterator[None]:
    app[POLLER].start()
    yield
    await app[POLLER].stop()


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _host_name(host: str) -> str:
    """The name part of a ``Host`` header: ``127.0.0.1:8686`` → ``127.0.0.1``, ``[::1]:80`` → ``::1``."""
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


@web.middleware
async def _guard_host(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.app[CONFIG].bind in LOOPBACK and _host_name(request.host) not in LOOPBACK:
        return _error(421, f"this monitor answers requests to 127.0.0.1 or localhost, not {request.host!r}")
    return await handler(request)


async def _security_headers(_request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def _page(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    template = Template((resources.files("aerolite.monitor") / "page.html").read_text())
    html = template.substitute(token=config.token, read_only="true" if config.read_only else "false")
    return web.Response(text=html, content_type="text/html", headers={"Cache-Control": "no-store"})


async def _latest(request: web.Request) -> Json:
    """The latest snapshot (waiting for the first one after a start)."""
    return await request.app[POLLER].wait_newer(0)


async def _state(request: web.Request) -> web.Response:
    return web.json_response({**await _latest(request), "read_only": request.app[CONFIG].read_only})


async def _jobs(request: web.Request) -> web.Response:
    return web.json_response((await _latest(request)).get("jobs", []))


def _job_id(request: web.Request) -> int:
    text = request.match_info["id"]
    if not text.isdigit():
        raise web.HTTPBadRequest(text=json.dumps({"error": f"a job id is a number, not {text!r}"}),
                                 content_type="application/json")
    return int(text)


async def _job(request: web.Request) -> web.Response:
    wanted = str(_job_id(request))
    for job in (await _latest(request)).get("jobs", []):
        if job["id"] == wanted:
            return web.json_response(job)
    return _error(404, f"the cluster lists no job {wanted}")


async def _events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the latest snapshot at once, then each new one as it is taken."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
    await response.prepare(request)
    poller = request.app[POLLER]
    version = max(0, poller.version - 1)
    try:
        while True:
            try:
                snapshot = await asyncio.wait_for(poller.wait_newer(version), HEARTBEAT_SECONDS)
            except TimeoutError:
                await response.write(b": still here\n\n")
                continue
            version = poller.version
            await response.write(f"event: state\ndata: {json.dumps(snapshot)}\n\n".encode())
    except ConnectionResetError:  # the page went away: a normal end of a stream
        return response


async def _abort(request: web.Request) -> web.Response:
    config = request.app[CONFIG]
    if config.read_only:
        return _error(403, "this monitor is read-only (started with --read-only): it aborts nothing")
    given = request.headers.get(TOKEN_HEADER, "")
    if not hmac.compare_digest(given.encode(), config.token.encode()):
        return _error(403, f"missing or wrong {TOKEN_HEADER}: abort from the monitor's own page")
    task_id = _job_id(request)
    task = request.app[SESSION].background_job(task_id)
    try:
        stopped = await task.abort()
        progress = await task.progress()
    except JobNotFoundError:
        return _error(404, f"no node knows job {task_id}")
    except AerospikeError as exc:
        return _error(502, f"the cluster refused: {exc}")
    request.app[POLLER].poll_now()
    if not stopped:
        return _error(409, f"job {task_id} had already finished ({progress.status}, {progress.result})")
    return web.json_response({"aborted": True, "id": str(task_id), "result": progress.result})


async def serve(app: web.Application, bind: str, port: int, ready: Callable[[str], Any]) -> None:
    """Serve until cancelled; ``ready`` gets the page's URL once the port is open."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
    await runner.setup()
    try:
        await web.TCPSite(runner, bind, port).start()
        bound_port = runner.addresses[0][1]
        host = f"[{bind}]" if ":" in bind else bind
        ready(f"http://{host}:{bound_port}/")
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
