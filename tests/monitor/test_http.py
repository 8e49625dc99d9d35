"""Every endpoint of ``aerolite monitor``, over HTTP, while throttled jobs run on ``aerolite serve``.

What the monitor says is checked against what the SDK reads from the node directly.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from aerolite.sync import BackgroundTask, Cluster, DataSet
from tests.conftest import ServerProcess, start_server
from tests.monitor.conftest import Monitor, picky_udf_job, start_monitor, throttled_update

TOKEN = re.compile(r'<meta name="monitor-token" content="([^"]+)">')


@dataclass
class Answer:
    status: int
    headers: Mapping[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


def request(url: str, method: str = "GET", headers: Mapping[str, str] | None = None) -> Answer:
    """One HTTP exchange (errors are answers too)."""
    try:
        with urlopen(Request(url, method=method, headers=dict(headers or {})), timeout=30) as response:
            return Answer(response.status, response.headers, response.read().decode())
    except HTTPError as error:
        return Answer(error.code, error.headers, error.read().decode())


def token_of(url: str) -> str:
    found = TOKEN.search(request(url).body)
    assert found, "the page carries no token"
    return found.group(1)


def job_of(url: str, task: BackgroundTask, *, done: bool = False) -> dict[str, Any]:
    """The job as ``/api/jobs/{id}`` shows it, once the monitor has polled it (with ``done``: polled it finished)."""
    deadline = time.monotonic() + 10
    while True:
        answer = request(f"{url}api/jobs/{task.task_id}")
        if answer.status == 200 and (answer.json()["done"] or not done):
            job: dict[str, Any] = answer.json()
            return job
        assert answer.status in (200, 404) and time.monotonic() < deadline, answer.body
        time.sleep(0.1)


def abort(url: str, task_id: int | str, token: str | None) -> tuple[int, Any]:
    answer = request(f"{url}api/jobs/{task_id}/abort", "POST", {} if token is None else {"X-Monitor-Token": token})
    return answer.status, answer.json()


def test_the_page_and_its_files_are_served_locally_with_a_token(monitor: Monitor) -> None:
    page = request(monitor.url)
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert len(token_of(monitor.url)) >= 24
    assert '<meta name="monitor-read-only" content="false">' in page.body
    bodies = [page.body]
    for path, kind in (("static/monitor.js", "application/javascript"), ("static/monitor.css", "text/css")):
        asset = request(monitor.url + path)
        assert (asset.status, asset.headers["Content-Type"].split(";")[0]) == (200, kind)
        bodies.append(asset.body)
    for body in bodies:  # nothing fetched from elsewhere: the only URL is the SVG namespace name
        assert set(re.findall(r"https?://[^\s\"')]+", body)) <= {"http://www.w3.org/2000/svg"}
    assert request(monitor.url + "static/%2e%2e/page.html").status in (403, 404)


def test_a_request_for_another_host_name_is_refused(monitor: Monitor) -> None:
    answer = request(monitor.url, headers={"Host": "attacker.example:8686"})
    assert answer.status == 421
    assert "not 'attacker.example:8686'" in answer.json()["error"]
    assert request(monitor.url.replace("127.0.0.1", "localhost")).status == 200


def test_state_lists_running_jobs_first_with_sets_indexes_and_udfs(
        monitor: Monitor, cluster: Cluster, set_name: str) -> None:
    finished = picky_udf_job(cluster, f"{set_name}_udf", 90)
    session = cluster.create_session()
    indexed = DataSet.of("test", f"{set_name}_udf")
    session.create_index(indexed, f"{set_name}_age", "age")
    running = throttled_update(cluster, set_name, 2000, 200)
    try:
        job_of(monitor.url, running)
        state = request(monitor.url + "api/state").json()
        ids = [job["id"] for job in state["jobs"]]
        assert ids.index(str(running.task_id)) < ids.index(str(finished.task_id))
        done = [job["done"] for job in state["jobs"]]
        assert done == sorted(done), "a finished job is listed before a running one"
        job = next(j for j in state["jobs"] if j["id"] == str(running.task_id))
        assert (job["type"], job["namespace"], job["set"], job["status"], job["rps_limit"]) == \
            ("background-ops", "test", set_name, "active", 200)
        assert 0 <= job["percent"] < 100 and job["rates"] and not job["done"]
        sets = {s["name"]: s for ns in state["namespaces"] if ns["name"] == "test" for s in ns["sets"]}
        assert sets[set_name]["objects"] == 2000 and sets[f"{set_name}_udf"]["objects"] == 90
        assert sets[set_name]["data_bytes"] > 0
        index = next(i for i in state["indexes"] if i["name"] == f"{set_name}_age")
        assert (index["set"], index["bin"], index["entries"], index["load_pct"]) == (f"{set_name}_udf", "age", 90, 100)
        assert "monitor_picky" in [u["name"] for u in state["udfs"]]
        assert state["read_only"] is False
        assert str(running.task_id) in [j["id"] for j in request(monitor.url + "api/jobs").json()]
    finally:
        running.abort()
        session.drop_index(indexed, f"{set_name}_age")


def test_a_job_shows_its_failed_records(monitor: Monitor, cluster: Cluster, set_name: str) -> None:
    task = picky_udf_job(cluster, set_name, 90)
    job = job_of(monitor.url, task, done=True)
    failing = sorted(i for i in range(90) if i % 9 == 4)
    assert (job["done"], job["failed"], job["written"]) == (True, len(failing), 90 - len(failing))
    assert (job["type"], job["udf"]) == ("background-udf", "monitor_picky.bump")
    failures = job["failures"]
    assert failures["kept"] is True
    assert sorted(int(item["key"]) for item in failures["items"]) == failing
    for item in failures["items"]:
        assert (item["code"], item["code_name"]) == (100, "UDF_BAD_RESPONSE")
        assert item["message"].endswith(f"no score for user {item['key']}")
        assert item["digest"] == DataSet.of("test", set_name).id(int(item["key"])).digest


def test_unknown_and_malformed_job_ids(monitor: Monitor) -> None:
    assert request(monitor.url + "api/jobs/123456789").status == 404
    malformed = request(monitor.url + "api/jobs/abc")
    assert malformed.status == 400 and "a job id is a number" in malformed.json()["error"]
    token = token_of(monitor.url)
    assert abort(monitor.url, 123456789, token)[0] == 404
    assert abort(monitor.url, "x1", token)[0] == 400
    assert request(monitor.url + "api/jobs/1/abort").status == 405  # GET cannot abort


def read_events(url: str, count: int) -> list[dict[str, Any]]:
    """The first ``count`` ``state`` events of the stream."""
    events: list[dict[str, Any]] = []
    with urlopen(url + "api/events", timeout=30) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        event = ""
        for raw in stream:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line.removeprefix("event: ")
            elif line.startswith("data: ") and event == "state":
                events.append(json.loads(line.removeprefix("data: ")))
                if len(events) == count:
                    break
    return events


def test_the_event_stream_carries_a_running_jobs_progress_as_it_grows(
        monitor: Monitor, cluster: Cluster, set_name: str) -> None:
    task = throttled_update(cluster, set_name, 1500, 250)
    try:
        job_of(monitor.url, task)
        events = read_events(monitor.url, 6)
        seen = [next(j for j in e["jobs"] if j["id"] == str(task.task_id)) for e in events]
        scanned = [job["scanned"] for job in seen]
        assert scanned == sorted(scanned) and scanned[-1] > scanned[0], scanned
        assert all(e["at"] < f["at"] for e, f in pairwise(events))
        assert len(seen[-1]["rates"]) > 1
    finally:
        task.abort()


def test_abort_needs_the_pages_token(monitor: Monitor, cluster: Cluster, set_name: str) -> None:
    task = throttled_update(cluster, set_name, 3000, 200)
    job_of(monitor.url, task)
    status, body = abort(monitor.url, task.task_id, None)
    assert status == 403 and "X-Monitor-Token" in body["error"]
    assert abort(monitor.url, task.task_id, "not-the-token")[0] == 403
    assert not task.progress().done, "a refused abort stopped the job"

    status, body = abort(monitor.url, task.task_id, token_of(monitor.url))
    assert (status, body) == (200, {"aborted": True, "id": str(task.task_id), "result": "user-aborted"})
    final = task.progress()
    assert final.done and final.aborted and final.written < 3000
    status, body = abort(monitor.url, task.task_id, token_of(monitor.url))
    assert status == 409 and "already finished" in body["error"]
    job = job_of(monitor.url, task, done=True)
    assert (job["status"], job["result"], job["aborted"]) == ("done", "user-aborted", True)


def test_read_only_shows_no_buttons_and_refuses_aborts(server: ServerProcess, cluster: Cluster, set_name: str) -> None:
    read_only = start_monitor(server, "--read-only")
    task = throttled_update(cluster, set_name, 2000, 200)
    try:
        page = request(read_only.url)
        assert '<meta name="monitor-read-only" content="true">' in page.body
        assert request(read_only.url + "api/state").json()["read_only"] is True
        status, body = abort(read_only.url, task.task_id, token_of(read_only.url))
        assert status == 403 and "read-only" in body["error"]
        assert not task.progress().done
    finally:
        task.abort()
        read_only.stop()


def test_a_lost_cluster_shows_as_an_error_while_the_page_stays_up() -> None:
    node = start_server()
    watching = start_monitor(node)
    try:
        assert "error" not in request(watching.url + "api/state").json()
        node.stop()
        deadline = time.monotonic() + 30
        while "error" not in (state := request(watching.url + "api/state").json()):
            assert time.monotonic() < deadline, "the monitor never noticed the node was gone"
            time.sleep(0.2)
        assert state["error"].startswith("cannot read the cluster: ")
        assert state["namespaces"], "the last data known is kept on the page"
        assert request(watching.url).status == 200
    finally:
        watching.stop()
        node.stop()
