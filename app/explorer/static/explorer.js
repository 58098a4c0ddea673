"use strict";
// The explorer: a client of the public API. Every text from the API is set as text, never as
// markup, so a record cannot put a script on the page.

const form = document.getElementById("search");
const statusLine = document.getElementById("status");
const problemLine = document.getElementById("problem");
const table = document.getElementById("results");
const rows = table.querySelector("tbody");
const more = document.getElementById("more");
const downloads = document.getElementById("downloads");
const FILTERS = ["actor", "place", "q", "type", "from", "to"];
let nextCursor = null;
let shown = 0;

function filters() {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = form.elements[name].value.trim();
    if (value) params.set(name, value);
  }
  return params;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function when(incident) {
  if (!incident.start_date) return "date unknown";
  const end = incident.end_date && incident.end_date !== incident.start_date;
  return end ? `${incident.start_date} to ${incident.end_date}` : incident.start_date;
}

function killed(incident) {
  const range = incident.killed || {};
  if (range.best !== null && range.best !== undefined) return String(range.best);
  if (range.low !== null && range.low !== undefined) return `${range.low} to ${range.high ?? "?"}`;
  return "";
}

function place(incident) {
  const where = incident.place || {};
  return [where.name, where.governorate].filter(Boolean).join(", ");
}

function actors(incident) {
  return (incident.actors || []).map((a) => `${a.actor_name} (${a.role})`).join("; ");
}

function sources(incident) {
  const cell = element("td");
  for (const citation of incident.citations || []) {
    const title = citation.source_title || "source";
    const item = citation.source_url ? element("a", title) : element("span", title);
    if (citation.source_url) item.href = citation.source_url;
    cell.append(item, element("br"));
  }
  return cell;
}

function row(incident) {
  const tr = element("tr");
  const kind = incident.sub_type ? `${incident.type} (${incident.sub_type})` : incident.type;
  const link = element("a", when(incident));
  link.href = `/v1/incidents/${incident.id}`;
  const date = element("td");
  date.append(link);
  tr.append(date, element("td", kind), element("td", place(incident)),
            element("td", killed(incident), "number"), element("td", actors(incident)),
            element("td", incident.description), sources(incident));
  return tr;
}

function showProblem(problem) {
  const errors = (problem.errors || []).map((e) => `${e.field}: ${e.message}`).join("; ");
  problemLine.textContent = problem.detail || errors || problem.title || "Something went wrong.";
  problemLine.hidden = false;
}

function offerDownloads(params) {
  for (const fmt of ["csv", "geojson", "ndjson", "atom"]) {
    const exported = new URLSearchParams(params);
    exported.set("format", fmt);
    document.getElementById(fmt).href = `/v1/incidents?${exported}`;
  }
  downloads.hidden = false;
}

async function search(cursor) {
  const params = filters();
  const page = new URLSearchParams(params);
  page.set("limit", form.elements.limit.value);
  if (cursor) page.set("cursor", cursor);
  problemLine.hidden = true;
  statusLine.textContent = "Searching…";
  let response;
  try {
    response = await fetch(`/v1/incidents?${page}`, { headers: { Accept: "application/json" } });
  } catch (error) {
    statusLine.textContent = "";
    showProblem({ detail: "The service could not be reached; try again." });
    return;
  }
  const body = await response.json();
  if (!response.ok) {
    statusLine.textContent = "";
    showProblem(body);
    return;
  }
  if (!cursor) {
    rows.replaceChildren();
    shown = 0;
    const shared = new URLSearchParams(params);
    if (form.elements.limit.value !== "50") shared.set("limit", form.elements.limit.value);
    history.replaceState(null, "", shared.toString() ? `/?${shared}` : "/");
  }
  rows.append(...body.data.map(row));
  shown += body.data.length;
  nextCursor = body.next_cursor;
  table.hidden = shown === 0;
  more.hidden = nextCursor === null;
  statusLine.textContent = shown === 0
    ? "No incident matches these filters."
    : `${shown} incident${shown === 1 ? "" : "s"} shown${nextCursor ? "; more on the next page" : ""}.`;
  offerDownloads(params);
}

async function loadTypes() {
  // Suggestions for the type: the kinds of incident on record, the commonest first.
  const response = await fetch("/v1/stats/incidents?group_by=type");
  if (!response.ok) return;
  const groups = (await response.json()).data.sort((a, b) => b.count - a.count);
  const list = document.getElementById("types");
  for (const group of groups) {
    if (group.type) list.append(new Option(`${group.count} on record`, group.type));
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  search(null);
});
more.addEventListener("click", () => search(nextCursor));

(async () => {
  await loadTypes();
  const asked = new URLSearchParams(location.search);
  const limit = form.elements.limit;
  if (asked.has("limit") && ![...limit.options].some((o) => o.value === asked.get("limit"))) {
    limit.append(new Option(asked.get("limit")));
  }
  for (const name of [...FILTERS, "limit"]) {
    if (asked.has(name)) form.elements[name].value = asked.get(name);
  }
  if ([...FILTERS, "limit"].some((name) => asked.has(name))) search(null);
  document.body.dataset.ready = "true";
})();
