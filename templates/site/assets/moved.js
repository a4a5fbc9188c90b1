/* Where a paper is now: the site's id -> page lookup (ids/, written by scripts/website/moved.py), used
 *  1. on a renamed topic's old pages (templates/site/moved.html.j2, with an a[data-moved-to] link): go to the same
 *     page at the new address at once, keeping the #anchor (the page's meta refresh, for browsers without
 *     script, drops it);
 *  2. on any page opened with a #p-<id> anchor that it does not hold (a busy month's parts shifted, or the 404
 *     page at an address that is gone): go to the page that lists the paper now, in the same topic if it does;
 *  3. by stars.js: window.dailyPapersWhere.pages(ids) gives each paper's pages now, so a star links to where the
 *     paper lives, whatever address it was starred at.
 * No inline script (the site's CSP): <script src="{{ root }}assets/moved.js" defer></script>, before stars.js.
 * The site's root is found from this script's own address, one folder up.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var root = new URL("..", script ? script.src : document.baseURI);
  var files = {};

  /* The lookup file that holds an id, as moved.py's shard(): its YYMM, "old-YYMM" for old-style ids. */
  function shardOf(id) {
    var m = /^(\d{4})\./.exec(id);
    if (m) return m[1];
    m = /\/(\d{4})\d{3}$/.exec(id);
    return m ? "old-" + m[1] : "other";
  }

  /* The id behind a paper's anchor: p-2405.00007, p-hep-th-9901001 (an old-style id's "/" is a "-" there). */
  function idOf(anchor) {
    var m = /^p-(\d{4}\.\d{4,5})$/.exec(anchor);
    if (m) return m[1];
    m = /^p-(.+)-(\d{7})$/.exec(anchor);
    return m ? m[1] + "/" + m[2] : null;
  }

  function anchorOf(id) {
    return "p-" + id.replace("/", "-");
  }

  /* One file of the lookup, read once per page; null when it cannot be read. */
  function json(name) {
    if (!files[name]) {
      files[name] = fetch(new URL("ids/" + name + ".json", root).href).then(function (answer) {
        return answer.ok ? answer.json() : null;
      }).catch(function () { return null; });
    }
    return files[name];
  }

  /* Each id's pages now (paths from the site's top, the first topic's first); [] for a paper the site does not
     list. Ids whose part of the lookup could not be read are left out. Only shards that exist are asked for. */
  function pages(ids) {
    return json("index").then(function (index) {
      if (!index || index.format !== 1) return {};
      var wanted = {};
      ids.forEach(function (id) { (wanted[shardOf(id)] = wanted[shardOf(id)] || []).push(id); });
      return Promise.all(Object.keys(wanted).map(function (key) {
        if (index.shards.indexOf(key) < 0) return wanted[key].map(function (id) { return [id, []]; });
        return json(key).then(function (data) {
          return !data ? [] : wanted[key].map(function (id) {
            var numbers = Object.prototype.hasOwnProperty.call(data.papers, id) ? data.papers[id] : [];
            return [id, numbers.map(function (n) { return data.pages[n]; })];
          });
        });
      })).then(function (lists) {
        var found = {};
        lists.forEach(function (list) { list.forEach(function (pair) { found[pair[0]] = pair[1]; }); });
        return found;
      });
    });
  }

  /* The address's path from the site's top ("topics/tts/2024-05.html"), or null when it is not on this site. */
  function sitePath(url) {
    var address;
    try { address = new URL(url, document.baseURI); } catch (e) { return null; }
    if (address.origin !== root.origin || address.pathname.indexOf(root.pathname) !== 0) return null;
    return address.pathname.slice(root.pathname.length);
  }

  /* Where a paper lives now (an address with its anchor) for one seen at url; null if url's page still lists it,
     or the site lists it nowhere. The same topic's page if it lists the paper, else the first topic's. */
  function current(url, list, id) {
    if (!list || !list.length) return null;
    var path = url ? sitePath(url) : null;
    if (path !== null && list.indexOf(path) >= 0) return null;
    var folder = path ? path.replace(/[^\/]*$/, "") : "";
    var same = list.filter(function (page) { return folder && page.indexOf(folder) === 0; });
    return new URL(same.length ? same[0] : list[0], root).href + "#" + anchorOf(id);
  }

  window.dailyPapersWhere = { pages: pages, current: current, shard: shardOf, idOf: idOf };

  var moved = document.querySelector("a[data-moved-to]");
  if (moved) {
    location.replace(moved.href + location.hash);
    return;
  }
  var anchor;
  try { anchor = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
  var id = idOf(anchor);
  if (!id || document.getElementById(anchor)) return;
  pages([id]).then(function (found) {
    var target = current(location.href, found[id], id);
    if (target && new URL(target).pathname !== location.pathname) location.replace(target);
  });
})();
