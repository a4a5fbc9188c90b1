// The search page: every listed paper, newest first, from the static index scripts/website/search.py writes.
// Papers are numbered newest first and each word lists the papers it is in, so a query is the papers
// in every one of its words' lists: no ranking, no engine. The query and filters live in the URL.
// Everything shown is built from text nodes; only our own <mark> elements wrap matched words.
"use strict";

const FORMAT = 1;  // search.py FORMAT: the shape of the index files this script reads
const FILTERS = ["topic", "year", "month", "category", "code"];
const PAGE = 10;
const PREFIX_FROM = 3;  // a query word this long also matches the words it begins: codec finds codecs
const MAX_WORD = 40;  // search.py MAX_WORD
const WORD = /[\p{L}\p{N}]+/gu;  // search.py _WORD: letters and digits
const BASE = new URL("../search/", import.meta.url);

const form = document.getElementById("search");
const box = document.getElementById("q");
const status = document.getElementById("status");
const list = document.getElementById("results");
const more = document.getElementById("more");
const select = Object.fromEntries(FILTERS.map((name) => [name, document.getElementById(`f-${name}`)]));

let index = null;  // index.json: shard keys, filter values, each paper's filter values
let keys = new Set();
let latest = 0;  // the newest search; an older one that finishes late shows nothing
let shown = { found: [], next: 0, matched: new Set() };
const loaded = new Map();  // file -> promise of its JSON, each file fetched once

export function words(text) {
  // The searchable words of a text (search.py `words`): NFKC, lower-cased, letters and digits.
  return (text.normalize("NFKC").toLowerCase().match(WORD) || []).filter((w) => [...w].length <= MAX_WORD);
}

function fetchJson(path) {
  if (!loaded.has(path)) {
    loaded.set(path, fetch(new URL(path, BASE)).then((answer) => {
      if (!answer.ok) throw new Error(`${path}: HTTP ${answer.status}`);
      return answer.json();
    }));
  }
  return loaded.get(path);
}

function hex(key) {
  return [...new TextEncoder().encode(key)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function keyOf(word) {
  // The shard a word is in: the longest key that is a prefix of it (search.py `shard_key`).
  const chars = [...word];
  for (let length = Math.min(chars.length, index.max_key); length > 0; length--) {
    const key = chars.slice(0, length).join("");
    if (keys.has(key)) return key;
  }
  return null;
}

function shardsFor(term) {
  // The shards that can hold the term, and (for a prefix) every word it begins.
  const found = new Set();
  const own = keyOf(term);
  if (own !== null) found.add(own);
  if ([...term].length >= PREFIX_FROM) for (const key of keys) if (key.startsWith(term)) found.add(key);
  return [...found];
}

function mark(hits, encoded) {
  // Set the papers of one word: base64 of varint gaps (search.py `varints`), 7 bits a byte, low first.
  const bytes = atob(encoded);
  let number = 0, gap = 0, shift = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes.charCodeAt(i);
    gap += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) { number += gap; hits[number] = 1; gap = 0; shift = 0; }
  }
}

async function papersWith(term) {
  // A bitmap of the papers holding the term (or, for a prefix, any word it begins) and the words matched.
  const hits = new Uint8Array(index.papers);
  const matched = [];
  const prefix = [...term].length >= PREFIX_FROM;
  const shards = await Promise.all(shardsFor(term).map((key) => fetchJson(`words/${hex(key)}.json`)));
  for (const shard of shards) {
    for (const word in shard) {
      if (word !== term && !(prefix && word.startsWith(term))) continue;
      matched.push(word);
      mark(hits, shard[word]);
    }
  }
  return { hits, matched };
}

function facetsOf(number) {
  // A paper's value for each filter (search.py `filter_values`), for choosing and counting.
  const month = index.months[index.paper_months[number]];
  return {
    topic: index.paper_topics[number].map((i) => index.topics[i]),
    year: [month.slice(0, 4)],
    month: [month],
    category: index.paper_categories[number].map((i) => index.categories[i]),
    code: [index.paper_code[number] === "1" ? "yes" : "no"],
  };
}

function passes(facets, filters, except) {
  return FILTERS.every((name) => name === except || !filters[name] || facets[name].includes(filters[name]));
}

function choose(matching, filters) {
  // The chosen papers, newest first, and each filter's counts among papers passing the other filters.
  const found = [];
  const counts = Object.fromEntries(FILTERS.map((name) => [name, new Map()]));
  for (let number = 0; number < index.papers; number++) {
    if (matching && !matching[number]) continue;
    const facets = facetsOf(number);
    if (passes(facets, filters, null)) found.push(number);
    for (const name of FILTERS) {
      if (!passes(facets, filters, name)) continue;
      for (const value of facets[name]) counts[name].set(value, (counts[name].get(value) || 0) + 1);
    }
  }
  return { found, counts };
}

async function find(query, filters) {
  // Papers holding every word of the query (or all papers, for filters alone) that pass the filters.
  const terms = [...new Set(words(query))];
  const lists = await Promise.all(terms.map(papersWith));
  let matching = null;
  const matched = new Set();
  for (const { hits, matched: these } of lists) {
    these.forEach((word) => matched.add(word));
    if (matching === null) matching = hits;
    else for (let number = 0; number < index.papers; number++) matching[number] &= hits[number];
  }
  return { ...choose(matching, filters), matched };
}

function stateFromUrl() {
  const params = new URLSearchParams(location.search);
  box.value = params.get("q") || "";
  for (const name of FILTERS) setChoices(name, params.get(name) || "", null);
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

function allValues(name) {
  if (name === "topic") return index.topics;
  if (name === "category") return index.categories;
  if (name === "month") return index.months;
  if (name === "year") return [...new Set(index.months.map((m) => m.slice(0, 4)))];
  return ["yes", "no"];
}

function setChoices(name, chosen, counts) {
  // A filter's options with how many papers each would leave (months only of the chosen year).
  let values = allValues(name);
  if (name === "month" && select.year.value) values = values.filter((v) => v.startsWith(select.year.value));
  if (counts) values = values.filter((v) => counts.has(v) || v === chosen);
  if (chosen && !values.includes(chosen)) values = [chosen, ...values];
  const options = [new Option("Any", "")];
  for (const value of values) {
    const count = counts ? ` (${counts.get(value) || 0})` : "";
    options.push(new Option(`${label(name, value)}${count}`, value));
  }
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

function marked(tag, content, matched, className) {
  // The text with each matched word in <mark>: words found as search.py finds them, the rest kept as is.
  const node = text(tag, "", className);
  let at = 0;
  for (const found of content.matchAll(WORD)) {
    if (!matched.has(found[0].normalize("NFKC").toLowerCase())) continue;
    node.append(content.slice(at, found.index), text("mark", found[0]));
    at = found.index + found[0].length;
  }
  node.append(content.slice(at));
  return node;
}

function excerpt(abstract, matched, width = 40) {
  // About `width` words of the abstract around its first matched word.
  const parts = abstract.split(/\s+/).filter(Boolean);
  const first = parts.findIndex((part) => words(part).some((w) => matched.has(w)));
  const start = Math.max(0, Math.min(first < 0 ? 0 : first - 8, parts.length - width));
  const slice = parts.slice(start, start + width).join(" ");
  return (start > 0 ? "… " : "") + slice + (start + width < parts.length ? " …" : "");
}

function link(href, content) {
  // Only the site's own addresses and web links: a stored value can never become a script URL.
  const a = text("a", "");
  if (typeof content === "string") a.textContent = content; else a.append(content);
  const target = new URL(href, location.href);
  if (target.protocol === "https:" || target.protocol === "http:") a.href = target.href;
  return a;
}

function show(paper, matched) {
  const [title, authors, date, url, pdf, code, topics, categories, comment, abstract] = paper;
  const item = document.createElement("li");
  item.className = "paper";
  const heading = document.createElement("h3");
  heading.append(link(new URL(url, new URL("../", BASE)).href, marked("span", title || url, matched)));
  const line = [authors, date, topics, categories].filter(Boolean).join(" · ");
  item.append(heading, text("p", line, "meta"));
  if (abstract) item.append(marked("p", excerpt(abstract, matched), matched, "excerpt"));
  if (comment) item.append(text("p", comment, "comment"));
  const links = document.createElement("p");
  links.className = "links";
  links.append(link(pdf, "PDF"));
  if (code) links.append(" · ", link(code, "Code"));
  item.append(links);
  return item;
}

async function showMore(run) {
  const batch = shown.found.slice(shown.next, shown.next + PAGE);
  const files = await Promise.all(batch.map((n) => fetchJson(`docs/${Math.floor(n / index.docs_per_file)}.json`)));
  if (run !== latest) return;
  list.append(...batch.map((n, i) => show(files[i][n % index.docs_per_file], shown.matched)));
  shown.next += batch.length;
  more.hidden = shown.next >= shown.found.length;
}

async function search() {
  const run = ++latest;
  const query = box.value.trim();
  const filters = chosenFilters();
  if (!words(query).length && !Object.keys(filters).length) {
    for (const name of FILTERS) setChoices(name, "", null);
    list.replaceChildren();
    list.dataset.query = urlFromState();
    more.hidden = true;
    status.textContent = "Type words to search, or choose a filter.";
    return;
  }
  const { found, counts, matched } = await find(query, filters);
  if (run !== latest) return;
  shown = { found, next: 0, matched };
  for (const name of FILTERS) setChoices(name, filters[name] || "", counts[name]);
  list.replaceChildren();
  await showMore(run);
  if (run !== latest) return;
  const count = found.length;
  status.textContent = count ? `${count} paper${count === 1 ? "" : "s"}, newest first` : "No paper matches.";
  list.dataset.query = urlFromState();
}

function changed(push) {
  const url = urlFromState();
  if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", url);
  search().catch(failed);
}

function failed(error) {
  status.textContent = `Search failed (${error.message}): reload the page, or browse the topics instead.`;
  list.dataset.query = urlFromState();
}

async function start() {
  try {
    index = await fetchJson("index.json");
    if (index.format !== FORMAT) throw new Error("the index is from another version of the site");
    keys = new Set(index.keys);
  } catch (error) {
    status.textContent = "Search is not available on this site yet: browse the topics instead.";
    return;
  }
  stateFromUrl();
  box.addEventListener("input", () => changed(false));
  for (const name of FILTERS) {
    select[name].addEventListener("change", () => {
      if (name === "year" && !select.month.value.startsWith(select.year.value)) select.month.value = "";
      changed(true);
    });
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); changed(true); });
  more.addEventListener("click", () => showMore(latest).catch(failed));
  window.addEventListener("popstate", () => { stateFromUrl(); search().catch(failed); });
  await search().catch(failed);
}

if (form) start();
