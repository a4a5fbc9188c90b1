/* "Save to my repository" on the Starred page: open GitHub's editor for a new file interests/starred-DATE.txt,
 * prefilled with the starred arXiv ids, one a line (the daily run reads every interests/*.txt as papers you like).
 *
 *   https://github.com/OWNER/REPO/new/BRANCH?filename=interests%2F...txt&value=...   (each part encodeURIComponent)
 *
 * GitHub answers a URL over 8,191 bytes with "URL too long" (github/docs#5136), and when you are signed out
 * it sends you to the login page with the whole address again, encoded once more, in return_to. So each link
 * is kept to LIMIT bytes (ids take 13 bytes each: about 450 ids a link), and more stars are split over
 * several files, one link each: "Save part 1 of 3".
 *
 * The papers marked not for me (issue 36) are saved the same way, to interests/not-for-me/not-for-me-DATE.txt
 * (read as papers never to pick, never as liked): a second section with data-save-kind="not-for-me" saves
 * stars.js's <ol data-not-for-me-list> (its DOM contract, item 6). Saving writes the list as it is now, so an
 * unmarked paper is not in the new file; an older file still lists it until its line is deleted.
 *
 * DOM CONTRACT (templates/site/starred.html.j2):
 *   <section data-save data-repository="OWNER/REPO" data-branch="main">   (no data-repository: no links;
 *            data-save-kind="not-for-me" for the not-for-me list, else the stars)
 *     <p data-save-links hidden class="js-only"></p>   the links, redrawn whenever the list of stars changes
 *     <p data-save-status role="status"></p>
 *   </section>
 * The starred ids are read from stars.js's list, <ol data-starred-list> with <li data-paper-id> (its DOM
 * contract, item 3), so this file keeps no copy of how stars are stored. No inline script (the site's CSP).
 * Only ids of arXiv's real shapes are saved (stars.js's window.dailyPapersIds.real, core/ids.py real_id's rule):
 * a star kept from before that rule (issues/1234567) would stop every later daily run, so it is left out and
 * the status line names it. Without stars.js nothing is saved.
 */
(function () {
  "use strict";

  var LIMIT = 6000;
  /* What each kind of list saves: where its ids are listed, its file's name and first line, the links' name. */
  var KINDS = {
    starred: { list: "[data-starred-list]", file: "interests/starred-", header: "# Starred on the site, saved ",
      label: "Save to my repository", empty: "Star some papers first: their ids are what is saved." },
    "not-for-me": { list: "[data-not-for-me-list]", file: "interests/not-for-me/not-for-me-",
      header: "# Not for me, marked on the site, saved ", label: "Save the not-for-me list to my repository",
      empty: "Mark papers not for me first: their ids are what is saved." }
  };

  function kindOf(section) {
    return KINDS[section.getAttribute("data-save-kind")] || KINDS.starred;
  }

  /* The listed ids that are arXiv ids, sorted, and those left out: {ids, out}. */
  function starred(kind) {
    var real = window.dailyPapersIds ? window.dailyPapersIds.real : function () { return false; };
    var ids = new Set(), out = [];
    document.querySelectorAll(kind.list + " li[data-paper-id]").forEach(function (item) {
      var id = item.getAttribute("data-paper-id");
      if (real(id)) ids.add(id); else out.push(id);
    });
    return { ids: Array.from(ids).sort(), out: out };
  }

  function localDate() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function fileName(kind, date, part, parts) {
    return kind.file + date + (parts > 1 ? "-" + part : "") + ".txt";
  }

  function header(kind, date, part, parts) {
    return kind.header + date + (parts > 1 ? " (part " + part + " of " + parts + ")" : "") + "\n";
  }

  function editorUrl(repository, branch, name, text) {
    var owner = repository.split("/")[0], repo = repository.split("/")[1];
    return "https://github.com/" + encodeURIComponent(owner) + "/" + encodeURIComponent(repo) + "/new/" +
      branch.split("/").map(encodeURIComponent).join("/") +
      "?filename=" + encodeURIComponent(name) + "&value=" + encodeURIComponent(text);
  }

  /* The ids in as few parts as fit LIMIT, each part's file name and header numbered "part k of n". */
  function split(kind, ids, repository, branch, date) {
    var count = 1;
    for (var attempt = 0; attempt < 10; attempt++) {
      var base = editorUrl(repository, branch, fileName(kind, date, count, count),
        header(kind, date, count, count)).length;
      var chunks = [[]], size = base;
      ids.forEach(function (id) {
        var cost = encodeURIComponent(id + "\n").length;
        if (size + cost > LIMIT && chunks[chunks.length - 1].length) { chunks.push([]); size = base; }
        chunks[chunks.length - 1].push(id);
        size += cost;
      });
      if (chunks.length === count) return chunks;
      count = chunks.length;
    }
    return chunks;
  }

  function links(section) {
    var repository = section.getAttribute("data-repository") || "";
    var branch = section.getAttribute("data-branch") || "main";
    var kind = kindOf(section);
    var ids = starred(kind).ids;
    if (!/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repository) || !ids.length) return [];
    var date = localDate();
    var chunks = split(kind, ids, repository, branch, date);
    return chunks.map(function (chunk, index) {
      var part = index + 1, parts = chunks.length;
      var text = header(kind, date, part, parts) + chunk.map(function (id) { return id + "\n"; }).join("");
      return { url: editorUrl(repository, branch, fileName(kind, date, part, parts), text), ids: chunk.length,
        label: parts > 1 ? "Save part " + part + " of " + parts : kind.label };
    });
  }

  function draw(section) {
    var place = section.querySelector("[data-save-links]");
    var status = section.querySelector("[data-save-status]");
    if (!place || !section.getAttribute("data-repository")) return;
    var made = links(section);
    place.replaceChildren();
    made.forEach(function (link) {
      var a = document.createElement("a");
      a.href = link.url;
      a.target = "_blank";
      a.rel = "noopener";
      a.className = "save-link";
      a.textContent = link.label;
      a.setAttribute("data-ids", String(link.ids));
      place.append(a);
    });
    var found = starred(kindOf(section)), count = found.ids.length, out = found.out;
    if (status) {
      status.textContent = (!count ? kindOf(section).empty :
        made.length > 1 ? count + " ids in " + made.length + " files (one link holds about 450): open and commit each part." :
        count + (count === 1 ? " id" : " ids") + " in one file: commit it in GitHub's editor.") + (out.length ?
        " Left out, not arXiv ids: " + out.slice(0, 3).join(", ") + (out.length > 3 ? " and " + (out.length - 3) + " more" : "") +
        " (remove " + (out.length === 1 ? "it" : "them") + " from the list)." : "");
    }
  }

  function start() {
    document.querySelectorAll("[data-save]").forEach(function (section) {
      draw(section);
      var list = document.querySelector(kindOf(section).list);
      if (list) new MutationObserver(function () { draw(section); }).observe(list, { childList: true });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
