// The explorer's page: controls built from the server's view descriptions, the view's
// parameters kept in the URL, every number asked of the server (which asks the library).
"use strict";

const SLIDER_STEPS = 1000;
const PALETTE = ["#2b6cb0", "#c05621", "#2f855a", "#b83280", "#6b46c1", "#b7791f", "#319795",
                 "#718096"];
const CSV_KEY = "modelcollapse-explore-csv";

// window.explorer is read by the browser tests: renders counted, latencies in ms.
const state = window.explorer = {
  views: {}, view: null, values: {}, csv: null, busy: false, again: null, job: null, markers: [],
  figure: null, renders: 0, latencies: [],
};
const $ = (id) => document.getElementById(id);

async function boot() {
  const meta = await (await fetch("/api/views")).json();
  for (const view of meta.views) state.views[view.name] = view;
  const tabs = $("tabs");
  for (const view of meta.views) {
    const tab = document.createElement("button");
    tab.type = "button";
    tab.textContent = view.title;
    tab.dataset.view = view.name;
    tab.addEventListener("click", () => selectView(view.name, new URLSearchParams(), true));
    tabs.appendChild(tab);
  }
  $("simulate").addEventListener("click", startSimulation);
  $("cancel").addEventListener("click", cancelSimulation);
  $("export-csv").addEventListener("click", exportCsv);
  $("export-png").addEventListener("click", () => exportImage("png"));
  $("export-svg").addEventListener("click", () => exportImage("svg"));
  $("copy-link").addEventListener("click", copyLink);
  $("file").addEventListener("change", loadFile);
  window.addEventListener("popstate", () => fromLocation(false));
  fromLocation(false);
}

function fromLocation(push) {
  const query = new URLSearchParams(location.search);
  const name = query.get("view") || Object.keys(state.views)[0];
  if (!state.views[name]) {
    selectView(Object.keys(state.views)[0], new URLSearchParams(), false);
    showMessage(`view must be one of ${Object.keys(state.views).join(", ")}, got '${name}'`);
    return;
  }
  selectView(name, query, push);
}

function selectView(name, query, push) {
  const view = state.views[name];
  state.view = view;
  state.values = {};
  for (const p of view.params) state.values[p.name] = query.has(p.name) ? query.get(p.name) : p.default;
  // a parameter the view does not have is kept, so the server names it in its refusal
  for (const [key, value] of query) if (key !== "view" && !(key in state.values)) state.values[key] = value;
  for (const tab of $("tabs").children) tab.setAttribute("aria-selected", tab.dataset.view === name);
  $("about").textContent = view.about;
  $("upload").hidden = name !== "data";
  $("simulation").hidden = !view.simulates;
  state.csv = name === "data" ? sessionStorage.getItem(CSV_KEY) : null;
  buildForm(view);
  stopJob();
  refresh(null, push);
}

// ---- controls -----------------------------------------------------------------------
function buildForm(view) {
  const form = $("form");
  form.replaceChildren();
  for (const p of view.params) {
    const row = document.createElement("div");
    row.className = "param";
    row.dataset.param = p.name;
    const label = document.createElement("label");
    label.textContent = p.label;
    label.title = p.help;
    label.htmlFor = `param-${p.name}`;
    row.appendChild(label);
    if (p.kind === "choice") row.appendChild(selectControl(p));
    else if (p.kind === "choices") row.appendChild(choicesControl(p));
    else if (p.slider) row.append(...sliderControl(p));
    else row.appendChild(textControl(p));
    if (!p.slider) row.classList.add("wide");
    form.appendChild(row);
  }
}

function textControl(p) {
  const input = document.createElement("input");
  input.type = "text";
  input.id = `param-${p.name}`;
  input.name = p.name;
  input.value = state.values[p.name];
  input.title = p.help;
  input.addEventListener("change", () => { state.values[p.name] = input.value.trim(); refresh(null, false); });
  return input;
}

function selectControl(p) {
  const select = document.createElement("select");
  select.id = `param-${p.name}`;
  select.name = p.name;
  for (const option of p.options) select.add(new Option(option, option));
  select.value = state.values[p.name];
  select.addEventListener("change", () => { state.values[p.name] = select.value; refresh(null, false); });
  return select;
}

function choicesControl(p) {
  const box = document.createElement("div");
  box.className = "choices";
  box.id = `param-${p.name}`;
  const chosen = new Set(String(state.values[p.name]).split(",").map((s) => s.trim()));
  for (const option of p.options) {
    const label = document.createElement("label");
    const check = document.createElement("input");
    check.type = "checkbox";
    check.value = option;
    check.checked = chosen.has(option);
    check.addEventListener("change", () => {
      state.values[p.name] = [...box.querySelectorAll("input:checked")].map((c) => c.value).join(",");
      refresh(null, false);
    });
    label.append(check, ` ${option}`);
    box.appendChild(label);
  }
  return box;
}

function sliderControl(p) {
  const [low, high, log] = p.slider;
  const toValue = (pos) => log ? low * (high / low) ** (pos / SLIDER_STEPS) : low + (high - low) * pos / SLIDER_STEPS;
  const toPos = (value) => {
    const x = log ? Math.log(value / low) / Math.log(high / low) : (value - low) / (high - low);
    return Math.round(Math.min(1, Math.max(0, x)) * SLIDER_STEPS);
  };
  const slider = document.createElement("input");
  slider.type = "range";
  slider.min = 0;
  slider.max = SLIDER_STEPS;
  slider.id = `slider-${p.name}`;
  slider.setAttribute("aria-label", p.label);
  const text = textControl(p);  // its own change handler stores the value and redraws
  const place = () => { const v = Number(text.value); if (text.value !== "" && Number.isFinite(v)) slider.value = toPos(v); };
  place();
  slider.addEventListener("input", () => {
    const started = performance.now();
    const value = toValue(Number(slider.value));
    text.value = p.kind === "whole" ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
    state.values[p.name] = text.value;
    refresh(started, false);
  });
  text.addEventListener("change", place);
  return [slider, text];
}

// ---- the figure ---------------------------------------------------------------------
function query(extra) {
  const q = new URLSearchParams({view: state.view.name});
  for (const p of state.view.params) if (state.values[p.name] !== p.default) q.set(p.name, state.values[p.name]);
  for (const key of Object.keys(state.values)) if (!state.view.params.some((p) => p.name === key)) q.set(key, state.values[key]);
  for (const [key, value] of Object.entries(extra || {})) q.set(key, value);
  return q;
}

// The data view's file travels as the body of a POST; starting a job is a POST too.
function request(path, extra, post) {
  const init = {method: post ? "POST" : "GET"};
  if (state.view.name === "data" && state.csv) Object.assign(init, {method: "POST", body: state.csv});
  return fetch(`${path}?${query(extra)}`, init);
}

// One request at a time: changes made while the server computes are coalesced into one
// request for the latest values (dragging a slider over a slow view does not pile up work).
async function refresh(started, push) {
  const url = `?${query()}`;
  if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  if (state.job) cancelSimulation();
  state.markers = [];
  if (state.busy) {
    state.again = {started};
    return;
  }
  state.busy = true;
  try {
    await fetchAndDraw(started);
  } finally {
    state.busy = false;
  }
  if (state.again) {
    const next = state.again;
    state.again = null;
    refresh(next.started, false);
  }
}

async function fetchAndDraw(started) {
  const view = state.view.name;
  let answer;
  try {
    const response = await request("/api/view");
    answer = await response.json();
    if (view !== state.view.name) return;  // the user has moved on to another view
    if (!response.ok) return refuse(answer.error);
  } catch (err) {
    return refuse(`the explorer's server did not answer (${err.message}); is it still running?`);
  }
  clearMessage();
  state.figure = answer;
  await draw();
  await new Promise(requestAnimationFrame);
  if (started !== null) state.latencies.push(performance.now() - started);
  state.renders += 1;
  document.body.dataset.renders = state.renders;
}

function refuse(error) {
  showMessage(error);
  $("plot").classList.add("stale");
  const name = String(error).split(/[\s:]/)[0];
  const row = document.querySelector(`.param[data-param="${CSS.escape(name)}"]`);
  if (row) row.classList.add("invalid");
}

function showMessage(text) {
  $("message").textContent = text;
  $("message").hidden = false;
}

function clearMessage() {
  $("message").hidden = true;
  $("plot").classList.remove("stale");
  for (const row of document.querySelectorAll(".param.invalid")) row.classList.remove("invalid");
}

function colours() {
  const groups = {};
  for (const t of state.figure.traces) if (!(t.group in groups)) groups[t.group] = PALETTE[Object.keys(groups).length % PALETTE.length];
  return groups;
}

function plotTraces() {
  const colour = colours();
  const fig = state.figure;
  const hover = `%{fullData.name}<br>${fig.x.title} = %{x:.6g}<br>${fig.y.title} = %{y:.6g}<extra></extra>`;
  const out = [];
  for (const t of fig.traces) {
    const base = {name: t.name, x: t.x, y: t.y, legendgroup: t.group, hovertemplate: hover,
                  line: {color: colour[t.group], width: 2}, marker: {color: colour[t.group], size: 7}};
    if (t.kind === "floor") {
      out.push({...base, mode: "lines", showlegend: false, line: {color: colour[t.group], width: 1, dash: "dash"}});
    } else if (t.kind === "data") {
      out.push({...base, mode: "markers"});
    } else if (t.kind === "fit") {
      out.push({x: t.x, y: t.low, mode: "lines", line: {width: 0}, showlegend: false, hoverinfo: "skip", legendgroup: t.group});
      out.push({x: t.x, y: t.high, mode: "lines", line: {width: 0}, fill: "tonexty", fillcolor: `${colour[t.group]}33`, showlegend: false, hoverinfo: "skip", legendgroup: t.group});
      out.push({...base, mode: "lines", line: {color: colour[t.group], width: 2, dash: "dot"}});
    } else {
      out.push({...base, mode: "lines"});
    }
  }
  const drawn = new Set(fig.traces.map((t) => t.group));
  for (const m of state.markers) {
    const many = Array.isArray(m.x);
    if (!(m.group in colour)) colour[m.group] = PALETTE[Object.keys(colour).length % PALETTE.length];
    const alone = !drawn.has(m.group);  // no theory curve: the markers carry the legend
    drawn.add(m.group);
    out.push({name: alone ? m.group : `simulated, ${m.group}`, x: many ? m.x : [m.x], y: many ? m.y : [m.y], mode: "markers",
              type: "scatter", legendgroup: m.group, showlegend: alone, hovertemplate: hover.replace("%{y:.6g}", "%{y:.6g} ± %{error_y.array:.2g}"),
              marker: {color: colour[m.group], size: 8, symbol: "circle-open", line: {width: 2}},
              error_y: {type: "data", array: many ? m.sem : [m.sem], visible: true, color: colour[m.group]}});
  }
  return out;
}

function draw() {
  const fig = state.figure;
  const layout = {
    title: {text: fig.title, font: {size: 15}},
    xaxis: {title: {text: fig.x.title}, type: fig.x.log ? "log" : "linear", exponentformat: "power"},
    yaxis: {title: {text: fig.y.title}, type: fig.y.log ? "log" : "linear", exponentformat: "power"},
    hovermode: "closest", margin: {l: 70, r: 20, t: 50, b: 55}, legend: {orientation: "v"},
    paper_bgcolor: "#fafbfc", plot_bgcolor: "#fff", uirevision: state.view.name,
    shapes: fig.probe === null ? [] : [{type: "line", xref: "x", yref: "paper", x0: fig.probe, x1: fig.probe,
                                       y0: 0, y1: 1, line: {color: "#9aa3b2", width: 1, dash: "dot"}}],
  };
  drawReadout(fig);
  return Plotly.react($("plot"), plotTraces(), layout, {responsive: true, displaylogo: false,
    toImageButtonOptions: {filename: `modelcollapse-${state.view.name}`}});
}

function drawReadout(fig) {
  const table = $("readout");
  table.replaceChildren();
  if (fig.readout.length) {
    const head = table.insertRow();
    for (const title of ["curve", "at", state.figure.y.title]) head.appendChild(Object.assign(document.createElement("th"), {textContent: title}));
  }
  for (const r of fig.readout) {
    const row = table.insertRow();
    row.insertCell().textContent = r.label;
    row.insertCell().textContent = r.where;
    const cell = row.insertCell();
    cell.className = "value";
    cell.dataset.label = r.label;
    cell.dataset.value = r.value === null ? "" : String(r.value);
    cell.textContent = r.value === null ? "no finite value (see the notes)" : Number(r.value).toPrecision(6);
  }
  $("notes").replaceChildren(...fig.notes.map((n) => Object.assign(document.createElement("li"), {textContent: n})));
}

// ---- Monte-Carlo ----------------------------------------------------------------------
async function startSimulation() {
  clearMessage();
  const response = await request("/api/simulate", {seeds: $("seeds").value}, true);
  const job = await response.json();
  if (!response.ok) return showMessage(job.error);
  state.job = job;
  $("simulate").disabled = true;
  $("cancel").disabled = false;
  $("progress").hidden = false;
  poll(job.id);
}

async function poll(id) {
  if (!state.job || state.job.id !== id) return;
  const job = await (await fetch(`/api/jobs/${id}`)).json();
  if (!state.job || state.job.id !== id) return;
  state.markers = job.markers;
  $("progress").value = job.total ? job.done / job.total : 0;
  $("sim-status").textContent = job.state === "running"
    ? `${job.done} of ${job.total} points (${job.seeds} seeds each)`
    : job.state === "failed" ? `failed: ${job.error}` : `${job.state}: ${job.done} of ${job.total} points, mean ± standard error of ${job.seeds} seeds`;
  draw();
  if (job.state === "running") setTimeout(() => poll(id), 300);
  else stopJob(true);
}

function cancelSimulation() {
  if (state.job) fetch(`/api/jobs/${state.job.id}/cancel`, {method: "POST"});
  stopJob(false);
  $("sim-status").textContent = "cancelled";
}

function stopJob(keepStatus) {
  state.job = null;
  $("simulate").disabled = false;
  $("cancel").disabled = true;
  $("progress").hidden = true;
  if (!keepStatus) $("sim-status").textContent = "";
}

// ---- your data, export, sharing ---------------------------------------------------------
async function loadFile() {
  const file = $("file").files[0];
  if (!file) return;
  state.csv = await file.text();
  try { sessionStorage.setItem(CSV_KEY, state.csv); } catch { /* too large to keep: fine */ }
  refresh(null, false);
}

async function exportCsv() {
  const response = await request("/api/view", {format: "csv"});
  if (!response.ok) return showMessage((await response.json()).error);
  const link = Object.assign(document.createElement("a"), {href: URL.createObjectURL(await response.blob()), download: `modelcollapse-${state.view.name}.csv`});
  link.click();
  URL.revokeObjectURL(link.href);
}

function exportImage(format) {
  Plotly.downloadImage($("plot"), {format, filename: `modelcollapse-${state.view.name}`, width: 1100, height: 620});
}

async function copyLink() {
  try {
    await navigator.clipboard.writeText(location.href);
    $("export-status").textContent = "link copied";
  } catch {
    $("export-status").textContent = location.href;
  }
}

boot();
