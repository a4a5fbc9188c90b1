// The search page: every listed paper, newest first, from the static index scripts/website/search.py writes.
// Papers are numbered newest first and each word lists the papers it is in, so a query is the papers
// in every one of its words' lists: no ranking, no engine. The query and filters live in the URL.
// Everything shown is built from text nodes; only our own <mark> elements wrap matched words.
// The box also takes operators: `venue:interspeech` (or `venue:icassp2026`, a venue and its year), `has:demo` and
// `has:code`; they narrow like the filters and stay in the address with the rest of the query.
"use strict";

const FORMAT = 3;  // search.py FORMAT: the shape of the index files this script reads
const FILTERS = ["topic", "year", "month", "category", "venue", "code", "demo"];
const OPERATOR = /(?:^|\s)(venue|has):(?:"([^"]*)"|(\S+))/giu;  // venue:NAME, venue:"ACM MM", has:demo
const PAGE = 10;
const PREFIX_FROM = 3;  // a query word this long also matches the words it begins: codec finds codecs
const MAX_WORD = 40;  // search.py MAX_WORD
const CJK = "\\u3040-\\u30ff\\u31f0-\\u31ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
const CJK_RUN = new RegExp(`[${CJK}]+`, "gu");  // search.py _CJK: Kana and Han, written without spaces
const CJK_ONLY = new RegExp(`^[${CJK}]+$`, "u");
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;  // search.py _word: a letter or digit, then those or marks
const SHOWN_WORD = new RegExp(`[${CJK}]+|[\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N}]*`, "gu");
const BASE = new URL("../search/", import.meta.url);

const form = document.getElementById("search");
const box = document.getElementById("q");
const status = document.getElementById("status");
const list = document.getElementById("results");
const more = document.getElementById("more");
const select = Object.fromEntries(FILTERS.map((name) => [name, document.getElementById(`f-${name}`)]));
const filtersFold = document.getElementById("filters-fold");
const chosenNote = document.getElementById("filters-chosen");
const WIDE = "(min-width: 40rem)";  // site.css's phone width: narrower, the filters stay folded until asked for

let index = null;  // index.json: the build, shard keys, filter values, each paper's filter values, the new papers
let keys = new Set();
let newPapers = new Set();  // the numbers of the newest digest's papers, marked "new"
let loaded = new Map();  // file of this build -> promise of its JSON, each fetched once
let latest = 0;  // the newest search; an older one that finishes late shows nothing
let shown = { found: [], next: 0, matched: new Set(), loading: false };

function fold(word) {
  // As search.py `_raw_words` folds a word: NFKC, lower case, İ as i, final ς as σ.
  return word.normalize("NFKC").toLowerCase().replaceAll("i\u0307", "i").replaceAll("ς", "σ");
}

function rawWords(text) {
  return fold(text).replace(CJK_RUN, " $& ").match(WORD) || [];
}

function pairs(chars) {
  const found = [];
  for (let i = 0; i + 1 < chars.length; i++) found.push(chars[i] + chars[i + 1]);
  return found;
}

export function words(text) {
  // The words a paper is indexed under (search.py `words`): Kana and Han runs as each character and pair.
  const found = [];
  for (const word of rawWords(text)) {
    const chars = [...word];
    if (chars.length > MAX_WORD) continue;
    if (CJK_ONLY.test(word)) found.push(...chars, ...pairs(chars));
    else found.push(word);
  }
  return found;
}

export function queryWords(text) {
  // The words a query asks for (search.py `query_words`): a Kana or Han run as its pairs, none dropped.
  const found = [];
  for (const word of rawWords(text)) {
    const chars = [...word];
    if (CJK_ONLY.test(word) && chars.length > 1) found.push(...pairs(chars));
    else found.push(word);
  }
  return found;
}

class Outdated extends Error {}

async function fetchJson(url, options) {
  const answer = await fetch(url, options);
  if (answer.status === 404) throw new Outdated(url);
  if (!answer.ok) throw new Error(`${url}: HTTP ${answer.status}`);
  return answer.json();
}

function fromBuild(path) {
  // A file of the index's build: fetched once; gone after a deploy (Outdated).
  if (!loaded.has(path)) loaded.set(path, fetchJson(new URL(`${index.build}/${path}`, BASE)));
  return loaded.get(path);
}

async function loadIndex(options) {
  const found = await fetchJson(new URL("index.json", BASE), options);
  if (found.format !== FORMAT) throw new Outdated("format");
  index = found;
  keys = new Set(index.keys);
  newPapers = new Set(index.new || []);
  loaded = new Map();
}

async function fresh(work) {
  // Run work; if the site was deployed meanwhile (a file of our build is gone), load the new index, once.
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof Outdated)) throw error;
    const before = index.build;
    await loadIndex({ cache: "reload" });  // from the server, not a revalidated copy
    if (index.build === before) throw error;
    return work();
  }
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
  const shards = await Promise.all(shardsFor(term).map((key) => fromBuild(`words/${hex(key)}.json`)));
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
    venue: index.paper_venues[number] >= 0 ? [index.venues[index.paper_venues[number]]] : [],
    code: [index.paper_code[number] === "1" ? "yes" : "no"],
    demo: [index.paper_demo[number] === "1" ? "yes" : "no"],
  };
}

function squeeze(text) {
  // A venue's name as `venue:` compares it: lower case, letters and digits only ("ACM MM" is acmmm).
  return fold(text).replace(/[^\p{L}\p{N}]/gu, "");
}

function venueNamed(value) {
  // The venue (and year, if written after it) a `venue:` operator names: {name, year}; an unknown one names
  // nothing, so it finds no paper.
  const wanted = squeeze(value);
  const byName = new Map(index.venues.map((name) => [squeeze(name), name]));
  if (byName.has(wanted)) return { name: byName.get(wanted), year: 0 };
  const dated = wanted.match(/^(.*?)(\d{4}|\d{2})$/u);
  if (dated && byName.has(dated[1])) {
    const year = Number(dated[2]);
    return { name: byName.get(dated[1]), year: year < 100 ? 2000 + year : year };
  }
  return { name: null, year: 0 };
}

export function operators(query) {
  // The query's words without its operators, and what the operators ask: {rest, venue, year, code, demo}.
  const asked = { venue: null, year: 0, code: false, demo: false, rest: query };
  if (!index) return asked;
  asked.rest = query.replace(OPERATOR, (whole, kind, quoted, plain) => {
    const value = quoted ?? plain;
    if (kind.toLowerCase() === "venue") {
      const { name, year } = venueNamed(value);
      asked.venue = name ?? "\u0000unknown";
      asked.year = year;
      return " ";
    }
    const what = value.toLowerCase();
    if (what === "demo" || what === "code") { asked[what] = true; return " "; }
    return whole;
  });
  return asked;
}

function withOperators(filters, asked) {
  // The filters the page's selects choose, narrowed by the query's operators (which win over a select's choice).
  const chosen = { ...filters };
  if (asked.venue) chosen.venue = asked.venue;
  if (asked.code) chosen.code = "yes";
  if (asked.demo) chosen.demo = "yes";
  return chosen;
}

function passes(facets, filters, ignored) {
  return FILTERS.every((name) => ignored.includes(name) || !filters[name] || facets[name].includes(filters[name]));
}

// Each filter's counts ignore its own choice (and a year's, the month's: a month lies in one year).
const IGNORED_FOR = { topic: ["topic"], year: ["year", "month"], month: ["month"], category: ["category"],
  venue: ["venue"], code: ["code"], demo: ["demo"] };

function choose(matching, filters, venueYear = 0) {
  // The chosen papers, newest first, and each filter's counts among papers passing the other filters.
  const found = [];
  const counts = Object.fromEntries(FILTERS.map((name) => [name, new Map()]));
  for (let number = 0; number < index.papers; number++) {
    if (matching && !matching[number]) continue;
    if (venueYear && index.paper_venue_years[number] !== venueYear) continue;
    const facets = facetsOf(number);
    if (passes(facets, filters, [])) found.push(number);
    for (const name of FILTERS) {
      if (!passes(facets, filters, IGNORED_FOR[name])) continue;
      for (const value of facets[name]) counts[name].set(value, (counts[name].get(value) || 0) + 1);
    }
  }
  return { found, counts };
}

async function find(query, filters) {
  // Papers holding every word of the query (or all papers, for filters alone) that pass the filters and operators.
  const asked = operators(query);
  const terms = [...new Set(queryWords(asked.rest))];
  const lists = await Promise.all(terms.map(papersWith));
  let matching = null;
  const matched = new Set();
  for (const { hits, matched: these } of lists) {
    these.forEach((word) => matched.add(word));
    if (matching === null) matching = hits;
    else for (let number = 0; number < index.papers; number++) matching[number] &= hits[number];
  }
  return { ...choose(matching, withOperators(filters, asked), asked.year), matched };
}

function urlFromState() {
  const params = new URLSearchParams();
  if (box.value.trim()) params.set("q", box.value.trim());
  for (const name of FILTERS) if (select[name].value) params.set(name, select[name].value);
  const query = params.toString();
  return location.pathname + (query ? `?${query}` : "");
}

function filtersFromUrl() {
  const params = new URLSearchParams(location.search);
  for (const name of FILTERS) setChoices(name, params.get(name) || "", null);
}

function label(name, value) {
  if (name === "code" && value === "yes") return "with code";
  if (name === "code" && value === "no") return "without code";
  if (name === "demo" && value === "yes") return "with a demo";
  if (name === "demo" && value === "no") return "without a demo";
  return value;
}

function allValues(name) {
  if (name === "topic") return index.topics;
  if (name === "category") return index.categories;
  if (name === "month") return index.months;
  if (name === "year") return [...new Set(index.months.map((m) => m.slice(0, 4)))];
  if (name === "venue") return index.venues;
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

function nameChosen() {
  // The Filters fold's summary counts the filters chosen, so a shut fold still says the results are narrowed.
  const count = Object.keys(chosenFilters()).length;
  if (chosenNote) chosenNote.textContent = count ? ` (${count} chosen)` : "";
}

function text(tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  return node;
}

function markedChars(word, matched) {
  // Which characters of a Kana or Han run a matched character or pair covers.
  const chars = [...word];
  const covered = chars.map((char) => matched.has(char));
  for (let i = 0; i + 1 < chars.length; i++) {
    if (matched.has(chars[i] + chars[i + 1])) covered[i] = covered[i + 1] = true;
  }
  return { chars, covered };
}

function marked(tag, content, matched, className) {
  // The text with each matched word in <mark>: words found as search.py finds them, the rest kept as is.
  const node = text(tag, "", className);
  let at = 0;
  for (const found of content.matchAll(SHOWN_WORD)) {
    const word = found[0];
    if (CJK_ONLY.test(word)) {
      const { chars, covered } = markedChars(word, matched);
      if (!covered.includes(true)) continue;
      node.append(content.slice(at, found.index));
      chars.forEach((char, i) => node.append(covered[i] ? text("mark", char) : char));
    } else {
      if (!matched.has(fold(word))) continue;
      node.append(content.slice(at, found.index), text("mark", word));
    }
    at = found.index + word.length;
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
  let target = null;
  try {
    target = new URL(href, location.href);
  } catch (error) {
    return a;  // an address the browser cannot parse stays text: one odd link must not hide a batch of results
  }
  if (target.protocol === "https:" || target.protocol === "http:") a.href = target.href;
  return a;
}

function shows(content, matched) {
  return words(content || "").some((word) => matched.has(word));
}

function summaryLine(label, tldr, className, matched) {
  // The card's one line, labelled (templates/site/_paper.html.j2), its matched words marked: text nodes only.
  const line = text("p", "", className);
  const tag = text("span", label, "tldr-label");
  line.append(tag, " ", ...marked("span", tldr, matched).childNodes);
  return line;
}

function show(paper, number, matched) {
  // A result as the paper card of the site's pages (templates/site/_paper.html.j2): title (to its page on the site),
  // a "new" marker, authors · date · categories and topics, the one line, then Abstract, PDF, Code and Star. The
  // abstract's words around a match show only when neither the title, the authors nor the one line shows one.
  const [title, authors, date, url, pdf, paperLinks, topics, categories, comment, abstract, tldrLabel, tldr, id, long,
    chip] = paper;
  const item = document.createElement("li");
  const card = document.createElement("article");
  card.className = "paper";
  const heading = document.createElement("h3");
  const page = new URL(url, new URL("../", BASE)).href;
  heading.append(link(page, marked("span", title || url, matched)));
  const meta = text("div", "", "meta");
  if (newPapers.has(number)) {
    const day = text("time", index.new_day);
    day.dateTime = index.new_day;
    const badge = text("strong", "new ", "new");
    badge.append(day);
    meta.append(badge, " ");
  }
  if (authors) meta.append(marked("span", authors, matched, "authors"), " · ");
  meta.append(text("time", date || "undated"));
  if (chip) meta.append(" · ", text("span", chip, "venue"));
  if (categories) meta.append(" · ", text("span", categories, "cats"));
  if (topics) {
    const tags = text("span", "", "tags");
    for (const name of topics.split(" · ")) tags.append(text("span", name, "topic"));
    meta.append(" ", tags);
  }
  card.append(heading, meta);
  if (tldr) card.append(summaryLine(tldrLabel, tldr, long ? "tldr long" : "tldr", matched));
  if (abstract && !shows(title, matched) && !shows(authors, matched) && !shows(tldr, matched)) {
    card.append(marked("p", excerpt(abstract, matched), matched, "excerpt"));
  }
  const links = text("div", "", "links");
  if (abstract || comment) {
    const folded = document.createElement("details");
    folded.append(text("summary", abstract ? "Abstract" : "Comment"));
    if (tldr && long) {
      const again = summaryLine(tldrLabel, tldr, "tldr-full", matched);
      again.setAttribute("aria-hidden", "true");
      folded.append(again);
    }
    if (comment) folded.append(marked("p", comment, matched, "comment"));
    if (abstract) folded.append(marked("p", abstract, matched));
    links.append(folded, " ");
  }
  links.append(link(pdf, "PDF"));
  for (const [name, href, host] of paperLinks) {  // the authors' links, Demo first (core/paperlinks.py)
    const a = link(href, name);
    a.className = "plink";
    a.title = host;
    links.append(" ", a);
  }
  if (id) {  // stars.js's DOM contract, item 1: it handles the click and draws the state
    const star = text("button", "\u2606 Star", "star");
    star.type = "button";
    star.dataset.paperId = id;
    star.dataset.paperUrl = page;
    star.setAttribute("aria-pressed", "false");
    links.append(" ", star);
  }
  card.append(links);
  item.append(card);
  return item;
}

async function showMore(run, results) {
  // The next ten of these results, unless a newer search has replaced them meanwhile.
  if (results.loading) return;
  results.loading = true;
  more.disabled = true;
  try {
    const batch = results.found.slice(results.next, results.next + PAGE);
    const files = await Promise.all(batch.map((n) => fromBuild(`docs/${Math.floor(n / index.docs_per_file)}.json`)));
    if (run !== latest || results !== shown) return;
    list.append(...batch.map((n, i) => show(files[i][n % index.docs_per_file], n, results.matched)));
    window.dailyPapersStars?.refresh();
    results.next += batch.length;
    more.hidden = results.next >= results.found.length;
  } finally {
    results.loading = false;
    more.disabled = false;
  }
}

async function search() {
  const run = ++latest;
  await ready;
  if (run !== latest) return;
  const query = box.value.trim();
  const filters = chosenFilters();
  const asked = operators(query);
  const narrowed = asked.venue || asked.code || asked.demo;
  if (!queryWords(asked.rest).length && !Object.keys(filters).length && !narrowed) {
    for (const name of FILTERS) setChoices(name, "", null);
    list.replaceChildren();
    list.dataset.query = urlFromState();
    more.hidden = true;
    status.textContent = "Type words to search, or choose a filter.";
    nameChosen();
    return;
  }
  const results = await fresh(async () => {
    const { found, counts, matched } = await find(query, filters);
    if (run !== latest) return null;
    const next = { found, next: 0, matched, loading: false };
    shown = next;
    for (const name of FILTERS) setChoices(name, filters[name] || "", counts[name]);
    list.replaceChildren();
    await showMore(run, next);
    return next;
  });
  if (!results || run !== latest) return;
  const count = results.found.length;
  status.textContent = count ? `${count} paper${count === 1 ? "" : "s"}, newest first` : "No paper matches.";
  list.dataset.query = urlFromState();
  nameChosen();
}

function typed() {
  // While typing, one history entry follows the box; Enter, a filter or leaving the box starts a new one.
  const url = urlFromState();
  if (url !== location.pathname + location.search) {
    history[history.state?.typing ? "replaceState" : "pushState"]({ typing: true }, "", url);
  }
  search().catch(failed);
}

function settled(push) {
  const url = urlFromState();
  if (push && url !== location.pathname + location.search) history.pushState({ typing: false }, "", url);
  else history.replaceState({ typing: false }, "", url);
}

function failed(error) {
  status.textContent = error instanceof Outdated
    ? "The site was updated: reload the page to search it."
    : `Search failed (${error.message}): reload the page, or browse the topics instead.`;
  list.dataset.query = urlFromState();
}

let ready = null;

function start() {
  if (filtersFold && matchMedia(WIDE).matches) filtersFold.open = true;
  box.value = new URLSearchParams(location.search).get("q") || "";
  ready = loadIndex().then(filtersFromUrl);
  box.addEventListener("input", typed);
  box.addEventListener("change", () => settled(false));
  for (const name of FILTERS) {
    select[name].addEventListener("change", () => {
      if (name === "year" && !select.month.value.startsWith(select.year.value)) select.month.value = "";
      settled(true);
      search().catch(failed);
    });
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); settled(false); search().catch(failed); });
  more.addEventListener("click", () => showMore(latest, shown).catch(failed));
  window.addEventListener("popstate", () => {
    box.value = new URLSearchParams(location.search).get("q") || "";
    ready.then(() => { filtersFromUrl(); return search(); }).catch(failed);
  });
  ready.then(() => search()).catch((error) => {
    status.textContent = error instanceof Outdated
      ? "The site was updated: reload the page to search it."
      : "Search is not available on this site yet: browse the topics instead.";
    list.dataset.query = urlFromState();
  });
}

if (form) start();
