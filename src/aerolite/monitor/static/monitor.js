// aerolite monitor: renders the snapshots the server streams (server-sent events) and sends aborts.
// Every value from the cluster goes in as text (textContent), never as markup.
"use strict";

const token = document.querySelector('meta[name="monitor-token"]').content;
const readOnly = document.querySelector('meta[name="monitor-read-only"]').content === "true";
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

const fmtInt = (n) => Math.round(n).toLocaleString("en-US");

function fmtBytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? String(n) : n.toFixed(n < 10 ? 1 : 0)) + " " + units[i];
}

function fmtDuration(s) {
  if (s === null || s === undefined) return "—";
  if (s < 10) return s.toFixed(1) + " s";
  const t = Math.round(s);
  if (t < 60) return t + " s";
  if (t < 3600) return Math.floor(t / 60) + " min " + String(t % 60).padStart(2, "0") + " s";
  return Math.floor(t / 3600) + " h " + String(Math.floor(t % 3600 / 60)).padStart(2, "0") + " min";
}

function statusOf(job) {
  if (!job.done) return { text: "running", cls: "running", card: "running" };
  if (job.result === "ok") return { text: "done", cls: "ok", card: "done-ok" };
  if (job.aborted) return { text: "aborted", cls: "aborted", card: "done-aborted" };
  return { text: "ended: " + job.result, cls: "other", card: "done-other" };
}

function kindOf(type) {
  return { "background-ops": "write ops", "background-udf": "udf" }[type] || type || "job";
}

// A rate-over-time chart: an area under a line, scaled to the highest rate seen.
function drawRates(svg, points) {
  svg.replaceChildren();
  if (points.length < 2) return;
  const t0 = points[0][0], t1 = points[points.length - 1][0];
  const top = Math.max(1, ...points.map((p) => p[1]));
  const x = (t) => (t1 === t0 ? 0 : (t - t0) / (t1 - t0) * 100);
  const y = (r) => 30 - r / top * 28;
  const line = points.map((p, i) => (i ? "L" : "M") + x(p[0]).toFixed(2) + " " + y(p[1]).toFixed(2)).join(" ");
  const area = document.createElementNS(SVG, "path");
  area.setAttribute("class", "area");
  area.setAttribute("d", line + " L100 30 L0 30 Z");
  const stroke = document.createElementNS(SVG, "path");
  stroke.setAttribute("class", "line");
  stroke.setAttribute("d", line);
  svg.append(area, stroke);
}

function stat(label, cls) {
  const box = el("div", "stat " + (cls || ""));
  box.append(el("div", "label", label), el("div", "value"));
  return box;
}

function newCard(id) {
  const card = el("article", "job");
  card.dataset.jobId = id;
  const abort = el("button", "abort outline-danger", "Abort");
  abort.type = "button";
  abort.addEventListener("click", () => askAbort(card.dataset.jobId, abort));
  const head = el("div", "job-head");
  head.append(el("span", "job-id", "#" + id), el("span", "kind"), el("span", "target"), el("span", "spacer"),
              abort, el("span", "status"));
  const barRow = el("div", "bar-row");
  const bar = el("div", "bar");
  bar.setAttribute("role", "progressbar");
  bar.setAttribute("aria-valuemin", "0");
  bar.setAttribute("aria-valuemax", "100");
  bar.append(el("span"));
  barRow.append(bar, el("span", "pct"));
  const stats = el("div", "stats");
  const rate = stat("records/s", "ratebox");
  const chart = document.createElementNS(SVG, "svg");
  chart.setAttribute("viewBox", "0 0 100 30");
  chart.setAttribute("preserveAspectRatio", "none");
  chart.setAttribute("aria-label", "records per second over time");
  const rateRow = el("div", "rate");
  rateRow.append(rate.querySelector(".value"), chart);
  rate.append(rateRow);
  stats.append(stat("scanned", "scanned"), stat("written", "written"), stat("filtered out", "filtered"),
               stat("failed", "failed"), rate, stat("elapsed", "elapsed"), stat("ETA", "eta"));
  const failures = el("details", "failures");
  failures.append(el("summary"), el("div", "note"));
  card.append(head, barRow, stats, failures);
  return card;
}

function setValue(card, cls, text, extra) {
  const value = card.querySelector(".stat." + cls + " .value, .stat." + cls + " .rate .value");
  value.textContent = text;
  if (extra !== undefined) value.classList.toggle("some", extra);
}

function renderFailures(box, job) {
  const f = job.failures;
  box.hidden = !job.failed;
  if (!job.failed) return;
  const items = f ? f.items : [];
  const shown = !items.length ? "" : items.length === job.failed ? " · all shown" : " · first " + items.length + " shown";
  box.querySelector("summary").textContent = fmtInt(job.failed) + " failed records" + shown;
  const note = box.querySelector(".note");
  note.textContent = f && !f.kept ? f.note : "";
  const signature = JSON.stringify(items);
  if (box.dataset.signature === signature) return;  // unchanged: keep the table (and where it is scrolled to)
  box.dataset.signature = signature;
  box.querySelector(".fail-wrap")?.remove();
  if (!items.length) return;
  const table = el("table", "fail-table");
  const head = el("tr");
  for (const title of ["key", "code", "message", "digest"]) head.append(el("th", title === "digest" ? "digest" : "", title));
  table.append(el("thead"), el("tbody"));
  table.tHead.append(head);
  for (const item of items) {
    const row = el("tr");
    row.append(el("td", "key", item.key === null ? "—" : item.key), el("td", "code", item.code_name + " (" + item.code + ")"),
               el("td", "msg", item.message), el("td", "digest", item.digest));
    table.tBodies[0].append(row);
  }
  const wrap = el("div", "fail-wrap");
  wrap.append(table);
  box.append(wrap);
}

function renderJob(card, job) {
  const st = statusOf(job);
  card.className = "job " + st.card;
  card.dataset.status = job.done ? job.result : "running";
  card.dataset.percent = String(job.percent);
  card.querySelector(".kind").textContent = kindOf(job.type) + (job.udf ? " " + job.udf : "");
  card.querySelector(".target").textContent = job.namespace + "/" + (job.set || "*");
  const status = card.querySelector(".status");
  status.className = "status " + st.cls;
  status.textContent = st.text;
  card.querySelector(".bar > span").style.width = job.percent + "%";
  card.querySelector(".bar").setAttribute("aria-valuenow", String(job.percent));
  card.querySelector(".pct").textContent = (job.percent >= 10 || job.done ? Math.floor(job.percent) : job.percent.toFixed(1)) + "%";
  setValue(card, "scanned", fmtInt(job.scanned));
  setValue(card, "written", fmtInt(job.written));
  setValue(card, "filtered", fmtInt(job.filtered));
  setValue(card, "failed", fmtInt(job.failed), job.failed > 0);
  setValue(card, "ratebox", fmtInt(job.rate));
  setValue(card, "elapsed", fmtDuration(job.elapsed));
  setValue(card, "eta", job.done ? "—" : fmtDuration(job.eta));
  drawRates(card.querySelector(".rate svg"), job.rates);
  const abort = card.querySelector(".abort");
  abort.hidden = readOnly || job.done;
  if (job.done) abort.disabled = false;
  renderFailures(card.querySelector(".failures"), job);
}

function renderJobs(jobs) {
  const box = $("jobs");
  const cards = new Map([...box.children].map((c) => [c.dataset.jobId, c]));
  const order = jobs.map((job) => {
    const card = cards.get(job.id) || newCard(job.id);
    cards.delete(job.id);
    renderJob(card, job);
    return card;
  });
  for (const gone of cards.values()) gone.remove();
  order.forEach((card, i) => { if (box.children[i] !== card) box.insertBefore(card, box.children[i] || null); });
  $("no-jobs").hidden = jobs.length > 0;
  const running = jobs.filter((j) => !j.done).length;
  $("jobs-count").textContent = running ? running + " running" : String(jobs.length);
}

function miniBar(pct) {
  const wrap = el("div", "mini");
  const bar = el("div", "bar");
  const fill = el("span");
  fill.style.width = pct + "%";
  bar.append(fill);
  wrap.append(bar, el("span", "t", pct + "%"));
  return wrap;
}

function row(cls, cells) {
  const tr = el("tr", cls);
  for (const [text, tdCls] of cells) {
    const td = el("td", tdCls || "");
    if (text instanceof Node) td.append(text); else td.textContent = text;
    tr.append(td);
  }
  return tr;
}

function renderCluster(state) {
  const ns = $("namespaces");
  ns.replaceChildren();
  for (const n of state.namespaces || []) {
    ns.append(row("ns", [[n.name], [fmtInt(n.objects), "num"], [fmtBytes(n.memory_bytes), "num"]]));
    for (const s of n.sets) ns.append(row("set", [[s.name], [fmtInt(s.objects), "num"], [fmtBytes(s.data_bytes), "num"]]));
  }
  const idx = $("indexes");
  idx.replaceChildren();
  for (const i of state.indexes || []) {
    const on = i.namespace + "/" + (i.set || "*") + " · " + i.bin + " (" + i.type + (i.collection !== "default" ? ", " + i.collection : "") + ")";
    idx.append(row("", [[i.name], [on], [fmtInt(i.entries), "num"], [miniBar(i.load_pct)]]));
  }
  $("no-indexes").hidden = (state.indexes || []).length > 0;
  const udfs = $("udfs");
  udfs.replaceChildren();
  for (const u of state.udfs || []) {
    const li = el("li");
    li.append(el("strong", "", u.name), el("span", "muted", u.language), el("span", "hash", u.hash));
    udfs.append(li);
  }
  udfs.hidden = !(state.udfs || []).length;
  $("no-udfs").hidden = (state.udfs || []).length > 0;
}

function render(state) {
  $("cluster").textContent = "cluster " + (state.cluster || "");
  const error = $("error");
  error.hidden = !state.error;
  error.textContent = state.error || "";
  renderJobs(state.jobs || []);
  renderCluster(state);
}

function showLive(on) {
  $("live").className = "dot " + (on ? "on" : "off");
  $("live-text").textContent = on ? "live" : "reconnecting…";
}

let pending = null;

function askAbort(id, button) {
  pending = { id, button };
  $("confirm-id").textContent = "#" + id;
  $("confirm").showModal();
}

$("confirm").addEventListener("close", async () => {
  const choice = $("confirm").returnValue;
  const target = pending;
  pending = null;
  if (choice !== "abort" || !target) return;
  target.button.disabled = true;
  target.button.textContent = "Aborting…";
  try {
    const answer = await fetch("/api/jobs/" + target.id + "/abort", { method: "POST", headers: { "X-Monitor-Token": token } });
    if (!answer.ok) {
      const body = await answer.json().catch(() => ({}));
      throw new Error(body.error || answer.statusText);
    }
  } catch (err) {
    $("error").hidden = false;
    $("error").textContent = "abort of job " + target.id + " failed: " + err.message;
    target.button.disabled = false;
  }
  target.button.textContent = "Abort";
});

$("ro").hidden = !readOnly;
const events = new EventSource("/api/events");
events.addEventListener("state", (e) => { showLive(true); render(JSON.parse(e.data)); });
events.addEventListener("open", () => showLive(true));
events.addEventListener("error", () => showLive(false));
