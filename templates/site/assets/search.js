// The search page: Pagefind's JS API over every listed paper; the query and filters live in the URL.
// Results are built from text nodes only: Pagefind's excerpt keeps just its <mark> highlights.
"use strict";

const FILTERS = ["topic", "year", "month", "category", "code"];
const PAGE = 10;
const form = document.getElementById("search");
const box = document.getElementById("q");
const status = document.getElementById("status");
const list = document.getElementById("results");
const more = document.getElementById("more");
const select = Object.fromEntries(FILTERS.map((name) => [name, document.getElementById(`f-${name}`)]));
let pagefind = null;
let available = {};
let latest = 0;  // the newest search; an older one that finishes late shows nothing
let pending = [];

function stateFromUrl() {
  const params = new URLSearchParams(location.search);
  box.value = params.get("q") || "";
  for (const name of FILTERS) setChoices(name, params.get(name) || "");
}

function urlFromState() {
  const params = new URLSearchParams();
  if (box.value.trim()) params.set("q", box.value.trim());
  for (const name of FILTERS) if (select[name].value) params.set(name, select[name].value);
  const query = params.toString();
  return location.pathname + (query ? `?${query}` : "");
}

function label(name, value) {
  if (name === "code") return value === "yes" ? "with code" : "without code";
  return value;
}

function setChoices(name, chosen) {
  // Fill a filter's options from the index (months only of the chosen year), keeping the choice.
  const counts = available[name] || {};
  let values = Object.keys(counts);
  if (name === "month" && select.year.value) values = values.filter((v) => v.startsWith(select.year.value));
  values.sort();
  if (name === "year" || name === "month") values.reverse();
  if (chosen && !values.includes(chosen)) values.unshift(chosen);
  const options = [new Option("Any", "")];
  for (const value of values) options.push(new Option(`${label(name, value)} (${counts[value] ?? 0})`, value));
  select[name].replaceChildren(...options);
  select[name].value = chosen;
}

function chosenFilters() {
  const filters = {};
  for (const name of FILTERS) if (select[name].value) filters[name] = select[name].value;
  return filters;
}

function text(tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  return node;
}

function excerpt(html) {
  // Pagefind's excerpt is escaped text with <mark> around matches; keep only text and those marks.
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = document.createElement("p");
  out.className = "excerpt";
  for (const node of parsed.body.firstChild.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) out.append(node.textContent);
    else if (node.nodeName === "MARK") out.append(text("mark", node.textContent));
    else out.append(node.textContent);
  }
  return out;
}

function link(href, content) {
  const a = text("a", content);
  a.href = href;
  return a;
}

function show(data) {
  const meta = data.meta;
  const item = document.createElement("li");
  item.className = "paper";
  const title = document.createElement("h3");
  title.append(link(meta.url, meta.title || meta.url));
  const line = [meta.authors, meta.date, meta.topics, meta.categories].filter(Boolean).join(" · ");
  item.append(title, text("p", line, "meta"), excerpt(data.excerpt));
  if (meta.comment) item.append(text("p", meta.comment, "comment"));
  const links = document.createElement("p");
  links.className = "links";
  links.append(link(meta.pdf, "PDF"));
  if (meta.code) links.append(" · ", link(meta.code, "Code"));
  item.append(links);
  return item;
}

async function showMore(run) {
  const batch = pending.splice(0, PAGE);
  const found = await Promise.all(batch.map((result) => result.data()));
  if (run !== latest) return;
  list.append(...found.map(show));
  more.hidden = pending.length === 0;
}

async function search() {
  const run = ++latest;
  const query = box.value.trim();
  const filters = chosenFilters();
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    list.dataset.query = urlFromState();
    more.hidden = true;
    status.textContent = "Type words to search, or choose a filter.";
    return;
  }
  const result = await pagefind.search(query || null, { filters, sort: { date: "desc" } });
  if (run !== latest || !result) return;
  pending = result.results;
  const count = pending.length;
  list.replaceChildren();
  await showMore(run);
  if (run !== latest) return;
  status.textContent = count ? `${count} paper${count === 1 ? "" : "s"}, newest first` : "No paper matches.";
  list.dataset.query = urlFromState();
}

function changed(push) {
  const url = urlFromState();
  if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", url);
  search();
}

async function start() {
  try {
    pagefind = await import("../pagefind/pagefind.js");
    await pagefind.options({ excerptLength: 40 });
    available = await pagefind.filters();
  } catch (error) {
    status.textContent = "Search is not available on this site yet: browse the topics instead.";
    return;
  }
  stateFromUrl();
  box.addEventListener("input", () => changed(false));
  for (const name of FILTERS) {
    select[name].addEventListener("change", () => {
      if (name === "year") setChoices("month", select.month.value.startsWith(select.year.value) ? select.month.value : "");
      changed(true);
    });
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); changed(true); });
  more.addEventListener("click", () => showMore(latest));
  window.addEventListener("popstate", () => { stateFromUrl(); search(); });
  search();
}

start();
