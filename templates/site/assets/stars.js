/* Stars: star any paper, see the starred ones, export them (BibTeX, arXiv ids), import them elsewhere.
 *
 * Stored in this browser only (localStorage), one list per site (key "daily-papers.stars:" + the
 * site's root path, so two sites on one OWNER.github.io origin keep their own). No inline script:
 * load it with <script src="{{ root }}assets/stars.js" defer></script> (the site's root is found from the
 * script's own address, one folder up); the site's CSP allows scripts only from 'self'.
 *
 * DOM CONTRACT: the markup the site emits (templates/site/_extras.html.j2 has macros for it)
 *
 *  1. A star button per paper, anywhere in the paper's markup (on the site's pages the script makes it,
 *     see addButtons: an <article> holding a <pre class="bibtex" data-paper-id> and an a.here permalink):
 *       <button type="button" class="star" data-paper-id="2401.01234"
 *               data-paper-url="../../topics/tts/2024-01.html#p-2401.01234" aria-pressed="false">Star</button>
 *     data-paper-url is relative to the page (stars.js stores it absolute). The title is data-paper-title
 *     if given, else the text of the first link in the h3 (or h2) of the <article> holding the button, as on
 *     the site's pages (so the title is not repeated in every entry). The script toggles the
 *     star on click and sets aria-pressed (the button's name stays "Star"; a filled or empty star
 *     glyph, hidden from screen readers, shows the state).
 *  2. Optional, per paper: its BibTeX entry as text, used by Copy and by the export:
 *       <pre class="bibtex" data-paper-id="2401.01234">@misc{...}</pre>
 *     and a copy button: <button type="button" class="copy-bibtex" data-paper-id="2401.01234">Copy BibTeX</button>
 *     (made by the script after each such <pre> in an <article> when the page has none)
 *     Without a <pre>, the export writes a minimal entry from the id and title.
 *  3. Optional, the Starred view (one per page, e.g. starred.html), all parts optional:
 *       <section data-starred-view>
 *         <p data-starred-count aria-live="polite"></p>
 *         <ol data-starred-list></ol>
 *         <button type="button" data-stars-action="export-bibtex">Export BibTeX</button>
 *         <button type="button" data-stars-action="export-ids">Export arXiv ids</button>
 *         <input type="file" accept=".bib,.txt,text/plain" data-stars-action="import-file">
 *         <textarea data-stars-import-text></textarea>
 *         <button type="button" data-stars-action="import-text">Import</button>
 *         <p data-stars-status role="status"></p>
 *       </section>
 *     Import takes a .bib (entries with eprint = {ID}, kept as they are) or any text with
 *     arXiv ids (one per line, as the id export writes); stars already there are kept. An id counts when
 *     it stands alone (between spaces or punctuation, not inside another site's address) or carries
 *     arXiv's prefix or address (arXiv:ID, arxiv.org/abs/ID, arxiv.org/pdf/ID, arxiv.org/html/ID, each with an optional
 *     version and .pdf), and has one of arXiv's real shapes (core/ids.py real_id): the section carries
 *     that rule's constants, written by the site build (core.ids.page_rule):
 *       data-arxiv-archives="acc-phys adap-org ..." data-arxiv-first-old="9108"
 *       data-arxiv-first-new="0704" data-arxiv-five-digits="1501"
 *     (without them no id is real, and nothing is imported). Look-alikes (issues/1234567, 1999.99999)
 *     are skipped and counted in the status line. Text over 1 MB is refused with a line saying so; the
 *     text is read in one linear pass that pauses every 50 ms, so the page never freezes.
 *     window.dailyPapersIds.real(id) is the same rule for save.js.
 *  4. Hidden until JavaScript runs: elements with class "js-only" and the hidden attribute
 *     get it removed (so buttons that need this script do not show without it).
 *  5. Optional, anywhere (the nav's Starred link): <span data-star-count></span> shows how many papers are
 *     starred, empty with none; redrawn whenever the stars change (in this tab or another).
 *     Cards drawn after the page loaded (search results) get their buttons' state from
 *     window.dailyPapersStars.refresh().
 *  6. Not for me (issue 36): every star button gets a "Not for me" toggle right after it, made here:
 *       <button type="button" class="not-for-me" data-paper-id="2401.01234" aria-pressed="false">Not for me</button>
 *     kept in its own list (key "daily-papers.not-for-me:" + the site's root path: {id: {title, url, marked}}).
 *     A paper is starred or not for me, never both: marking one unmarks the other. Its <article> gets the
 *     attribute data-not-for-me while marked. Optional, on the Starred page:
 *       <section data-not-for-me-view>
 *         <p data-not-for-me-count aria-live="polite"></p>
 *         <ol data-not-for-me-list></ol>   (each <li data-paper-id> with its title link and an Undo button)
 *       </section>
 *     save.js saves that list to interests/not-for-me/ as it saves the stars.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var root = new URL("..", script ? script.src : document.baseURI);
  var KEY = "daily-papers.stars:" + root.pathname;
  var NOT_KEY = "daily-papers.not-for-me:" + root.pathname;  /* item 6: the papers marked not for me */
  var MAX_IMPORT = 1000000;  /* characters (or a file's bytes) an import takes at once */
  var SLICE_MS = 50;  /* the longest the import's reading holds the page before it lets it breathe */
  /* A token: a run of the characters an id or an address is made of; everything else (spaces, quotes,
     brackets, commas, ?, #, =) delimits. One global pass of it over the text is linear: no token is read
     twice. (The old pattern started [a-z-]+ at every letter of a word, so 200 KB of "a-b-c" took 14 s.) */
  var TOKEN = /[\p{L}\p{N}._:\/+%~@-]+/gu;
  var LOOKS = /\d{4}\.\d{4}|\/\d{7}/;  /* what every id contains: fixed lengths, so testing it is linear */
  var FORM = /^(?:[Aa][Rr][Xx][Ii][Vv]:|(?:https?:\/\/)?(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf|html)\/)?(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?(?:\.pdf)?$/;
  var NEW_ID = /^(\d\d)(\d\d)\.\d{4,5}$/;
  var OLD_ID = /^([a-z-]+)(?:\.[A-Z]{2})?\/(\d\d)(\d\d)\d{3}$/;
  var rule = null;

  /* core/ids.py real_id's constants, from the Starred view's data-arxiv-* attributes (see item 3 above). */
  function ruleOf() {
    var view = rule ? null : document.querySelector("[data-starred-view][data-arxiv-archives]");
    if (view) {
      rule = { archives: new Set(view.getAttribute("data-arxiv-archives").split(/\s+/)),
        firstOld: Number(view.getAttribute("data-arxiv-first-old")),
        firstNew: Number(view.getAttribute("data-arxiv-first-new")),
        fiveDigits: Number(view.getAttribute("data-arxiv-five-digits")) };
    }
    return rule;
  }

  /* Whether an id without version has one of arXiv's real shapes: core/ids.py real_id, the same rule. */
  function realId(id) {
    var r = ruleOf(), m = NEW_ID.exec(id), month;
    if (!r) return false;
    if (m) {
      month = Number(m[2]);
      var yymm = Number(m[1] + m[2]);
      return month >= 1 && month <= 12 && yymm >= r.firstNew && (id.length === 10) === (yymm >= r.fiveDigits);
    }
    m = OLD_ID.exec(id);
    if (!m) return false;
    month = Number(m[3]);
    return r.archives.has(m[1]) && month >= 1 && month <= 12 &&
      (Number(m[2] + m[3]) >= r.firstOld || Number(m[2] + m[3]) < r.firstNew);
  }

  /* One token's id (versions and .pdf dropped), "" for a look-alike to skip, null when it looks like no id. */
  function idOf(token) {
    if (!LOOKS.test(token)) return null;
    var end = token.length;  /* a sentence's full stop is no part of the id (a loop: /[.:]+$/ is quadratic in V8) */
    while (end > 0 && (token[end - 1] === "." || token[end - 1] === ":")) end--;
    var m = FORM.exec(token.slice(0, end));
    return m && realId(m[1]) ? m[1] : "";
  }

  /* The ids in text, each once in order, and the look-alikes skipped: {ids, skipped, example}. With
     pause, the pass stops every SLICE_MS and goes on in a later task, then calls done; else it runs whole. */
  function scanIds(text, done, pause) {
    var found = { ids: [], skipped: 0, example: "" }, seen = new Set(), token = new RegExp(TOKEN.source, "gu");
    function slice() {
      var until = performance.now() + SLICE_MS, m, n = 0;
      while ((m = token.exec(text))) {
        var id = idOf(m[0]);
        if (id === "") { found.skipped++; found.example = found.example || m[0]; }
        else if (id && !seen.has(id)) { seen.add(id); found.ids.push(id); }
        if (pause && ++n % 256 === 0 && performance.now() > until) { setTimeout(slice, 0); return; }
      }
      done(found);
    }
    slice();
  }

  window.dailyPapersIds = { real: realId };

  /* The stars as this page can use them: entries whose key has an arXiv id's syntax and whose value is an object
     (with text fields where it has them), so one corrupt entry (null, a number, another tab's bug) neither stops
     every page's count and list nor counts as a star. */
  function load() {
    return read(KEY, ["starred", "title", "url", "bibtex"]);
  }

  /* The papers marked not for me (item 6), read with the same care as the stars. */
  function loadNot() {
    return read(NOT_KEY, ["marked", "title", "url"]);
  }

  function read(key, fields) {
    var data;
    try {
      data = JSON.parse(localStorage.getItem(key) || "{}");
    } catch (e) {
      return {};
    }
    if (!data || typeof data !== "object" || Array.isArray(data)) return {};
    var entries = {};
    Object.keys(data).forEach(function (id) {
      var entry = data[id];
      if ((NEW_ID.test(id) || OLD_ID.test(id)) && entry && typeof entry === "object" && !Array.isArray(entry) &&
          fields.every(function (k) { return entry[k] == null || typeof entry[k] === "string"; })) {
        entries[id] = entry;
      }
    });
    return entries;
  }

  function save(stars) {
    return write(KEY, stars, "stars");
  }

  function saveNot(marks) {
    return write(NOT_KEY, marks, "the papers marked not for me");
  }

  function write(key, entries, what) {
    try {
      localStorage.setItem(key, JSON.stringify(entries));
      return true;
    } catch (e) {
      status("Could not save " + what + " in this browser: " + e.message);
      return false;
    }
  }

  function status(text) {
    document.querySelectorAll("[data-stars-status]").forEach(function (el) { el.textContent = text; });
  }

  function pageBibtex(id) {
    var pre = document.querySelector('pre.bibtex[data-paper-id="' + CSS.escape(id) + '"]');
    return pre ? pre.textContent.trim() + "\n" : "";
  }

  function latexEscape(text) {
    var map = { "\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}", "%": "\\%",
      "&": "\\&", "#": "\\#", "$": "\\$", "_": "\\_", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}" };
    return String(text).replace(/[\\{}%&#$_~^]/g, function (c) { return map[c]; });
  }

  function minimalEntry(id, star) {
    var title = star.title && star.title !== id ? "  title = {" + latexEscape(star.title) + "},\n" : "";
    return "@misc{arxiv" + id.replace(/[^0-9a-z]/gi, "") + ",\n" + title + "  eprint = {" + id +
      "},\n  archivePrefix = {arXiv},\n  url = {https://arxiv.org/abs/" + id + "}\n}\n";
  }

  /* The paper's title: data-paper-title, else the text of its article's heading link (the site's pages). */
  function titleOf(button) {
    var title = button.getAttribute("data-paper-title");
    var heading = title ? null : button.closest("article") && button.closest("article").querySelector("h3 a, h2 a");
    return title || (heading ? heading.textContent.trim() : "");
  }

  function starOf(button) {
    var id = button.getAttribute("data-paper-id");
    var url = button.getAttribute("data-paper-url");
    return {
      title: titleOf(button) || id,
      url: url ? new URL(url, document.baseURI).href : "https://arxiv.org/abs/" + id,
      bibtex: pageBibtex(id),
    };
  }

  function toggle(button) {
    var id = button.getAttribute("data-paper-id");
    var stars = load();
    if (stars[id]) {
      delete stars[id];
    } else {
      stars[id] = starOf(button);
      stars[id].starred = new Date().toISOString();
      unmark(id);  /* starred or not for me, never both */
    }
    save(stars);
    refresh();
  }

  /* Item 6: mark or unmark a paper as not for me; marking it takes its star away. */
  function toggleNot(button) {
    var id = button.getAttribute("data-paper-id");
    var marks = loadNot();
    if (marks[id]) {
      delete marks[id];
    } else {
      var paper = starOf(button);
      marks[id] = { title: paper.title, url: paper.url, marked: new Date().toISOString() };
      var stars = load();
      if (stars[id]) { delete stars[id]; save(stars); }
    }
    saveNot(marks);
    refresh();
  }

  function unmark(id) {
    var marks = loadNot();
    if (marks[id]) { delete marks[id]; saveNot(marks); }
  }

  /* A star imported on another machine has no title or BibTeX until a page here shows the paper. */
  function fillFromPage(stars) {
    var changed = false;
    document.querySelectorAll("button.star[data-paper-id]").forEach(function (button) {
      var id = button.getAttribute("data-paper-id");
      var star = stars[id];
      if (!star) return;
      var fresh = starOf(button);
      ["title", "url", "bibtex"].forEach(function (field) {
        var placeholder = !star[field] || star[field] === id || (field === "url" && /^https:\/\/arxiv\.org\//.test(star[field]));
        if (fresh[field] && placeholder && star[field] !== fresh[field]) { star[field] = fresh[field]; changed = true; }
      });
    });
    if (changed) save(stars);
  }

  function refresh() {
    var stars = load();
    fillFromPage(stars);
    document.querySelectorAll("button.star[data-paper-id]").forEach(function (button) {
      var on = Boolean(stars[button.getAttribute("data-paper-id")]);
      if (button.getAttribute("aria-pressed") === (on ? "true" : "false") && button.dataset.drawn) return;
      var glyph = document.createElement("span");
      glyph.setAttribute("aria-hidden", "true");
      glyph.textContent = on ? "\u2605" : "\u2606";
      button.replaceChildren(glyph, " Star");  /* the name stays "Star"; aria-pressed says whether it is on */
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.dataset.drawn = "1";
    });
    drawNot(loadNot());
    renderView(stars);
  }

  /* Item 6: a "Not for me" toggle after every star button that has none, each showing its state. */
  function drawNot(marks) {
    document.querySelectorAll("button.star[data-paper-id]").forEach(function (star) {
      var next = star.nextElementSibling;
      if (next && next.matches("button.not-for-me")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "not-for-me";
      button.title = "Not for me: never pick this paper, and fewer like it";
      ["data-paper-id", "data-paper-url", "data-paper-title"].forEach(function (name) {
        if (star.hasAttribute(name)) button.setAttribute(name, star.getAttribute(name));
      });
      var glyph = document.createElement("span");
      glyph.setAttribute("aria-hidden", "true");
      glyph.textContent = "\u2298";
      var label = document.createElement("span");
      label.className = "not-for-me-label";
      label.textContent = "Not for me";
      button.append(glyph, " ", label);  /* the name is "Not for me" (the glyph is hidden); a phone shows the glyph */
      button.setAttribute("aria-pressed", "false");
      star.after(button);
    });
    document.querySelectorAll("button.not-for-me[data-paper-id]").forEach(function (button) {
      var on = Boolean(marks[button.getAttribute("data-paper-id")]);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      var article = button.closest("article");
      if (article) article.toggleAttribute("data-not-for-me", on);
    });
    renderNotView(marks);
  }

  function renderNotView(marks) {
    var ids = newestFirst(marks, "marked");
    document.querySelectorAll("[data-not-for-me-count]").forEach(function (el) {
      el.textContent = ids.length === 1 ? "1 paper not for me" : ids.length + " papers not for me";
    });
    document.querySelectorAll("[data-not-for-me-list]").forEach(function (list) {
      list.replaceChildren.apply(list, ids.map(function (id) {
        return listItem(id, marks[id], "unmark", "Undo", "Undo not for me: ");
      }));
    });
  }

  /* Ids newest first by the date kept under `key` ("starred", "marked"), then by id. */
  function newestFirst(marks, key) {
    return Object.keys(marks).sort(function (a, b) {
      return (marks[b][key] || "").localeCompare(marks[a][key] || "") || a.localeCompare(b);
    });
  }

  /* One paper of the Starred page's lists: its title linked, its arXiv id, and a button taking it off the list. */
  function listItem(id, mark, buttonClass, buttonText, ariaPrefix) {
    var item = document.createElement("li");
    item.setAttribute("data-paper-id", id);
    var link = document.createElement("a");
    link.href = /^https?:\/\//.test(mark.url || "") ? mark.url : "https://arxiv.org/abs/" + id;
    link.textContent = mark.title || id;
    var code = document.createElement("span");
    code.className = "arxiv-id";
    code.textContent = " arXiv:" + id + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.className = buttonClass;
    button.setAttribute("data-paper-id", id);
    button.textContent = buttonText;
    button.setAttribute("aria-label", ariaPrefix + (mark.title || id));
    item.append(link, code, button);
    return item;
  }

  function sortedIds(stars) {
    return newestFirst(stars, "starred");
  }

  function renderView(stars) {
    var ids = sortedIds(stars);
    document.querySelectorAll("[data-star-count]").forEach(function (el) {
      el.textContent = ids.length ? String(ids.length) : "";  /* the nav's count (item 5), empty with no stars */
    });
    document.querySelectorAll("[data-starred-count]").forEach(function (el) {
      el.textContent = ids.length === 1 ? "1 starred paper" : ids.length + " starred papers";
    });
    document.querySelectorAll("[data-starred-list]").forEach(function (list) {
      list.replaceChildren.apply(list, ids.map(function (id) {
        return listItem(id, stars[id], "unstar", "Remove", "Remove star: ");
      }));
    });
  }

  function bibtexExport(stars) {
    return sortedIds(stars).map(function (id) {
      return (stars[id].bibtex || minimalEntry(id, stars[id])).trim() + "\n";
    }).join("\n");
  }

  function idsExport(stars) {
    return sortedIds(stars).join("\n") + "\n";
  }

  function download(name, text, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  /* Split a .bib text into entries, matching braces (a title may hold braces of its own). */
  function bibEntries(text) {
    var entries = [];
    var start = /@[A-Za-z]+\s*\{/g;
    var match;
    while ((match = start.exec(text))) {
      var depth = 0, end = -1;
      for (var i = match.index + match[0].length - 1; i < text.length; i++) {
        if (text[i] === "{") depth++;
        else if (text[i] === "}" && --depth === 0) { end = i + 1; break; }
      }
      if (end < 0) break;
      entries.push(text.slice(match.index, end));
      start.lastIndex = end;
    }
    return entries;
  }

  function fieldOf(entry, name) {
    var m = new RegExp("\\b" + name + "\\s*=\\s*[{\"]([^\\n]*?)[}\"]\\s*,?\\s*$", "im").exec(entry);
    return m ? m[1] : "";
  }

  var importing = false;

  function importText(text) {
    if (importing) { status("Still importing the last text: a moment."); return; }
    if (text.length > MAX_IMPORT) { status(tooBig(text.length)); return; }
    var entries = bibEntries(text);
    importing = true;
    if (entries.length) {
      var skipped = 0, example = "";
      var found = entries.map(function (entry) {
        var id = "";
        scanIds(fieldOf(entry, "eprint") + " " + fieldOf(entry, "url"), function (seen) {
          id = seen.ids[0] || "";
          if (!id && seen.skipped) { skipped++; example = example || seen.example; }
        });
        var title = fieldOf(entry, "title").replace(/[{}]/g, "").replace(/\\textbrace(left|right)/g, "") || id;
        return id && { id: id, title: title, bibtex: entry.trim() + "\n" };
      }).filter(Boolean);
      addStars(found, skipped, example);
    } else {
      status("Importing\u2026");
      scanIds(text, function (seen) {
        addStars(seen.ids.map(function (id) { return { id: id, title: id, bibtex: "" }; }), seen.skipped, seen.example);
      }, true);
    }
  }

  function tooBig(size) {
    return "That is " + (size / 1e6).toFixed(1) + " MB of text: import at most 1 MB at a time (split it into parts).";
  }

  /* found: [{id, title, bibtex}] of real ids; skipped look-alikes are counted in the status line. */
  function addStars(found, skipped, example) {
    var stars = load();
    var added = 0;
    var now = new Date().toISOString();
    found.forEach(function (star) {
      var id = star.id;
      if (!stars[id]) {
        stars[id] = { title: star.title, url: "https://arxiv.org/abs/" + id, bibtex: star.bibtex, starred: now };
        added++;
      } else if (star.bibtex && !stars[id].bibtex) { stars[id].bibtex = star.bibtex; }
    });
    importing = false;
    if (save(stars)) {
      var shown = example.length > 60 ? example.slice(0, 59) + "\u2026" : example;
      status("Imported " + added + " new " + (added === 1 ? "star" : "stars") + "." + (skipped ?
        " Skipped " + skipped + (skipped === 1 ? " look-alike that is" : " look-alikes that are") +
        " not arXiv ids, like " + shown + "." : ""));
    }
    refresh();
  }

  function copyBibtex(button) {
    var text = pageBibtex(button.getAttribute("data-paper-id"));
    if (!text) return;
    var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy BibTeX"; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { status("Copy failed: select the entry and copy it."); });
    } else {
      status("Copy is not available here: select the entry and copy it.");
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) return;
    if (target.matches("button.star[data-paper-id]")) toggle(target);
    else if (target.matches("button.not-for-me[data-paper-id]")) toggleNot(target);
    else if (target.matches("button.unmark[data-paper-id]")) {
      unmark(target.getAttribute("data-paper-id"));
      refresh();
    }
    else if (target.matches("button.unstar[data-paper-id]")) {
      var stars = load();
      delete stars[target.getAttribute("data-paper-id")];
      save(stars);
      refresh();
    } else if (target.matches("button.copy-bibtex[data-paper-id]")) copyBibtex(target);
    else if (target.matches('[data-stars-action="export-bibtex"]')) download("starred.bib", bibtexExport(load()), "application/x-bibtex");
    else if (target.matches('[data-stars-action="export-ids"]')) download("starred-arxiv-ids.txt", idsExport(load()), "text/plain");
    else if (target.matches('[data-stars-action="import-text"]')) {
      var area = document.querySelector("[data-stars-import-text]");
      if (area) importText(area.value);
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches('input[type="file"][data-stars-action="import-file"]') || !input.files.length) return;
    if (input.files[0].size > MAX_IMPORT) { status(tooBig(input.files[0].size)); return; }
    input.files[0].text().then(importText, function (e) { status("Could not read the file: " + e.message); });
  });

  window.addEventListener("storage", function (event) {
    if (event.key === KEY || event.key === NOT_KEY) refresh();
  });

  /* The site's pages carry no buttons (they would be repeated for every paper): each <article> with a
     <pre class="bibtex" data-paper-id> gets its Star toggle (after its links; its address is the article's
     "#" permalink, a.here) and its Copy BibTeX button (after the entry) here. */
  function addButtons() {
    document.querySelectorAll("article pre.bibtex[data-paper-id]").forEach(function (pre) {
      var id = pre.getAttribute("data-paper-id");
      var article = pre.closest("article");
      if (!article.querySelector("button.star")) {
        var star = document.createElement("button");
        star.type = "button";
        star.className = "star";
        star.setAttribute("data-paper-id", id);
        var permalink = article.querySelector("a.here");
        if (permalink) star.setAttribute("data-paper-url", permalink.href);
        star.setAttribute("aria-pressed", "false");
        star.textContent = "\u2606 Star";
        var links = article.querySelector(".links");
        if (links) links.append(" ", star); else article.append(star);
      }
      if (!pre.parentNode.querySelector("button.copy-bibtex")) {
        var copy = document.createElement("button");
        copy.type = "button";
        copy.className = "copy-bibtex";
        copy.setAttribute("data-paper-id", id);
        copy.textContent = "Copy BibTeX";
        pre.after(copy);
      }
    });
  }

  /* A star keeps the address it was starred at. The site's id lookup (moved.js) knows the paper's page now
     (after a rename, or a busy month's parts shifting): the Starred view links there, and the star keeps it. */
  function relink() {
    var where = window.dailyPapersWhere;
    var ids = Object.keys(load());
    if (!where || !ids.length || !document.querySelector("[data-starred-list]")) return;
    where.pages(ids).then(function (found) {
      var stars = load(), changed = false;
      Object.keys(found).forEach(function (id) {
        var url = stars[id] && where.current(stars[id].url, found[id], id);
        if (url) { stars[id].url = url; changed = true; }
      });
      if (changed && save(stars)) renderView(stars);
    });
  }

  /* For pages that draw cards after loading (search.js): their star buttons get their state. */
  window.dailyPapersStars = { refresh: refresh };

  function start() {
    document.querySelectorAll(".js-only[hidden]").forEach(function (el) { el.removeAttribute("hidden"); });
    addButtons();
    refresh();
    relink();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
